"""Share previews: every page's og:image (a drawn card unless it has its own), its size and text, twitter:card,
og:locale with its territory, and the cards' cache (a warm build draws none)."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import Doc
from PIL import Image
from sitekit import REPO, text, write_site

from mecasite.build.cards import CardStore
from mecasite.build.pipeline import build
from mecasite.config.settings import Language, load_config
from mecasite.render import cards
from mecasite.render.cards import Card, Palette, draw_card, fit, missing_glyphs, palette_from_css, wrap
from mecasite.render.share import ShareImage, og_locale, share_image

LOCALES = {"fr": "fr_BE", "en": "en_GB", "nl": "nl_BE", "de": "de_BE"}  # site_config.yaml's


def metas(doc: Doc) -> dict[str, list[str]]:
    """Each meta's property (or name) -> its contents, in order."""
    found: dict[str, list[str]] = {}
    for meta in doc.find_all("meta"):
        key = meta["attrs"].get("property") or meta["attrs"].get("name")
        if key:
            found.setdefault(key, []).append(meta["attrs"].get("content", ""))
    return found


def language_pages(site) -> list[tuple[str, dict[str, list[str]]]]:
    """(lang, metas) of every page of a language (the root chooser and redirects have no share tags)."""
    pages = []
    for path in site.html_files():
        doc = Doc(path.read_text(encoding="utf-8"))
        if doc.find_all("meta", property="og:title"):
            pages.append((doc.find("html")["attrs"]["lang"], metas(doc)))
    return pages


def card_file(site, url: str) -> Path:
    """The file an absolute og:image address names, in the output of a site (or of a config)."""
    config = getattr(site, "config", site)
    assert url.startswith(config.base_url), url
    return config.output_dir / url.removeprefix(config.base_url)


def test_every_page_has_share_tags_with_a_card_that_exists_at_the_declared_size(real_site):
    pages = language_pages(real_site)
    assert len(pages) > 100
    for lang, tags in pages:
        (url,) = tags["og:image"]
        path = card_file(real_site, url)
        assert path.is_file(), url
        with Image.open(path) as image:
            assert image.format == "PNG"
            assert [str(n) for n in image.size] == tags["og:image:width"] + tags["og:image:height"] == ["1200", "630"]
        assert tags["og:image:alt"][0].startswith(tags["og:title"][0] + " – ")
        assert tags["twitter:card"] == ["summary_large_image"]
        assert tags["og:locale"] == [LOCALES[lang]]
        # every text of the real content is translated: the other three languages, no fallback copy
        assert sorted(tags["og:locale:alternate"]) == sorted(v for k, v in LOCALES.items() if k != lang)


def test_each_language_has_its_own_card_and_the_same_text_one_file(real_site):
    fr = metas(real_site.doc("/international/fr/actions/"))
    de = metas(real_site.doc("/international/de/aktionen/"))
    assert fr["og:image"] != de["og:image"]
    fr_card, de_card = (card_file(real_site, tags["og:image"][0]).read_bytes() for tags in (fr, de))
    assert fr_card != de_card
    pages = language_pages(real_site)
    # one card per text drawn (the alt text is that text): "Materalia" is one card in French, English and
    # German, and another in Dutch, where the section is "Internationaal"
    assert len({tags["og:image"][0] for _, tags in pages}) == len({tags["og:image:alt"][0] for _, tags in pages})
    named = {lang: tags["og:image"][0] for lang, tags in pages if tags["og:title"] == ["Materalia"]}
    assert named["fr"] == named["en"] == named["de"] != named["nl"]
    assert len(list((real_site.out / cards.FOLDER).iterdir())) == len({t["og:image"][0] for _, t in pages})


def test_a_fallback_copy_shares_its_originals_card_and_locale(tmp_path):
    config = load_config(write_site(tmp_path, {}))  # the fair is in French and English only
    build(config)
    site_doc = lambda url: Doc((config.output_dir / url / "index.html").read_text(encoding="utf-8"))  # noqa: E731
    fr, en = metas(site_doc("fr/actions/salon")), metas(site_doc("en/actions/fair"))
    de, nl = metas(site_doc("de/aktionen/salon")), metas(site_doc("nl/acties/salon"))
    assert de["og:image"] == nl["og:image"] == fr["og:image"] != en["og:image"]
    assert de["og:image:alt"] == fr["og:image:alt"]
    # the test site configures no locale: Belgium's territory (the cluster is Walloon)
    assert fr["og:locale"] == de["og:locale"] == ["fr_BE"]
    assert de["og:locale:alternate"] == fr["og:locale:alternate"] == ["en_BE"]  # not nl or de: fallback copies
    assert en["og:locale"] == ["en_BE"] and en["og:locale:alternate"] == ["fr_BE"]


