"""The site before the current one is kept beside it (`.public.spare`) and becomes the staging folder of the
next build after an edit: only what changed is written, no page folder is made again, the swap stays atomic,
and what it publishes is what a clean build would. A spare holding a file no build wrote is never used and
never deleted."""

from __future__ import annotations

from pathlib import Path

import pytest
from sitekit import tree_digest
from test_records import clean_build_of, inodes, real_project

from mecasite.build import spare
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
