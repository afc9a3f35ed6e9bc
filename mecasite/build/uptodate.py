"""The first step of every build, kept light: may the output folder be replaced, and did anything change?

It imports only what that needs (the configuration, the output folder's rules and the manifest: no templates,
Markdown, images or rendering), so that a build with nothing to do costs its start-up, one walk of the
inputs and one of the output, and writes nothing. The command line asks it before importing the pipeline.
On a large site the output is walked by a forked process (beside.py) while this one walks the inputs, and
the spare (spare.py), when there is a build to make, while it loads the content.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from mecasite.build import manifest, spare
from mecasite.build.beside import Beside
from mecasite.build.output_folder import Entry, check_output, ledger
from mecasite.config.settings import SiteConfig

FORK_FROM = 256 * 1024  # bytes of the output's ledger (about 5,000 files): below, walking here costs less


@dataclass(frozen=True)
class Checked:
    files: list[Entry]  # the output folder's files as they are now (see output_folder.check_output)
    inputs: manifest.Inputs
    up_to_date: bool  # the same inputs as the last build, its output untouched since
    spare: spare.Found | None = None  # the spare, being looked for beside the build (None: not looked for)


def check_build(config: SiteConfig, force: bool = False) -> Checked:
    """Raise RefusedOutput for a folder that must not be replaced; else say whether there is anything to do
    (`force`: always)."""
    out = Path(config.output_dir).resolve()
    ledgers = ledger(config)
    try:
        large = os.stat(ledgers.path(out)).st_size >= FORK_FROM
    except OSError:
        large = False
    output = Beside(check_output, config, fork=large)
    inputs = manifest.inputs_fingerprint(config, {})
    walked = output.result()
    up_to_date = not force and manifest.is_up_to_date(config, inputs, walked)
    # A build to make: the spare, which one after an edit starts from, is walked while the content loads.
    found = Beside(spare.sharing, out, ledgers) if large and not (force or up_to_date) else None
    return Checked(walked, inputs, up_to_date, found.result if found is not None else None)
