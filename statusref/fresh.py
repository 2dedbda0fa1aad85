"""Nothing changed, nothing done: a build whose inputs, program, options and output are as the last build left
them says so and stops, having read only file stats. Standard library only, so that deciding costs no imports."""
from __future__ import annotations

import hashlib
import hmac
import importlib.util
import json
import os
import sys
from pathlib import Path

from .cache import read_plain, sign, signing_key
from .writer import marked, write_atomic

RECORD = "last-build.json"
PACKAGE = Path(__file__).resolve().parent
DEPENDENCIES = ("jinja2", "markupsafe", "markdown_it", "mdit_py_plugins", "yaml", "ftfy")


def stats(folder: Path, digest, hidden: bool = False) -> None:
    """Feed every file's path, size and times and every folder's path and mode under a folder into a digest, hidden
    ones left out unless `hidden` (a template may include a hidden file; a site may not hold one)."""
    pending = [(str(folder), "")]
    while pending:
        path, prefix = pending.pop()
        try:
            entries = sorted(os.scandir(path), key=lambda e: e.name)
        except OSError:
            digest.update(f"unreadable {prefix}\0".encode())
            continue
        for entry in entries:
            if (entry.name.startswith(".") and not hidden) or entry.name == "__pycache__":
                continue
            try:
                info = entry.stat(follow_symlinks=False) if entry.is_dir(follow_symlinks=False) else entry.stat()
            except OSError:
                continue
            if entry.is_dir(follow_symlinks=False):  # a folder made or opened up counts; its times do not
                pending.append((entry.path, prefix + entry.name + "/"))
                digest.update(f"{prefix}{entry.name}/ {info.st_mode}\0".encode("utf-8", "surrogateescape"))
                continue
            stamp = f"{info.st_size} {info.st_mtime_ns} {info.st_ctime_ns} {info.st_ino}"  # ctime: no copy can set it
            digest.update(f"{prefix}{entry.name} {stamp}\0".encode("utf-8", "surrogateescape"))


def fingerprint(config) -> str:
    """What a build's result depends on: options, environment, program, dependencies and every input file."""
    digest = hashlib.sha256()
    options = [str(Path(p).resolve()) if p else "" for p in (config.content, config.out, config.templates, config.static)]
    digest.update(repr((options, config.base_url, config.strict, os.environ.get("SOURCE_DATE_EPOCH"), sys.version)).encode())
    for name in DEPENDENCIES:
        spec = importlib.util.find_spec(name)
        origin = Path(spec.origin) if spec and spec.origin else None
        digest.update(f"{name} {origin.stat().st_mtime_ns if origin and origin.exists() else 0}\0".encode())
    for folder in (PACKAGE, Path(config.static), Path(config.content)):
        stats(folder, digest)
    stats(Path(config.templates), digest, hidden=True)
    return digest.hexdigest()


def output_state(out: Path) -> str:
    """The output folder as the last build left it: every file's stats, the marker included."""
    digest = hashlib.sha256(str(marked(out)).encode())
    stats(out, digest, hidden=True)
    return digest.hexdigest()


def unchanged(config) -> dict | None:
    """The last build's summary if nothing it depended on has changed since, else None."""
    try:
        folder = Path(config.cache)
        data = read_plain(folder / RECORD, 1 << 20) if marked(folder) else None
        if not data:
            return None
        signature, _, body = data.partition(b"\n")
        if not hmac.compare_digest(signature, sign(signing_key(), body)):
            return None
        record = json.loads(body)
        same = record.get("fingerprint") == fingerprint(config) and record.get("output") == output_state(Path(config.out))
        return record if same and isinstance(record.get("problems"), list) else None
    except (OSError, ValueError, TypeError, AttributeError):
        return None


def remember(config, summary: dict, inputs: str) -> None:
    """Keep what the next build needs to see that nothing changed: the fingerprint of the inputs as the build began
    to read them (a file changed while it ran is a change to the next), and the output as it left it. Any trouble
    only means that the next build builds."""
    try:
        folder = Path(config.cache)
        if not marked(folder):
            return
        record = dict(summary, fingerprint=inputs, output=output_state(Path(config.out)))
        body = json.dumps(record, ensure_ascii=False).encode("utf-8")
        write_atomic(folder / RECORD, sign(signing_key(), body) + b"\n" + body)
    except (OSError, ValueError):
        return
