"""The command line: a thin layer over build(), check(), bundle() and serve()."""
from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from pathlib import Path

from .config import Config
from .urls import is_web_url
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


def parser(prog: str | None = None) -> argparse.ArgumentParser:
    """The argument parser, with every option explained."""
    p = argparse.ArgumentParser(
        prog=prog, description=DESCRIPTION, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("command", nargs="?", default="build", choices=["build", "check", "bundle", "serve"])
    p.add_argument("--content", type=Path, default=Path("content"), metavar="DIR", help="source documents (default: content)")
    p.add_argument(
        "--out", metavar="PATH",
        help="where to write: the site folder for build and serve (default: site), the zip for bundle (default: dist/http-status-codes.zip)",
    )
    p.add_argument("--templates", type=Path, default=DEFAULTS.templates, metavar="DIR", help="Jinja templates (default: the project's templates/)")
    p.add_argument("--static", type=Path, default=DEFAULTS.static, metavar="DIR", help="stylesheet, scripts and icon (default: the project's static/)")
    p.add_argument("--base-url", default="", metavar="URL", help="public URL of the site, for canonical links, the sitemap and the API (default: relative links)")
    p.add_argument("--strict", action="store_true", help="treat warnings as errors: report them all and write nothing")
    p.add_argument("-q", "--quiet", action="store_true", help="print only problems and errors, no summary or progress")
    p.add_argument("--port", type=int, default=8000, help="port for serve, 0 for any free one (default: 8000)")
    p.add_argument("--no-cache", action="store_true", help="neither read nor write the build cache in .cache/statusref")
    return p


def main(argv: list[str] | None = None, prog: str | None = None) -> int:
    """Run one command; turn every failure into a one-line message and an exit status, never a traceback."""
    ready_streams()
    previous = signal.getsignal(signal.SIGINT)
    ours = previous is signal.default_int_handler and take_ctrl_c()
    try:
        return command(argv, prog)
    except KeyboardInterrupt:
        show("interrupted", error=True)
        return 130
    except MemoryError:
        show("error: out of memory", error=True)
        return 2
    finally:
        if ours and signal.getsignal(signal.SIGINT) is interrupted:  # not heard: put back as it was
            signal.signal(signal.SIGINT, previous)


def take_ctrl_c() -> bool:
    """Hear Ctrl+C with interrupted(); False where it cannot be (a thread other than the main one)."""
    try:
        signal.signal(signal.SIGINT, interrupted)
    except ValueError:
        return False
    return True


def interrupted(signum, frame) -> None:
    """Ctrl+C: stop, once; another Ctrl+C while the build stops (killing its workers, ending) is ignored, so that
    it stops cleanly and says so in one line."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise KeyboardInterrupt


def command(argv: list[str] | None, prog: str | None) -> int:
    """Run one command as main() does, but for an interruption or a lack of memory, which may come at any point."""
    args = parser(prog).parse_args(argv)
    if args.base_url and (not is_web_url(args.base_url) or "?" in args.base_url or "#" in args.base_url):
        show(f"error: --base-url {args.base_url!r} is not an absolute http or https URL without a query or fragment", error=True)
        return 2
    if not 0 <= args.port <= 65535:
        show(f"error: --port {args.port} is not a port: give 0 to 65535 (0 for any free one)", error=True)
        return 2
    config = Config(
        content=args.content, out=Path("site" if args.out is None else args.out), templates=args.templates, static=args.static,
        base_url=args.base_url, strict=args.strict, cache=None if args.no_cache or args.command == "check" else DEFAULTS.cache,
    )
    started, inputs = time.perf_counter(), ""
    if args.command == "build" and config.cache:
        from .fresh import last_build

        record, inputs = last_build(config)
        if record:
            return report(record["problems"], True, f"Built into {config.out}: nothing changed,", args.quiet,
                          f"{record['pages']} pages, {record['codes']} codes", time.perf_counter() - started)
    from jinja2 import TemplateError, TemplateSyntaxError

    from .site import BuildError

    try:
        return run(args, config, inputs)
    except TemplateSyntaxError as err:
        show(f"{err.filename or err.name}:{err.lineno}: template error: {err.message}", error=True)
    except TemplateError as err:
        where = template_line(err, config.templates)
        show(f"{where}: template error: {err}" if where else f"error: template: {err}", error=True)
    except (BuildError, WriteError) as err:
        show(f"error: {err}", error=True)
    except OSError as err:
        show(f"error: {err.filename}: {err.strerror or err}" if err.filename else f"error: {err.strerror or err}", error=True)
    except MemoryError:
        raise  # said by main(), with the same words wherever it comes
    except Exception as err:  # noqa: BLE001 - a user sees one line; STATUSREF_DEBUG=1 shows the traceback
        if os.environ.get("STATUSREF_DEBUG"):
            raise
        where = template_line(err, config.templates)
        if where:
            show(f"{where}: template error: {type(err).__name__}: {str(err)[:200]}", error=True)
        else:
            show(f"error: internal error ({type(err).__name__}: {err}); run with STATUSREF_DEBUG=1 for details", error=True)
    return 2


def ready_streams() -> None:
    """Open /dev/null on each standard stream the caller closed (`2>&-`): no file the build opens then takes its
    descriptor, and what would be printed there goes nowhere. Characters the output's encoding lacks are escaped."""
    for fd, name, mode in ((0, "stdin", "r"), (1, "stdout", "w"), (2, "stderr", "w")):
        try:
            os.fstat(fd)
        except OSError:
            os.open(os.devnull, os.O_RDWR)  # the lowest free descriptor: this one, as those below it are open
        if getattr(sys, name) is None:
            setattr(sys, name, open(fd, mode, closefd=False))
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")


def show(line: str, error: bool = False) -> None:
    """Print a line on standard output, or standard error; one that cannot take it (a closed pipe, a full disk) is
    given up, as what is printed never changes what was built nor the exit status that says so."""
    name = "stderr" if error else "stdout"
    try:
        print(line, file=getattr(sys, name), flush=True)
    except (OSError, ValueError):
        setattr(sys, name, open(os.devnull, "w"))


def template_line(err: BaseException, templates: Path) -> str | None:
    """Where in a template (a file of the templates folder, whatever its name) an error was raised, as `path:line`;
    None when no template raised it."""
    import traceback

    inside = os.path.join(templates, "")
    frames = [f for f in traceback.extract_tb(err.__traceback__) if f.filename.startswith(inside)]
    return f"{frames[-1].filename}:{frames[-1].lineno}" if frames else None



def run(args: argparse.Namespace, config: Config, inputs: str = "") -> int:
    """Dispatch to the command; `inputs`, the fingerprint of a build's inputs if it was made."""
    if args.command == "serve":
        from .serve import serve

        return serve(config, args.port, args.quiet)
    from .site import build, bundle, check

    progress = Progress(sys.stderr.isatty() and not args.quiet and not os.environ.get("CI"))
    try:
        if args.command == "check":
            result, verb = check(config, progress, exiting=True), "Checked"
        elif args.command == "bundle":
            if args.out and names_folder(args.out) and not Path(args.out).is_dir():
                raise WriteError(f"{args.out} names a folder: a bundle is a file, such as dist/http-status-codes.zip")
            target = Path("dist/http-status-codes.zip" if args.out is None else args.out)
            result, verb = bundle(config, target, progress, exiting=True), f"Bundled into {target}:"
        else:
            result, verb = build(config, progress=progress, exiting=True, inputs=inputs), f"Built into {config.out}:"
    finally:
        progress.close()
    counts = f"{result.pages} pages, {len(result.model.codes)} codes"
    return report([str(p) for p in result.problems], result.ok, verb, args.quiet, counts, result.seconds)


def names_folder(path: str) -> bool:
    """Whether a path as given can only name a folder: it ends in a slash, `.` or `..`."""
    return path.endswith(("/", os.sep)) or os.path.basename(path) in (".", "..")


class Progress:
    """Progress bars on a terminal, shown only once a build has taken a second (STATUSREF_PROGRESS_AFTER, seconds)."""

    def __init__(self, enabled: bool):
        """Progress that shows, if enabled, after the first second."""
        self.enabled = enabled
        self.after = seconds_from(os.environ.get("STATUSREF_PROGRESS_AFTER", ""), 1.0)
        self.started = time.monotonic()
        self.display = None
        self.tasks: dict[str, int] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        """Record that `done` of `total` steps of a stage are finished."""
        if not self.enabled or (self.display is None and time.monotonic() - self.started < self.after):
            return
        if self.display is None:
            from rich.console import Console
            from rich.progress import Progress as Bars

            self.display = Bars(console=Console(stderr=True), transient=True)
            self.display.start()
        if stage not in self.tasks:
            self.tasks[stage] = self.display.add_task(stage, total=total)
        self.display.update(self.tasks[stage], completed=done)

    def close(self) -> None:
        """Take the bars off the screen."""
        if self.display is not None:
            self.display.stop()


def seconds_from(text: str, default: float) -> float:
    """A number of seconds from the environment, or the default when it is missing or not a number of seconds."""
    try:
        value = float(text)
    except ValueError:
        return default
    return value if 0 <= value < 3600 else default


def report(problems: list[str], ok: bool, verb: str, quiet: bool, counts: str, seconds: float) -> int:
    """Print every problem and a one-line summary; the exit status."""
    for problem in problems:
        show(problem, error=True)
    noun = "warning" if len(problems) == 1 else "warnings"
    if not ok:
        show(f"Failed: {len(problems)} {noun}; nothing was written.", error=True)
        return 1
    if not quiet:
        show(f"{verb} {counts}, {len(problems)} {noun}, {seconds:.2f} s")
    return 0
