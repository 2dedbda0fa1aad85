"""Writing the site: every file into a fresh folder, then swapped in whole."""
from __future__ import annotations

import ctypes
import io
import os
import shutil
from pathlib import Path

RENAME_EXCHANGE = 2
AT_FDCWD = -100


class WriteError(Exception):
    """A site cannot be written as asked."""


class Writer:
    """Writes files under one folder and refuses to write any path twice.

    Given the previous site, a file whose bytes have not changed is linked from it, not written again.
    """

    def __init__(self, root: Path, previous: Path | None = None):
        """A writer for files under `root`, reusing unchanged files of `previous`."""
        self.root = root
        self.previous = previous if previous and previous.is_dir() else None
        self.written: set[str] = set()
        self.folders: set[Path] = set()

    def write(self, path: str, data: bytes) -> None:
        """Write one file; a second write to the same path is a bug, so it fails."""
        if path in self.written:
            raise WriteError(f"{path} would be written twice")
        self.written.add(path)
        target = self.root / path
        if target.parent not in self.folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self.folders.add(target.parent)
        if not self.reuse(path, data, target):
            with open(target, "wb") as stream:
                stream.write(data)

    def reuse(self, path: str, data: bytes, target: Path) -> bool:
        """Link the previous site's file if it holds exactly these bytes."""
        if self.previous is None:
            return False
        old = self.previous / path
        try:
            if old.stat().st_size != len(data) or old.read_bytes() != data:
                return False
            os.link(old, target)
        except OSError:
            return False
        return True


def publish(files: list[tuple[str, bytes]], out: Path) -> int:
    """Write every file into a new folder beside `out`, then put it in `out`'s place."""
    check_replaceable(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(out)
    fresh = out.with_name(f".{out.name}.new-{os.getpid()}")
    try:
        fresh.mkdir(mode=0o755)
        writer = Writer(fresh, out)
        for path, data in files:
            writer.write(path, data)
        swap_in(fresh, out)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
    return len(files)


def check_replaceable(out: Path) -> None:
    """Refuse to replace a folder that is not a site this tool built."""
    if out.is_dir() and any(out.iterdir()) and not (out / "index.html").is_file():
        raise WriteError(f"{out} is not empty and holds no index.html: not replacing it")
    if out.exists() and not out.is_dir():
        raise WriteError(f"{out} is a file, not a folder")


def remove_leftovers(out: Path) -> None:
    """Remove the folders that a killed build left beside `out`."""
    for stale in out.parent.glob(f".{out.name}.new-*"):
        shutil.rmtree(stale, ignore_errors=True)


def swap_in(fresh: Path, out: Path) -> None:
    """Put `fresh` where `out` is in one step; afterwards `fresh` holds the old site."""
    if not out.exists():
        os.rename(fresh, out)
    elif not exchange(fresh, out):
        old = out.with_name(f".{out.name}.new-old")
        os.rename(out, old)
        os.rename(fresh, out)
        os.rename(old, fresh)


def exchange(a: Path, b: Path) -> bool:
    """Swap two folders atomically with Linux's renameat2; False where it is not available."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    return renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0


def zip_bytes(files: list[tuple[str, bytes]], folder: str, date_time: tuple) -> bytes:
    """A zip of the files under one folder, the same bytes for the same files."""
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in sorted(files):
            info = zipfile.ZipInfo(f"{folder}/{path}", date_time=date_time)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


def write_atomic(path: Path, data: bytes) -> None:
    """Write one file so that readers see the old or the new file, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temp, "wb") as stream:
            stream.write(data)
        os.replace(temp, path)
    finally:
        if temp.exists():
            temp.unlink()
