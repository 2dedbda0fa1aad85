"""Writing output safely: only into folders this program made, one build at a time, swapped in whole."""
from __future__ import annotations

import ctypes
import errno
import fcntl
import hashlib
import io
import json
import os
import shutil
import stat
import tempfile
import time
import zipfile
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .text import first_three, shorten, shown
from .urls import Urls

MARKER = ".statusref-output"
MARKER_TEXT = b"Made by statusref. The next build may replace this folder and everything in it.\n"
WRITTEN = ".statusref-files"  # the files a build wrote into a site folder, as a JSON list
ZIP_COMMENT = b"statusref offline bundle"
RENAME_EXCHANGE = 2
FILE_MODE = 0o644  # every file a build writes: readable by all, as a published site is
FOLDER_MODE = 0o755
AT_FDCWD = -100


class WriteError(Exception):
    """Output cannot be written as asked; the message names the path and why."""


class Added(WriteError):
    """A site folder holds files its last build did not write: it is not replaced until they are moved out."""


@dataclass(frozen=True, kw_only=True)
class Made:
    """A page a build wrote: a digest of the data it was made from, the hash and size of its bytes, and the stats its
    file was left with (see `stamp`), by which the next build knows it unchanged without reading it."""

    digest: str
    sha: str
    size: int
    stamp: str = ""

    def holds(self, data: bytes) -> bool:
        """Whether bytes are the ones this page was made of."""
        return len(data) == self.size and hashlib.sha256(data).hexdigest() == self.sha


@dataclass(frozen=True)
class Kept:
    """A file the last build made from the same data, and how to make it again when the last site does not hold it
    as it was written."""

    made: Made
    make: Callable[[], bytes]


class Writer:
    """Writes files under one folder and refuses to write any path twice.

    Given the previous site, a file whose bytes have not changed is hard-linked from it, not written again; a Kept
    file is linked if the previous site holds it as it was made, and made again if not. Given what the folder `held`
    (the site before last, kept as a spare), a file it holds as the previous site's very file is left in place, and
    anything else it holds is removed before its path is written and, once every file is written, if unused.
    """

    def __init__(self, root: Path, previous: Path | None = None, held: frozenset[str] = frozenset()):
        """A writer for files under `root`, reusing unchanged files of `previous` and of what `root` held."""
        self.root = root
        self.previous = previous if previous and previous.is_dir() else None
        self.inside = os.path.realpath(previous) + os.sep if self.previous else ""
        self.held = held
        self.written: set[str] = set()
        self.stamps: dict[str, str] = {}  # each file's stats as this writer left it

    def write(self, path: str, data: bytes | Kept) -> None:
        """Write one file; a second write to the same path is a bug, so it fails."""
        if path in self.written:
            raise WriteError(f"{path} would be written twice")
        self.written.add(path)
        target = self.root / path
        with naming(target):
            if not (self.held and self.left(path, target, data)):
                self.put(path, target, data)
            self.stamps[path] = stamp(target.lstat())

    def put(self, path: str, target: Path, data: bytes | Kept) -> None:
        """Link the file from the previous site, or write it."""
        make_folders(target.parent)
        if isinstance(data, Kept):
            if self.reuse(path, target, data):
                return
            data = data.make()
        if not self.reuse(path, target, data):
            target.write_bytes(data)
            os.chmod(target, FILE_MODE)

    def holds(self, path: str, info: os.stat_result, data: bytes | Kept) -> bool:
        """Whether the previous site's file at `path`, of stats `info`, holds `data`: a Kept page by the stats its file
        was left with, if they have not changed since (no one can set a change time), else by its bytes."""
        if isinstance(data, Kept):
            return data.made.stamp == stamp(info) or data.made.holds((self.previous / path).read_bytes())
        return (self.previous / path).read_bytes() == data

    def left(self, path: str, target: Path, data: bytes | Kept) -> bool:
        """Whether the spare holds the previous site's very file at `path`, as it should be: then it is left in place.
        Otherwise whatever the spare holds there, or as a file where a folder of the path belongs, is removed."""
        for folder in folders_of(path):
            if folder in self.held and not (self.root / folder).is_dir():  # held as a file, now a folder
                remove_entry(self.root / folder)
        if not os.path.lexists(target):
            return False
        old = self.found(path, size_of(data), 2)
        if old is not None and os.path.samestat(old, target.lstat()) and self.holds(path, old, data):
            return True
        remove_entry(target)
        return False

    def found(self, path: str, size: int, names: int = 1) -> os.stat_result | None:
        """The stats of the previous site's file at `path` if it is reached inside the site, a plain file of `size`
        bytes with the mode a written file gets and `names` names (its own and the spare's): a file also linked from
        elsewhere may change with it."""
        if self.previous is None:
            return None
        old = self.previous / path
        try:
            if not os.path.realpath(old).startswith(self.inside):
                return None  # reached through a link out of the previous site
            info = old.lstat()
        except OSError:
            return None
        if not stat.S_ISREG(info.st_mode) or info.st_nlink != names or stat.S_IMODE(info.st_mode) != FILE_MODE:
            return None
        return info if info.st_size == size else None

    def reuse(self, path: str, target: Path, data: bytes | Kept) -> bool:
        """Link the previous site's file if it is one this writer may take (see `found`) that holds `data`."""
        try:
            old = self.found(path, size_of(data))
            if old is None or not self.holds(path, old, data):
                return False
            os.link(self.previous / path, target, follow_symlinks=False)
        except OSError:
            return False
        return True

    def clear_rest(self) -> None:
        """Remove what the spare held that this build did not write, and the folders left empty, deepest first."""
        needed = {folder for path in self.written for folder in folders_of(path)}
        for path in sorted(self.held - self.written - needed):  # a file held where a folder now is went when it was made
            remove_entry(self.root / path)
        folders = {folder for path in self.held for folder in folders_of(path)}
        for folder in sorted(folders - needed, key=lambda f: f.count("/"), reverse=True):
            with suppress(OSError):  # already gone with a folder above it
                (self.root / folder).rmdir()


