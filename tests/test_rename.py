"""`build.py rename` and `build.py delete` on a copy of the real content: exact messages, minimal edits, a site that
still passes `check --strict`, and old addresses that redirect in a build."""

from __future__ import annotations

import difflib
import shutil
import subprocess
from pathlib import Path

import pytest
from sitekit import REPO, tree_digest, write_site

from mecasite.cli import main
from mecasite.commands.delete import with_addresses
from mecasite.commands.references import field_refs, unlinked, without_entries
from mecasite.commands.rename import with_slug
from mecasite.sources.corrections import plain_form

PROJECT = ("content", "templates", "static", "i18n")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the real project's sources; returns its config file."""
    for name in PROJECT:
        shutil.copytree(REPO / name, tmp_path / name)
    shutil.copy(REPO / "site_config.yaml", tmp_path / "site_config.yaml")
    return tmp_path / "site_config.yaml"


def run(config: Path, *args: str) -> int:
    return main([args[0], "--config", str(config), *args[1:]])


def snapshot(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): p.read_text() for p in sorted(root.rglob("*")) if p.is_file()}


def changes(before: dict[str, str], after: dict[str, str]) -> dict[str, list[str]]:
    """Each changed file's removed and added lines (`-...`, `+...`): what `git diff` shows."""
    found = {}
    for path in sorted(before.keys() | after.keys()):
        old, new = before.get(path, "").splitlines(), after.get(path, "").splitlines()
        if old != new:
            diff = difflib.unified_diff(old, new, lineterm="", n=0)
            found[path] = [line for line in diff if line[:1] in "+-" and line[:3] not in ("---", "+++")]
    return found


def redirect_of(out: Path, url: str) -> str:
    """Where the page at `url` sends visitors (its refresh target)."""
    html = (out / url / "index.html").read_text()
    return html.split('http-equiv="refresh" content="0; url=')[1].split('"')[0]


def test_rename_id_moves_the_folder_and_every_reference(project: Path, capsys, tmp_path: Path) -> None:
    before = snapshot(tmp_path)
    assert run(project, "rename", "partners/materalia", "partners/materalia-cluster") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "content/actions/intermat-gr/de.md: 1 link updated, source_hash follows the edited original"
    assert "content/actions/intermat-gr/fr.md: 1 link updated" in out
    assert "content/actions/intermat/item.yaml: 1 reference updated" in out
    assert "content/testimonials/materalia/item.yaml: 1 reference updated" in out
    assert out[-2:] == [
        "moved content/partners/materalia/ to content/partners/materalia-cluster/",
        "renamed partners/materalia to partners/materalia-cluster: 30 other files changed; its addresses stay the "
        "same (they are made of its slugs: rename --slug LANG NEW changes one)",
    ]
    after = snapshot(tmp_path)
    diff = changes(before, after)
    assert all(path.startswith("content/") for path in diff)  # nothing outside content/
    assert len([p for p in diff if not p.startswith("content/partners/materalia")]) == 30
    assert diff["content/actions/intermat/item.yaml"] == [
        "-partners: [materalia, surfmat]",
        "+partners: [materalia-cluster, surfmat]",
    ]
    # The testimonial's long comments stay; only the field's value changes.
    assert diff["content/testimonials/materalia/item.yaml"] == ["-partner: materalia", "+partner: materalia-cluster"]
    fr = diff["content/actions/vitamin/fr.md"]
    assert len(fr) == 2 and fr[1] == "+" + fr[0][1:].replace("(partner:materalia)", "(partner:materalia-cluster)")
    nl = diff["content/actions/vitamin/nl.md"]  # the link, and the stamp that keeps it up to date with fr.md
    assert len(nl) == 4 and nl[0].startswith("-source_hash: ") and nl[1].startswith("+source_hash: ")
    assert nl[3] == "+" + nl[2][1:].replace("(partner:materalia)", "(partner:materalia-cluster)")
    assert after["content/partners/materalia-cluster/fr.md"] == before["content/partners/materalia/fr.md"]
    assert not (tmp_path / "content/partners/materalia").exists()
    capsys.readouterr()
    assert run(project, "check", "--strict") == 0, capsys.readouterr().out
    assert run(project, "build", "--out", str(tmp_path / "out")) == 0
    page = (tmp_path / "out/en/actions/intermat/index.html").read_text()
    assert 'href="/international/en/partners/materalia/"' in page  # the address did not change


