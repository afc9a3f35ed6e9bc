"""The real `serve` command: started on a free loopback port, it serves the site and rebuilds on change."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest
from sitekit import REPO, write_site


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode()


def wait_for(predicate, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError("timed out")


@pytest.fixture
def server(tmp_path):
    config = write_site(tmp_path, {})
    port = free_port()
    with open(tmp_path / "serve.log", "w") as log:
        process = subprocess.Popen(
            [sys.executable, str(REPO / "build.py"), "serve", "--config", str(config), "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            yield tmp_path, f"http://127.0.0.1:{port}/international/"
        finally:
            process.terminate()
            process.wait(timeout=10)


def test_serve_rebuilds_after_an_edit_and_survives_errors(server):
    root, base = server
    wait_for(lambda: "Site home" in fetch(base + "en/"))
    page = fetch(base + "en/")
    assert "livereload" in page  # the reload script is injected by the preview only
    source = root / "content/pages/home/en.md"
    source.write_text(source.read_text().replace("Site home", "Edited home"))
    wait_for(lambda: "Edited home" in fetch(base + "en/"))
    source.write_text("---\ntitle: [broken\n---\n")
    time.sleep(1.0)
    assert "Edited home" in fetch(base + "en/")  # the last good site stays served
    source.write_text('---\ntitle: "Fixed home"\nsummary: "x"\n---\nBody\n')
    wait_for(lambda: "Fixed home" in fetch(base + "en/"))


def test_published_output_has_no_reload_script(tmp_path):
    from mecasite.build.pipeline import render_site
    from mecasite.config.settings import load_config

    files = render_site(load_config(write_site(tmp_path, {}))).files
    assert not any(b"livereload" in data for data in files.values())


def status(url: str, host: str | None = None) -> int:
    import http.client

    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    path = url[len(f"{parts.scheme}://{parts.netloc}") :]
    conn.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
    conn.putheader("Host", host or parts.netloc)
    conn.endheaders()
    response = conn.getresponse()
    body = response.read().decode(errors="replace")
    conn.close()
    return response.status, body


def test_serve_refuses_paths_outside_the_site_hidden_files_and_foreign_hosts(server):
    root, base = server
    wait_for(lambda: "Site home" in fetch(base + "en/"))
    origin = base.split("/international/")[0]
    (root / ".preview/site/fr/.env").write_text("SECRET=1")
    (root / ".preview/site/fr/escape").symlink_to(root / "content")
    for path in (
        "/international/../site_config.yaml",
        "/international/%2e%2e/site_config.yaml",
        "/international/..%5csite_config.yaml",
        "//etc/passwd",
        "/international/.nojekyll",
        "/international/fr/.env",
        "/international/fr/escape/pages/home/fr.md",
    ):
        code, body = status(origin + path)
        assert code == 404 and "SECRET" not in body and "title:" not in body, path
    assert status(base + "en/", host="attacker.example")[0] == 403  # DNS rebinding
    assert status(base + "en/", host=f"localhost:{base.split(':')[2].split('/')[0]}")[0] == 200
    code, body = status(base + "de/nirgendwo/")
    assert code == 404 and 'lang="de"' in body  # the 404 page of the address's language
    assert status(base + "en/actions/fair")[0] == 302  # folder without its slash


def test_published_output_has_no_preview_bar(tmp_path):
    from mecasite.build.pipeline import render_site
    from mecasite.config.settings import load_config

    files = render_site(load_config(write_site(tmp_path, {}))).files
    assert not any(b"preview-bar" in data or b"preview-overlay" in data for data in files.values())


def test_serve_survives_deleted_recreated_files_and_renamed_folders(server):
    root, base = server
    wait_for(lambda: "Site home" in fetch(base + "en/"))
    source = root / "content/actions/fair/en.md"
    kept = source.read_text()
    source.unlink()
    wait_for(lambda: "Le salon" in fetch(base + "en/actions/salon/"))  # falls back to the French text
    source.write_text(kept.replace("The fair", "The fair again"))
    wait_for(lambda: "The fair again" in fetch(base + "en/actions/fair/"))
    (root / "content/actions/fair").rename(root / "content/actions/trade-fair")
    wait_for(lambda: "content/actions/trade-fair/en.md" in fetch(base + "en/actions/fair/"))  # the preview bar


def test_reload_socket_refuses_foreign_origins(server):
    import http.client

    root, base = server
    wait_for(lambda: "Site home" in fetch(base + "en/"))
    parts = urllib.parse.urlsplit(base)

    def handshake(origin: str) -> int:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
        conn.request(
            "GET",
            "/livereload",
            headers={
                "Upgrade": "websocket",
                "Connection": "Upgrade",
                "Sec-WebSocket-Version": "13",
                "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
                "Origin": origin,
            },
        )
        status = conn.getresponse().status
        conn.close()
        return status

    assert handshake("http://evil.example") == 403
    assert handshake(f"http://{parts.netloc}") == 101


def test_serving_on_all_interfaces_warns(tmp_path):
    config = write_site(tmp_path, {})
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            str(REPO / "build.py"),
            "serve",
            "--config",
            str(config),
            "--port",
            str(port),
            "--host",
            "0.0.0.0",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        line = process.stdout.readline()
        assert "warning: serving on 0.0.0.0: other machines on the network can see the preview" in line
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()
