#!/usr/bin/env python3
"""Command line of the MecaTech Cluster international site: `python build.py --help`."""

import os
import sys
from importlib.util import find_spec

# Checked before anything of ours is imported: run outside the virtual environment, `python3 build.py` says
# how to install what it needs instead of failing with a traceback.
NEEDED = {  # module: package, as pyproject.toml lists them
    "jinja2": "jinja2",
    "markdown": "markdown",
    "yaml": "pyyaml",
    "babel": "babel",
    "nh3": "nh3",
    "livereload": "livereload",
    "tornado": "tornado",
}


def missing_libraries() -> list[str]:
    return [package for module, package in NEEDED.items() if find_spec(module) is None]


if __name__ == "__main__":
    missing = missing_libraries()
    if missing:
        print(
            f"build.py: the libraries the site is built with are not installed for {sys.executable} "
            f"(missing: {', '.join(missing)}). Install them once with `make serve` (it creates .venv and "
            "previews the site), or with `python3 -m venv .venv && .venv/bin/pip install -e .`; "
            "then run `.venv/bin/python build.py ...`",
            file=sys.stderr,
        )
        sys.exit(1)
    from mecasite.cli import main

    code = main()
    # Leave without tearing down the loaded site object by object (seconds on a large site): every file is
    # written and closed by now, so only the output streams need flushing.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
