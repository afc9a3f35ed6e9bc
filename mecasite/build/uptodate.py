"""The first step of every build, kept light: may the output folder be replaced, and did anything change?

It imports only what that needs (the configuration, the output folder's rules and the manifest: no templates,
Markdown, images or rendering), so that a build with nothing to do costs its start-up, one walk of the
inputs and one of the output, and writes nothing. The command line asks it before importing the pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass

from mecasite.build import manifest
from mecasite.build.output_folder import Entry, check_output
from mecasite.config.settings import SiteConfig


@dataclass(frozen=True)
class Checked:
    files: list[Entry]  # the output folder's files as they are now (see output_folder.check_output)
    inputs: manifest.Inputs
    up_to_date: bool  # the same inputs as the last build, its output untouched since


def check_build(config: SiteConfig, force: bool = False) -> Checked:
    """Raise RefusedOutput for a folder that must not be replaced; else say whether there is anything to do
    (`force`: always)."""
    files = check_output(config)
    inputs = manifest.inputs_fingerprint(config, {})
    return Checked(files, inputs, not force and manifest.is_up_to_date(config, inputs, files))
