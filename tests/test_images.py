"""Images and documents beside the text: what the visitor gets, what the build refuses (each with its exact
message, exit 1, the previous output untouched), and a warm build that opens no image."""

from __future__ import annotations

import io
import re

import pytest
from imagekit import bomb_png, photo
from PIL import Image
from sitekit import quote, text, tree_digest, write_site

from mecasite.build import images as images_module
from mecasite.build.pipeline import build
from mecasite.cli import main
from mecasite.config.settings import load_config

PDF = b"%PDF-1.4\n" + b"x" * 1_500_000


def site_with_images(tmp_path, **overrides):
    files = {
        "content/actions/fair/item.yaml": "date: 2014-05-02\npartners: [acme]\nimage: hall.jpg\n",
        "content/actions/fair/hall.jpg": photo(2000, 1200, exif_gps=True),
        "content/actions/fair/hall.nl.jpg": photo(800, 600),
        "content/actions/fair/leaflet.pdf": PDF,
        "content/actions/fair/fr.md": text(
            "Le salon",
            "salon",
            body='## Résultats\n\n![Le stand](hall.jpg)\n\n![""](hall.jpg)\n\nVoir [le dépliant](leaflet.pdf).',
            image_alt='"Le hall du salon"',
        ),
        "content/actions/fair/en.md": text(
            "The fair", "fair", body="## Results\n\nSee [the leaflet](leaflet.pdf).", image_alt='"The hall"'
        ),
        "content/partners/acme/item.yaml": "country: NL\nlogo: logo.png\n",
        "content/partners/acme/logo.png": photo(300, 100, "PNG"),
    }
    files.update(overrides)
    return write_site(tmp_path, files)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("images")
    config = site_with_images(root)
    assert main(["build", "--config", str(config)]) == 0
    return root / "public"


def test_pictures_have_modern_formats_widths_and_sizes(built):
    html = (built / "fr/actions/salon/index.html").read_text()
    hero = re.search(r'<p class="item-picture">(.*?)</p>', html).group(1)
    assert hero.startswith('<picture><source type="image/avif" srcset="/international/media/hall-')
    assert '<source type="image/webp"' in hero and 'sizes="(min-width: 48rem) 42rem' in hero
    # Orientation applied first (the EXIF said: turn 90°), widths never wider than the original.
    assert 'alt="Le hall du salon" width="1200" height="2000" decoding="async">' in hero
    assert "loading=" not in hero  # at the top of the page
    widths = sorted({int(w) for w in re.findall(r"-(\d+)\.jpg \d+w", hero)})
    assert widths == [480, 960, 1200]
    body = html[html.index('class="body"') :]
    assert 'alt="Le stand" width="1200" height="2000" loading="lazy" decoding="async"' in body
    assert 'alt="" width="1200"' in body  # ![""](hall.jpg): decorative on purpose


def test_published_images_carry_no_metadata(built):
    files = sorted((built / "media").glob("hall-*"))
    assert {f.suffix for f in files} == {".avif", ".webp", ".jpg"}
    for path in files:
        with Image.open(path) as image:
            assert not dict(image.getexif()), path.name
            assert not {"exif", "xmp", "icc_profile", "comment"} & set(image.info), path.name
        assert b"SecretCam" not in path.read_bytes()


def test_a_language_overrides_a_file(built):
    nl = (built / "nl/acties/salon/index.html").read_text()  # the Dutch page falls back to the French text
    assert 'width="800" height="600"' in nl and 'width="1200"' not in nl


def test_documents_are_copied_with_their_size_in_the_page_language(built):
    fr = (built / "fr/actions/salon/index.html").read_text()
    en = (built / "en/actions/fair/index.html").read_text()
    assert re.search(
        r'<a href="/international/media/leaflet-[0-9a-f]{10}\.pdf">le dépliant</a><span class="file-note"> \(PDF, 1,5\u202fMo\)</span>',
        fr,
    )
    assert "(PDF, 1.5 MB)" in en
    (pdf,) = (built / "media").glob("leaflet-*.pdf")
    assert pdf.read_bytes() == PDF


def test_logos_on_cards_partner_page_and_quotes(built):
    card = (built / "fr/partenaires/index.html").read_text()
    assert re.search(r'<p class="card-logo"><picture>.*?alt="Acme" width="300" height="100" loading="lazy"', card)
    page = (built / "fr/partenaires/acme/index.html").read_text()
    assert re.search(r'<p class="item-logo"><picture>.*?class="logo".*?alt="Acme"', page)
    quotes = (built / "fr/temoignages/index.html").read_text()
    assert "<figcaption>\n<picture>" in quotes
    timeline = (built / "fr/actions/index.html").read_text()
    assert 'sizes="(min-width: 72rem) 22rem' in timeline


