"""The site before the current one is kept beside it (`.public.spare`) and becomes the staging folder of the
next build after an edit: only what changed is written, no page folder is made again, the swap stays atomic,
and what it publishes is what a clean build would. A spare holding a file no build wrote is never used and
never deleted."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from sitekit import tree_digest, write_site
from test_records import clean_build_of, inodes, real_project

from mecasite.build import output_folder, spare, writer
from mecasite.build.output_folder import RefusedOutput
from mecasite.build.pipeline import build
from mecasite.config.settings import SiteConfig, load_config

TEXT = "content/partners/materalia/de.md"
DRAFT = "content/actions/imagesante-2012/item.yaml"


@pytest.fixture
def recycled(monkeypatch) -> list[bool]:
    """Whether each build found a usable spare when it looked for one."""
    found: list[bool] = []
    usable = spare.usable

    def spy(out: Path, ledger):  # type: ignore[no-untyped-def]
        tree = usable(out, ledger)
        found.append(tree is not None)
        return tree

    monkeypatch.setattr(spare, "usable", spy)
    return found


def edit(root: Path, rel: str, sentence: str) -> None:
    path = root / rel
    path.write_text(path.read_text().replace("\n\n", f"\n\n{sentence}\n\n", 1))


def spare_of(config: SiteConfig) -> Path:
    return config.output_dir.parent / ".public.spare"


def test_a_build_after_an_edit_starts_from_the_spare_and_publishes_a_clean_builds_site(tmp_path, recycled):
    config_path = real_project(tmp_path / "site")
    config = load_config(config_path)
    build(config)
    assert not spare_of(config).exists()  # nothing was put aside by the first build
    edit(tmp_path / "site", TEXT, "Ein neuer Satz.")
    build(config)  # no spare yet: a fresh staging folder; the first site is put aside and kept
    assert spare_of(config).is_dir() and recycled[-1] is False
    before = inodes(config.output_dir)

    edit(tmp_path / "site", "content/partners/materalia/en.md", "A new sentence.")
    build(config)
    assert recycled[-1] is True
    after = inodes(config.output_dir)
    again = {path for path in after if after[path] != before.get(path)}
    assert "en/partners/materalia/index.html" in again
    assert "de/partner/materalia/index.html" not in again  # the spare's older copy was replaced by the live one
    assert len([p for p in again if p.endswith(".html")]) < len(before) // 4
    assert tree_digest(config.output_dir) == clean_build_of(config_path, tmp_path / "clean")
    assert sorted(p.name for p in config.output_dir.parent.iterdir() if p.name.startswith(".public")) == [
        ".public.spare"
    ]


def test_pages_gone_since_the_spare_was_made_are_removed_with_their_folders(tmp_path, recycled):
    config_path = real_project(tmp_path / "site")
    config = load_config(config_path)
    build(config)
    draft = tmp_path / "site" / DRAFT
    draft.write_text(draft.read_text() + "draft: true\n")  # its pages go: a full build
    build(config)
    assert (spare_of(config) / "fr/actions/festival-imagesante-2012/index.html").exists()
    edit(tmp_path / "site", TEXT, "Ein neuer Satz.")
    build(config)
    assert recycled[-1] is True
    assert not (config.output_dir / "fr/actions/festival-imagesante-2012").exists()
    assert tree_digest(config.output_dir) == clean_build_of(config_path, tmp_path / "clean")


def test_a_spare_holding_a_file_no_build_wrote_is_neither_used_nor_deleted(tmp_path, recycled, capsys):
    config_path = real_project(tmp_path / "site")
    config = load_config(config_path)
    build(config)
    edit(tmp_path / "site", TEXT, "Ein neuer Satz.")
    build(config)
    notes = spare_of(config) / "notes.txt"
    notes.write_text("mine")
    edit(tmp_path / "site", TEXT, "Noch ein Satz.")
    build(config)
    assert recycled[-1] is False
    assert notes.read_text() == "mine"
    assert "holds files no build wrote: left as it is" in capsys.readouterr().err
    assert tree_digest(config.output_dir) == clean_build_of(config_path, tmp_path / "clean")


# -- an adversarial review, on a small site (tests/sitekit.py) ---------------------------------------------

FAIR = "content/actions/fair/en.md"


def small_site(root: Path, files: dict | None = None) -> tuple[Path, SiteConfig]:
    config_path = write_site(root, files or {})
    return config_path, load_config(config_path)


def edit_fair(root: Path, n: int) -> None:
    path = root / FAIR
    path.write_text(path.read_text().replace("A fair.", f"A fair ({n}).").replace(f"({n - 1})", f"({n})"))


def with_a_spare(root: Path, files: dict | None = None) -> tuple[Path, SiteConfig]:
    """A small site built twice, the second time after an edit: the first site is kept as the spare."""
    config_path, config = small_site(root, files)
    build(config)
    edit_fair(root, 1)
    build(config)
    assert spare_of(config).is_dir()
    return config_path, config


def snapshot(folder: Path) -> dict[str, tuple[int, bytes]]:
    """Each file below `folder` (links not followed) with its inode and bytes."""
    return {
        p.relative_to(folder).as_posix(): (p.lstat().st_ino, p.read_bytes() if not p.is_symlink() else b"link")
        for p in folder.rglob("*")
        if p.is_file() or p.is_symlink()
    }


@pytest.mark.parametrize(
    ("first", "then"),
    [({"static/x": "file"}, {"static/x": None, "static/x/y": "file below"}), ({"static/x/y": "below"}, {})],
    ids=["a file became a folder", "a folder became a file"],
)
def test_a_static_file_that_became_a_folder_or_back_since_the_spare(tmp_path, recycled, first, then):
    root = tmp_path / "site"
    config_path, config = small_site(root, first)
    build(config)
    if not then:  # static/x/y goes, static/x comes: a file where the spare has a folder
        (root / "static/x/y").unlink()
        (root / "static/x").rmdir()
        (root / "static/x").write_text("file")
    else:
        (root / "static/x").unlink()
        (root / "static/x").mkdir()
        (root / "static/x/y").write_text("file below")
    build(config)  # a full build (a static file changed): the first site is kept as the spare
    assert spare_of(config).is_dir()
    edit_fair(root, 1)
    build(config)
    assert recycled[-1] is True
    assert tree_digest(config.output_dir) == clean_build_of(config_path, tmp_path / "clean")


def test_a_recycled_build_changes_no_live_file_before_the_swap(tmp_path, recycled, monkeypatch):
    root = tmp_path / "site"
    config_path, config = with_a_spare(root)
    live = snapshot(config.output_dir)
    seen: list[bool] = []
    real_swap = writer._swap

    def swap(new: Path, out: Path) -> None:
        seen.append(snapshot(out) == live)
        real_swap(new, out)

    monkeypatch.setattr(writer, "_swap", swap)
    edit_fair(root, 2)
    build(config)
    assert recycled[-1] is True and seen == [True]
    aside = snapshot(spare_of(config))  # the site before, kept: what was live, untouched
    assert {path: data for path, (_, data) in aside.items()} == {path: data for path, (_, data) in live.items()}
    assert tree_digest(config.output_dir) == clean_build_of(config_path, tmp_path / "clean")


def plant_a_link_to_a_folder_outside(spare_folder: Path, outside: Path) -> Path:
    (outside / "keep.txt").write_text("an editor's file")
    link = spare_folder / "static" / "elsewhere"
    link.symlink_to(outside, target_is_directory=True)
    return link


def plant_a_link_to_a_live_file(spare_folder: Path, outside: Path) -> Path:
    page = spare_folder / "en/actions/fair/index.html"
    page.unlink()
    page.symlink_to(spare_folder.parent / "public/en/actions/fair/index.html")
    return page


def drop_the_spares_ledger(spare_folder: Path, outside: Path) -> Path:  # as deleting .cache/ does
    for suffix in (".files", ".pending"):
        ledger_path(spare_folder).with_suffix(suffix).unlink(missing_ok=True)
    return spare_folder / "index.html"


def ledger_path(folder: Path) -> Path:
    return output_folder.Ledger(folder.parent / ".cache" / "outputs").path(folder)


def test_a_spare_whose_ledger_went_with_the_cache_is_not_used_and_the_next_build_replaces_it(
    tmp_path, recycled, capsys
):
    """Its marker alone vouches for it, as for an output folder: no warning on every build for ever."""
    root, outside = tmp_path / "site", tmp_path / "outside"
    config_path, config = with_a_spare(root)
    drop_the_spares_ledger(spare_of(config), outside)
    live = snapshot(config.output_dir)
    edit_fair(root, 2)
    build(config)
    assert recycled[-1] is False and "holds files" not in capsys.readouterr().err
    assert snapshot(spare_of(config)) == live  # the site before, kept in its place
    edit_fair(root, 3)
    build(config)
    assert recycled[-1] is True
    assert tree_digest(config.output_dir) == clean_build_of(config_path, tmp_path / "clean")


@pytest.mark.parametrize("plant", [plant_a_link_to_a_folder_outside, plant_a_link_to_a_live_file])
def test_a_spare_with_a_link_planted_is_not_used_and_nothing_it_leads_to_changes(tmp_path, recycled, capsys, plant):
    root, outside = tmp_path / "site", tmp_path / "outside"
    outside.mkdir()
    config_path, config = with_a_spare(root)
    planted = plant(spare_of(config), outside)
    spare_before, outside_before = snapshot(spare_of(config)), snapshot(outside)
    edit_fair(root, 2)
    build(config)
    assert recycled[-1] is False
    assert "holds files no build wrote: left as it is" in capsys.readouterr().err
    assert snapshot(spare_of(config)) == spare_before and os.path.lexists(planted)
    assert snapshot(outside) == outside_before
    assert tree_digest(config.output_dir) == clean_build_of(config_path, tmp_path / "clean")


@pytest.mark.parametrize("what", ["a file", "a link to the output", "a link to a folder outside"])
def test_a_spare_replaced_by_a_file_or_a_link_is_left_as_it_is(tmp_path, recycled, what):
    root, outside = tmp_path / "site", tmp_path / "outside"
    config_path, config = with_a_spare(root)
    shutil.copytree(spare_of(config), outside, symlinks=True)  # a copy: marked, a site's files
    shutil.rmtree(spare_of(config))
    if what == "a file":
        spare_of(config).write_text("an editor's notes")
    else:
        spare_of(config).symlink_to(config.output_dir if what == "a link to the output" else outside)
    outside_before = snapshot(outside)
    for n in (2, 3):
        edit_fair(root, n)
        build(config)
        assert recycled[-1] is False
    assert spare_of(config).is_symlink() == (what != "a file")
    if what == "a file":
        assert spare_of(config).read_text() == "an editor's notes"
    assert snapshot(outside) == outside_before
    assert tree_digest(config.output_dir) == clean_build_of(config_path, tmp_path / "clean")


def test_an_output_deleted_by_hand_while_a_spare_remains_is_built_again_in_full(tmp_path, recycled):
    root = tmp_path / "site"
    config_path, config = with_a_spare(root)
    shutil.rmtree(config.output_dir)
    edit_fair(root, 2)
    build(config)  # a full build (the output is not the one recorded)
    assert not spare_of(config).exists()  # the spare of a site that is gone: removed
    assert tree_digest(config.output_dir) == clean_build_of(config_path, tmp_path / "clean")
    edit_fair(root, 3)
    build(config)  # after an edit again: no spare yet, the site before is kept
    edit_fair(root, 4)
    build(config)
    assert recycled[-1] is True
    assert tree_digest(config.output_dir) == clean_build_of(config_path, tmp_path / "clean2")


def test_a_page_renamed_between_two_edits_leaves_no_trace_of_its_old_address(tmp_path, recycled):
    root = tmp_path / "site"
    config_path, config = with_a_spare(root)
    fair = root / FAIR
    fair.write_text(fair.read_text().replace("slug: fair", "slug: trade-fair"))
    build(config)  # a page moved: a full build; the spare (the first site) goes, the second is kept
    assert (spare_of(config) / "en/actions/fair/index.html").exists()
    edit_fair(root, 2)
    build(config)
    assert recycled[-1] is True
    assert not (config.output_dir / "en/actions/fair").exists()
    assert (config.output_dir / "en/actions/trade-fair/index.html").exists()
    assert tree_digest(config.output_dir) == clean_build_of(config_path, tmp_path / "clean")


def test_a_file_dropped_into_the_output_stops_the_build_and_the_spare_stays_whole(tmp_path, recycled):
    root = tmp_path / "site"
    config_path, config = with_a_spare(root)
    notes = config.output_dir / "notes.txt"
    notes.write_text("mine")
    spare_before, live_before = snapshot(spare_of(config)), snapshot(config.output_dir)
    edit_fair(root, 2)
    with pytest.raises(RefusedOutput):
        build(config)
    assert snapshot(spare_of(config)) == spare_before and snapshot(config.output_dir) == live_before
    notes.unlink()
    build(config)
    assert recycled[-1] is True
    assert tree_digest(config.output_dir) == clean_build_of(config_path, tmp_path / "clean")


def test_the_previews_full_build_and_in_place_updates_leave_a_spare_the_next_builds_can_use(tmp_path, recycled):
    from mecasite.preview.session import Session

    root = tmp_path / "site"
    config_path, config = with_a_spare(root)
    first_spare = snapshot(spare_of(config))
    session = Session(config)
    session.build()  # a full build: the spare goes, the site before is kept
    assert snapshot(spare_of(config)) != first_spare
    kept = snapshot(spare_of(config))
    edit_fair(root, 2)
    session.update([root / FAIR])  # rewritten in place, each file atomically: never through a link
    assert snapshot(spare_of(config)) == kept
    for n in (3, 4):
        edit_fair(root, n)
        build(config)
    assert recycled[-1] is True
    assert tree_digest(config.output_dir) == clean_build_of(config_path, tmp_path / "clean")


def test_the_same_path_in_another_case_is_cleared_before_a_recycled_build_writes():
    """On a file system that ignores case, the spare's `Logo.png` would take `logo.png`'s place (and be
    pruned with it), and its `Media/` would give the published folder its old name: both go first."""
    tree = spare.Tree(
        {
            "static/Logo.png": (1, 1, 1),
            "Media/a.png": (2, 1, 1),
            "Media/sub/b.png": (3, 1, 1),
            "fr/index.html": (4, 1, 1),
        },
        {"", "static", "Media", "Media/sub", "fr"},
    )
    assert spare.case_twins(tree, "static/logo.png") == (["static/Logo.png"], [])
    assert spare.case_twins(tree, "media/a.png") == (["Media/a.png", "Media/sub/b.png"], ["Media/sub", "Media"])
    assert spare.case_twins(tree, "fr/index.html") == ([], [])  # the same case: nothing in the way
    assert spare.case_twins(tree, "static/Logo.png") == ([], [])