def test_a_warm_build_draws_no_card_and_an_edited_title_draws_one(tmp_path):
    config = load_config(write_site(tmp_path, {}))
    first = build(config)
    assert first.cards_drawn == len(list((config.output_dir / cards.FOLDER).iterdir())) > 0
    assert build(config, force=True).cards_drawn == 0
    (tmp_path / "content/actions/fair/en.md").write_text(text("The trade fair", "fair"))
    again = build(config)
    assert again.cards_drawn == 1
    assert len(list((config.cache_dir / "cards").iterdir())) == first.cards_drawn  # the old title's pruned


def test_the_store_draws_each_card_once_and_a_read_only_one_keeps_none(tmp_path):
    drawn: list[Card] = []

    def counting(card: Card) -> bytes:
        drawn.append(card)
        return card.title.encode()

    wanted = {c.path: c for c in (Card("Un", "S", "I"), Card("Eins", "S", "I"))}
    assert CardStore(tmp_path / "ro", read_only=True, draw=counting).files(wanted, jobs=1)
    assert not (tmp_path / "ro").exists()
    store = CardStore(tmp_path / "c", draw=counting)
    first = store.files(wanted, jobs=1)
    assert CardStore(tmp_path / "c", draw=counting).files(wanted, jobs=1) == first
    assert len(drawn) == 4 and store.drawn == 2  # twice by the read-only store, twice here, never again


def test_the_key_changes_with_what_is_drawn_only():
    card = Card("Le salon", "MecaTech Cluster", "International")
    assert card.key == Card("Le salon", "MecaTech Cluster", "International").key
    assert (
        len(
            {
                card.key,
                Card("Le Salon", card.site, card.section).key,
                Card("Le salon", card.site, "Internationaal").key,
                Card("Le salon", card.site, card.section, Palette(accent="#000000")).key,
            }
        )
        == 4
    )
    assert card.path == f"static/cards/{card.key}.png"


def test_the_font_draws_accents_and_eszett():
    assert missing_glyphs("éèëêàçüöäÉÈßœ€–’«» ") == ""
    assert missing_glyphs("中") == "中"  # the check can fail


def test_long_german_titles_are_wrapped_and_shrunk_to_fit():
    title = "Grenzüberschreitende Zusammenarbeit für Oberflächenbehandlungstechnologien in der Großregion"
    short_size, short = fit("Transmit", 1040, 314)
    size, lines = fit(title, 1040, 314)
    assert short == ["Transmit"] and size < short_size
    assert " ".join(lines) == title and len(lines) > 1
    assert wrap("Donaudampfschifffahrtsgesellschaftskapitänsmützenabzeichen", 84, 1040) is None
    size, lines = fit("Donaudampfschifffahrtsgesellschaftskapitänsmützenabzeichenhersteller " * 12, 1040, 314)
    assert lines[0].endswith("-") and lines[-1].endswith("…")
    assert all(cards._font(size).getlength(line) <= 1040 for line in lines)
    assert fit("Le salon\u202f: bilan", 1040, 314)[1] == ["Le salon\u202f: bilan"]  # a no-break space holds
    with Image.open(io.BytesIO(draw_card(Card(title, "MecaTech Cluster", "International")))) as image:
        assert image.size == (1200, 630)


def test_the_palette_is_read_from_the_stylesheet():
    css = (REPO / "static/site.css").read_text()
    assert palette_from_css(css) == Palette()  # the defaults are the stylesheet's colours
    assert palette_from_css(":root { --brand-dark: #112233; --accent: red; }") == Palette(background="#112233")


def test_a_page_with_its_own_image_shares_it():
    card = Card("Le salon", "MecaTech Cluster", "International")
    own = ShareImage("actions/fair/photo.jpg", 1600, 900, "Le stand")
    assert share_image(card, own) == own
    assert share_image(card) == ShareImage(card.path, 1200, 630, "Le salon – MecaTech Cluster International")


@pytest.mark.parametrize(
    ("locale", "expected"), [("fr_BE", "fr_BE"), ("en_GB", "en_GB"), ("de", "de_BE"), ("ja", "ja_JP"), ("", "nl_BE")]
)
def test_og_locale_has_a_territory(tmp_path, locale, expected):
    code = expected[:2]
    config = replace(load_config(write_site(tmp_path, {})), languages=(Language(code, code, True, locale),))
    assert og_locale(config, code) == expected


def test_the_preview_draws_a_retitled_pages_card_and_removes_the_old_one(tmp_path):
    from mecasite.preview.session import Session

    config = load_config(write_site(tmp_path, {}))
    session = Session(config)
    session.build()
    page = config.output_dir / "en/actions/fair/index.html"
    before = metas(Doc(page.read_text(encoding="utf-8")))["og:image"][0]
    edited = tmp_path / "content/actions/fair/en.md"
    edited.write_text(text("The trade fair", "fair"))
    session.update([edited])
    after = metas(Doc(page.read_text(encoding="utf-8")))["og:image"][0]
    assert after != before
    assert card_file(config, after).is_file() and not card_file(config, before).exists()
