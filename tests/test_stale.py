"""Nothing stale: what a build skips or reuses (the manifest, compiled templates, converted bodies) is keyed by
everything that changes the output, and `check` writes nothing at all."""

from __future__ import annotations

import os
import shutil
import subprocess
from importlib import metadata
from types import SimpleNamespace

import pytest
from sitekit import text, tree_digest, write_site

from mecasite.build import manifest
from mecasite.build.markdown_cache import BodyCache
from mecasite.build.pipeline import build
from mecasite.cli import main
from mecasite.config import engine
from mecasite.config.settings import load_config
from mecasite.markdown.convert import MarkdownRenderer

FAIR_FR = "content/actions/fair/fr.md"
FAIR_EN = "content/actions/fair/en.md"


@pytest.fixture
def fresh_engine_key():
    """The engine key computed again (it is computed once per process), before and after the test."""
    engine.engine_description.cache_clear()
    engine.engine_key.cache_clear()
    yield
    engine.engine_description.cache_clear()
    engine.engine_key.cache_clear()


def files_of(folder) -> dict[str, tuple[bytes, int]]:
    """Every file below `folder` with its bytes and modification time, folders included (as None)."""
    found = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        found[rel] = (path.read_bytes(), path.stat().st_mtime_ns) if path.is_file() else None
    return found


# -- the engine key ---------------------------------------------------------------------------------------


def test_the_engine_key_names_every_library_that_renders_with_its_installed_version():
    described = engine.engine_description()
    for name in ("jinja2", "markupsafe", "markdown", "nh3", "babel", "pyyaml"):
        assert described["distributions"][name] == metadata.version(name), name
    assert described["python"][:2] == [os.sys.implementation.name, list(os.sys.version_info)]
    assert described["jinja"]["trim_blocks"] == "True"


def test_a_library_upgrade_rebuilds_a_site_that_did_not_change(tmp_path, monkeypatch, fresh_engine_key):
    config = load_config(write_site(tmp_path, {}))
    assert not build(config).up_to_date
    assert build(config).up_to_date
    real = engine._distributions
    monkeypatch.setattr(engine, "_distributions", lambda: {**real(), "nh3": "99.0"})
    engine.engine_description.cache_clear()
    engine.engine_key.cache_clear()
    assert not build(config).up_to_date


def test_templates_compiled_with_other_jinja_options_are_not_reused(tmp_path, monkeypatch, fresh_engine_key):
    """Jinja's bytecode check looks at the template's source only: a change of `trim_blocks` would serve
    templates compiled the old way."""
    site = tmp_path / "site"
    config = load_config(write_site(site, {}))
    build(config)
    assert list((site / ".cache/jinja").iterdir())  # compiled templates on disk, to be reused
    before = tree_digest(site / "public")
    monkeypatch.setitem(engine.JINJA_OPTIONS, "trim_blocks", False)
    engine.engine_description.cache_clear()
    engine.engine_key.cache_clear()
    build(config, force=True)

    clean = tmp_path / "clean"  # the same site, no cache
    build(load_config(write_site(clean, {})))
    assert tree_digest(site / "public") == tree_digest(clean / "public") != before
    names = [p.name for p in (site / ".cache/jinja").iterdir()]
    assert names and all(name.startswith(engine.engine_key()[:16]) for name in names)  # the old ones are gone


def test_the_markdown_cache_is_keyed_by_the_link_kinds(tmp_path):
    """`[x](action:y)` is a link to an item only where `action` is a kind: the same text converted with other
    kinds is another conversion."""
    body = "See [the fair](action:fair) and _this_."
    cache = BodyCache(tmp_path / "cache.sqlite")
    partners_only = MarkdownRenderer(frozenset({"partner"}), cache).convert(body, "en")
    cache.close()
    both = MarkdownRenderer(frozenset({"partner", "action"}), BodyCache(tmp_path / "cache.sqlite")).convert(body, "en")
    assert partners_only.refs == () and both.refs == (("action", "fair"),)
    assert both == MarkdownRenderer(frozenset({"partner", "action"})).convert(body, "en")  # as without a cache


# -- the inputs' time stamps ----------------------------------------------------------------------------------


