"""Nothing changed, nothing done: a build whose inputs, program, options and output are as the last build left
them says so and stops, having read only file stats. Standard library only, so that deciding costs no imports."""
from __future__ import annotations

import hashlib
import hmac
import importlib.util
import json
import os
import stat
import sys
from pathlib import Path

from .cache import read_plain, sign, signing_key
from .writer import marked, stamp as file_stamp, write_atomic

RECORD = "last-build.json"
DEPENDENCIES = ("jinja2", "markupsafe", "markdown_it", "mdurl", "mdit_py_plugins", "yaml", "ftfy")
PACKAGE = Path(__file__).resolve().parent


def stats(folder: Path, digest, hidden: bool = False, skip: str = "", code: bool = False) -> None:
    """Feed every file's path, size and times and every folder's path and mode under a folder into a digest, hidden
    ones left out unless `hidden` (a template may include a hidden file; a site may not hold one), the folder
    `skip` (a real path: the site, when it is inside an input folder) left out, and in a folder of Python `code`
    the bytecode Python writes there as it imports."""
    pending = [(str(folder), "")]
    while pending:
        path, prefix = pending.pop()
        try:
            entries = sorted(os.scandir(path), key=lambda e: e.name)
        except OSError:
            digest.update(f"unreadable {prefix}\0".encode("utf-8", "surrogateescape"))
            continue
        for entry in entries:
            if (entry.name.startswith(".") and not hidden) or (code and entry.name == "__pycache__"):
                continue
            state = stamp(entry, pending, prefix, skip)
            if state:
                digest.update(f"{prefix}{entry.name} {state}\0".encode("utf-8", "surrogateescape"))


def stamp(entry: os.DirEntry, pending: list, prefix: str, skip: str) -> str:
    """What identifies an entry's state: a folder's mode (and it is queued to be entered), a file's size and times,
    a link's own when what it points to is missing, unreadable or a folder (no input enters a linked folder);
    nothing for the folder to skip."""
    try:
        if entry.is_dir(follow_symlinks=False):  # a folder made or opened up counts; its times do not
            if skip and os.path.realpath(entry.path) == skip:
                return ""
            pending.append((entry.path, prefix + entry.name + "/"))
            return f"folder {entry.stat(follow_symlinks=False).st_mode}"
        info = entry.stat()
        if not stat.S_ISDIR(info.st_mode):
            return file_stamp(info)
    except OSError:  # a dangling link, a link loop, a file gone meanwhile
        pass
    try:
        info = entry.stat(follow_symlinks=False)
        return f"link to {os.readlink(entry.path)!r} {file_stamp(info)}"
    except OSError:
        return "gone"


def fingerprint(config) -> str:
    """What a build's result depends on: options, environment, program, dependencies and every input file."""
    digest = hashlib.sha256()
    options = [os.path.realpath(p) if p else "" for p in (config.content, config.out, config.templates, config.static)]
    digest.update(repr((options, config.base_url, config.strict, os.environ.get("SOURCE_DATE_EPOCH"), sys.version)).encode())
    digest.update(dependencies().encode())
    stats(PACKAGE, digest, code=True)
    site = os.path.realpath(site_folder(config))  # the site has a state of its own, and may be inside an input
    for folder in (Path(config.static), Path(config.content)):
        stats(folder, digest, skip=site)
    stats(Path(config.templates), digest, hidden=True, skip=site)
    return digest.hexdigest()


def dependencies() -> str:
    """A digest of every file of every dependency (path, size, times, inode), which installing another version
    or editing one changes; found without importing any."""
    digest = hashlib.sha256()
    for name in DEPENDENCIES:
        spec = importlib.util.find_spec(name)
        origin = spec.origin if spec and spec.origin else ""
        digest.update(f"{name} {origin}\0".encode("utf-8", "surrogateescape"))
        for folder in (spec.submodule_search_locations or []) if spec else []:
            stats(Path(folder), digest, code=True)
        holder = Path(origin)
        while origin and not holder.exists() and holder != holder.parent:  # a module inside a zip: the zip
            holder = holder.parent
        if origin and holder.is_file():
            info = holder.stat()
            digest.update(f"{holder} {file_stamp(info)}\0".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def site_folder(config) -> Path:
    """The site folder as a build writes it: `--out a/b/..` is `a`, whatever `a/b` is."""
    return Path(os.path.abspath(config.out))


def output_state(out: Path) -> str:
    """The output folder as the last build left it: its mode, every file's stats, the marker included."""
    try:
        mode = os.lstat(out).st_mode
    except OSError:
        mode = 0
    digest = hashlib.sha256(f"{marked(out)} {mode}".encode())
    stats(out, digest, hidden=True)
    return digest.hexdigest()


def last_build(config) -> tuple[dict | None, str]:
    """The last build's summary if nothing it depended on has changed since, else None; and the fingerprint of the
    inputs now, if it was made, for the build to remember."""
    inputs = ""
    try:
        folder = Path(config.cache)
        data = read_plain(folder / RECORD, 1 << 20) if marked(folder) else None
        if not data:
            return None, inputs
        signature, _, body = data.partition(b"\n")
        if not hmac.compare_digest(signature, sign(signing_key(), body)):
            return None, inputs
        record, inputs = json.loads(body), fingerprint(config)
        same = record.get("fingerprint") == inputs and record.get("output") == output_state(site_folder(config))
        return (record if same and isinstance(record.get("problems"), list) else None), inputs
    except (OSError, ValueError, TypeError, AttributeError):
        return None, inputs


def remember(config, summary: dict, inputs: str) -> None:
    """Keep what the next build needs to see that nothing changed: the fingerprint of the inputs as the build began
    to read them (a file changed while it ran is a change to the next), and the output as it left it. Any trouble
    only means that the next build builds."""
    try:
        folder = Path(config.cache)
        if not marked(folder):
            return
        record = dict(summary, fingerprint=inputs, output=output_state(site_folder(config)))
        body = json.dumps(record, ensure_ascii=False).encode("utf-8")
        write_atomic(folder / RECORD, sign(signing_key(), body) + b"\n" + body, sweep=True)
    except (OSError, ValueError):
        return
