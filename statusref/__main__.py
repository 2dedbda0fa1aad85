"""`python -m statusref`: the same command line as build.py."""
import sys

try:
    from .cli import main
except KeyboardInterrupt:  # Ctrl+C before the command line could hear it
    if sys.stderr:
        sys.stderr.write("interrupted\n")
    sys.exit(130)

if __name__ == "__main__":
    sys.exit(main(prog="python -m statusref"))