def test_an_edit_that_keeps_the_size_and_time_stamps_is_not_missed(tmp_path, monkeypatch):
    """Coarse time stamps (a few ms on many file systems, 2 s on FAT) can leave an edit made just after a
    build looked with the same size and times: its contents are compared."""
    config = load_config(write_site(tmp_path, {}))
    build(config)
    edited = tmp_path / FAIR_EN
    before = os.lstat(edited)
    edited.write_text(edited.read_text().replace("A fair.", "A FAIR."))  # the same size
    real_lstat = os.lstat

    def same_stamps(path, *args, **kwargs):  # as a file system with coarse time stamps would report it
        found = real_lstat(path, *args, **kwargs)
        if os.fspath(path) != str(edited):
            return found
        return SimpleNamespace(
            st_mode=found.st_mode,
            st_size=before.st_size,
            st_ino=before.st_ino,
            st_mtime_ns=before.st_mtime_ns,
            st_ctime_ns=before.st_ctime_ns,
        )

    monkeypatch.setattr(manifest.os, "lstat", same_stamps)
    assert (
        manifest.tree_fingerprint([tmp_path / "content"]).stamp
        == manifest.tree_fingerprint([tmp_path / "content"]).stamp
    )  # the stamps alone cannot tell
    assert not build(config).up_to_date
    assert "A FAIR." in (tmp_path / "public/en/actions/fair/index.html").read_text()
    assert build(config).up_to_date
    # Seconds later the times alone decide: the digests of old files are not even read.
    later = manifest.tree_fingerprint([tmp_path / "content"], now_ns=before.st_mtime_ns + 60 * 10**9)
    assert later.racy == ()


# -- git ------------------------------------------------------------------------------------------------------


def git(cwd, *args, date: str = "2020-01-01T12:00:00+00:00") -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
        "GIT_CONFIG_NOSYSTEM": "1",
        "HOME": str(cwd),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }
    env = {k: v for k, v in env.items() if k not in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE")}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout.strip()


needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


@needs_git
def test_the_commit_is_read_through_loose_and_packed_refs_detached_heads_and_worktrees(tmp_path):
    repo = tmp_path / "repo"
    (repo / "site").mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    assert manifest.git_commit(repo / "site") == "unborn refs/heads/main"
    (repo / "site/a.txt").write_text("a")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "first")
    first = git(repo, "rev-parse", "HEAD")
    assert manifest.git_commit(repo / "site") == first  # a loose ref, from a folder below the top
    git(repo, "pack-refs", "--all")
    assert not (repo / ".git/refs/heads/main").exists()
    assert manifest.git_commit(repo) == first  # from packed-refs
    (repo / "site/a.txt").write_text("b")
    git(repo, "commit", "-q", "-am", "second")
    second = git(repo, "rev-parse", "HEAD")
    assert manifest.git_commit(repo) == second != first
    git(repo, "checkout", "-q", "--detach", first)
    assert manifest.git_commit(repo) == first
    git(repo, "worktree", "add", "-q", "-b", "other", str(tmp_path / "wt"), second)
    assert (tmp_path / "wt/.git").is_file()  # `gitdir: ...`
    assert manifest.git_commit(tmp_path / "wt") == second
    assert manifest.git_commit(tmp_path) == ""  # not in a repository


@needs_git
def test_a_commit_alone_rebuilds_with_the_date_it_gives(tmp_path):
    """The notice "the original was updated on <date>" comes from git; a commit changes no file of the
    site, packed refs included."""
    write_site(tmp_path, {})
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "site", date="2020-01-01T12:00:00+00:00")
    git(tmp_path, "pack-refs", "--all")
    source = tmp_path / FAIR_FR
    source.write_text(source.read_text().replace("Un salon.", "Un salon, deux conférences."))
    config = load_config(tmp_path / "site_config.yaml")
    build(config)
    page = tmp_path / "public/en/actions/fair/index.html"
    assert "was updated on January 1, 2020" in page.read_text()
    git(tmp_path, "commit", "-q", "-am", "source edited", date="2021-02-03T12:00:00+00:00")
    git(tmp_path, "pack-refs", "--all")
    assert not build(config).up_to_date
    assert "was updated on February 3, 2021" in page.read_text()


# -- check ----------------------------------------------------------------------------------------------------

RICH = {  # bodies Python-Markdown converts (the ones the Markdown cache holds)
    "content/pages/home/en.md": text("Site home", body="See [Acme](partner:acme). _Rich_ text.\n\n| a |\n|---|\n| 1 |"),
    FAIR_EN: text("The fair", "fair", body="## Results\n\nA _fair_."),
}


@pytest.mark.parametrize("built_before", [False, True])
def test_check_leaves_the_project_folder_byte_identical(tmp_path, capsys, built_before):
    config_path = write_site(tmp_path, RICH)
    if built_before:  # caches and a manifest on disk, and then an edit the caches do not hold yet
        assert main(["build", "--config", str(config_path)]) == 0
        edited = tmp_path / FAIR_EN
        edited.write_text(edited.read_text().replace("A _fair_.", "A _big_ fair."))
    before = files_of(tmp_path)
    assert main(["check", "--config", str(config_path)]) == 0, capsys.readouterr()
    assert files_of(tmp_path) == before
    assert (tmp_path / ".cache").exists() == built_before
