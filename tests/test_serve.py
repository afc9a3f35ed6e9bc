"""The real `serve` command: started on a free loopback port, it serves the site and rebuilds on change."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
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
        process = subprocess.Popen([sys.executable, str(REPO / "build.py"), "serve", "--config", str(config),
                                    "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
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
    from mecasite.builder import render_site
    from mecasite.config import load_config
    files = render_site(load_config(write_site(tmp_path, {}))).files
    assert not any(b"livereload" in data for data in files.values())