def folders_of(path: str) -> list[str]:
    """The folders a path inside the site lies in, outermost first: `a/b/c.html` lies in `a` and `a/b`."""
    parts = path.split("/")
    return ["/".join(parts[:end]) for end in range(1, len(parts))]


def size_of(data: bytes | Kept) -> int:
    """The size of a file's bytes, made or to be made."""
    return data.made.size if isinstance(data, Kept) else len(data)


def stamp(info: os.stat_result) -> str:
    """What changes whenever a file's bytes may have: inode, size, modification and change time (no copy can set
    a change time); the one way every part of the program stamps a file."""
    return f"{info.st_ino} {info.st_size} {info.st_mtime_ns} {info.st_ctime_ns}"


def remove_entry(path: Path) -> None:
    """Remove a file, a link or a folder inside a spare this program made."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif os.path.lexists(path):
        path.unlink()


def make_folders(folder: Path) -> None:
    """Make a folder and any missing above it, each readable by all whatever the umask."""
    missing = []
    while not folder.is_dir():
        missing.append(folder)
        folder = folder.parent
    for one in reversed(missing):
        one.mkdir()
        os.chmod(one, FOLDER_MODE)


SITE = Urls()
FIRST_VERSION_FILES = {SITE.path(kind).split("/")[0] for kind in ("index", "notfound", "api", "search", "sources", "sitemap", "robots")}
OUR_NAMES = FIRST_VERSION_FILES | {SITE.path("compare", "x").split("/")[0], MARKER}  # what a site of ours holds at its top


def plain_file(path: Path) -> bool:
    """Whether a path is a regular file itself, not a link to one."""
    try:
        return stat.S_ISREG(path.lstat().st_mode)
    except OSError:
        return False


def marked(folder: Path) -> bool:
    """Whether a real folder holds this program's marker, itself a real file."""
    return not folder.is_symlink() and folder.is_dir() and plain_file(folder / MARKER)


def owned(folder: Path) -> bool:
    """Whether a folder is output this program made: it holds the marker, or is a site of the first version."""
    return marked(folder) or (not folder.is_symlink() and folder.is_dir() and first_version_site(folder))


def first_version_site(folder: Path) -> bool:
    """A site built before the marker existed: only the files that version wrote, and its API file."""
    for entry in folder.iterdir():
        if entry.name not in FIRST_VERSION_FILES and not page_folder(entry.name):
            return False
    api = folder / SITE.path("api")
    if not plain_file(api) or api.stat().st_size > 1 << 20:
        return False
    try:
        data = json.loads(api.read_bytes())
    except ValueError:
        return False
    codes = data.get("codes") if isinstance(data, dict) and data.get("version") == 1 else None
    return bool(codes) and isinstance(codes, list) and all(isinstance(c, dict) and "url" in c for c in codes)


