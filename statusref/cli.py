"""The command line: a thin layer over build(), check(), bundle() and serve()."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from jinja2 import TemplateError, TemplateSyntaxError

from .site import BuildError, Config, Result, build, bundle, check
from .writer import WriteError

DESCRIPTION = """\
Build the HTTP status code reference from the Markdown documents in content/.

commands:
  build    build the site into --out (the default command)
  check    read and render everything, write nothing; exit 1 on any problem
  bundle   write the offline site as a zip (default dist/http-status-codes.zip)
  serve    serve the site on 127.0.0.1, rebuild on change, reload open pages
"""
DEFAULTS = Config()
EPILOG = "Problems are printed as path:line: message. Exit status: 0 built, 1 problems with --strict or check, 2 cannot build."


def parser() -> argparse.ArgumentParser:
    """The argument parser, with every option explained."""
    p = argparse.ArgumentParser(
        prog="build.py", description=DESCRIPTION, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("command", nargs="?", default="build", choices=["build", "check", "bundle", "serve"])
    p.add_argument("--content", type=Path, default=Path("content"), metavar="DIR", help="source documents (default: content)")
    p.add_argument(
        "--out", type=Path, metavar="PATH",
        help="where to write: the site folder for build and serve (default: site), the zip for bundle (default: dist/http-status-codes.zip)",
    )
    p.add_argument("--templates", type=Path, default=DEFAULTS.templates, metavar="DIR", help="Jinja templates (default: the project's templates/)")
    p.add_argument("--static", type=Path, default=DEFAULTS.static, metavar="DIR", help="stylesheet, scripts and icon (default: the project's static/)")
    p.add_argument("--base-url", default="", metavar="URL", help="public URL of the site, for canonical links, the sitemap and the API (default: relative links)")
    p.add_argument("--strict", action="store_true", help="treat warnings as errors: report them all and write nothing")
    p.add_argument("-q", "--quiet", action="store_true", help="print only problems and errors, no summary or progress")
    p.add_argument("--port", type=int, default=8000, help="port for serve (default: 8000)")
    return p


def main(argv: list[str] | None = None) -> int:
    """Run one command; turn every expected failure into a message and an exit status."""
    args = parser().parse_args(argv)
    config = Config(
        content=args.content, out=args.out or Path("site"), templates=args.templates, static=args.static,
        base_url=args.base_url, strict=args.strict,
    )
    try:
        return run(args, config)
    except TemplateSyntaxError as err:
        print(f"{err.filename or err.name}:{err.lineno}: template error: {err.message}", file=sys.stderr)
    except TemplateError as err:
        print(f"error: template: {err}", file=sys.stderr)
    except (BuildError, WriteError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return 2


def run(args: argparse.Namespace, config: Config) -> int:
    """Dispatch to the command."""
    if args.command == "check":
        return report(check(config), "Checked", args.quiet)
    if args.command == "bundle":
        target = args.out or Path("dist/http-status-codes.zip")
        return report(bundle(config, target), f"Bundled into {target}:", args.quiet)
    if args.command == "serve":
        from .serve import serve

        return serve(config, args.port, args.quiet)
    return report(build(config), f"Built into {config.out}:", args.quiet)


def report(result: Result, verb: str, quiet: bool) -> int:
    """Print every problem and a one-line summary; the exit status."""
    for problem in result.problems:
        print(problem, file=sys.stderr)
    warnings = len(result.problems)
    noun = "warning" if warnings == 1 else "warnings"
    if not result.ok:
        print(f"Failed: {warnings} {noun}; nothing was written.", file=sys.stderr)
        return 1
    if not quiet:
        codes = len(result.model.codes)
        print(f"{verb} {result.pages} pages, {codes} codes, {warnings} {noun}, {result.seconds:.2f} s")
    return 0