def test_feed_images_are_absolute_and_media_cached_for_a_year(built):
    feed = (built / "fr/actions/atom.xml").read_text()
    assert (
        "srcset=&#34;https://example.org/international/media/hall-" in feed
        or "https://example.org/international/media/hall-" in feed
    )
    assert 'src="/international/media' not in feed and "&#34;/international/media" not in feed
    assert (
        "/international/media/*\n  Cache-Control: public, max-age=31536000, immutable"
        in (built / "_headers").read_text()
    )


def test_warm_build_opens_no_image(tmp_path, monkeypatch):
    config = load_config(site_with_images(tmp_path))
    build(config)
    first = tree_digest(config.output_dir)

    def refuse(name, data):
        raise AssertionError(f"{name} processed again")

    monkeypatch.setattr(images_module, "make_image", refuse)
    build(config, force=True)
    assert tree_digest(config.output_dir) == first


def test_static_links(tmp_path, capsys):
    body = "Voir [la carte](static:favicon.svg) et [rien](static:nothing.svg)."
    config = write_site(tmp_path, {"content/actions/fair/fr.md": text("Le salon", "salon", body=body)})
    assert main(["build", "--config", str(config)]) == 1
    err = capsys.readouterr().err
    assert (
        "content/actions/fair/fr.md:6:47: no file 'nothing.svg' in static/ (files there: favicon.svg, print.css, search.js, "
        "site.css)" in err
    )
    config = write_site(tmp_path, {"content/actions/fair/fr.md": text("Le salon", "salon", body=body[:36] + ".")})
    assert main(["build", "--config", str(config)]) == 0
    assert re.search(
        r'href="/international/static/favicon\.svg\?v=[0-9a-f]{10}"',
        (tmp_path / "public/fr/actions/salon/index.html").read_text(),
    )


def png_named_jpg() -> bytes:
    return photo(100, 100, "PNG")


ERRORS = {
    "missing file in Markdown": (
        {
            "content/actions/fair/en.md": text(
                "The fair", "fair", body="A fair.\n\n![The hall](hal.jpg)", image_alt='"The hall"'
            )
        },
        "content/actions/fair/en.md:10:13: no file 'hal.jpg' in content/actions/fair/ (files there: hall.jpg, "
        "hall.nl.jpg, leaflet.pdf)",
    ),
    "image without alternative text": (
        {
            "content/actions/fair/en.md": text(
                "The fair", "fair", body="A fair.\n\n![](hall.jpg)", image_alt='"The hall"'
            )
        },
        "content/actions/fair/en.md:10:5: image 'hall.jpg' without alternative text (write what it shows between "
        'the brackets: ![a short description](hall.jpg), or ![""](hall.jpg) for a decorative image)',
    ),
    "image field naming a missing file": (
        {"content/actions/fair/item.yaml": "partners: [acme]\nimage: hal.jpg\n"},
        "content/actions/fair/item.yaml:2: image: no file 'hal.jpg' in content/actions/fair/ (files there: "
        "hall.jpg, hall.nl.jpg, leaflet.pdf)",
    ),
    "document link in a folder holding no file": (
        {"content/testimonials/acme/fr.md": quote("Directeur, Acme", "Voir [le dépliant](leaflet.pdf).")},
        "content/testimonials/acme/fr.md:4:20: no file 'leaflet.pdf' in content/testimonials/acme/ (the item's "
        "folder holds no image or document: put the file next to item.yaml)",
    ),
    "image without image_alt": (
        {"content/actions/fair/en.md": text("The fair", "fair")},
        "content/actions/fair/en.md:1: missing 'image_alt': the alternative text of the image 'hall.jpg' in this "
        'language (describe what the image shows in a few words, or write image_alt: "" for a decorative image)',
    ),
    "corrupt image": (
        {"content/actions/fair/hall.jpg": photo()[:400]},
        "content/actions/fair/hall.jpg: hall.jpg is not a readable image (damaged or incomplete) (export it again "
        "from the original)",
    ),
    "content not matching the extension": (
        {"content/actions/fair/hall.jpg": png_named_jpg()},
        "content/actions/fair/hall.jpg: hall.jpg holds a PNG image, not JPEG (rename it with its real extension: "
        "hall.png)",
    ),
    "decompression bomb": (
        {"content/partners/acme/logo.png": bomb_png(11_000, 11_000)},
        "content/partners/acme/logo.png: logo.png would decode to more than 60 million pixels (export it again at "
        "web size; a file this small with so many pixels is made to crash programs)",
    ),
    "too wide": (
        {"content/partners/acme/logo.png": photo(12_001, 2, "PNG")},
        "content/partners/acme/logo.png: logo.png is 12001 x 2 pixels, more than the 12000 an image may have on a "
        "side (resize it to 1600 pixels wide or a little more)",
    ),
    "too large": (
        {"content/partners/acme/logo.png": b"\x89PNG" + b"\0" * 25_000_001},
        "content/partners/acme/logo.png: logo.png is 25.0 MB, more than the 25 MB an image may be (export it for "
        "the web (a photo of 3000 pixels is a few MB at most))",
    ),
    "document not matching its extension": (
        {"content/actions/fair/leaflet.pdf": b"<html>not a pdf</html>"},
        "content/actions/fair/leaflet.pdf: leaflet.pdf is not a PDF file (export it again, or give it its real "
        "extension)",
    ),
    "hostile SVG": (
        {
            "content/partners/acme/item.yaml": "country: NL\nlogo: logo.svg\n",
            "content/partners/acme/logo.svg": b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1" onload="alert(1)"/>',
        },
        "content/partners/acme/logo.svg: logo.svg: SVG with an event handler (onload= on <svg>) (export it again "
        "as a plain SVG (shapes and text only), or as a PNG)",
    ),
}


