"""The preview's warnings and the parity check's titles through a series of edits: after each update, the
problems are those a fresh session's full build of the same tree reports, in the same order."""

from __future__ import annotations

import shutil
from pathlib import Path

from imagekit import photo
from sitekit import text, write_site

from mecasite.config.settings import SiteConfig, load_config
from mecasite.preview.server import preview_config
from mecasite.preview.session import Session
from mecasite.problems import ContentError, Problem

WIP = {
    "content/partners/wip/item.yaml": "country: LU\ndraft: true\n",
    "content/partners/wip/fr.md": text("Partenaire secret", "secret"),
    "content/partners/wip/en.md": text("Secret partner", "secret-en"),
}


def preview(tmp_path: Path, files: dict[str, str | bytes | None]) -> tuple[SiteConfig, Session]:
    config = preview_config(load_config(write_site(tmp_path, files)), "127.0.0.1", 8123)
    session = Session(config)
    session.build()
    return config, session


def edit(config: SiteConfig, session: Session, files: dict[str, str | None]) -> list[Problem]:
    """The files written (None: a file or folder removed) and the preview updated: its problems."""
    for rel, data in files.items():
        path = config.root / rel
        if data is None:
            shutil.rmtree(path) if path.is_dir() else path.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(data)
    return session.update([config.root / rel for rel in files]).problems


def fresh(config: SiteConfig, tmp_path: Path) -> list[Problem]:
    """What a new session's full build of the same tree reports."""
    return Session(config.with_overrides(out=tmp_path / "fresh")).build().problems


def codes(problems: list[Problem]) -> list[tuple[str, str]]:
    return [(p.path, p.code) for p in problems]


def test_a_link_to_a_draft_stops_warning_when_the_draft_is_published(tmp_path):
    config, session = preview(
        tmp_path, {**WIP, "content/actions/fair/item.yaml": "date: 2014-05-02\npartners: [acme, wip]\n"}
    )
    assert ("content/actions/fair/item.yaml", "draft-link") in codes(fresh(config, tmp_path))
    problems = edit(config, session, {"content/partners/wip/item.yaml": "country: LU\n"})
    assert problems == fresh(config, tmp_path)
    assert ("content/actions/fair/item.yaml", "draft-link") not in codes(problems)


def test_a_body_link_to_a_draft_stops_warning_when_the_draft_is_published(tmp_path):
    home = text("Accueil du site", body="Voir [le partenaire](partner:wip).")
    config, session = preview(tmp_path, {**WIP, "content/pages/home/fr.md": home})
    assert ("content/pages/home/fr.md", "draft-link") in codes(fresh(config, tmp_path))
    problems = edit(config, session, {"content/partners/wip/item.yaml": "country: LU\n"})
    assert problems == fresh(config, tmp_path)


def test_warnings_fixed_introduced_removed_and_back_are_a_fresh_builds_in_its_order(tmp_path):
    heading = text("Le salon", "salon", body="# Titre\n\nUn salon.")
    config, session = preview(tmp_path, {"content/actions/fair/fr.md": heading})
    testimonial = {
        "content/testimonials/acme/item.yaml": "partner: acme\nlanguage: en\n",
        "content/testimonials/acme/en.md": '---\nsignature: "Director, Acme"\n---\n# Great\n',
        "content/testimonials/acme/fr.md": '---\nsignature: "Directeur, Acme"\n---\n# Excellent\n',
    }
    steps: list[dict[str, str | None]] = [
        {"content/actions/fair/fr.md": text("Le salon", "salon", body="## Résultats\n\nUn salon.")},
        {"content/partners/acme/fr.md": text("Acme", "acme", body="# Un\n\n# Deux")},
        {"content/actions/fair/fr.md": heading},
        {"content/testimonials/acme": None},
        testimonial,
        {"content/partners/acme/fr.md": text("Acme", "acme")},
    ]
    for files in steps:
        problems = edit(config, session, files)
        assert problems == fresh(config, tmp_path), files


def test_the_parity_titles_stay_those_of_the_last_good_update_after_a_failed_one(tmp_path):
    home = {
        "content/pages/home/fr.md": text("Accueil du site", body="Voir Salon Gamma."),
        "content/pages/home/en.md": text("Site home", body="See Alpha Fair."),
        "content/actions/fair/fr.md": text("Salon Gamma", "salon", body="Un salon."),
        "content/actions/fair/en.md": text("Alpha Fair", "fair", body="A fair."),
    }
    config, session = preview(tmp_path, home)
    assert not [p for p in fresh(config, tmp_path) if p.code == "parity"]
    fair_en = (config.root / "content/actions/fair/en.md").read_text()
    broken = fair_en.replace('"Alpha Fair"', '"Beta Fair"').replace("A fair.", "A [fair](action:nope).")
    try:
        edit(config, session, {"content/actions/fair/en.md": broken})
    except ContentError:
        pass
    else:
        raise AssertionError("the broken link was not an error")
    edit(config, session, {"content/actions/fair/en.md": fair_en})  # back as it was
    home_en = (config.root / "content/pages/home/en.md").read_text()  # stamped up to date: checked
    problems = edit(config, session, {"content/pages/home/en.md": home_en + "\n"})
    assert problems == fresh(config, tmp_path)


