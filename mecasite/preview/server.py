"""The preview server: builds into a preview folder, serves it with live reload, rebuilds on change.

It sits beside the builder and calls it; the builder knows nothing of it. Pieces:

- a watcher that polls the sources' file signatures (so atomic saves, deletions, re-creations and renamed
  folders all count) and rebuilds once they have settled; a change made during a build triggers another one;
- the builder's atomic swap, so a request never sees a half-written site, and a failed build keeps the last
  good one served, with the errors shown over it (the overlay) until a save fixes them;
- the `livereload` package's browser protocol (its livereload.js and websocket), but reloads are sent by us
  after every build, never dropped or throttled;
- the search index, made again in a background thread after each update (Pagefind takes a few tenths of a
  second on the real site; the bar says so), so that the page shows an edit at once;
- request checks: only files below the preview root, no dotfiles, and only this server's own Host names
  (a page on another site cannot reach the preview through DNS rebinding).
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias
from urllib.parse import unquote, urlsplit

from mecasite.build.output_folder import RefusedOutput, check_output
from mecasite.config.settings import SiteConfig, load_config
from mecasite.preview.overlay import PreviewInfo, inject
from mecasite.preview.session import Session
from mecasite.problems import ContentError, Problem
from mecasite.site.resolve import Site
from mecasite.sources.files import is_editor_junk

if TYPE_CHECKING:
    from tornado import web

PREVIEW = ".preview"
LOOPBACK = ("127.0.0.1", "localhost", "::1")
RELOAD_SCRIPT = '<script src="/livereload.js?port={port}" async></script>'
POLL_SECONDS = 0.1
SETTLE_SECONDS = 0.15

Signature: TypeAlias = dict[str, tuple[int, int, int]]  # path -> (size, modification time in ns, inode)


def preview_config(config: SiteConfig, host: str, port: int) -> SiteConfig:
    """The same site, addressed at the local server, with the base URL's path kept (same URL layout)."""
    path = urlsplit(config.base_url).path
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    local = config.with_overrides(out=config.root / PREVIEW / "site", base_url=f"http://{shown}:{port}{path}")
    return replace(local, output_from=f"the preview folder {PREVIEW}/site", preview=True)


# -- watching ---------------------------------------------------------------------------------------------


def signature(paths: list[Path]) -> Signature:
    """A snapshot of every watched file: path -> (size, modification time in ns, inode). Folders count too,
    so an added, removed or renamed folder is a change."""
    entries: Signature = {}
    for root in paths:
        if root.is_file():
            st = root.stat()
            entries[str(root)] = (st.st_size, st.st_mtime_ns, st.st_ino)
            continue
        for folder, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if not is_editor_junk(d)]
            entries[folder] = (-1, 0, 0)
            for name in files:
                if is_editor_junk(name):
                    continue
                path = os.path.join(folder, name)
                try:
                    st = os.stat(path)
                except OSError:  # removed while we looked: the next poll sees it
                    continue
                entries[path] = (st.st_size, st.st_mtime_ns, st.st_ino)
    return entries


def changed_paths(before: Mapping[str, tuple[int, int, int]], after: Mapping[str, tuple[int, int, int]]) -> set[Path]:
    return {Path(p) for p in before.keys() | after.keys() if before.get(p) != after.get(p)}


