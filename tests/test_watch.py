"""The kernel's watch on a large site's output during its build (build/watch.py): it may spare the check before
the swap its walk, never let through a file that walk would refuse.

A site is "large" here by lowering the threshold (uptodate.FORK_FROM), so that a small one takes the large
site's path: the output walked by forked processes, the second time with a watch on each folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sitekit import tree_digest, write_site

from mecasite.build import pipeline, uptodate, writer
from mecasite.build.output_folder import files_below
from mecasite.build.watch import Watch
from mecasite.cli import main
from mecasite.config.settings import load_config

FAIR = "content/actions/fair/en.md"


@pytest.fixture
def large(tmp_path, monkeypatch) -> Path:
    """A built site taken for a large one, its first English action edited since; the test runs inside it."""
    monkeypatch.setattr(uptodate, "FORK_FROM", 0)
    project = tmp_path / "proj"
    write_site(project, {})
    monkeypatch.chdir(project)
    assert main(["build"]) == 0
    (project / FAIR).write_text((project / FAIR).read_text() + "\nOne more sentence.\n")
    return project


def walks_before_the_swap(monkeypatch) -> list[Path]:
    """The folders the writer's check before the swap walked (replace_refusal), as the build runs."""
    walked: list[Path] = []
    real = writer.replace_refusal

    def counted(out, ledger, files=None):
        walked.append(out)
        return real(out, ledger, files)

    monkeypatch.setattr(writer, "replace_refusal", counted)
    return walked


def during_the_build(monkeypatch, act) -> None:
    """Run `act` after every page is rendered, before the check that precedes the swap."""
    real = pipeline._check_anchors

    def then(*args):
        act()
        return real(*args)

    monkeypatch.setattr(pipeline, "_check_anchors", then)


def test_a_quiet_watch_spares_the_walk_before_the_swap_and_the_site_is_a_clean_builds(large, monkeypatch, tmp_path):
    walked = walks_before_the_swap(monkeypatch)
    assert main(["build"]) == 0
    assert walked == []
    assert "One more sentence." in (large / "public/en/actions/fair/index.html").read_text()
    clean = tmp_path / "clean"
    assert main(["build", "--out", str(clean)]) == 0
    assert tree_digest(large / "public") == tree_digest(clean)


@pytest.mark.parametrize(
    "where, act",
    [
        ("late.txt", lambda out: (out / "late.txt").write_text("dropped in meanwhile")),
        ("en/actions/fair/notes.txt", lambda out: (out / "en/actions/fair/notes.txt").write_text("mine")),
        ("fr/index.html", lambda out: os.utime(out / "fr/index.html", ns=(1, 1))),
        ("en/index.html", lambda out: (out / "en/index.html").write_bytes(b"edited by hand")),
    ],
)
def test_a_file_dropped_in_or_changed_during_the_build_still_stops_the_swap(large, monkeypatch, capsys, where, act):
    """The watch heard it: the writer walks after all, refuses, and leaves the output and the file as they are."""
    out = large / "public"
    walked = walks_before_the_swap(monkeypatch)
    during_the_build(monkeypatch, lambda: act(out))
    capsys.readouterr()
    assert main(["build"]) == 2
    assert walked == [out.resolve()]
    assert where in capsys.readouterr().err
    assert "One more sentence." not in (out / "en/actions/fair/index.html").read_text()
    assert (out / where).exists()


def watched(out: Path, stamps: object = None) -> Watch:
    watch = Watch(stamps)
    files_below(out, watch)
    return watch


def test_a_watch_hears_any_change_but_not_what_a_build_does_to_the_live_files(tmp_path):
    out = tmp_path / "out"
    (out / "a/b").mkdir(parents=True)
    page = out / "a/b/page.html"
    page.write_text("page")
    watch = watched(out)
    os.link(page, tmp_path / "linked.html")  # a build links the live files it keeps, and reads them
    page.read_bytes()
    assert watch.quiet(None)
    assert not watch.quiet(None)  # asked once: the watches are dropped then
    for change in (
        lambda: page.write_text("changed"),
        lambda: os.utime(page, ns=(1, 1)),
        lambda: (out / "a/b/new.html").write_text("new"),
        lambda: (out / "a/c").mkdir(),
        lambda: page.rename(out / "a/moved.html"),
        lambda: (tmp_path / "linked.html").rename(out / "a/b/back.html"),
    ):
        watch = watched(out)
        change()
        assert not watch.quiet(None)


def test_a_watch_that_saw_no_folder_or_another_ledger_is_not_trusted(tmp_path):
    assert not Watch(("ledger", 1)).quiet(("ledger", 1))  # no folder watched: perhaps none existed yet
    assert not watched(tmp_path, ("ledger", 1)).quiet(("ledger", 2))  # another build wrote the ledger meanwhile


def test_a_walker_that_found_other_files_than_the_first_walk_leaves_the_check_to_the_writer(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "page.html").write_text("page")
    watch = Watch(None)
    first = files_below(out)
    (out / "new.html").write_text("between the two walks")
    watch.hear(lambda: uptodate._watched(out, watch, first))
    assert not watch.quiet(None)


def test_without_inotify_the_writer_walks(tmp_path, monkeypatch):
    """macOS and Windows have no inotify: the watch knows nothing, the check walks as it always did."""
    import ctypes

    def no_library(*args, **kwargs):
        raise OSError("no such library")

    monkeypatch.setattr(ctypes, "CDLL", no_library)
    assert not watched(tmp_path).quiet(None)


def test_a_build_with_nothing_to_do_makes_no_watch(large):
    assert main(["build"]) == 0
    checked = uptodate.check_build(load_config(Path("site_config.yaml")))
    assert checked.up_to_date and checked.watch is None
