"""Shared fixtures: the real site built once into a temporary folder, and small sites from a dict."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from html.parser import HTMLParser  # noqa: E402

from sitekit import REPO  # noqa: E402

from mecasite.build.pipeline import build  # noqa: E402
from mecasite.config.settings import load_config  # noqa: E402


class Doc(HTMLParser):
    """A parsed page: elements as (tag, attrs, text) in document order; enough for structural asserts."""

    VOID = {"meta", "link", "br", "img", "hr", "input"}

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[dict] = []
        self.stack: list[dict] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        element = {
            "tag": tag,
            "attrs": dict(attrs),
            "text": "",
            "parents": [e["tag"] for e in self.stack],
            "langs": [e["attrs"].get("lang") for e in self.stack if e["attrs"].get("lang")],
        }
        self.elements.append(element)
        if tag not in self.VOID:
            self.stack.append(element)

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i]["tag"] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        for element in self.stack:
            element["text"] += data

    def find_all(self, tag: str, **attrs) -> list[dict]:
        return [
            e
            for e in self.elements
            if e["tag"] == tag and all(e["attrs"].get(k.rstrip("_")) == v for k, v in attrs.items())
        ]

    def find(self, tag: str, **attrs) -> dict:
        found = self.find_all(tag, **attrs)
        assert found, f"no <{tag} {attrs}>"
        return found[0]

    def text(self) -> str:
        return " ".join(e["text"] for e in self.elements if e["tag"] == "body")


class Built:
    """A built site on disk, with helpers to read its pages."""

    def __init__(self, out: Path, config):
        self.out, self.config = out, config

    def path(self, url: str) -> Path:
        rel = url.removeprefix(self.config.base_path).removeprefix("/")
        rel = rel.split("#")[0].split("?")[0]
        return self.out / (rel + "index.html" if rel == "" or rel.endswith("/") else rel)

    def doc(self, url: str) -> Doc:
        return Doc(self.path(url).read_text(encoding="utf-8"))

    def html_files(self) -> list[Path]:
        return sorted(self.out.rglob("*.html"))


# The test files that drive a browser, fork builds, or generate hundreds of inputs: `make test` runs them,
# `make test-fast` (units and small sites written from a dict) leaves them out.
FULL_ONLY = {
    "test_visitor.py",
    "test_search_browser.py",
    "test_preview_browser.py",
    "test_differential.py",
    "test_fuzz.py",
    "test_markdown_prose.py",
    "test_incremental.py",
    "test_hardening.py",
    "test_serve.py",
    "test_build_processes.py",
    # Several whole builds each (images encoded, Pagefind run, cards drawn, git repositories made): seconds a
    # file. `make test` runs them; the fast tier keeps the units and the other small sites, under 30 s.
    "test_images.py",
    "test_preview_images.py",
    "test_records.py",
    "test_spare.py",
    "test_rename.py",
    "test_unpublished.py",
    "test_workflow.py",
    "test_stale.py",
    "test_languages.py",
    "test_crawling.py",
    "test_search.py",
    "test_share.py",
}


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.name in FULL_ONLY:
            item.add_marker(pytest.mark.full)


@pytest.fixture(scope="session")
def real_site(tmp_path_factory) -> Built:
    """The real content, built with a base URL that has a path, as on the production host."""
    out = tmp_path_factory.mktemp("real") / "public"
    config = load_config(REPO / "site_config.yaml").with_overrides(
        out=out, base_url="https://example.org/international/"
    )
    build(config)
    return Built(out, config)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium (the Debian package, driven by Playwright) for the whole run."""
    from browser import launch

    with launch() as launched:
        yield launched


# Folders a test run may write in the repository; anything else appearing there is a test (or a build) writing
# where it must not. (.git changes whenever anyone commits, in this checkout or a worktree of it.)
WRITABLE = (
    ".git",
    ".venv",
    ".tools",
    ".pytest_cache",
    ".cache",
    ".preview",
    "screenshots",
    "public",
    "reports",
    "mecasite.egg-info",
    ".hypothesis",
)


def _repo_files() -> set[str]:
    found = set()
    for folder, dirs, files in os.walk(REPO):
        rel = os.path.relpath(folder, REPO)
        top = rel.split(os.sep)[0]
        if top in WRITABLE or "__pycache__" in rel.split(os.sep):
            dirs[:] = []
            continue
        found |= {os.path.join(rel, name) for name in files}
    return found


@pytest.fixture(scope="session", autouse=True)
def nothing_written_in_the_repository():
    """Every test builds into a temporary folder: afterwards the repository holds exactly what it held."""
    before = _repo_files()
    yield
    assert _repo_files() == before, sorted(_repo_files() ^ before)[:10]
