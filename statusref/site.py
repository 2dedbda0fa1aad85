"""The one pipeline: gather every source into the model, then render every file into an output as it writes.

Build, check, bundle and serve differ only in their output: a folder, nothing, a zip, a served folder.
"""
from __future__ import annotations

import gc
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from .cache import Cache
from .config import Config
from .fresh import fingerprint, remember, site_folder
from .merge import merge
from .model import Model, Problem
from .render import Settings, environment, render_site, walk
from .sources import load_sources, within
from .urls import Urls
from .writer import publish, write_bundle, zip_bytes

BUNDLE_FOLDER = "http-status-codes"
LATEST_EPOCH = 253402300799  # 9999-12-31T23:59:59Z, the last moment a four-digit year can show


@dataclass(frozen=True)
class Result:
    """What a run did: pages made, problems found, whether the output was written."""

    model: Model
    pages: int
    ok: bool
    seconds: float
    problems: tuple[Problem, ...] = field(default=())


class BuildError(Exception):
    """A build cannot start or finish: a missing folder, a bad setting."""


def say(message: str) -> None:
    """Tell the user something on standard error, if it can be told (as the command line's show())."""
    from .cli import show

    show(message, error=True)


class Folder:
    """Output into a site folder, swapped in whole under the folder's lock."""

    offline = False
    replaces = True  # the output is a folder, replaced whole

    def __init__(self, out: Path):
        """Write the hosted site into `out`."""
        self.out = out

    def wanted(self, problems: tuple[Problem, ...], strict: bool) -> bool:
        """Whether to write, given the problems found."""
        return not (strict and problems)

    def write(self, files, then=None) -> None:
        """Publish the files, each written as it is rendered; `then(stamps)`, if given, runs under the folder's lock
        once they are in place, so that no other build's site comes between, with the stats each file was left with."""
        def done(stamps: dict[str, str]) -> None:
            """The new site is in place, its lock still held."""
            self.published()
            if then:
                then(stamps)
        publish(files, self.out, say, done)

    def published(self) -> None:
        """Called under the lock once the new site is in place."""


class Bundle(Folder):
    """Output as one zip of the offline site, with links that name files."""

    offline = True
    replaces = False

    def write(self, files, then=None) -> None:
        """Write the zip, dated by SOURCE_DATE_EPOCH or 1980-01-01; a zip is no site, so nothing follows."""
        epoch = source_epoch()
        stamp = utc(max(epoch, 315532800)).timetuple()[:6] if epoch else (1980, 1, 1, 0, 0, 0)
        write_bundle(self.out, zip_bytes(files, BUNDLE_FOLDER, stamp), say)


class Nothing(Folder):
    """No output: read and render everything, fail on any problem."""

    replaces = False

    def wanted(self, problems: tuple[Problem, ...], strict: bool) -> bool:
        """A check passes only without problems."""
        return not problems

    def write(self, files, then=None) -> None:
        """Render every file and write none; nothing follows."""
        files.drain()


def source_epoch() -> int | None:
    """SOURCE_DATE_EPOCH as a number, None when it is not set; a value that is no date stops the build."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return None
    if not (value.isascii() and value.isdigit()) or len(value) > 12 or int(value) > LATEST_EPOCH:
        raise BuildError(f"SOURCE_DATE_EPOCH={value[:30]!r} is not a date: give whole seconds since 1970, up to year 9999")
    return int(value)


def utc(epoch: int):
    """A moment in UTC from seconds since 1970."""
    from datetime import datetime, timezone

    return datetime.fromtimestamp(epoch, tz=timezone.utc)


def shown_date() -> str:
    """The date pages show: from SOURCE_DATE_EPOCH, or none."""
    epoch = source_epoch()
    return "" if epoch is None else utc(epoch).strftime("%Y-%m-%d")


@contextmanager
def collector_paused(exiting: bool = False):
    """Pause the cyclic garbage collector: a build makes many objects and almost no cycles. In a process `exiting`
    once the build is done, what it made is then frozen out of the collector's reach (reference counting still
    frees it), as a collection over it would take long to find little; any other process collects as usual."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if exiting:
                gc.freeze()
            gc.enable()


def load_model(config: Config, cache: Cache | None = None, progress=None) -> Model:
    """Read every source in content/ into one model."""
    if not config.content.is_dir():
        raise BuildError(f"content folder {config.content} not found")
    outlines, records = load_sources(config.content, cache, progress, os.path.realpath(site_folder(config)))  # never the site
    model = merge(outlines, records, cache)
    if outlines:
        return model
    empty = Problem(str(config.content), 0, "no Markdown documents (.md, .markdown) found: the site lists no codes")
    return replace(model, problems=model.problems + (empty,))


