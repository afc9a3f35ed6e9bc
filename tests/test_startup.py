"""What a build of the real site loads: only what it uses (the real site's clean build as a process, issue 18).

A build of the real content, whose bodies are plain prose or cached, whose cards are cached and which has no
image, needs neither Python-Markdown, Pillow, `importlib.metadata`, the preview's server nor the pools of forked
helpers: each was milliseconds to tens of milliseconds of a run that is under a second. Checked in a fresh process, as `python build.py` runs.
"""

from __future__ import annotations

import subprocess
import sys

from sitekit import REPO

NOT_NEEDED = (
    *("markdown", "PIL", "importlib.metadata", "pygments", "tornado", "livereload", "mecasite.preview"),
    *("concurrent.futures", "multiprocessing"),  # forking helpers: only past a size no part of this site reaches
)


def loaded_by_a_build(out: str) -> list[str]:
    code = (
        "import sys; from mecasite.cli import main; "
        f"code = main(['build', '--config', {str(REPO / 'site_config.yaml')!r}, '--out', {out!r}, '--force']); "
        f"print(code, *sorted(m for m in {NOT_NEEDED!r} if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    return done.stdout.strip().splitlines()[-1].split()


def test_a_build_of_the_real_site_loads_neither_markdown_nor_pillow_nor_the_preview(tmp_path):
    loaded_by_a_build(str(tmp_path / "first"))  # draws the cards and converts the bodies the cache lacks
    assert loaded_by_a_build(str(tmp_path / "public")) == ["0"]


def test_versions_read_without_importing_their_packages_are_theirs():
    from importlib import metadata

    import PIL

    from mecasite.build import search_index
    from mecasite.render import cards

    assert cards.pillow_version() == PIL.__version__
    assert search_index.version() == metadata.version("pagefind")
