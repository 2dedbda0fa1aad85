"""`python -m statusref`: the same command line as build.py."""
import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main(prog="python -m statusref"))