def test_rename_slug_keeps_the_old_address(project: Path, capsys, tmp_path: Path) -> None:
    before = snapshot(tmp_path)
    assert run(project, "rename", "partners/materalia", "--slug", "fr", "materalia-cluster") == 0
    assert capsys.readouterr().out.splitlines() == [
        "content/partners/materalia/fr.md: slug 'materalia' -> 'materalia-cluster', 'materalia' kept in old_slugs",
        "/international/fr/partenaires/materalia/ now redirects to /international/fr/partenaires/materalia-cluster/",
    ]
    assert changes(before, snapshot(tmp_path)) == {
        "content/partners/materalia/fr.md": ["-slug: materalia", "+slug: materalia-cluster", "+old_slugs: [materalia]"]
    }
    assert run(project, "check", "--strict") == 0
    out = tmp_path / "out"
    assert run(project, "build", "--out", str(out)) == 0
    assert redirect_of(out, "fr/partenaires/materalia") == "/international/fr/partenaires/materalia-cluster/"
    assert (out / "fr/partenaires/materalia-cluster/index.html").is_file()
    rules = (out / "_redirects").read_text()
    assert "/international/fr/partenaires/materalia/  /international/fr/partenaires/materalia-cluster/  301" in rules
    assert not (out / "en/partners/materalia/index.html").read_text().count("http-equiv")  # en keeps its slug


def test_a_new_default_slug_redirects_in_the_languages_that_fall_back(tmp_path: Path, capsys) -> None:
    config = write_site(tmp_path, {})  # acme has fr and en texts, no nl or de: those pages show the fr text
    assert run(config, "rename", "partners/acme", "--slug", "fr", "acme-sa") == 0
    assert capsys.readouterr().out.splitlines()[1:] == [
        f"/international/{lang}/{word}/acme/ now redirects to /international/{lang}/{word}/acme-sa/"
        for lang, word in (("fr", "partenaires"), ("nl", "partners"), ("de", "partner"))
    ]
    out = tmp_path / "out"
    assert run(config, "build", "--out", str(out)) == 0
    assert redirect_of(out, "nl/partners/acme") == "/international/nl/partners/acme-sa/"
    assert redirect_of(out, "de/partner/acme") == "/international/de/partner/acme-sa/"


def test_delete_lists_every_reference_and_changes_nothing(project: Path, capsys, tmp_path: Path) -> None:
    before = tree_digest(tmp_path / "content")
    assert run(project, "delete", "actions/vitamin") == 1
    assert capsys.readouterr().err.splitlines() == [
        "content/actions/intermat/de.md:12:440: [VITAMIN](action:vitamin) links to action 'vitamin'",
        "content/actions/intermat/en.md:12:406: [VITAMIN](action:vitamin) links to action 'vitamin'",
        "content/actions/intermat/fr.md:12:435: [VITAMIN](action:vitamin) links to action 'vitamin'",
        "content/actions/intermat/nl.md:12:461: [VITAMIN](action:vitamin) links to action 'vitamin'",
        "content/actions/vitamin/: not deleted: 5 references in 5 files still name action 'vitamin' "
        "(remove them, or run delete again with --unlink)",
        "content/testimonials/materalia/item.yaml:21:34: actions: vitamin names action 'vitamin'",
        "6 errors, 0 warnings",
    ]
    assert tree_digest(tmp_path / "content") == before


