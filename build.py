#!/usr/bin/env python3
"""Build the HTTP status code reference: `python build.py --help`."""
import sys

try:
    from statusref.cli import main
except KeyboardInterrupt:  # Ctrl+C before the command line could hear it
    if sys.stderr:
        sys.stderr.write("interrupted\n")
    sys.exit(130)

if __name__ == "__main__":
    sys.exit(main(prog="build.py"))
