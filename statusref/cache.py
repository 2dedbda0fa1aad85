"""What one build can hand the next: parsed sources and rendered descriptions, keyed by content."""
from __future__ import annotations

import hashlib
import pickle
import shutil
from pathlib import Path

from .writer import write_atomic

PACKAGE = Path(__file__).resolve().parent
ERRORS = (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError)


def code_version() -> str:
    """A hash of the generator's own code: a cache from other code is never used."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


class Cache:
    """Parsed sources (a file each) and description HTML (one file), in memory and, given a folder, on disk."""

    def __init__(self, folder: Path | None = None):
        """A cache in memory, backed by `folder` when given; a folder made by other code is emptied."""
        self.folder = folder
        self.parsed: dict[str, object] = {}
        self.html: dict = {}
        self.used: dict[str, set] = {"parsed": set(), "html": set()}
        self.made: dict[str, set] = {"parsed": set(), "html": set()}
        if folder:
            self.open(folder)

    def open(self, folder: Path) -> None:
        """Use what the folder holds, if this code made it."""
        version = code_version()
        stamp = folder / "version"
        if stamp.is_file() and stamp.read_text() == version:
            self.html = self.read(folder / "html.pickle") or {}
            return
        shutil.rmtree(folder, ignore_errors=True)
        write_atomic(stamp, version.encode())

    def read(self, path: Path):
        """One pickled value, or None if it is missing or unreadable."""
        try:
            return pickle.loads(path.read_bytes())
        except ERRORS:
            return None

    def get(self, store: str, key, make):
        """The value kept under key, made by `make()` when there is none."""
        self.used[store].add(key)
        values = self.parsed if store == "parsed" else self.html
        if key not in values and store == "parsed" and self.folder:
            found = self.read(self.folder / "parsed" / f"{key}.pickle")
            if found is not None:
                values[key] = found
        if key not in values:
            values[key] = make()
            self.made[store].add(key)
        return values[key]

    def save(self) -> None:
        """Write what this build made, and forget what it no longer uses."""
        stale_html = self.html.keys() - self.used["html"]
        self.html = {k: v for k, v in self.html.items() if k in self.used["html"]}
        self.parsed = {k: v for k, v in self.parsed.items() if k in self.used["parsed"]}
        if self.folder:
            self.write(stale_html)
        self.used = {name: set() for name in self.used}
        self.made = {name: set() for name in self.made}

    def write(self, stale_html) -> None:
        """Put new parsed sources and changed description HTML on disk; drop unused files."""
        parsed = self.folder / "parsed"
        parsed.mkdir(parents=True, exist_ok=True)
        for key in self.made["parsed"]:
            write_atomic(parsed / f"{key}.pickle", pickle.dumps(self.parsed[key], protocol=pickle.HIGHEST_PROTOCOL))
        for path in parsed.glob("*.pickle"):
            if path.stem not in self.used["parsed"]:
                path.unlink()
        if self.made["html"] or stale_html:
            write_atomic(self.folder / "html.pickle", pickle.dumps(self.html, protocol=pickle.HIGHEST_PROTOCOL))


def key(*parts: object) -> str:
    """A short cache key for large parts, such as a source's bytes."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part if isinstance(part, bytes) else repr(part).encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()