def check_replaceable(out: Path, walk: bool = True) -> None:
    """Refuse to replace anything but a missing or empty folder, or a folder this program made; unless not `walk`,
    one that holds a file its last build did not write."""
    if not out.name:
        raise WriteError(f"{out} is the root of the file system: not replacing it")
    if out.is_symlink():
        raise WriteError(f"{out} is a symbolic link: not replacing what it points to; name a real folder")
    if out.exists() and not out.is_dir():
        raise WriteError(f"{out} is a file, not a folder: not replacing it")
    if out.is_dir() and any(out.iterdir()) and not owned(out):
        raise WriteError(f"{out} holds files this program did not make (no {MARKER}): not replacing it")
    added = foreign(out) if walk and out.is_dir() else []
    if added:
        listed = first_three([shorten(shown(path), 60) for path in added])
        raise Added(f"{out} holds files the last build did not write ({listed}): "
                         "not replacing it; move them out of the folder")


def foreign(out: Path) -> list[str]:
    """What a site folder holds that its build did not write: by the list the build left, or, for a site of an
    earlier version without one, any name at its top that this program never writes. A link is never the build's."""
    listing = out / WRITTEN
    if not os.path.lexists(listing):
        return sorted(e.name for e in out.iterdir() if e.is_symlink() or not (e.name in OUR_NAMES or page_folder(e.name)))
    listed = read_list(listing)
    if listed is None:
        raise WriteError(f"{out} holds a list of what its last build wrote ({WRITTEN}) that cannot be read: not "
                         "replacing it; move your files out of the folder, then remove it")
    return walk_listed(out, listed)[0]


def walk_listed(out: Path, listed: list[str]) -> tuple[list[str], list[str]]:
    """Walk a site folder against the list of what its build wrote: what it holds that the list does not name as
    what it is (a file as a file, a folder as a folder), links and folders that cannot be read among them; and the
    plain files it holds that the list names."""
    allowed_files = {MARKER, WRITTEN} | set(listed)
    allowed_folders = {folder for path in listed for folder in folders_of(path)}
    unlisted, files, pending = [], [], [(str(out), "")]
    while pending:
        folder, prefix = pending.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:  # what it holds cannot be known: it counts as not the build's
            unlisted.append(prefix.rstrip("/") or ".")
            continue
        for entry in entries:
            path = prefix + entry.name
            if entry.is_symlink():
                unlisted.append(path)
            elif entry.is_dir(follow_symlinks=False) and path in allowed_folders:
                pending.append((entry.path, path + "/"))
            elif entry.is_file(follow_symlinks=False) and path in allowed_files:
                files.append(path)
            else:  # unlisted, a file where a folder was written or the reverse, a pipe, a device
                unlisted.append(path)
    return sorted(unlisted), files


def read_list(path: Path) -> list[str] | None:
    """The list of files a build wrote, or None if it is not a plain file holding a JSON list of paths."""
    try:
        listed = json.loads(read_small(path))
    except (OSError, ValueError, RecursionError):
        return None
    return listed if isinstance(listed, list) and all(isinstance(p, str) for p in listed) else None


def page_folder(name: str) -> bool:
    """Whether a name at the top of a site is the folder of a code (404) or a class (4xx)."""
    return len(name) == 3 and (name.isdigit() or (name[0] in "12345" and name[1:] == "xx"))


def read_small(path: Path, limit: int = 16 << 20) -> bytes:
    """A plain file's bytes, never through a link; OSError if it is missing, a link or larger than the limit."""
    if not plain_file(path) or path.stat().st_size > limit:
        raise OSError(f"{path} is not a plain file of at most {limit} bytes")
    return path.read_bytes()


def mark(folder: Path) -> None:
    """Put the marker in a folder this program made, never through a link."""
    handle = os.open(folder / MARKER, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o644)
    with os.fdopen(handle, "wb") as stream:
        stream.write(MARKER_TEXT)
        os.fchmod(stream.fileno(), FILE_MODE)


def remove_owned(folder: Path) -> None:
    """Delete a folder, but only if this program made it."""
    if owned(folder):
        shutil.rmtree(folder)


