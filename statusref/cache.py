"""What one build hands the next: parsed sources and rendered descriptions, as plain JSON keyed by content.

The cache never holds code: it is JSON, checked against the dataclasses it is read back into, and versioned
by this program's code, its dependencies and its templates. Anything else is discarded with one warning.
"""
from __future__ import annotations

import functools
import hashlib
import json
import shutil
import types
import typing
from dataclasses import asdict, fields, is_dataclass
from pathlib import Path

from .writer import MARKER, mark, write_atomic

PACKAGE = Path(__file__).resolve().parent
DEPENDENCIES = ("jinja2", "markdown-it-py", "mdit-py-plugins", "PyYAML", "ftfy")
OUR_NAMES = ("parsed", "html.json", "version")
FIRST_VERSION_NAMES = {"parsed", "html.pickle", "jinja", "version"}


def version(templates: Path | None = None) -> str:
    """A hash of this program's code, its dependencies' versions and the templates."""
    from importlib.metadata import PackageNotFoundError, version as installed

    digest = hashlib.sha256()
    for name in DEPENDENCIES:
        try:
            digest.update(f"{name}={installed(name)}\n".encode())
        except PackageNotFoundError:
            digest.update(f"{name}=none\n".encode())
    folders = [PACKAGE] + ([templates] if templates and templates.is_dir() else [])
    for path in sorted(p for folder in folders for p in folder.iterdir() if p.is_file()):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


class Cache:
    """Parsed sources (a file each) and description HTML (one file), in memory and, given a folder, on disk."""

    def __init__(self, folder: Path | None = None, templates: Path | None = None, warn=None):
        """A cache in memory, backed by `folder` when given and usable; `warn(message)` hears of trouble."""
        self.folder: Path | None = None
        self.warn = warn or (lambda message: None)
        self.warned = False
        self.values: dict[str, dict] = {"parsed": {}, "html": {}}
        self.used: dict[str, set] = {"parsed": set(), "html": set()}
        self.made: dict[str, set] = {"parsed": set(), "html": set()}
        if folder:
            try:
                self.open(Path(folder), templates)
            except OSError as err:
                self.trouble(f"cache {folder} cannot be used ({err.strerror or err}); building without a cache")
                self.folder = None

    def trouble(self, message: str) -> None:
        """Warn once per build about the cache; the build goes on without what it could not use."""
        if not self.warned:
            self.warned = True
            self.warn(f"warning: {message}")

    def open(self, folder: Path, templates: Path | None) -> None:
        """Use the folder if this program made it, starting afresh if another version did."""
        if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
            return self.trouble(f"cache {folder} is not a plain folder; building without a cache")
        names = {p.name for p in folder.iterdir()} if folder.is_dir() else set()
        if names and MARKER not in names and not names <= FIRST_VERSION_NAMES:
            return self.trouble(f"cache {folder} holds files this program did not make; building without a cache")
        folder.mkdir(parents=True, exist_ok=True)
        stamp, current = folder / "version", version(templates)
        found = stamp.read_text(errors="replace") if stamp.is_file() else ""
        if found != current:
            if MARKER in names and found:
                self.trouble(f"cache {folder} was made by another version of the program or its templates; starting it afresh")
            clear(folder, names)
            mark(folder)
            write_atomic(stamp, current.encode())
        self.folder = folder
        from .render import Rendered

        self.values["html"] = self.load(folder / "html.json", dict[str, Rendered]) or {}

    def load(self, path: Path, kind):
        """One JSON file read back into `kind`, or None if it is missing, unreadable or of another shape."""
        try:
            return decode(json.loads(path.read_bytes()), kind)
        except FileNotFoundError:
            return None
        except (OSError, ValueError, TypeError, RecursionError):
            self.trouble(f"cache file {path} is unreadable or of another shape; it is made again")
            return None

    def get(self, store: str, key: str, make, kind):
        """The value kept under key, made by `make()` when there is none; `kind` is its dataclass."""
        self.used[store].add(key)
        values = self.values[store]
        if key not in values and store == "parsed" and self.folder:
            found = self.load(self.folder / "parsed" / f"{key}.json", kind)
            if found is not None:
                values[key] = found
        if key not in values:
            values[key] = make()
            self.made[store].add(key)
        return values[key]

    def save(self) -> None:
        """Write what this build made and forget what it no longer uses; trouble writing is only a warning."""
        stale = self.values["html"].keys() - self.used["html"]
        for store in self.values:
            self.values[store] = {k: v for k, v in self.values[store].items() if k in self.used[store]}
        if self.folder:
            try:
                self.write(bool(stale))
            except OSError as err:
                self.trouble(f"cache {self.folder} cannot be written ({err.strerror or err}); the site is built all the same")
        self.used = {name: set() for name in self.used}
        self.made = {name: set() for name in self.made}

    def write(self, stale: bool) -> None:
        """Put new parsed sources and changed description HTML on disk; drop unused files."""
        parsed = self.folder / "parsed"
        parsed.mkdir(exist_ok=True)
        for key in self.made["parsed"]:
            write_atomic(parsed / f"{key}.json", encode(self.values["parsed"][key]))
        for path in parsed.iterdir():
            if path.suffix == ".json" and path.stem not in self.used["parsed"]:
                path.unlink(missing_ok=True)
        if self.made["html"] or stale:
            write_atomic(self.folder / "html.json", encode(self.values["html"]))


def clear(folder: Path, names: set[str]) -> None:
    """Remove what this program keeps in its cache folder, and nothing else."""
    for name in names & (set(OUR_NAMES) | FIRST_VERSION_NAMES):
        path = folder / name
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)


def encode(value) -> bytes:
    """Dataclasses, tuples, dicts and plain values as compact JSON."""
    plain = {k: asdict(v) for k, v in value.items()} if isinstance(value, dict) else asdict(value)
    return json.dumps(plain, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@functools.cache
def hints(cls) -> dict:
    """The resolved field types of a dataclass."""
    return typing.get_type_hints(cls)


def decode(value, kind):
    """Plain JSON data read back into `kind`; ValueError if it has another shape."""
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if is_dataclass(kind):
        names = [f.name for f in fields(kind)]
        if not isinstance(value, dict) or sorted(value) != sorted(names):
            raise ValueError(f"not a {kind.__name__}")
        return kind(**{name: decode(value[name], hints(kind)[name]) for name in names})
    if origin is tuple and isinstance(value, list):
        return tuple(decode(item, args[0]) for item in value)
    if origin is dict and isinstance(value, dict):
        return {decode(k, args[0]): decode(v, args[1]) for k, v in value.items()}
    if origin in (typing.Union, types.UnionType):
        return decode_union(value, args)
    if kind in (int, str, bool, type(None)) and type(value) is kind:
        return value
    raise ValueError(f"not a {kind}")


def decode_union(value, options: tuple):
    """A value read back into the first of several types it fits."""
    for option in options:
        try:
            return decode(value, option)
        except ValueError:
            continue
    raise ValueError("fits none of its types")
