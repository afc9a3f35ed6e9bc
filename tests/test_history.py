"""When sources last changed: one `git log` gives every file the date `git log -1 -- <file>` would."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

import pytest

from mecasite.build.history import last_changed

ROOT = Path(__file__).resolve().parents[1]


def git(repo: Path, *args: str, date: str = "2020-01-01T12:00:00") -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Editor",
        "GIT_AUTHOR_EMAIL": "editor@example.org",
        "GIT_COMMITTER_NAME": "Editor",
        "GIT_COMMITTER_EMAIL": "editor@example.org",
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
    }
    return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True).stdout


def one_by_one(repo: Path, path: str) -> dt.date | None:
    out = git(repo, "log", "-1", "--format=%cs", "--", path).strip()
    return dt.date.fromisoformat(out) if out else None


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """Three commits on different days; the project is a sub-folder of the repository."""
    project = tmp_path / "repo" / "site"
    (project / "content/a").mkdir(parents=True)
    git(tmp_path / "repo", "init", "-q")
    (project / "content/a/fr.md").write_text("un\n")
    (project / "content/a/en.md").write_text("one\n")
    (project / "content/été à Liège.md").write_text("x\n")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "first", date="2021-03-04T10:00:00")
    (project / "content/a/fr.md").write_text("deux\n")
    git(project, "commit", "-qam", "second", date="2022-05-06T10:00:00")
    git(project, "mv", "content/a/en.md", "content/a/en-gb.md")
    git(project, "commit", "-qm", "renamed", date="2023-07-08T10:00:00")
    (project / "content/new.md").write_text("not committed\n")
    return project


def test_each_file_gets_the_date_of_the_last_commit_that_changed_it(repo):
    paths = ["content/a/fr.md", "content/a/en-gb.md", "content/été à Liège.md", "content/new.md", "content/gone.md"]
    dates = last_changed(repo, paths)
    assert dates == {
        "content/a/fr.md": dt.date(2022, 5, 6),
        "content/a/en-gb.md": dt.date(2023, 7, 8),  # a renamed file: the commit that gave it its name
        "content/été à Liège.md": dt.date(2021, 3, 4),  # git would quote this name without core.quotePath=off
        "content/new.md": None,  # never committed
        "content/gone.md": None,
    }
    assert dates == {path: one_by_one(repo, path) for path in paths}


def test_outside_a_git_checkout_no_file_has_a_date(tmp_path):
    (tmp_path / "fr.md").write_text("x")
    assert last_changed(tmp_path, ["fr.md"]) == {"fr.md": None}
    assert last_changed(tmp_path, []) == {}


def test_the_project_s_own_sources_agree_with_git_log_one_by_one():
    """A differential check on a real history, with its merges and renames (read-only: git log writes nothing)."""
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    paths = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "content").rglob("*.md"))[:40]
    assert last_changed(ROOT, paths) == {path: one_by_one(ROOT, path) for path in paths}


def test_a_log_started_early_gives_the_dates_a_call_would_and_is_read_only_by_a_call_it_covers(repo):
    """The build starts the walk as soon as its first walk has listed the texts (`start_for_texts`), for every
    text: the call for some of them reads it, with the dates a call of its own gives; a call for a file it
    was not started for runs its own, and the started one is stopped."""
    from mecasite.build import history

    everything = ["content/a/fr.md", "content/a/en-gb.md", "content/été à Liège.md", "content/new.md"]
    some = ["content/a/fr.md", "content/new.md"]
    history.start(repo, everything)
    started = history._STARTED[str(repo)][1]
    assert last_changed(repo, some) == {"content/a/fr.md": dt.date(2022, 5, 6), "content/new.md": None}
    assert started.returncode is not None and not history._STARTED  # read, then ended
    history.start(repo, some)
    started = history._STARTED[str(repo)][1]
    assert last_changed(repo, ["content/a/en-gb.md"]) == {"content/a/en-gb.md": dt.date(2023, 7, 8)}
    assert started.returncode is not None  # not for that file: stopped, and a walk of its own answered
    history.start(repo, some)
    started = history._STARTED[str(repo)][1]
    history.forget()  # the build stopped before asking
    assert started.returncode is not None and not history._STARTED


def test_a_build_starts_git_before_it_reads_the_content_and_dates_its_pages_as_before(tmp_path, monkeypatch):
    from sitekit import tree_digest, write_site

    from mecasite import cli
    from mecasite.build import history, pipeline
    from mecasite.config.settings import load_config

    config_path = write_site(tmp_path / "site", {})
    git(tmp_path / "site", "init", "-q")
    git(tmp_path / "site", "add", "-A")
    git(tmp_path / "site", "commit", "-qm", "the site", date="2021-03-04T10:00:00")
    pipeline.build(load_config(config_path).with_overrides(out=tmp_path / "before"), force=True)  # git when needed
    (tmp_path / "site/.cache" / history.CACHE).unlink()  # the dates it kept: without them, git runs again
    events: list[str] = []
    real_popen, real_read = history.subprocess.Popen, pipeline.read_folders

    def popen(args, **kwargs):
        events.append(args[0])
        return real_popen(args, **kwargs)

    monkeypatch.setattr(history.subprocess, "Popen", popen)
    monkeypatch.setattr(pipeline, "read_folders", lambda *a, **k: events.append("read") or real_read(*a, **k))
    assert cli.main(["build", "--config", str(config_path), "--out", str(tmp_path / "early"), "--force"]) == 0
    assert events[:2] == ["git", "read"] and events.count("git") == 1
    assert tree_digest(tmp_path / "early") == tree_digest(tmp_path / "before")
    assert "2021-03-04" in (tmp_path / "early/fr/actions/atom.xml").read_text()  # its `updated`, from git


def test_the_log_started_early_asks_for_every_text_by_its_path_in_the_project(tmp_path, monkeypatch):
    """`start_for_texts` names each text as messages and `git log` do (`config.rel`), from the first walk's
    listing: texts only, regular files only, wherever the content folder is."""
    import dataclasses
    import stat
    from types import SimpleNamespace

    from sitekit import write_site

    from mecasite.build import history
    from mecasite.config.settings import load_config

    config = load_config(write_site(tmp_path / "site", {}))
    file, link = SimpleNamespace(st_mode=stat.S_IFREG), SimpleNamespace(st_mode=stat.S_IFLNK)
    for content in (config.content_dir, tmp_path / "elsewhere" / "content"):
        folder = os.path.join(content, "actions", "fair")
        listing = {
            folder: [("fr.md", file), ("item.yaml", file), ("en.md", link), ("nl.md", file)],
            os.fspath(config.root / "static"): [("x.md", file)],
        }
        asked: list[str] = []
        monkeypatch.setattr(history, "start", lambda root, paths, asked=asked: asked.extend(paths))
        history.start_for_texts(dataclasses.replace(config, content_dir=content), listing)
        assert asked == [config.rel(Path(folder, "fr.md")), config.rel(Path(folder, "nl.md"))]
        assert asked[0] == ("content/actions/fair/fr.md" if content == config.content_dir else f"{folder}/fr.md")


def test_the_dates_are_kept_for_the_commit_checked_out_and_asked_again_after_the_next(tmp_path, monkeypatch):
    """While the same commit is checked out, the history below it is the same: a build after an edit reads
    the dates the last one found (.cache/history.json) and runs no git; after a commit, git answers again, and
    the feeds, whose dates moved though no text did, are those of a build from scratch."""
    from sitekit import tree_digest, write_site

    from mecasite import cli
    from mecasite.build import history

    config_path = write_site(tmp_path / "site", {})
    site = tmp_path / "site"
    git(site, "init", "-q")
    git(site, "add", "-A")
    git(site, "commit", "-qm", "the site", date="2021-03-04T10:00:00")
    assert cli.main(["build", "--config", str(config_path)]) == 0
    feed = site / "public/fr/actions/atom.xml"
    assert "<updated>2021-03-04" in feed.read_text()
    runs: list[list[str]] = []
    real_popen = history.subprocess.Popen
    monkeypatch.setattr(history.subprocess, "Popen", lambda args, **kw: runs.append(args) or real_popen(args, **kw))
    logs = lambda: [run for run in runs if run[0] == "git" and "log" in run]  # noqa: E731  # not Pagefind, not ours
    source = site / "content/actions/fair/fr.md"
    source.write_text(source.read_text() + "\nUne phrase de plus.\n")
    assert cli.main(["build", "--config", str(config_path)]) == 0  # an edit, not committed
    assert logs() == [] and "<updated>2021-03-04" in feed.read_text()
    git(site, "commit", "-qam", "the edit", date="2022-05-06T10:00:00")
    assert cli.main(["build", "--config", str(config_path)]) == 0
    assert len(logs()) == 1 and "<updated>2022-05-06" in feed.read_text()  # the feeds again: their dates moved
    assert cli.main(["build", "--config", str(config_path), "--out", str(tmp_path / "clean"), "--force"]) == 0
    assert tree_digest(site / "public") == tree_digest(tmp_path / "clean")
