"""What the preview keeps between edits to make them quick, and that none of it is ever served stale: the pieces
of a large page with their scans, the timeline and the list pages' joined cards, the parity check's
comparisons, and a link's read of its target's address alone (not its title). After each edit the output is a
clean build's byte for byte and the problems a fresh build's."""

from __future__ import annotations

import random
from pathlib import Path

from sitekit import CONFIG, counted_feed_entries, text, write_site

from mecasite.build.links import scan
from mecasite.build.pipeline import build
from mecasite.config.settings import SiteConfig, load_config
from mecasite.preview.scans import LARGE, Scanner
from mecasite.preview.session import Session
from mecasite.render.memo import address

QUIET = "search: false\nshare_cards: false\n"


def _page(rng: random.Random, cards: int) -> str:
    parts = ['<main id="top">\n<ul class="cards">\n']
    for i in range(cards):
        value = rng.choice(["/a/", "/b/&amp;c", "#top", "https://example.org/", "/x y/", ""])
        parts.append(f'  <li class="card" id="c{rng.randrange(cards)}">\n    <a href="{value}{i % 7}">T</a>')
        parts.append(rng.choice(["</li>\n", '<img src="/i.png" alt="">\n</li>\n', " <li>inner</li></li>\n"]))
    return "".join(parts) + '</ul>\n<a name="end" href="/z/">z</a>\n</main>\n'


def test_a_large_pages_scan_made_from_its_pieces_is_the_scan_of_the_page_through_edits():
    rng = random.Random(18)
    scanner = Scanner()
    html = _page(rng, 600)
    assert len(html) > LARGE
    for _ in range(30):
        cards = html.split("<li")
        i = rng.randrange(1, len(cards))
        cards[i] = rng.choice(
            [
                cards[i].replace("T</a>", "Edited</a>"),
                cards[i].replace('href="', 'href="/new'),
                ' class="card" id="fresh">no link</li>\n',
                cards[i] + '<a href="/end">',  # a piece that ends inside an attribute the scan reads:
            ]
        )
        html = "<li".join(cards)
        found, whole = scanner.scan("en/actions/index.html", html), scan(html)
        assert (found.ids, found.links) == (whole.ids, whole.links)


def test_an_attribute_running_across_a_cut_is_scanned_as_the_whole_page_scans_it():
    html = '<p id="a">' + "x" * LARGE + '<a href="/one<li">two</a><li id="b">'
    found = Scanner().scan("page.html", html)
    assert (found.ids, found.links) == ({"a", "b"}, {"/one<li"})


# --- the list pages: the timeline, the joined cards ----------------------------------------------------------

ACTIONS = {
    f"content/actions/{name}/{lang}.md": text(f"{title} {lang}", f"{name}-{lang}", body=f"{title}.")
    for name, title in (("alpha", "Alpha"), ("beta", "Beta"), ("gamma", "Gamma"), ("delta", "Delta"))
    for lang in ("fr", "en")
}
DATES = {
    "content/actions/alpha/item.yaml": "date: 2015-03-01\npartners: [acme]\n",
    "content/actions/beta/item.yaml": "date: 2015-03-01\npartners: [acme]\n",
    "content/actions/gamma/item.yaml": "date: 2015-06-01\npartners: [acme]\n",
    "content/actions/delta/item.yaml": "partners: [acme]\n",  # undated: after the dated ones, by title
}
PAGE_LINKING = {  # a page whose body only links to an action: its address, not its title
    "content/pages/approach/item.yaml": "order: 2\n",
    "content/pages/approach/fr.md": text("Approche", "approche", body="Voir [le salon](action:alpha)."),
    "content/pages/approach/en.md": text("Approach", "approach", body="See [the fair](action:alpha)."),
}


def _site(tmp_path: Path, files: dict[str, str]) -> tuple[SiteConfig, Session]:
    config = load_config(write_site(tmp_path / "site", {"site_config.yaml": CONFIG + QUIET, **files}))
    session = Session(config)
    session.build()
    return config, session


