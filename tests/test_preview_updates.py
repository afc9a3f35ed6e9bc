"""The preview's updates after a title or body edit: the output stays a clean build's byte for byte, and the
titles the parity check keeps between edits stay those of the model as it now is (they are updated per item,
not made again for the whole site)."""

from __future__ import annotations

from pathlib import Path

from sitekit import CONFIG, text, tree_digest, write_site

from mecasite.build.pipeline import build
from mecasite.config.settings import SiteConfig, load_config
from mecasite.preview.session import Session


def _site(tmp_path: Path, extra: str = "") -> tuple[SiteConfig, Session]:
    config = load_config(write_site(tmp_path / "site", {"site_config.yaml": CONFIG + extra}))
    session = Session(config)
    session.build()
    return config, session


def _clean(config: SiteConfig, tmp_path: Path) -> str:
    out = tmp_path / "clean"
    build(config.with_overrides(out=out))
    return tree_digest(out)


def test_a_title_edit_without_share_cards_writes_no_card(tmp_path):
    config, session = _site(tmp_path, "search: false\nshare_cards: false\n")
    (config.root / "content/actions/fair/en.md").write_text(text("The great fair", "fair", body="A fair."))
    session.update([config.root / "content/actions/fair/en.md"])
    assert not (config.output_dir / "static/cards").exists()
    assert tree_digest(config.output_dir) == _clean(config, tmp_path)