def test_delete_unlink_makes_links_plain_and_redirects_to_the_section(project: Path, capsys, tmp_path: Path) -> None:
    before = snapshot(tmp_path)
    assert run(project, "delete", "actions/vitamin", "--unlink") == 0
    assert capsys.readouterr().out.splitlines() == [
        "content/actions/intermat/de.md: 1 link made plain text, source_hash follows the edited original",
        "content/actions/intermat/en.md: 1 link made plain text, source_hash follows the edited original",
        "content/actions/intermat/fr.md: 1 link made plain text",
        "content/actions/intermat/nl.md: 1 link made plain text, source_hash follows the edited original",
        "content/testimonials/materalia/item.yaml: 1 reference removed",
        "content/redirects.yaml: 4 old addresses added, leading to the actions page",
        "deleted content/actions/vitamin/",
    ]
    after = snapshot(tmp_path)
    diff = changes(before, after)
    assert diff["content/testimonials/materalia/item.yaml"] == [
        "-actions: [intermat, intermat-gr, vitamin, metamorphoses-2015]",
        "+actions: [intermat, intermat-gr, metamorphoses-2015]",
    ]
    old, new = diff["content/actions/intermat/fr.md"]
    assert old.replace("[VITAMIN](action:vitamin)", "VITAMIN")[1:] == new[1:]
    assert after["content/redirects.yaml"].endswith(
        "deleted:\n  - fr/actions/vitamin/\n  - en/actions/vitamin/\n  - nl/acties/vitamin/\n  - de/aktionen/vitamin/\n"
    )
    assert not any(path.startswith("content/actions/vitamin/") for path in after)
    assert run(project, "check", "--strict") == 0, capsys.readouterr().out
    out = tmp_path / "out"
    assert run(project, "build", "--out", str(out)) == 0
    for url, section in [("fr/actions", "fr/actions"), ("nl/acties", "nl/acties"), ("de/aktionen", "de/aktionen")]:
        assert redirect_of(out, f"{url}/vitamin") == f"/international/{section}/"
    assert "/international/en/actions/vitamin/  /international/en/actions/  301" in (out / "_redirects").read_text()


def test_a_field_that_must_name_the_item_stops_delete_even_with_unlink(project: Path, capsys) -> None:
    before = tree_digest(project.parent / "content")
    assert run(project, "delete", "partners/luxinnovation", "--unlink") == 1
    assert tree_digest(project.parent / "content") == before  # nothing unlinked either
    err = capsys.readouterr().err.splitlines()
    assert (
        "content/testimonials/luxinnovation/item.yaml:5:10: partner: luxinnovation names partner 'luxinnovation' "
        "(this field must name an item: delete testimonials/luxinnovation first, or name another)"
    ) in err
    assert err[-2:] == [
        "content/testimonials/luxinnovation/item.yaml:5:10: partner: luxinnovation names partner 'luxinnovation' "
        "(this field must name an item: delete testimonials/luxinnovation first, or name another)",
        "2 errors, 0 warnings",
    ]
    assert err[0] == (
        "content/partners/luxinnovation/: not deleted: 1 reference in 1 file still names partner 'luxinnovation' "
        "(change these yourself: --unlink cannot)"
    )


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["rename", "partners/materalla", "partners/x"],
            "partners/materalla: no item 'partners/materalla' (did you mean 'partners/materalia'?)",
        ),
        (
            ["rename", "partners/materalia", "partners/surfmat"],
            "content/partners/surfmat/: already exists (choose another id, or delete that item first)",
        ),
        (
            ["rename", "partners/materalia", "Matéralia Cluster"],
            "Matéralia Cluster: invalid id 'Matéralia Cluster' (use 'materalia-cluster')",
        ),
        (
            ["rename", "partners/materalia", "actions/materalia"],
            "actions/materalia: an item stays in its collection: partners/materalia cannot become actions/materalia "
            "(write partners/materalia)",
        ),
        (
            ["rename", "partners/materalia", "--slug", "fr", "été"],
            "été: invalid slug 'été' (use 'ete')",
        ),
        (
            ["rename", "partners/materalia", "--slug", "fr", "surfmat"],
            "content/partners/materalia/fr.md: '/fr/partenaires/surfmat/' is already the address of "
            "content/partners/surfmat/fr.md (choose another slug)",
        ),
        (
            ["rename", "partners/materalia", "--slug", "es", "x"],
            "--slug: unknown language 'es' (allowed: de, en, fr, nl)",
        ),
        (
            ["rename", "testimonials/materalia", "--slug", "fr", "x"],
            "content/testimonials/materalia/item.yaml: testimonials/materalia has no address of its own, hence no slug",
        ),
        (
            ["delete", "pages/home"],
            "content/pages/home/item.yaml: the home page cannot be deleted (give another page 'home: true' first)",
        ),
    ],
)
def test_bad_input_is_refused_clearly(project: Path, capsys, tmp_path: Path, args: list[str], message: str) -> None:
    before = tree_digest(tmp_path / "content")
    assert run(project, *args) == 1
    assert capsys.readouterr().err.splitlines() == [message, "1 error, 0 warnings"]
    assert tree_digest(tmp_path / "content") == before


