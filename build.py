#!/usr/bin/env python3
"""Build the HTTP status code reference: `python build.py --help`."""
import sys

from statusref.cli import main

if __name__ == "__main__":
    sys.exit(main(prog="build.py"))
