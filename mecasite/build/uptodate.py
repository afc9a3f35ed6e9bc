"""The first step of every build, kept light: may the output folder be replaced, and did anything change?

It imports only what that needs (the configuration, the output folder's rules and the manifest: no templates,
Markdown, images or rendering), so that a build with nothing to do costs its start-up, one walk of the
inputs and one of the output, and writes nothing. The command line asks it before importing the pipeline.
On a large site the output is walked by a forked process (beside.py) while this one walks the inputs; when
there is a build to make, the spare (spare.py) is walked while it loads the content, and the output again,
with a watch on each folder (watch.py) that spares the writer's check before the swap a walk of its own.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from mecasite.build import manifest, spare
from mecasite.build.beside import Beside
from mecasite.build.output_folder import Entry, check_output, files_below, ledger
from mecasite.build.watch import Watch
from mecasite.config.settings import SiteConfig

FORK_FROM = 256 * 1024  # bytes of the output's ledger (about 5,000 files): below, walking here costs less


@dataclass(frozen=True)
class Checked:
    files: list[Entry]  # the output folder's files as they are now (see output_folder.check_output)
    inputs: manifest.Inputs
    up_to_date: bool  # the same inputs as the last build, its output untouched since
    spare: spare.Found | None = None  # the spare, being looked for beside the build (None: not looked for)
    watch: Watch | None = None  # on the output's folders since they were walked (watch.py), for the swap


def check_build(config: SiteConfig, force: bool = False, meanwhile: Callable[[], object] | None = None) -> Checked:
    """Raise RefusedOutput for a folder that must not be replaced; else say whether there is anything to do
    (`force`: always). `meanwhile`: called when the inputs alone say there is a build to make, while the
    output is still being walked beside (the command line imports the pipeline then)."""
    out = Path(config.output_dir).resolve()
    ledgers = ledger(config)
    try:
        large = os.stat(ledgers.path(out)).st_size >= FORK_FROM
    except OSError:
        large = False
    stamps = ledgers.stamps(out)  # the ledger's, before the walk reads it: the watch's baseline
    output = Beside(check_output, config, fork=large)
    inputs = manifest.inputs_fingerprint(config, {})
    last = manifest.saved(config)
    if meanwhile is not None and large and (force or not last or last.get("inputs") != inputs.stamp):
        meanwhile()
    walked = output.result()
    up_to_date = not force and manifest.is_up_to_date(config, inputs, walked, last)
    if not large or up_to_date:
        return Checked(walked, inputs, up_to_date)
    # A build to make: beside it, the spare, which one after an edit starts from, is walked while the content
    # loads, and the output again, now with a watch on each folder, for the check before the swap.
    found = Beside(spare.sharing, out, ledgers) if not force else None
    watch = Watch(stamps)
    watch.hear(Beside(_watched, out, watch, walked).result)
    return Checked(walked, inputs, up_to_date, found.result if found is not None else None, watch)


def _watched(out: Path, watch: Watch, walked: list[Entry]) -> tuple[int, bool]:
    """The output walked again, with a watch on each folder: what the walk told the watch, and whether it
    found what the first walk found (checked against the ledger then: else the watch is of no use)."""
    again = files_below(out, watch)
    watched, missed = watch.told()
    return watched, missed or sorted(again) != sorted(walked)
