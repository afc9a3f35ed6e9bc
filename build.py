#!/usr/bin/env python3
"""Command line of the MecaTech Cluster international site: `python build.py --help`."""

import os
import sys

from mecasite.cli import main

if __name__ == "__main__":
    code = main()
    # Leave without tearing down the loaded site object by object (seconds on a large site): every file is
    # written and closed by now, so only the output streams need flushing.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