def settings(config: Config) -> Settings:
    """Render settings, once the folders they name are known to exist."""
    for folder in (config.templates, config.static):
        if not folder.is_dir():
            raise BuildError(f"folder {folder} not found")
    root = os.path.realpath(config.static)  # realpath: a link loop is no error
    for path in sorted(config.static.iterdir()):
        if path.is_symlink() and not within(os.path.realpath(path), root):
            raise BuildError(f"{path} is a link out of the static folder: not publishing what it points to; copy the file in")
    inside = os.path.realpath(config.templates)
    for _, entry in walk(config.templates):
        path = Path(entry.path)
        if entry.is_symlink() and (path.is_dir() or not within(os.path.realpath(path), inside)):
            raise BuildError(f"{path} is a link to a folder or out of the templates folder: templates are read from "
                             "the templates folder itself; copy the files in")
    return Settings(config.templates, config.static, shown_date())


def outside_inputs(config: Config, out: Path) -> None:
    """Refuse an output folder that holds the content, templates, static files or cache: replacing it would delete them."""
    where = Path(os.path.realpath(os.path.abspath(out)))  # the folder the writer writes: `a/b/..` is `a`
    for name, folder in (("content", config.content), ("templates", config.templates), ("static", config.static),
                         ("cache", config.cache)):
        inside = Path(os.path.realpath(folder)) if folder and Path(folder).exists() else None
        if inside is not None and (inside == where or where in inside.parents):
            raise BuildError(f"--out {out} holds the {name} folder {folder}: building there would delete it; choose another --out")
    cache = Path(os.path.realpath(config.cache)) if config.cache else None
    if cache is not None and cache in where.parents:
        raise BuildError(f"--out {out} is inside the cache folder {config.cache}, which holds only what the cache keeps; choose another --out")


def run(config: Config, output: Folder, cache: Cache | None = None, progress=None, exiting: bool = False,
        inputs: str = "") -> Result:
    """Read and merge everything, then render each file as the output writes it, unless problems forbid writing;
    `exiting`: the process ends after this run; `inputs`: the fingerprint of the inputs, if made before it began."""
    started = time.perf_counter()
    if output.replaces:
        outside_inputs(config, output.out)
    inputs = (inputs or fingerprint(config)) if type(output) is Folder and config.cache else ""
    given = settings(config)
    with collector_paused(exiting), environment(given.templates, elsewhere=exiting) as env:  # compiled meanwhile
        reused = cache is not None
        cache = cache or Cache(config.cache, say)
        model = load_model(config, cache, progress)
        cache.save(reused, ("seen", "parsed", "outline", "code"))  # each store saved once all of it is made, held on only for a later build
        urls = Urls(config.base_url, output.offline)
        last = cache.pages if output.replaces else None  # only a site folder has a last site to link pages from
        rendered, found, record = render_site(model, urls, given, cache, progress, last, env)
        problems = tuple(sorted(model.problems + tuple(found), key=lambda p: (p.path, p.line, p.message)))
        ok = output.wanted(problems, config.strict)
        files = Counted(rendered)

        def kept(stamps: dict[str, str]) -> None:
            """Under the site's lock, the new site in place: what the next build needs to link unchanged pages and
            to see that nothing changed."""
            cache.keep_pages({path: replace(made, stamp=stamps.get(path, "")) for path, made in record.items()})
            if inputs:
                summary = {"pages": files.pages, "codes": len(model.codes), "problems": [str(p) for p in problems]}
                remember(config, summary, inputs)
        if ok:
            output.write(files, kept if output.replaces else None)
        else:
            files.drain()
        cache.save(reused, ("html", "described", "text"))  # once every page is made: a page made may make them
    return Result(model, files.pages, ok, time.perf_counter() - started, problems)


class Counted:
    """Files on their way to the output, each rendered as it is asked for; the pages among them counted."""

    def __init__(self, files):
        """Count the pages of an iterable of files as they pass."""
        self.files, self.pages = files, 0

    def __iter__(self):
        """Each file, counted if it is a page, as it passes."""
        for path, data in self.files:
            self.pages += path.endswith(".html")
            yield path, data

    def drain(self) -> None:
        """Render every file and keep none, as a run that writes nothing still must."""
        for _ in self:
            pass


def build(config: Config, progress=None, exiting: bool = False, inputs: str = "") -> Result:
    """Build the hosted site into config.out; with strict, any problem stops it unwritten; `inputs`: the fingerprint
    of the inputs, if made before it began."""
    return run(config, Folder(config.out), progress=progress, exiting=exiting, inputs=inputs)


def check(config: Config, progress=None, exiting: bool = False) -> Result:
    """Read and render everything without writing; fail on any problem."""
    return run(config, Nothing(Path(os.devnull)), progress=progress, exiting=exiting)


def bundle(config: Config, target: Path, progress=None, exiting: bool = False) -> Result:
    """Write the offline site as one zip: relative links that name files."""
    return run(config, Bundle(target), progress=progress, exiting=exiting)
