"""The translations dashboard, made for the translator (issue 14, §4): each cell links to its file and its
preview page, says what `check` says, and an outdated translation shows what changed in its original since it
was translated, found in git history from the fingerprint the translation records."""

from __future__ import annotations

import subprocess

from conftest import Doc
from sitekit import text, write_site

import mecasite.commands.history as history
from mecasite.cli import main

FAIR_FR = "content/actions/fair/fr.md"


def git(root, *args):
    subprocess.run(
        ["git", "-c", "user.name=Editor", "-c", "user.email=editor@example.org", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


def report(tmp_path, monkeypatch) -> tuple[Doc, str, list[list[str]]]:
    calls: list[list[str]] = []
    real = history.subprocess.run

    def counted(args, **kwargs):
        calls.append(args)
        return real(args, **kwargs)

    monkeypatch.setattr(history.subprocess, "run", counted)
    assert main(["translations", "--config", str(tmp_path / "site_config.yaml")]) == 0
    page = (tmp_path / "reports/translations.html").read_text()
    return Doc(page), page, calls


def test_an_outdated_translation_shows_what_changed_in_its_original(tmp_path, monkeypatch):
    write_site(tmp_path, {FAIR_FR: text("Le salon", "salon", body="## Résultats\n\nUn salon à Paris.")})
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "the fair, translated")
    source = tmp_path / FAIR_FR
    source.write_text(source.read_text().replace("Un salon à Paris.", "Un grand salon à Lyon."))
    git(tmp_path, "commit", "-q", "-am", "the original changes")
    source.write_text(source.read_text().replace('title: "Le salon"', 'title: "Le grand salon"'))  # not committed

    doc, page, calls = report(tmp_path, monkeypatch)
    assert [c[3] for c in calls] == ["log", "cat-file"]  # two git calls for the whole report
    section = doc.find("section", id="changed-actions-fair-en")
    assert "translated from content/actions/fair/fr.md as of commit" in section["text"]
    diff = doc.find("div", class_="diff")["text"].strip()
    assert diff == "title: Le grand salon\nsummary: Résumé.\n\n## Résultats\n\nUn grand salon à Paris.Lyon."
    assert [e["text"] for e in doc.elements if e["tag"] == "del"] == ["Paris."]
    assert [e["text"] for e in doc.elements if e["tag"] == "ins"] == [" grand", "grand ", "Lyon."]
    cells = {td["text"].split("\n")[0].strip() for td in doc.find_all("td")}
    assert {"original", "translation outdated", "missing translation", "up to date"} <= cells
    links = {a["attrs"]["href"] for a in doc.find_all("a")}
    assert {"../content/actions/fair/fr.md", "../content/actions/fair/en.md"} <= links
    assert "http://127.0.0.1:8000/international/en/actions/fair/" in links
    assert "../content/actions/fair/nl.md" not in links  # missing: nothing to open yet
    assert "python build.py translate actions/fair --to en --refresh" in page


def test_a_version_not_in_history_is_said_so(tmp_path, monkeypatch):
    write_site(tmp_path, {"content/partners/acme/en.md": text("Acme", "acme", source_hash="0123456789ab")})
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "start")
    doc, _, _ = report(tmp_path, monkeypatch)
    assert (
        doc.find("section", id="changed-partners-acme-en")["text"]
        .strip()
        .endswith(
            "the version it was translated from is not in the git history (never committed): compare it with the "
            "original by hand."
        )
    )


def test_without_git_the_report_is_still_written(tmp_path, monkeypatch):
    write_site(tmp_path, {"content/partners/acme/en.md": text("Acme", "acme", source_hash="0123456789ab")})
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))  # no checkout above tmp_path either
    doc, _, _ = report(tmp_path, monkeypatch)
    assert (
        "no git history here to find the version it was translated from"
        in doc.find("section", id="changed-partners-acme-en")["text"]
    )