def test_rename_needs_a_new_id_or_a_slug(project: Path, capsys) -> None:
    assert run(project, "rename", "partners/materalia") == 2
    assert capsys.readouterr().err == "build.py rename: give either NEW_ID or --slug LANG NEW\n"


def test_rename_in_a_git_checkout_uses_git_mv(project: Path, tmp_path: Path, capsys) -> None:
    git = ["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "content"], check=True)
    assert run(project, "rename", "partners/surfmat", "surfmat-lu") == 0
    assert "moved content/partners/surfmat/ to content/partners/surfmat-lu/ (git mv)" in capsys.readouterr().out
    status = subprocess.run([*git, "status", "--porcelain"], capture_output=True, text=True, check=True).stdout
    assert "R  content/partners/surfmat/item.yaml -> content/partners/surfmat-lu/item.yaml" in status.splitlines()
    assert run(project, "delete", "actions/transmit", "--unlink") == 0
    assert capsys.readouterr().out.splitlines()[-1] == "deleted content/actions/transmit/ (git rm)"


@pytest.mark.parametrize(
    "redirects, message",
    [
        (
            "deleted: [es/actions/x/]\n",
            "content/redirects.yaml:1:11: 'es/actions/x/' does not start with a language "
            "code (allowed: de, en, fr, nl; write it as fr/actions/trade-fair/)",
        ),
        (
            "deleted:\n  - fr/aktionen/x/\n",
            "content/redirects.yaml:2:5: 'fr/aktionen/x/': 'aktionen' is not a "
            "section with pages in 'fr' (sections: actions, partenaires)",
        ),
        (
            "deleted: [fr/actions/x/y/]\n",
            "content/redirects.yaml:1:11: 'fr/actions/x/y/' is not the address of an "
            "item's page (write it as fr/actions/trade-fair/)",
        ),
        ("gone: []\n", "content/redirects.yaml:1:1: unknown field 'gone' (allowed: deleted)"),
        (
            "deleted: [fr/actions/intermat/]\n",
            "content/redirects.yaml: 2 pages on one URL '/fr/actions/intermat/': "
            "content/redirects.yaml, content/actions/intermat/fr.md (a page has this address again: remove it from "
            "content/redirects.yaml)",
        ),
    ],
)
def test_redirects_file_is_checked_like_content(project: Path, capsys, redirects: str, message: str) -> None:
    (project.parent / "content/redirects.yaml").write_text(redirects)
    assert run(project, "check") == 1
    assert message in capsys.readouterr().out.splitlines()


def test_text_edits_keep_everything_else() -> None:
    target = ("partners", "acme")
    body = '---\ntitle: x\n---\nSee [Acme *SA*][a] and [a], [Acme](partner:acme#history "t").\n\n[a]: partner:acme\n'
    assert unlinked(body, target) == "---\ntitle: x\n---\nSee Acme *SA* and a, Acme.\n\n"
    source = "# who\npartners:\n  - other\n  - acme  # the maker\nrelated: []\n"
    start = source.index("acme")
    refs = field_refs("item.yaml", source, "actions", target)
    assert [r.start for r in refs] == [start]
    assert without_entries(source, refs) == "# who\npartners:\n  - other\nrelated: []\n"
    flow = 'partners: [acme, "other"]\n'
    assert without_entries(flow, field_refs("i", flow, "actions", target)) == 'partners: ["other"]\n'
    page = '---\ntitle: "A"\nslug: acme   # short\nold_slugs:\n  - first\n---\nBody.\n'
    assert (
        with_slug(page, "acme", "acme-sa")
        == '---\ntitle: "A"\nslug: acme-sa   # short\nold_slugs:\n  - first\n  - acme\n---\nBody.\n'
    )
    assert (
        with_slug("---\nslug: a\nold_slugs: [b] # x\n---\n", "a", "c") == "---\nslug: c\nold_slugs: [b, a] # x\n---\n"
    )
    kept = "# mine\ndeleted:\n  - fr/actions/a/\n"
    assert (
        with_addresses(kept, ["fr/actions/b/", "fr/actions/a/"])
        == "# mine\ndeleted:\n  - fr/actions/a/\n  - fr/actions/b/\n"
    )
    assert plain_form("Flanders Make") == "flanders-make" and plain_form("été") == "ete"