def _files(folder: Path) -> dict[str, bytes]:
    """The files (not the folders: the preview leaves a moved page's folder empty, which serves nothing)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _clean(config: SiteConfig, tmp_path: Path, n: int) -> dict[str, bytes]:
    out = tmp_path / f"clean{n}"
    build(config.with_overrides(out=out))
    return _files(out)


def _retitle(config: SiteConfig, session: Session, rel: str, title: str) -> None:
    path = config.root / rel
    lines = path.read_text().split("\n")
    path.write_text("\n".join(f'title: "{title}"' if line.startswith("title:") else line for line in lines))
    session.update([path])


def test_title_edits_that_reorder_the_timeline_and_change_cards_give_the_clean_build(tmp_path):
    config, session = _site(tmp_path, {**ACTIONS, **DATES})
    edits = [
        ("content/actions/alpha/en.md", "Zulu"),  # after beta on their shared date
        ("content/actions/beta/en.md", "Zulu"),  # equal date and title: in id order
        ("content/actions/delta/fr.md", "Aaa"),  # the undated one, shown in French and English
        ("content/actions/gamma/en.md", "Mid"),
        ("content/actions/alpha/en.md", "Alpha"),
        ("content/partners/acme/en.md", "Acme Industries"),  # a partner's card, and the actions' cards name it
        ("content/actions/beta/fr.md", "Omega"),
    ]
    for n, (rel, title) in enumerate(edits):
        _retitle(config, session, rel, title)
        assert _files(config.output_dir) == _clean(config, tmp_path, n), (rel, title)
    french = (config.output_dir / "fr/actions/index.html").read_text()
    assert french.index(">Omega</a>") < french.index(">Alpha fr</a>") < french.index(">Aaa</a>")  # one date, undated
    assert ">Acme Industries</a>" in (config.output_dir / "en/actions/index.html").read_text()


def test_a_title_edit_renders_no_page_that_only_links_to_the_item_and_a_slug_edit_does(tmp_path):
    config, session = _site(tmp_path, {**ACTIONS, **DATES, **PAGE_LINKING})
    path, key = "en/approach/index.html", ("actions", "alpha")
    assert (key, "en") not in session.deps[path][0] and (address(key), "en") in session.deps[path][0]
    before = (config.output_dir / path).stat().st_mtime_ns
    _retitle(config, session, "content/actions/alpha/en.md", "Renamed fair")
    assert (config.output_dir / path).stat().st_mtime_ns == before
    assert _files(config.output_dir) == _clean(config, tmp_path, 0)
    source = config.root / "content/actions/alpha/en.md"
    source.write_text(source.read_text().replace("slug: alpha-en", "slug: the-fair"))
    session.update([source])
    assert 'href="/international/en/actions/the-fair/"' in (config.output_dir / path).read_text()
    assert _files(config.output_dir) == _clean(config, tmp_path, 1)


# --- the parity check's comparisons --------------------------------------------------------------------------

NAMUR = {
    "content/actions/fair/fr.md": text("Le salon", "salon", body="Le salon de Namur réunit les entreprises."),
    "content/actions/fair/en.md": text("The fair", "fair", body="The fair in Namur brings companies together."),
    "content/actions/fair/nl.md": text("De beurs", "beurs", body="De beurs brengt bedrijven samen."),
}


def _parity(problems: list) -> list[tuple[str, int, str]]:
    return [(p.path, p.line, p.message) for p in problems if p.code == "translation-parity"]


def test_a_body_edit_that_changes_what_another_translation_lacks_gives_a_fresh_builds_warnings(tmp_path):
    """The Dutch text lacks 'Namur' only while the English keeps it as a name: the Dutch comparison, kept
    through an edit of the English body, must not be."""
    config, session = _site(tmp_path, NAMUR)
    source = config.root / "content/actions/fair/en.md"
    original = source.read_text()
    warned = []
    for n, body in enumerate(["The fair in Namur brings firms together.", "The fair brings companies together."] * 2):
        source.write_text(original.replace("The fair in Namur brings companies together.", body))
        problems = session.update([source]).problems
        assert _parity(problems) == _parity(Session(config.with_overrides(out=tmp_path / f"f{n}")).build().problems)
        warned.append(any("'Namur'" in message for _, _, message in _parity(problems)))
    assert warned == [True, False, True, False]


# --- the feeds' entries ------------------------------------------------------------------------------------


def test_an_edit_renders_again_only_the_feed_entries_showing_what_it_changed(tmp_path, monkeypatch):
    """Each feed entry is kept with what it read and the warnings its body raised: a body edit renders its
    entry alone, a French title edit the French entry and those of the feeds that fall back to it."""
    warned = {"content/actions/gamma/en.md": text("Gamma en", "gamma-en", body="# A second title\n\nGamma.")}
    config, session = _site(tmp_path, {**ACTIONS, **DATES, **warned})
    rendered = counted_feed_entries(monkeypatch)
    source = config.root / "content/actions/alpha/en.md"
    source.write_text(source.read_text().replace("Alpha.", "Alpha, edited."))
    problems = session.update([source]).problems
    assert rendered == [("alpha", "en")]
    assert "Alpha, edited." in (config.output_dir / "en/actions/atom.xml").read_text()
    fresh = Session(config.with_overrides(out=tmp_path / "fresh")).build().problems
    assert [p for p in problems if "level-1" in p.message] == [p for p in fresh if "level-1" in p.message] != []
    assert _files(config.output_dir) == _clean(config, tmp_path, 0)

    rendered.clear()
    _retitle(config, session, "content/actions/beta/fr.md", "Omega")
    assert sorted(rendered) == [("beta", "de"), ("beta", "fr"), ("beta", "nl")]  # nl and de show the French
    assert _files(config.output_dir) == _clean(config, tmp_path, 1)