def test_an_image_saved_keeps_the_warnings_of_its_items_texts(tmp_path):
    """Only the pages showing the image are rendered again; the warnings of the item's bodies stay."""
    config, session = preview(
        tmp_path,
        {
            "content/partners/acme/item.yaml": "country: NL\nlogo: logo.png\n",
            "content/partners/acme/logo.png": photo(300, 100, "PNG"),
            "content/partners/acme/fr.md": text("Acme", "acme", body="# Titre\n\n[Voir](partner:wip)."),
            **WIP,
        },
    )
    before = fresh(config, tmp_path)
    assert {"heading", "draft-link"} <= {p.code for p in before if p.path == "content/partners/acme/fr.md"}
    (config.root / "content/partners/acme/logo.png").write_bytes(photo(320, 100, "PNG"))
    problems = session.update([config.root / "content/partners/acme/logo.png"]).problems
    assert problems == before == fresh(config, tmp_path)


NAMED = {
    "content/pages/home/fr.md": text("Accueil du site", body="Voir Salon Gamma."),
    "content/pages/home/en.md": text("Site home", body="See Alpha Fair."),
    "content/actions/fair/fr.md": text("Salon Gamma", "salon", body="Un salon."),
    "content/actions/fair/en.md": text("Alpha Fair", "fair", body="A fair."),
}


def test_a_title_changed_in_one_language_is_looked_for_in_the_other_items_translations(tmp_path):
    config, session = preview(tmp_path, NAMED)
    fair_en = (config.root / "content/actions/fair/en.md").read_text()
    problems = edit(config, session, {"content/actions/fair/en.md": fair_en.replace("Alpha Fair", "Beta Fair")})
    assert ("content/pages/home/en.md", "translation-parity") in codes(fresh(config, tmp_path))
    assert problems == fresh(config, tmp_path)
    problems = edit(config, session, {"content/actions/fair/en.md": fair_en})
    assert problems == fresh(config, tmp_path)


def test_an_item_made_a_draft_makes_the_links_to_it_warn(tmp_path):
    config, session = preview(
        tmp_path,
        {
            **WIP,
            "content/partners/wip/item.yaml": "country: LU\n",
            "content/actions/fair/item.yaml": "date: 2014-05-02\npartners: [acme, wip]\n",
        },
    )
    problems = edit(config, session, {"content/partners/wip/item.yaml": "country: LU\ndraft: true\n"})
    assert ("content/actions/fair/item.yaml", "draft-link") in codes(problems)
    assert problems == fresh(config, tmp_path)


def test_two_items_with_one_french_title_and_items_added_or_removed_keep_the_parity_a_fresh_builds(tmp_path):
    twin = {
        "content/actions/twin/item.yaml": "date: 2015-05-02\n",
        "content/actions/twin/fr.md": text("Salon Gamma", "gamma", body="Un autre salon."),
        "content/actions/twin/en.md": text("Gamma Show", "gamma-show", body="Another fair."),
    }
    config, session = preview(tmp_path, NAMED)
    steps: list[dict[str, str | None]] = [
        twin,  # a second item of the same French title, another English one: its titles win (the id order)
        {"content/actions/twin": None},
        twin,
        {"content/actions/twin/en.md": text("Alpha Fair", "gamma-show", body="Another fair.")},
    ]
    warned = []
    for files in steps:
        problems = edit(config, session, files)
        assert problems == fresh(config, tmp_path), files
        warned.append(("content/pages/home/en.md", "translation-parity") in codes(problems))
    assert warned == [True, False, True, False]  # 'Alpha Fair' is Salon Gamma's English title, or not


def test_a_body_edited_in_one_language_keeps_the_other_bodies_warnings_without_converting_them(tmp_path):
    """The bodies an edit did not change keep their memo entries, and with them the warnings their
    conversion raised: the preview reports them as a fresh build does, and converts only the edited body."""
    config, session = preview(
        tmp_path,
        {
            "content/actions/fair/item.yaml": "date: 2014-05-02\npartners: [acme]\n",
            "content/actions/fair/fr.md": text("Le salon", "salon", body="Un salon."),
            "content/actions/fair/en.md": text("The fair", "fair", body="A fair."),
            "content/actions/fair/nl.md": text("De beurs", "beurs", body="# Kop\n\nEen beurs."),
        },
    )
    assert ("content/actions/fair/nl.md", "heading") in codes(fresh(config, tmp_path))
    markdown = session.prepared.renderer.views.markdown
    converted: list[str] = []
    convert = markdown.convert
    markdown.convert = lambda body, lang: (converted.append(lang), convert(body, lang))[1]  # type: ignore[method-assign]
    for sentence in ("A fair, twice a year.", "A fair, once a year."):
        problems = edit(config, session, {"content/actions/fair/en.md": text("The fair", "fair", body=sentence)})
        assert problems == fresh(config, tmp_path)
        assert ("content/actions/fair/nl.md", "heading") in codes(problems)
    assert "en" in converted and "nl" not in converted
