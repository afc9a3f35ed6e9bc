"""The preview and the files beside the text: an image saved, added or removed is an update like a text edit
(only the pages that show it rendered again, the old files removed, the output a clean build's byte for byte),
and a bad one is an error while the last good pages stay served."""

from __future__ import annotations

import pytest
from imagekit import photo
from sitekit import text, tree_digest
from test_images import ERRORS, site_with_images

from mecasite.build.media import finish_drafts
from mecasite.build.pipeline import build
from mecasite.config.settings import SiteConfig, load_config
from mecasite.preview.session import Session
from mecasite.problems import ContentError

FAIR = "content/actions/fair"


def preview(tmp_path, quick_images: bool = False) -> tuple[SiteConfig, Session]:
    config = load_config(site_with_images(tmp_path)).with_overrides(out=tmp_path / "preview")
    session = Session(config, quick_images)
    session.build()
    return config, session


def same_as_a_clean_build(config: SiteConfig, session: Session, tmp_path) -> None:
    """The preview's output (with its search index made again, as the preview does after an update) is what
    a build of the same tree from nothing gives."""
    assert session.refresh_index()
    clean = tmp_path / "clean"
    build(config.with_overrides(out=clean), force=True)
    assert tree_digest(tmp_path / "preview") == tree_digest(clean)


def files_of(folder) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def media(tmp_path) -> set[str]:
    return {p.name for p in (tmp_path / "preview/media").iterdir()}


def test_a_replaced_image_renders_again_only_the_pages_that_show_it(tmp_path):
    config, session = preview(tmp_path)
    before = media(tmp_path)
    (tmp_path / FAIR / "hall.jpg").write_bytes(photo(640, 480))
    update = session.update([tmp_path / FAIR / "hall.jpg"])
    assert not update.full
    # In each of the 4 languages: the fair's page, the actions' list (its timeline card), the partner's page
    # (it links to the fair: reading its title counts as showing it) and the search page (it names every
    # action); not the home, the partners' or testimonials' lists, the pages of the other items.
    assert update.rendered == 16 and update.site is not None and len(update.site.pages) == 32
    page = (tmp_path / "preview/fr/actions/salon/index.html").read_text()
    assert 'alt="Le hall du salon" width="640" height="480"' in page
    gone = before - media(tmp_path)
    assert gone and all(name.startswith("hall-") for name in gone)  # the old widths and formats
    assert {name for name in before if name.startswith(("hall-", "logo-", "leaflet-"))} - gone  # hall.nl.jpg's stay
    same_as_a_clean_build(config, session, tmp_path)


def test_the_preview_shows_a_saved_image_at_once_as_a_draft_then_in_full(tmp_path):
    """As `serve` runs it: the draft (the original's format alone, never cached) is on the page after the
    update; `finish_images`, which serve runs in the background, makes the rest and the pages again."""
    config, session = preview(tmp_path, quick_images=True)
    before = media(tmp_path)
    (tmp_path / FAIR / "hall.jpg").write_bytes(photo(1800, 1000))
    assert session.update([tmp_path / FAIR / "hall.jpg"]).rendered == 16
    assert session.drafts() == {f"{FAIR}/hall.jpg"}
    page = (tmp_path / "preview/fr/actions/salon/index.html").read_text()
    assert 'alt="Le hall du salon" width="1800" height="1000"' in page  # the final size: nothing moves later
    picture = page.split('alt="Le hall du salon"')[0].rpartition("<picture")[2]
    assert "<source" not in picture and "-960.jpg 960w" in picture
    assert sorted(name.rpartition("-")[2] for name in media(tmp_path) - before) == ["1600.jpg", "480.jpg", "960.jpg"]
    cached = {p.name for p in (tmp_path / ".cache/images").iterdir()}
    finished = session.finish_images()
    assert finished is not None and finished.rendered == 16 and not session.drafts()
    assert {p.name for p in (tmp_path / ".cache/images").iterdir()} - cached  # made in full, and kept
    assert "image/avif" in (tmp_path / "preview/fr/actions/salon/index.html").read_text()
    assert session.finish_images() is None  # nothing left to finish
    same_as_a_clean_build(config, session, tmp_path)


