"""The preview's incremental updates give exactly the site a full build gives, re-rendering only what changed."""

from __future__ import annotations

import shutil

import pytest
from sitekit import REPO

from mecasite.build.pipeline import render_site
from mecasite.config.settings import load_config
from mecasite.preview.session import Session
from mecasite.problems import ContentError


@pytest.fixture
def project(tmp_path):
    for name in ("content", "templates", "static", "i18n"):
        shutil.copytree(REPO / name, tmp_path / name)
    shutil.copy(REPO / "site_config.yaml", tmp_path / "site_config.yaml")
    return tmp_path


def started(project) -> tuple[Session, object]:
    """A preview session on a copy of the real content, after its first full build."""
    config = load_config(project / "site_config.yaml").with_overrides(out=project / "preview")
    session = Session(config)
    session.build()
    return session, config


def output(folder) -> dict[str, bytes]:
    """The pages and files of the output; not the search index (render_site makes none: test_search.py)."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and not p.relative_to(folder).as_posix().startswith("pagefind/")
    }


def assert_same_as_full_build(session: Session, config) -> None:
    expected = render_site(config).files
    actual = output(config.output_dir)
    assert sorted(actual) == sorted(expected)
    different = [path for path in expected if actual[path] != expected[path]]
    assert not different, different[:5]


def edit(path, old, new):
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))
    return path


def test_edits_update_exactly_the_affected_pages(project):
    config = load_config(project / "site_config.yaml").with_overrides(out=project / "preview")
    session = Session(config)
    total = session.build().rendered
    content = project / "content"

    body = edit(content / "actions/vitamin/en.md", "VITAMIN is a joint", "VITAMIN (edited) is a joint")
    outcome = session.update([body])
    assert outcome.rendered == 1 and outcome.written >= 1  # its page; no list shows the body
    assert_same_as_full_build(session, config)

    title = edit(content / "partners/surfmat/en.md", 'title: "Surfmat"', 'title: "Surfmat network"')
    outcome = session.update([title])
    assert 1 < outcome.rendered < total  # its pages, the lists and pages that name it, not the rest
    assert_same_as_full_build(session, config)

    slug = edit(content / "actions/transmit/nl.md", "slug: transmit", "slug: transmit-project")
    session.update([slug])
    assert_same_as_full_build(session, config)
    assert not (config.output_dir / "nl/acties/transmit/index.html").exists()

    facts = edit(content / "actions/vitamin/item.yaml", "partners: [materalia]", "partners: [materalia, surfmat]")
    session.update([facts])
    assert_same_as_full_build(session, config)

    new = content / "actions/new-mission"
    new.mkdir()
    (new / "item.yaml").write_text("date: 2016\npartners: [afm]\n")
    (new / "fr.md").write_text('---\ntitle: "Mission"\nslug: mission\nsummary: "Une mission."\n---\nTexte.\n')
    session.update([new / "item.yaml", new / "fr.md"])
    assert_same_as_full_build(session, config)

    shutil.rmtree(new)
    session.update([new])
    assert_same_as_full_build(session, config)


def test_per_language_edits_reach_fallback_pages_and_quotes(project):
    session, config = started(project)
    content = project / "content"
    dutch = content / "actions/imagesante-2012/nl.md"
    dutch.unlink()  # the Dutch page now shows the French text
    session.update([dutch])
    assert_same_as_full_build(session, config)

    french = edit(content / "actions/imagesante-2012/fr.md", 'title: "', 'title: "Édition : ')
    outcome = session.update([french])
    assert_same_as_full_build(session, config)  # the Dutch fallback pages and lists show the new title

    signature = content / "testimonials/materalia/nl.md"
    session.update([edit(signature, "Voorzitter", "De voorzitter")])
    assert_same_as_full_build(session, config)

    english = edit(content / "partners/afm/en.md", 'title: "', 'title: "The ')
    outcome = session.update([english])
    assert_same_as_full_build(session, config)
    assert outcome.rendered < 20  # English pages only: the other languages' lists do not show it


def test_a_broken_edit_changes_nothing_until_it_is_fixed(project):
    session, config = started(project)
    before = output(config.output_dir)
    path = project / "content/partners/afm/en.md"
    good = path.read_text()
    path.write_text(good.replace("title:", "titel:"))
    with pytest.raises(ContentError, match="unknown field 'titel'"):
        session.update([path])
    assert output(config.output_dir) == before
    path.write_text(good.replace("AFM", "AFM (Spain)", 1))
    session.update([path])
    assert_same_as_full_build(session, config)


def test_a_template_change_is_a_full_build(project):
    session, config = started(project)
    template = edit(project / "templates/base.html", "</footer>", "<!-- edited --></footer>")
    outcome = session.update([template])
    assert outcome.full
    assert_same_as_full_build(session, config)


def test_what_lists_show_of_other_items_follows_their_edits(project):
    """List pages show facts of items they are not about: the partners map draws the home page's countries;
    action cards name their partners; the timeline sorts by title. Edits to any of these reach the lists."""
    session, config = started(project)
    content = project / "content"
    home = edit(content / "pages/home/item.yaml", "map_priority: [NL, DE, LU, FR]", "map_priority: [NL, DE, LU]")
    session.update([home])
    assert_same_as_full_build(session, config)  # the partners page's map and legend

    title = edit(content / "actions/vitamin/de.md", 'title: "', 'title: "AAA ')
    outcome = session.update([title])
    assert_same_as_full_build(session, config)  # its card, and its place in the German timeline
    assert outcome.rendered < 20

    body = edit(content / "actions/vitamin/de.md", "\n---\n", "\n---\nNeu. ")
    outcome = session.update([body])
    assert_same_as_full_build(session, config)
    assert outcome.rendered <= 2  # its page (and the feed, which shows bodies), no list


def test_the_first_build_in_several_processes_keeps_the_same_record(project, monkeypatch):
    """On a large site the preview's first build renders in forked processes; what they send back (each
    page's reads and scan, each file's digest) must be what one process records, or later edits would miss
    pages."""
    from mecasite.build import workers as parallel

    single, _ = started(project)
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 0)
    forked, config = started(project)
    assert forked.deps == single.deps and forked.hashes == single.hashes
    assert {p: (s.ids, s.links) for p, s in forked.scans.items()} == {
        p: (s.ids, s.links) for p, s in single.scans.items()
    }
    title = edit(project / "content/partners/surfmat/en.md", 'title: "Surfmat"', 'title: "Surfmat network"')
    forked.update([title])
    assert_same_as_full_build(forked, config)


def test_editing_only_the_french_body_shows_the_notice_on_its_translations(tmp_path):
    """The translated pages read their own text, not the French one; yet a change of the French body makes
    them outdated, and a full build shows them with the notice "the original was updated"."""
    from sitekit import write_site

    config = load_config(write_site(tmp_path, {})).with_overrides(out=tmp_path / "preview")
    session = Session(config)
    session.build()
    english = config.output_dir / "en/actions/fair/index.html"
    assert "notice-outdated" not in english.read_text()
    source = edit(tmp_path / "content/actions/fair/fr.md", "Un salon.", "Un salon, deux conférences.")
    session.update([source])
    assert "notice-outdated" in english.read_text()
    assert_same_as_full_build(session, config)

    session.update([edit(source, "Un salon, deux conférences.", "Un salon.")])  # back as it was translated
    assert "notice-outdated" not in english.read_text()
    assert_same_as_full_build(session, config)
