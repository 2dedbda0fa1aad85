"""The build: gather every source into the model, render everything, then write."""
from __future__ import annotations

import gc
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .cache import Cache
from .merge import build_model
from .model import Model, Problem
from .render import Settings, render_site
from .sources import load_all
from .writer import publish, write_atomic, zip_bytes

PROJECT = Path(__file__).resolve().parent.parent
BUNDLE_FOLDER = "http-status-codes"


@dataclass(frozen=True)
class Config:
    """Everything a build needs to know."""

    content: Path = Path("content")
    out: Path = Path("site")
    templates: Path = PROJECT / "templates"
    static: Path = PROJECT / "static"
    base_url: str = ""
    strict: bool = False
    cache: Path | None = Path(".cache/statusref")

    def make_cache(self) -> Cache:
        """The cache this configuration keeps between runs (in memory only without a folder)."""
        return Cache(self.cache)


@dataclass(frozen=True)
class Result:
    """What a build did: files written, problems found, whether it succeeded."""

    model: Model
    files: int
    pages: int
    ok: bool
    seconds: float
    problems: tuple[Problem, ...] = field(default=())


class BuildError(Exception):
    """A build cannot start or finish: a missing folder, a broken template."""


def source_epoch() -> int | None:
    """SOURCE_DATE_EPOCH as a number, or None when it is not set."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return int(value) if value.isdigit() else None


def utc(epoch: int):
    """A moment in UTC from seconds since 1970."""
    from datetime import datetime, timezone

    return datetime.fromtimestamp(epoch, tz=timezone.utc)


def shown_date() -> str:
    """The date pages show: from SOURCE_DATE_EPOCH, or none."""
    epoch = source_epoch()
    return "" if epoch is None else utc(epoch).strftime("%Y-%m-%d")


@contextmanager
def collector_paused():
    """Pause the cyclic garbage collector: a build makes many objects and almost no cycles.

    Use it with `with`, or as a decorator: `@collector_paused()`.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_model(config: Config, cache: Cache | None = None, progress=None) -> Model:
    """Read every source in content/ into one model."""
    if not config.content.is_dir():
        raise BuildError(f"content folder {config.content} not found")
    return build_model(load_all(config.content, cache, progress))


def settings(config: Config, offline: bool) -> Settings:
    """Render settings for a hosted or an offline site."""
    for folder in (config.templates, config.static):
        if not folder.is_dir():
            raise BuildError(f"folder {folder} not found")
    bytecode = config.cache / "jinja" if config.cache else None
    return Settings(config.templates, config.static, config.base_url, offline, shown_date(), bytecode)


def render(model: Model, config: Config, offline: bool, cache: Cache | None = None, progress=None) -> list[tuple[str, bytes]]:
    """Every file of the site, rendered from the whole model."""
    return render_site(model, settings(config, offline), cache, progress)


def count_pages(files: list[tuple[str, bytes]]) -> int:
    """How many of the files are HTML pages."""
    return sum(path.endswith(".html") for path, _ in files)


@collector_paused()
def build(config: Config, cache: Cache | None = None, progress=None) -> Result:
    """Build the hosted site into config.out; with strict, any problem stops it unwritten."""
    started = time.perf_counter()
    cache = cache or config.make_cache()
    model = load_model(config, cache, progress)
    if config.strict and model.problems:
        return Result(model, 0, 0, False, time.perf_counter() - started, model.problems)
    files = render(model, config, False, cache, progress)
    publish(files, config.out)
    cache.save()
    return Result(model, len(files), count_pages(files), True, time.perf_counter() - started, model.problems)


@collector_paused()
def check(config: Config, progress=None) -> Result:
    """Read and render everything without writing the site; fail on any problem."""
    started = time.perf_counter()
    cache = config.make_cache()
    model = load_model(config, cache, progress)
    files = render(model, config, False, cache, progress)
    cache.save()
    ok = not model.problems
    return Result(model, 0, count_pages(files), ok, time.perf_counter() - started, model.problems)


@collector_paused()
def bundle(config: Config, target: Path, progress=None) -> Result:
    """Write the offline site as one zip: relative links that name files."""
    started = time.perf_counter()
    cache = config.make_cache()
    model = load_model(config, cache, progress)
    if config.strict and model.problems:
        return Result(model, 0, 0, False, time.perf_counter() - started, model.problems)
    files = render(model, config, True, cache, progress)
    epoch = source_epoch()
    stamp = utc(max(epoch, 315532800)).timetuple()[:6] if epoch else (1980, 1, 1, 0, 0, 0)
    write_atomic(target, zip_bytes(files, BUNDLE_FOLDER, stamp))
    cache.save()
    return Result(model, len(files), count_pages(files), True, time.perf_counter() - started, model.problems)
