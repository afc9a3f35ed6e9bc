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