@pytest.mark.parametrize("files, expected", ERRORS.values(), ids=list(ERRORS))
def test_each_bad_file_has_its_message(tmp_path, capsys, files, expected):
    config = site_with_images(tmp_path)
    assert main(["build", "--config", str(config)]) == 0
    before = tree_digest(tmp_path / "public")
    config = site_with_images(tmp_path, **files)
    capsys.readouterr()
    assert main(["build", "--config", str(config)]) == 1
    err = capsys.readouterr().err
    assert expected in err.splitlines(), err
    assert "Traceback" not in err
    assert tree_digest(tmp_path / "public") == before


def test_an_svg_is_written_again_without_comments(tmp_path):
    svg = b'<?xml version="1.0"?><!-- secret --><svg xmlns="http://www.w3.org/2000/svg" xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" width="20" height="10" inkscape:version="1"><metadata>me</metadata><rect width="20" height="10"/></svg>'
    config = site_with_images(
        tmp_path,
        **{"content/partners/acme/item.yaml": "country: NL\nlogo: logo.svg\n", "content/partners/acme/logo.svg": svg},
    )
    assert main(["build", "--config", str(config)]) == 0
    (out,) = (tmp_path / "public/media").glob("logo-*.svg")
    assert (
        out.read_bytes()
        == b'<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><rect width="20" height="10" /></svg>'
    )
    page = (tmp_path / "public/fr/partenaires/acme/index.html").read_text()
    assert re.search(
        r'<img class="logo" src="/international/media/logo-[0-9a-f]{10}-20\.svg" alt="Acme" width="20" height="10" decoding="async">',
        page,
    )


SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">{}</svg>'
HOSTILE_SVG = {
    "script": (SVG.format("<script>alert(1)</script>"), "SVG with a <script> element, which is not allowed"),
    "event handler": (SVG.format('<rect onclick="alert(1)"/>'), "SVG with an event handler (onclick= on <rect>)"),
    "foreignObject": (
        SVG.format("<foreignObject><p>x</p></foreignObject>"),
        "SVG with a <foreignObject> element, which is not allowed",
    ),
    "external image": (
        SVG.format('<image href="https://evil.example/x.png"/>'),
        "SVG with a <image> element, which is not allowed",
    ),
    "javascript href": (
        SVG.format('<a xlink:href="javascript:alert(1)"><rect/></a>'),
        "SVG with a <a> element, which is not allowed",
    ),
    "external use": (
        SVG.format('<use href="https://evil.example/s.svg#x"/>'),
        'SVG with a reference to another file: href="https://evil.example/s.svg#x" on <use>',
    ),
    "xlink use": (
        SVG.format('<use xlink:href="other.svg#x"/>'),
        'SVG with a reference to another file: href="other.svg#x" on <use>',
    ),
    "style import": (
        SVG.format("<style>@import url(https://evil.example/a.css);</style>"),
        "SVG with a style that loads or runs something (<style>)",
    ),
    "style url": (
        SVG.format('<rect style="fill: url(https://evil.example/p)"/>'),
        "SVG with a reference to another file: url(https://evil.example/p) (style= on <rect>)",
    ),
    "entities": (
        '<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>',
        "SVG with a DOCTYPE or entities (they can expand without end or read files)",
    ),
    "not svg": ('<html xmlns="http://www.w3.org/1999/xhtml"/>', "not an SVG image (its first element is not <svg>)"),
}