@dataclass
class Rebuilder:
    """Rebuilds when the sources' signature changes and has settled; reports each outcome.

    Changes accumulate until a build succeeds: a file broken then left alone is rebuilt with the next save
    of any other file, so the overlay never disappears while an error remains.
    """

    config_path: Path
    host: str
    port: int
    on_built: Callable[[PreviewInfo], None]
    seen: Signature = field(default_factory=dict)
    changed_at: float | None = None
    pending: set[Path] = field(default_factory=set)
    session: Session | None = None
    last_site: Site | None = None
    background: threading.Thread | None = None  # after the last update: its images finished, then the search index
    on_refreshed: Callable[[], None] = lambda: None  # the images were finished: the open pages should reload

    def watched(self) -> list[Path]:
        root = self.config_path.parent
        try:
            config = load_config(self.config_path)
            folders = [config.content_dir, config.templates_dir, config.static_dir, config.i18n_dir]
        except ContentError:
            folders = [root / name for name in ("content", "templates", "static", "i18n")]
        return [self.config_path] + [f for f in folders if f.exists()]

    def poll(self) -> None:
        """Called often: notice changes, wait until saves stop for a moment, then rebuild."""
        current = signature(self.watched())
        if current != self.seen:
            self.pending |= changed_paths(self.seen, current)
            self.seen, self.changed_at = current, time.monotonic()
        elif self.changed_at is not None and time.monotonic() - self.changed_at >= SETTLE_SECONDS:
            self.changed_at = None
            self.rebuild()

    def rebuild(self) -> PreviewInfo:
        """A full build the first time and after config changes; else only what the changes affect."""
        started = time.monotonic()
        try:
            if self.session is None or any(p == self.config_path for p in self.pending):
                if self.background is not None:  # the old session's work in the background must not
                    self.background.join()  # write into the folder the new session's build replaces
                config = preview_config(load_config(self.config_path), self.host, self.port)
                self.session = Session(config, quick_images=True)
                outcome = self.session.build()
            else:
                outcome = self.session.update(self.pending)
                self.background = threading.Thread(
                    target=self.finish, args=(self.session,), name="images-and-index", daemon=True
                )
                self.background.start()
            self.pending = set()
            self.last_site = outcome.site
            info = PreviewInfo(outcome.site)
            how = "rebuilt" if outcome.full else f"updated {outcome.rendered} pages ({outcome.written} files)"
            print(f"{how} in {time.monotonic() - started:.2f} s", flush=True)
        except ContentError as exc:
            info = PreviewInfo(self.last_site, tuple(exc.problems))
            print(str(exc), file=sys.stderr, flush=True)
        except RefusedOutput as exc:  # a file dropped into the preview folder: it is never deleted
            self.session = None
            info = PreviewInfo(self.last_site, (Problem(PREVIEW, message=str(exc)),))
            print(str(exc), file=sys.stderr, flush=True)
        except Exception as exc:  # a bug must not take the preview down: show it like a content error
            self.session = None  # start afresh with the next change
            info = PreviewInfo(self.last_site, (Problem("build", message=f"internal error: {exc!r}"),))
            print(f"internal error: {exc!r}", file=sys.stderr, flush=True)
        self.on_built(info)
        return info

    def finish(self, session: Session) -> None:
        """In the background, after an update: the images it showed as drafts made in full (the pages reload
        once more), then the search index made again (`search: false`: there is none to keep)."""
        started = time.monotonic()
        try:
            finished = session.finish_images()
        except ContentError:
            finished = None  # the files changed meanwhile: the next rebuild reports it
        if finished is not None:
            print(f"images made in full in {time.monotonic() - started:.2f} s", flush=True)
            self.on_refreshed()
        if session.config.search:
            session.refresh_index()


# -- serving ----------------------------------------------------------------------------------------------


def resolve_request(root: Path, path: str) -> Path | None:
    """The file a URL path names below `root`, or None for anything outside it or hidden."""
    decoded = unquote(path)
    if "\x00" in decoded or "\\" in decoded:
        return None
    parts = [p for p in decoded.split("/") if p]
    if any(p in (".", "..") or p.startswith(".") for p in parts):
        return None
    target = root.joinpath(*parts) if parts else root
    real_root = os.path.realpath(root)
    real = os.path.realpath(target)
    if real != real_root and not real.startswith(real_root + os.sep):
        return None
    if os.path.isdir(real):
        real = os.path.join(real, "index.html")
    return Path(real) if os.path.isfile(real) else None


def allowed_hosts(host: str, port: int) -> set[str] | None:
    """Host header values this server answers to; None (any) only when the editor chose a public address."""
    if host in ("0.0.0.0", "::"):
        return None
    names = {host, *LOOPBACK}
    return {f"{name}:{port}" for name in names} | {f"[{name}]:{port}" for name in names if ":" in name}


