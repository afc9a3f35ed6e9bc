#!/usr/bin/env python3
"""Command line of the MecaTech Cluster international site: `python build.py --help`."""

import sys

from mecasite.cli import main

if __name__ == "__main__":
    sys.exit(main())