@pytest.mark.parametrize("svg, message", HOSTILE_SVG.values(), ids=list(HOSTILE_SVG))
def test_hostile_svg_is_refused(svg, message):
    from mecasite.build.svg import SvgError, sanitize_svg

    with pytest.raises(SvgError) as caught:
        sanitize_svg(svg.encode())
    assert caught.value.message == message


def test_local_references_pass():
    from mecasite.build.svg import sanitize_svg

    clean = sanitize_svg(
        SVG.format('<defs><linearGradient id="g"/></defs><rect fill="url(#g)"/><use href="#g"/>').encode()
    )
    assert b'fill="url(#g)"' in clean and b'href="#g"' in clean


def test_check_writes_no_image_cache(tmp_path):
    config = site_with_images(tmp_path)
    assert main(["check", "--config", str(config)]) == 0
    assert not (tmp_path / ".cache/images").exists()


def test_an_action_s_own_image_is_its_share_picture_and_a_logo_is_not(built):
    """A share preview reads JPEG or PNG: the widest file in the original's format, its real size declared."""
    html = (built / "fr/actions/salon/index.html").read_text()
    url = re.search(r'<meta property="og:image" content="([^"]+)"', html).group(1)
    assert re.fullmatch(r"https://[^\s]+/international/media/hall-[0-9a-f]{10}-1200\.jpg", url)
    with Image.open(built / url.split("/international/", 1)[1]) as image:
        assert image.size == (1200, 2000)
    assert '<meta property="og:image:width" content="1200">' in html
    assert '<meta property="og:image:height" content="2000">' in html
    assert '<meta property="og:image:alt" content="Le hall du salon">' in html
    nl = (built / "nl/acties/salon/index.html").read_text()  # the Dutch override, 800 x 600
    assert re.search(r'og:image" content="[^"]+/media/hall-nl-[0-9a-f]{10}-800\.jpg"', nl)
    partner = (built / "fr/partenaires/acme/index.html").read_text()
    assert re.search(r'og:image" content="[^"]+/static/cards/[0-9a-f]+\.png"', partner)


def test_a_large_jpeg_is_decoded_at_a_reduced_size_that_still_gives_every_width():
    """A camera original twice the widest file on both sides is decoded at half size (Image.draft): the widths
    published are the same, the stated size keeps its proportions; a smaller one is decoded whole."""
    from mecasite.build.images import make_image

    large = make_image("big.jpg", photo(3400, 3300))
    assert (large.width, large.height) == (1700, 1650)
    assert sorted({w for w, fmt, _ in large.files if fmt == "jpeg"}) == [480, 960, 1600]
    for width, fmt, data in large.files:
        assert Image.open(io.BytesIO(data)).size == (width, round(1650 * width / 1700)), fmt
    small = make_image("small.jpg", photo(3000, 2000))
    assert (small.width, small.height) == (3000, 2000)


@pytest.mark.parametrize("replaced", ["hall.jpg", "logo.png"])
def test_an_image_replaced_gives_a_clean_builds_site_in_a_build_after_it(tmp_path, replaced):
    """A build after an edit that replaces an image under the same name (the texts unchanged) renders again
    the pages that show it, as the preview does (changes.with_files): the site is a clean build's."""
    config_path = site_with_images(tmp_path / "site")
    assert main(["build", "--config", str(config_path)]) == 0
    folder = "content/actions/fair" if replaced == "hall.jpg" else "content/partners/acme"
    image = tmp_path / "site" / folder / replaced
    image.write_bytes(photo(1000, 1600) if replaced == "hall.jpg" else photo(200, 200, "PNG"))
    assert main(["build", "--config", str(config_path)]) == 0
    clean = site_with_images(tmp_path / "clean")
    (tmp_path / "clean" / folder / replaced).write_bytes(image.read_bytes())
    assert main(["build", "--config", str(clean)]) == 0
    assert tree_digest(tmp_path / "site/public") == tree_digest(tmp_path / "clean/public")