def test_a_new_image_named_by_a_new_text_is_shown(tmp_path):
    config, session = preview(tmp_path)
    (tmp_path / FAIR / "plan.png").write_bytes(photo(50, 40, "PNG"))
    (tmp_path / FAIR / "en.md").write_text(
        text("The fair", "fair", body="![The plan](plan.png)", image_alt='"The hall"')
    )
    update = session.update([tmp_path / FAIR / "plan.png", tmp_path / FAIR / "en.md"])
    assert not update.full
    assert 'alt="The plan" width="50" height="40"' in (tmp_path / "preview/en/actions/fair/index.html").read_text()
    same_as_a_clean_build(config, session, tmp_path)


def test_an_image_nothing_names_is_published_without_rendering_a_page(tmp_path):
    config, session = preview(tmp_path)
    (tmp_path / FAIR / "spare.jpg").write_bytes(photo(600, 400))
    update = session.update([tmp_path / FAIR / "spare.jpg"])
    assert (update.full, update.rendered) == (False, 0)
    assert any(name.startswith("spare-") for name in media(tmp_path))
    same_as_a_clean_build(config, session, tmp_path)


REMOVED = {
    "named in a body": (
        f"{FAIR}/leaflet.pdf",
        "content/actions/fair/fr.md:13:20: no file 'leaflet.pdf' in content/actions/fair/ (files there: hall.jpg, "
        "hall.nl.jpg)",
    ),
    "named by a field": (
        "content/partners/acme/logo.png",
        "content/partners/acme/item.yaml:2: logo: no file 'logo.png' in content/partners/acme/ (the item's folder "
        "holds no image or document: put the file next to item.yaml)",
    ),
}


@pytest.mark.parametrize("rel, expected", REMOVED.values(), ids=list(REMOVED))
def test_a_removed_file_that_is_named_is_an_error_at_the_content_line(tmp_path, rel, expected):
    config, session = preview(tmp_path)
    before = tree_digest(tmp_path / "preview")
    data = (tmp_path / rel).read_bytes()
    (tmp_path / rel).unlink()
    with pytest.raises(ContentError) as raised:
        session.update([tmp_path / rel])
    assert expected in [p.format() for p in raised.value.problems]
    assert tree_digest(tmp_path / "preview") == before
    (tmp_path / rel).write_bytes(data)  # put back: the preview is as it was
    assert not session.update([tmp_path / rel]).full
    assert tree_digest(tmp_path / "preview") == before


BAD = ("corrupt image", "too wide", "too large", "hostile SVG")


@pytest.mark.parametrize("name", BAD)
def test_a_bad_image_saved_is_an_error_and_the_last_good_pages_stay(tmp_path, name):
    files, expected = ERRORS[name]
    config, session = preview(tmp_path)
    before = tree_digest(tmp_path / "preview")
    paths = [tmp_path / rel for rel in files]
    saved = {path: path.read_bytes() if path.exists() else None for path in paths}
    for path, data in zip(paths, files.values(), strict=True):
        path.write_bytes(data if isinstance(data, bytes) else data.encode())
    with pytest.raises(ContentError) as raised:
        session.update(paths)
    assert expected in [p.format() for p in raised.value.problems]
    assert tree_digest(tmp_path / "preview") == before
    for path, data in saved.items():  # the editor puts the good file back
        if data is None:
            path.unlink()
        else:
            path.write_bytes(data)
    assert not session.update(paths).full
    assert tree_digest(tmp_path / "preview") == before


def test_an_item_copied_in_or_removed_with_its_images_publishes_or_removes_them(tmp_path):
    """The watcher may report only the folder: the files that came or went with the item count too."""
    config, session = preview(tmp_path)
    before = files_of(tmp_path / "preview")
    beta = tmp_path / "content/partners/beta"
    beta.mkdir()
    (beta / "item.yaml").write_text("country: BE\nlogo: logo.png\n")
    (beta / "fr.md").write_text(text("Beta", "beta"))
    (beta / "logo.png").write_bytes(photo(200, 90, "PNG"))
    assert not session.update([beta]).full
    assert 'alt="Beta" width="200" height="90"' in (tmp_path / "preview/fr/partenaires/beta/index.html").read_text()
    same_as_a_clean_build(config, session, tmp_path)
    for path in beta.iterdir():
        path.unlink()
    beta.rmdir()
    assert not session.update([beta]).full
    assert session.refresh_index()
    # Files only: the preview leaves the removed pages' folders behind, empty (as for any item removed).
    assert files_of(tmp_path / "preview") == before


