"""The site before the current one is kept beside it (`.public.spare`) and becomes the staging folder of the
next build after an edit: only what changed is written, no page folder is made again, the swap stays atomic,
and what it publishes is what a clean build would. A spare holding a file no build wrote is never used and
never deleted."""

from __future__ import annotations

from pathlib import Path

import pytest
from sitekit import tree_digest, write_site
from test_records import clean_build_of, inodes, real_project

from mecasite.build import spare, writer
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
