#!/usr/bin/env python3
"""Build the HTTP status code reference: `python build.py --help`."""
import gc
import sys

gc.disable()  # a build is short-lived and makes many objects but almost no cycles; serve turns it back on

from statusref.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