def make_app(
    root: Path, base_path: str, port: int, hosts: set[str] | None, state: Mapping[str, PreviewInfo]
) -> web.Application:
    from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
    from tornado import web

    def host_ok(handler: web.RequestHandler) -> bool:
        return hosts is None or handler.request.host in hosts

    class ReloadSocket(LiveReloadHandler):  # type: ignore[misc]  # livereload has no type hints
        def check_origin(self, origin: str) -> bool:
            return hosts is None or urlsplit(origin).netloc in hosts

        def open(self, *args: str, **kwargs: str) -> None:
            if not host_ok(self):
                self.close()

    class Script(LiveReloadJSHandler):  # type: ignore[misc]  # livereload has no type hints
        def get(self) -> None:
            if not host_ok(self):
                raise web.HTTPError(403)
            super().get()

    class Page(web.RequestHandler):
        def get(self, path: str) -> None:
            if not host_ok(self):
                raise web.HTTPError(403, reason="unknown Host")
            url = urlsplit(self.request.uri).path
            decoded = unquote(url)
            if decoded + "/" == base_path or (decoded == "/" and base_path != "/"):
                self.redirect(base_path)
                return
            rel = decoded[len(base_path) :] if decoded.startswith(base_path) else None
            target = resolve_request(root, rel) if rel is not None else None
            if (
                target
                and rel is not None
                and target.name == "index.html"
                and not url.endswith("/")
                and not rel.endswith("index.html")
            ):
                self.redirect(url + "/")
                return
            status = 200
            if target is None:
                status, target = 404, self._not_found(rel or "")
            self.set_status(status)
            self.set_header("Cache-Control", "no-store")
            data = target.read_bytes() if target else b"not found"
            if target and target.suffix == ".html":
                data = inject(data, url, state["info"], RELOAD_SCRIPT.format(port=port))
                self.set_header("Content-Type", "text/html; charset=utf-8")
            elif target:
                self.set_header("Content-Type", _content_type(target))
            self.finish(data)

        def head(self, path: str) -> None:
            self.get(path)

        def _not_found(self, rel: str) -> Path | None:
            """The 404 page of the language the address is in, else the site's root one."""
            lang = rel.split("/")[0]
            return (resolve_request(root, f"{lang}/404.html") if lang else None) or resolve_request(root, "404.html")

    return web.Application([(r"/livereload", ReloadSocket), (r"/livereload\.js", Script), (r"/(.*)", Page)])


def _content_type(path: Path) -> str:
    import mimetypes

    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return kind + ("; charset=utf-8" if kind.startswith("text/") or kind.endswith(("xml", "javascript")) else "")


def reload_browsers() -> None:
    """Tell every open page to reload: after every build, none skipped (livereload's own throttle is bypassed)."""
    from livereload.handlers import LiveReloadHandler

    message = {"command": "reload", "path": "/", "liveCSS": False, "liveImg": False}
    for waiter in list(LiveReloadHandler.waiters):
        try:
            waiter.write_message(message)
        except Exception:  # a tab that went away
            LiveReloadHandler.waiters.discard(waiter)


def serve(config: SiteConfig, host: str, port: int) -> int:
    from tornado import ioloop

    if host not in LOOPBACK:
        print(f"warning: serving on {host}: other machines on the network can see the preview", file=sys.stderr)
    target = preview_config(config, host, port)
    check_output(target)  # before anything is written; the command line says why (exit code 2)
    state: dict[str, PreviewInfo] = {"info": PreviewInfo()}  # the last build's, for every request

    def built(info: PreviewInfo) -> None:
        state["info"] = info
        reload_browsers()

    loop = ioloop.IOLoop.current()
    rebuilder = Rebuilder(config.root / config.path, host, port, built)
    rebuilder.on_refreshed = lambda: loop.add_callback(reload_browsers)  # from the background thread
    rebuilder.seen = signature(rebuilder.watched())
    rebuilder.rebuild()
    app = make_app(target.output_dir, config.base_path, port, allowed_hosts(host, port), state)
    app.listen(port, address=host)
    print(f"serving {target.base_url}  (Ctrl-C to stop)", flush=True)
    ioloop.PeriodicCallback(rebuilder.poll, POLL_SECONDS * 1000).start()
    try:
        loop.start()
    except KeyboardInterrupt:
        print("stopped", flush=True)
    return 0