@contextmanager
def locked(out: Path, say=None):
    """Hold the one lock of an output, waiting (and saying so) while another build holds it."""
    lock = out.with_name(f".{out.name}.lock")
    try:
        descriptor = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    except OSError as err:
        advice = "; remove it if it is a link" if err.errno == errno.ELOOP else ""
        raise WriteError(f"{lock} cannot be used as a lock ({err.strerror}){advice}") from None
    with os.fdopen(descriptor, "r+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if say:
                say(f"Waiting for another build into {out} to finish")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def publish(files: list[tuple[str, bytes]], out: Path, say=None, published=None) -> None:
    """Write every file into a new folder beside `out`, then put it in `out`'s place, under the folder's lock.

    `published()`, if given, runs once the new site is in place and the old one removed, still under the lock.
    """
    out = Path(os.path.abspath(out))
    check_replaceable(out, walk=False)  # before making a lock beside it; what it holds is walked under the lock
    out.parent.mkdir(parents=True, exist_ok=True)
    with locked(out, say):
        check_replaceable(out)
        remove_leftovers(out)
        fresh, held = staging(out)
        swapped = False
        try:
            writer = Writer(fresh, out, held)
            for path, data in files:
                writer.write(path, data)
            writer.write(WRITTEN, (json.dumps(sorted(writer.written)) + "\n").encode("ascii"))
            writer.clear_rest()
            check_replaceable(out)  # nothing was added to the old site while the new one was written
            swapped = swap_in(fresh, out)
        finally:
            if fresh.is_dir() and not fresh.is_symlink() and not any(fresh.iterdir()):
                fresh.rmdir()  # the empty folder that stood where the site now is
            if not (swapped and keep_spare(fresh, out)):
                remove_owned(fresh)
        if published:  # once the old site is gone or kept as the spare
            published(writer.stamps)


def spare_of(out: Path) -> Path:
    """Where the site before the current one is kept beside `out`, for the next build to write its new site into."""
    return out.with_name(f".{out.name}.spare")


def staging(out: Path) -> tuple[Path, frozenset[str]]:
    """A folder beside `out` to write the new site into, marked as this program's, and the files it holds: the
    spare, if it holds only what its build wrote, renamed so that a killed build leaves it as a leftover; else a new
    folder. A spare holding anything else is left as it is."""
    fresh = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    held = spare_files(spare_of(out))
    if held is not None:
        os.rename(spare_of(out), fresh)  # onto the empty new folder
        return fresh, held
    mark(fresh)
    os.chmod(fresh, FOLDER_MODE)
    return fresh, frozenset()


def spare_files(spare: Path) -> frozenset[str] | None:
    """The files a spare holds, found by walking it (never taken from its list), its marker aside; None unless it is
    this program's: a marked folder, every folder of it readable, holding only plain files and folders that the list
    its build left names."""
    listed = read_list(spare / WRITTEN) if marked(spare) else None
    if listed is None:
        return None
    unlisted, files = walk_listed(spare, listed)
    return None if unlisted else frozenset(files) - {MARKER}


def keep_spare(old: Path, out: Path) -> bool:
    """Keep the site just replaced as the spare, if it is this program's (marked) and the name is free."""
    spare = spare_of(out)
    if not marked(old) or os.path.lexists(spare):
        return False
    os.rename(old, spare)
    return True


def remove_leftovers(out: Path) -> None:
    """Remove the staging folders that killed builds left beside `out`: called under its lock, so none is live."""
    prefix = f".{out.name}.new-"
    for entry in out.parent.iterdir():
        if entry.name.startswith(prefix) and marked(entry):
            shutil.rmtree(entry)


def swap_in(fresh: Path, out: Path) -> bool:
    """Put `fresh` where `out` is in one step; afterwards `fresh` holds the old site, if there was one: True then."""
    if not out.exists():
        os.rename(fresh, out)
        return False
    if not exchange(fresh, out):
        old = fresh.with_name(fresh.name + "-old")
        os.rename(out, old)
        os.rename(fresh, out)
        os.rename(old, fresh)
    return True


def exchange(a: Path, b: Path) -> bool:
    """Swap two folders atomically with Linux's renameat2; False where it is not available (no such call, or a file
    system without it); OSError if it fails otherwise, as when a folder is missing."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    if renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    error = ctypes.get_errno()
    if error in (errno.ENOSYS, errno.EINVAL):
        return False
    raise OSError(error, os.strerror(error), str(b))


def zip_bytes(files: list[tuple[str, bytes]], folder: str, date_time: tuple) -> bytes:
    """A zip of the files under one folder, the same bytes for the same files, signed with its comment."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in sorted(files):
            info = zipfile.ZipInfo(f"{folder}/{path}", date_time=date_time)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
        archive.comment = zip_comment(archive)
    return buffer.getvalue()


def zip_comment(archive: zipfile.ZipFile) -> bytes:
    """A bundle's comment: what wrote it, and a digest of every entry's name, size and CRC, so that a bundle to
    which anything was added, or in which anything was changed or removed, is known as no longer ours alone."""
    digest = hashlib.sha256()
    for info in archive.infolist():
        digest.update(f"{info.filename}\0{info.file_size}\0{info.CRC}\0".encode("utf-8", "surrogateescape"))
    return ZIP_COMMENT + b" " + digest.hexdigest().encode()


def our_zip(path: Path) -> bool:
    """Whether a file is a bundle this program wrote, as it wrote it."""
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.comment == zip_comment(archive)
    except Exception:  # noqa: BLE001 - any zip this module cannot read (a newer format, say) is none it wrote
        return False


def replaceable_bundle(target: Path) -> None:
    """Refuse a bundle target that is not missing or a bundle this program wrote as it wrote it."""
    if target.is_symlink() or (target.exists() and not target.is_file()):
        raise WriteError(f"{target} is not a plain file: not replacing it")
    if target.exists() and not our_zip(target):
        raise WriteError(f"{target} is not a bundle this program wrote, or files were added to it or changed since: "
                         "not replacing it; move it away or choose another --out")


def write_bundle(target: Path, data: bytes, say=None) -> None:
    """Write the bundle under its lock, replacing only a missing file or a bundle this program wrote."""
    target = Path(os.path.abspath(target))
    if not target.name or (target.is_dir() and not target.is_symlink()):
        raise WriteError(f"{target} is a folder: a bundle is a file, such as dist/http-status-codes.zip")
    replaceable_bundle(target)  # before the lock, which a refused target must not get beside it
    target.parent.mkdir(parents=True, exist_ok=True)
    with locked(target, say):
        replaceable_bundle(target)  # again: another build may have written meanwhile
        write_atomic(target, data, sweep=True)


def write_atomic(path: Path, data, sweep: bool = False) -> None:
    """Write one file so that readers see the old or the new file, never half of one: `data` is its bytes, or a
    function that writes them into the open file. With `sweep`, the temp files that builds killed while writing
    it left beside it are removed."""
    with naming(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(handle, "wb") as stream:
                if isinstance(data, bytes):
                    stream.write(data)
                else:
                    data(stream)
            os.chmod(temp, 0o644)
            os.replace(temp, path)
        except BaseException:
            os.unlink(temp)
            raise
    if sweep:
        sweep_temps(path)


@contextmanager
def naming(path: Path):
    """Name `path` in an OS error that names no file, such as a full disk's or a file too large's, so that the
    user hears where writing failed."""
    try:
        yield
    except OSError as err:
        if err.filename is None:
            err.filename = str(path)
        raise


def sweep_temps(path: Path) -> None:
    """Remove the temp files write_atomic() made for `path` in processes that have ended (a build killed as it
    wrote): plain files named `.NAME.PID.XXXXXXXX.tmp` by a process that no longer runs, untouched for an hour (a
    process of another PID namespace, such as a container's, may be writing one under a number not running here).
    Any other is left."""
    prefix, hour_ago = f".{path.name}.", time.time() - 3600
    for entry in os.scandir(path.parent):
        middle = entry.name[len(prefix) : -len(".tmp")] if entry.name.startswith(prefix) and entry.name.endswith(".tmp") else ""
        pid, _, random = middle.partition(".")
        if pid.isascii() and pid.isdigit() and len(random) == 8 and ended(int(pid)) and entry.is_file(follow_symlinks=False):
            with suppress(FileNotFoundError):
                if entry.stat(follow_symlinks=False).st_mtime < hour_ago:
                    os.unlink(entry.path)


def ended(pid: int) -> bool:
    """Whether no process with this number runs."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except (OSError, OverflowError):  # another user's process, or no number a process can have
        return False
    return False