def finished_in_full(config: SiteConfig, session: Session, tmp_path) -> None:
    """What serve runs in the background after an update, then the output is a clean build's."""
    session.finish_images()
    assert not session.drafts()
    assert session.finish_images() is None
    same_as_a_clean_build(config, session, tmp_path)


def test_an_image_saved_again_before_its_draft_is_finished_is_finished_as_saved_last(tmp_path):
    config, session = preview(tmp_path, quick_images=True)
    hall = tmp_path / FAIR / "hall.jpg"
    hall.write_bytes(photo(1800, 1000))
    session.update([hall])
    finish_drafts(config, session.drafts())  # the background work has made the first one in full...
    hall.write_bytes(photo(1700, 1000))  # ...when the file is saved again
    session.update([hall])
    assert session.drafts() == {f"{FAIR}/hall.jpg"}
    finished_in_full(config, session, tmp_path)
    assert 'width="1700" height="1000"' in (tmp_path / "preview/fr/actions/salon/index.html").read_text()


def test_two_images_saved_at_once_are_both_finished(tmp_path):
    config, session = preview(tmp_path, quick_images=True)
    saved = [tmp_path / FAIR / "hall.jpg", tmp_path / "content/partners/acme/logo.png"]
    saved[0].write_bytes(photo(1800, 1000))
    saved[1].write_bytes(photo(320, 100, "PNG"))
    session.update(saved)
    assert session.drafts() == {f"{FAIR}/hall.jpg", "content/partners/acme/logo.png"}
    finished_in_full(config, session, tmp_path)


def test_a_draft_image_removed_or_renamed_before_its_finish_leaves_a_clean_builds_output(tmp_path):
    config, session = preview(tmp_path, quick_images=True)
    spare, moved = tmp_path / FAIR / "spare.jpg", tmp_path / FAIR / "moved.jpg"
    spare.write_bytes(photo(900, 600))
    session.update([spare])
    spare.rename(moved)
    session.update([spare, moved])
    assert session.drafts() == {f"{FAIR}/moved.jpg"}
    moved.unlink()
    session.update([moved])
    assert not session.drafts() and session.finish_images() is None
    same_as_a_clean_build(config, session, tmp_path)


@pytest.mark.parametrize("bad", ["content/partners/acme/logo.png", f"{FAIR}/hall.nl.jpg"], ids=["other", "same"])
def test_a_bad_image_saved_while_another_is_a_draft_is_finished_once_fixed(tmp_path, bad):
    config, session = preview(tmp_path, quick_images=True)
    hall = tmp_path / FAIR / "hall.jpg"
    hall.write_bytes(photo(1800, 1000))
    session.update([hall])
    good = (tmp_path / bad).read_bytes()
    (tmp_path / bad).write_bytes(b"not an image")
    with pytest.raises(ContentError):
        session.update([tmp_path / bad])
    try:
        session.finish_images()  # in the same item, the bad file is an error again: serve leaves it
    except ContentError:
        assert bad.startswith(FAIR)
    (tmp_path / bad).write_bytes(good)
    session.update([tmp_path / bad])
    finished_in_full(config, session, tmp_path)


def test_a_draft_image_whose_text_is_edited_before_its_finish_is_finished(tmp_path):
    config, session = preview(tmp_path, quick_images=True)
    hall, fr = tmp_path / FAIR / "hall.jpg", tmp_path / FAIR / "fr.md"
    hall.write_bytes(photo(1800, 1000))
    session.update([hall])
    fr.write_text(fr.read_text().replace("## Résultats", "## Les résultats"))
    session.update([fr])
    assert session.drafts() == {f"{FAIR}/hall.jpg"}
    finished_in_full(config, session, tmp_path)
