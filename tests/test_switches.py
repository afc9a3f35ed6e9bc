"""Two features a large site may switch off in site_config.yaml: the search (`search: false`) and the drawn
share pictures (`share_cards: false`). Off means gone: no page, link, index or file is left behind."""

from __future__ import annotations

from sitekit import CONFIG, write_site

from mecasite.build.pipeline import build
from mecasite.config.settings import load_config


def built(tmp_path, extra: str):
    config = load_config(write_site(tmp_path, {"site_config.yaml": CONFIG + extra}))
    build(config)
    out = tmp_path / "public"
    return out, {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}


def test_both_on_by_default(tmp_path):
    out, files = built(tmp_path, "")
    assert "fr/search/index.html" in files and any(f.startswith("pagefind/") for f in files)
    assert any(f.startswith("static/cards/") for f in files)
    home = (out / "fr/index.html").read_text()
    assert 'class="search-link"' in home and 'property="og:image"' in home


def test_without_search_there_is_no_search_page_link_or_index(tmp_path):
    out, files = built(tmp_path, "search: false\n")
    assert not [f for f in files if "search/" in f or f.startswith("pagefind/")]
    home = (out / "fr/index.html").read_text()
    assert 'class="search-link"' not in home and "data-pagefind-body" not in home
    assert "/search/" not in (out / "sitemap.xml").read_text()


def test_without_cards_pages_without_an_image_have_no_share_picture(tmp_path):
    out, files = built(tmp_path, "share_cards: false\n")
    assert not [f for f in files if f.startswith("static/cards/")]
    home = (out / "fr/index.html").read_text()
    assert 'property="og:image' not in home
    assert '<meta name="twitter:card" content="summary">' in home
