"""The preview server: builds into a preview folder, serves it with live reload, rebuilds on change.

It sits beside the builder and calls it; the builder knows nothing of it. A build error never stops the server:
the message is printed and the last good site stays served.
"""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urlsplit

from .builder import build
from .config import SiteConfig, load_config
from .problems import ContentError

PREVIEW = ".preview"


def preview_config(config: SiteConfig, host: str, port: int) -> SiteConfig:
    """The same site, addressed at the local server, with the base URL's path kept (same URL layout)."""
    path = urlsplit(config.base_url).path
    root = config.root / PREVIEW
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    return config.with_overrides(out=root / path.strip("/") if path.strip("/") else root / "site",
                                 base_url=f"http://{shown}:{port}{path}")


def serve(config: SiteConfig, host: str, port: int) -> int:
    from livereload import Server

    if host not in ("127.0.0.1", "localhost", "::1"):
        print(f"warning: serving on {host}: other machines on the network can see the preview", file=sys.stderr)
    config_path = config.root / config.path

    def rebuild() -> None:
        try:
            fresh = preview_config(load_config(config_path), host, port)
            build(fresh)
            print("rebuilt", flush=True)
        except ContentError as exc:
            print(str(exc), file=sys.stderr, flush=True)

    target = preview_config(config, host, port)
    rebuild()
    root = config.root / PREVIEW
    if target.output_dir.name == "site":
        root = target.output_dir
    server = Server()
    for watched in (config.content_dir, config.templates_dir, config.static_dir, config.i18n_dir, config_path):
        server.watch(str(watched), rebuild, delay=0.2)
    print(f"serving {target.base_url}", flush=True)
    server.serve(host=host, port=port, root=str(root), open_url_delay=None, restart_delay=0)
    return 0
