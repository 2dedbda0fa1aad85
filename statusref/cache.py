"""What one build hands the next: parsed sources, rendered descriptions and the record of the pages it wrote, as
plain JSON keyed by content.

The cache never holds code: it is JSON, signed with the user's own key, checked against the dataclasses it is
read back into, and versioned by this program's code and its dependencies. Anything else is discarded with one
warning. Templates are not part of the version: nothing kept here is made by them, and each page's record names
the templates it was rendered from.
"""
from __future__ import annotations

import functools
import hashlib
import hmac
import json
import os
import secrets
import stat
import tempfile
import types
import typing
from contextlib import nullcontext
from dataclasses import fields, is_dataclass
from pathlib import Path

from .writer import MARKER, Made, WriteError, locked, mark, plain_file, write_atomic

PACKAGE = Path(__file__).resolve().parent
FIRST_VERSION_NAMES = {"parsed", "html.pickle", "jinja", "version"}
PAGES = "pages.json"
MAX_FILE = 64 * 1024 * 1024
PACK_LIMIT = 1024 * 1024 * 1024
FOLDERS = {"parsed": "parsed", "text": "texts"}  # stores of large values read now and then: a file per value, in a folder each
PACKS = {"seen": "seen.lines", "outline": "outlines.lines", "code": "codes.lines", "html": "html.lines",
         "described": "described.lines"}  # stores read by every build: one file, a value a line


def version() -> str:
    """A hash of this program's code and of the dependencies it runs with."""
    from .fresh import dependencies  # which imports this module

    digest = hashlib.sha256(dependencies().encode())
    for path in sorted(p for p in PACKAGE.iterdir() if p.is_file()):
        digest.update(os.fsencode(path.name) + b"\0" + path.read_bytes())
    return digest.hexdigest()


class Cache:
    """What one build hands the next, in memory and, given a folder, on disk: each store's values by key, kept as a
    file per value (parsed sources, codes' descriptions) or as one file with a value a line (what a build was when it
    found each source, outlines, merged codes, description HTML, described page parts), where a line is read back into
    its value only when asked for and written again as it was read.

    Every file is signed with a key kept in the user's own cache folder, so a cache that arrives with a
    checked-out repository, or is edited by hand, is never believed: its HTML never reaches a page.
    """

    def __init__(self, folder: Path | None = None, warn=None):
        """A cache in memory, backed by `folder` when given and usable; `warn(message)` hears of trouble."""
        self.folder: Path | None = None
        self.key = b""
        self.warn = warn or (lambda message: None)
        self.warned = False
        self.values: dict[str, dict] = {store: {} for store in (*FOLDERS, *PACKS)}
        self.used: dict[str, set] = {store: set() for store in self.values}
        self.made: dict[str, set] = {store: set() for store in self.values}
        self.lines: dict[str, dict[str, bytes]] = {store: {} for store in PACKS}  # each line of a pack as read
        self.plain: dict[str, dict] = {store: {} for store in PACKS}  # a line's JSON data, until asked for
        self.read: set[str] = set()  # the packs read from disk
        self.pages: dict[str, Made] = {}  # each page the last build wrote: the digest of its data, its bytes' hash and size
        if folder:
            try:
                self.key = signing_key()
                self.open(Path(folder))
            except (OSError, ValueError, WriteError) as err:
                self.trouble(f"cache {folder} cannot be used ({getattr(err, 'strerror', None) or err}); building without a cache")
                self.folder = None

    def trouble(self, message: str) -> None:
        """Warn once per build about the cache; the build goes on without what it could not use."""
        if not self.warned:
            self.warned = True
            self.warn(f"warning: {message}")

    def open(self, folder: Path) -> None:
        """Use the folder if this program made it, starting afresh if another version did."""
        if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
            return self.trouble(f"cache {folder} is not a plain folder; building without a cache")
        names = {p.name for p in folder.iterdir()} if folder.is_dir() else set()
        if names and MARKER not in names and not first_version(folder, names):
            return self.trouble(f"cache {folder} holds files this program did not make; building without a cache")
        if not all(plain_file(folder / n) for n in names & {MARKER, PAGES, "version", *PACKS.values()}) or any(
                (folder / sub).is_symlink() for sub in FOLDERS.values()):
            return self.trouble(f"cache {folder} holds links where its files belong; building without a cache")
        folder.mkdir(parents=True, exist_ok=True)
        stamp, current = folder / "version", version()
        found = stamp.read_text(errors="replace")[:100] if plain_file(stamp) else ""
        if found != current:
            if MARKER in names and found:
                self.trouble(f"cache {folder} was made by another version of the program; starting it afresh")
            with locked(folder / "store"):
                if not (plain_file(stamp) and stamp.read_text(errors="replace")[:100] == current):  # not another build's, since
                    clear(folder)
                    mark(folder)
                    write_atomic(stamp, current.encode())
        self.folder = folder
        self.pages = self.load(folder / PAGES, dict[str, Made]) or {}

    def load(self, path: Path, kind):
        """One signed JSON file read back into `kind`, or None if it is missing, unsigned, unreadable or of another shape."""
        try:
            data = self.json_of(path)
            return None if data is None else decode(data, kind)
        except (OSError, ValueError, TypeError, RecursionError):
            self.unreadable(path)
            return None

    def json_of(self, path: Path):
        """A signed cache file's JSON data, None if it is missing; OSError or ValueError if it cannot be believed."""
        body = self.body(path)
        return None if body is None else json.loads(body)

    def body(self, path: Path) -> bytes | None:
        """What a cache file holds after its signature, None if it is missing; ValueError if it is not signed here. A
        pack holds as much as the content makes of it, up to a gigabyte."""
        data = read_plain(path, PACK_LIMIT if path.name in PACKS.values() else MAX_FILE)
        if data is None:
            return None
        signature, _, body = data.partition(b"\n")
        if not hmac.compare_digest(signature, sign(self.key, self.named(path, body))):
            raise ValueError("not signed by this user's key under this name")
        return body

    def unreadable(self, path: Path) -> None:
        """Warn of a cache file that cannot be believed."""
        self.trouble(f"cache file {path} is unreadable, of another shape or not signed here; it is made again")

    def load_pack(self, store: str) -> None:
        """Read a pack's lines, each a JSON list of a key and a value, keeping each line and its data; none if the
        file is missing, unsigned or has a line of another shape."""
        path = self.folder / PACKS[store]
        try:
            body = self.body(path)
            for line in body.split(b"\n") if body else ():
                key, plain = json.loads(line)
                if not isinstance(key, str):
                    raise ValueError("a key that is not text")
                self.lines[store][key], self.plain[store][key] = line, plain
        except (OSError, ValueError, TypeError, RecursionError):
            self.lines[store], self.plain[store] = {}, {}
            self.unreadable(path)

    def get(self, store: str, key: str, make, kind):
        """The value kept under key, made by `make()` when there is none; `kind` is its dataclass."""
        found = self.lookup(store, key, kind)
        return self.put(store, key, make()) if found is None else found

    def lookup(self, store: str, key: str, kind):
        """The value kept under key, from memory or disk, or None; `kind` is its dataclass."""
        self.used[store].add(key)
        values = self.values[store]
        if self.folder and store in PACKS and store not in self.read:
            self.read.add(store)
            self.load_pack(store)
        if key not in values and store in PACKS and key in self.plain[store]:
            try:
                values[key] = decode(self.plain[store].pop(key), kind)
            except ValueError:
                del self.lines[store][key]  # so that the pack is written again without it
                self.unreadable(self.folder / PACKS[store])
        if key not in values and store in FOLDERS and self.folder:
            found = self.load(self.folder / FOLDERS[store] / f"{key}.json", kind)
            if found is not None:
                values[key] = found
        return values.get(key)

    def data(self, store: str, key: str):
        """A folder store's value as the plain JSON data kept on disk, neither decoded nor held: None if it is in
        memory, missing, or cannot be believed (asked for whole, it is then made again, with a warning)."""
        self.used[store].add(key)
        if key in self.values[store] or not self.folder:
            return None
        try:
            return self.json_of(self.folder / FOLDERS[store] / f"{key}.json")
        except (OSError, ValueError, RecursionError):
            return None

    def keep(self, store: str, key: str) -> None:
        """Keep a value on disk for a later build, though this one has not asked for it."""
        self.used[store].add(key)

    def put(self, store: str, key: str, value):
        """Keep a value made by this build under key; the value."""
        self.used[store].add(key)
        self.values[store][key] = value
        self.made[store].add(key)
        return value

    def save(self, keep: bool = True, stores: tuple[str, ...] = (*FOLDERS, *PACKS)) -> None:
        """Write what this build made and forget what it no longer uses, or all of it when no later build will ask;
        trouble writing is only a warning."""
        for store in stores:
            used = self.used[store]
            stale = bool((self.values[store].keys() | self.lines.get(store, {}).keys()) - used)
            self.values[store] = {k: v for k, v in self.values[store].items() if k in used}
            if store in PACKS:
                self.lines[store] = {k: v for k, v in self.lines[store].items() if k in used and k not in self.made[store]}
                self.plain[store] = {k: v for k, v in self.plain[store].items() if k in self.lines[store]}
            self.write_into(lambda: self.write(store, stale))
            self.used[store], self.made[store] = set(), set()
            if not keep:
                self.values[store] = {}
                if store in PACKS:
                    self.lines[store], self.plain[store] = {}, {}
                    self.read.discard(store)

    def write(self, store: str, stale: bool) -> None:
        """Put one store's new values on disk: a file per value in its folder, dropping files of values no longer used,
        or the store's pack, its unchanged lines as they were read; and drop dead builds' temp files."""
        folder = self.folder / FOLDERS[store] if store in FOLDERS else self.folder
        folder.mkdir(exist_ok=True)
        for key in self.made[store] if store in FOLDERS else ():
            write_atomic(folder / f"{key}.json", self.signed(folder / f"{key}.json", encode(self.values[store][key])))
        own = f".{PACKS[store]}." if store in PACKS else "."  # other files of the cache folder are written without its lock
        for path in folder.iterdir():
            dead = path.name.startswith(own) and path.suffix == ".tmp"
            unused = store in FOLDERS and path.suffix == ".json" and path.stem not in self.used[store]
            if (dead or unused) and plain_file(path):
                path.unlink()
        if store in PACKS and (self.made[store] or stale):
            self.write_pack(store, folder / PACKS[store])

    def write_pack(self, store: str, path: Path) -> None:
        """Write a pack, signed as `signed` signs: its lines as they were read, and the values made now encoded one at
        a time as they are written, so that no copy of them all is held."""
        keys = sorted(self.lines[store].keys() | self.made[store])
        mac = hmac.new(self.key, self.named(path, b""), hashlib.sha256)

        def fill(stream) -> bytes:
            """Write the lines after room for the signature; the signature."""
            stream.write(b"0" * mac.digest_size * 2 + b"\n")
            for number, key in enumerate(keys):
                line = self.lines[store].get(key) if key not in self.made[store] else None
                line = (b"\n" if number else b"") + (line or encode_line(key, self.values[store][key]))
                mac.update(line)
                stream.write(line)
            stream.seek(0)
            stream.write(mac.hexdigest().encode())
        write_atomic(path, fill)

    def keep_pages(self, record: dict[str, Made]) -> None:
        """Keep the record of the pages a build wrote, for the next build to link what it would render the same."""
        self.pages = record
        # One file put in place whole: no lock, as this runs under the site's lock, which must never wait on another.
        body = encode(dict(sorted(record.items())))
        self.write_into(lambda: write_atomic(self.folder / PAGES, self.signed(self.folder / PAGES, body), sweep=True), lock=False)

    def write_into(self, action, lock: bool = True) -> None:
        """Run `action`, which writes into the cache folder, under the cache's lock unless not `lock`; trouble is only
        a warning."""
        if not self.folder:
            return
        try:
            with locked(self.folder / "store") if lock else nullcontext():
                action()
        except (OSError, WriteError) as err:
            self.trouble(f"cache {self.folder} cannot be written ({getattr(err, 'strerror', None) or err}); the site is built all the same")

    def signed(self, path: Path, body: bytes) -> bytes:
        """A cache file's bytes: the signature of its JSON under its name, a line break, its JSON."""
        return sign(self.key, self.named(path, body)) + b"\n" + body

    def named(self, path: Path, body: bytes) -> bytes:
        """What a cache file's signature covers: its name in the cache folder and its JSON, so that a file moved to
        another name, where it would stand for another value, is not believed."""
        return os.fsencode(path.relative_to(self.folder).as_posix()) + b"\0" + body


def sign(key: bytes, body: bytes) -> bytes:
    """The signature of a cache file's JSON with this user's key."""
    return hmac.new(key, body, hashlib.sha256).hexdigest().encode()


def signing_key() -> bytes:
    """This user's key for signing cache files, made once in the user's own cache folder."""
    home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "statusref"
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = home / "key"
    if not path.exists():
        handle, temp = tempfile.mkstemp(dir=home)
        with os.fdopen(handle, "wb") as stream:
            stream.write(secrets.token_bytes(32))
        try:
            os.link(temp, path)  # whole or not at all; another build may have made it first
        except FileExistsError:
            pass
        finally:
            os.unlink(temp)
    key = read_plain(path, 64)
    if not key or len(key) < 32:
        raise OSError(f"{path} is not a key this program made")
    return key


def read_plain(path: Path, limit: int = MAX_FILE) -> bytes | None:
    """A regular file's bytes, never through a link and never past the limit; None if it is missing."""
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        return None
    with os.fdopen(handle, "rb") as stream:
        info = os.fstat(stream.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            raise ValueError(f"{path} is not a plain file of at most {limit} bytes")
        return read_upto(stream, limit)


def read_upto(stream, limit: int) -> bytes:
    """An open file's bytes, at most one past `limit` (to tell a file over it), with memory set aside for what its
    size says it holds, never for the whole limit (1 GB for a pack)."""
    return stream.read(min(os.fstat(stream.fileno()).st_size, limit) + 1)


def first_version(folder: Path, names: set[str]) -> bool:
    """Whether an unmarked folder holds only what the first version of this program kept there: pickled sources,
    pickled HTML, Jinja's compiled templates and a version stamp."""
    if not names <= FIRST_VERSION_NAMES:
        return False
    for sub, suffix in (("parsed", ".pickle"), ("jinja", ".cache")):
        inside = folder / sub
        if inside.is_symlink() or (inside.exists() and not inside.is_dir()):
            return False
        if inside.is_dir() and any(p.suffix != suffix or not plain_file(p) for p in inside.iterdir()):
            return False
    return True


def clear(folder: Path) -> None:
    """Remove the files this program keeps in its cache folder (its own names only), and nothing else."""
    for name in (*PACKS.values(), "html.json", "html.pickle", PAGES, "version"):  # html.json: the last version's
        if plain_file(folder / name):
            (folder / name).unlink()
    kept = [(sub, (".json",)) for sub in FOLDERS.values() if sub != "parsed"]
    for sub, suffixes in (("parsed", (".json", ".pickle")), *kept, ("jinja", (".cache",))):
        inside = folder / sub
        if inside.is_dir() and not inside.is_symlink():
            for path in inside.iterdir():
                if path.suffix in suffixes and plain_file(path):
                    path.unlink()
            if not any(inside.iterdir()):
                inside.rmdir()


def cache_key(*parts: str | bytes) -> str:
    """A short key for large parts, such as a source's bytes."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part if isinstance(part, bytes) else part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


def encode_line(key: str, value) -> bytes:
    """A pack's line: a key and its value, as a JSON list on one line (JSON escapes every line break)."""
    return json.dumps([key, written(value)], ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def encode(value) -> bytes:
    """A dataclass, or a dict of dataclasses by text, as compact JSON."""
    if isinstance(value, dict):
        plain = {k: written(v) for k, v in value.items()}
    else:
        plain = written(value)
    return json.dumps(plain, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


PLAIN = (int, str, bool, type(None))


@functools.cache
def hints(cls) -> dict:
    """The resolved field types of a dataclass."""
    return typing.get_type_hints(cls)


def written(value):
    """A value as plain JSON data."""
    write = encoder(type(value))
    return value if write is None else write(value)


@functools.cache
def plain_kind(kind) -> bool:
    """Whether values of `kind` are plain JSON data as they are: text, numbers, yes or no, none, and tuples and dicts
    of those."""
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin is tuple:
        return plain_kind(args[0])
    if origin is dict:
        return plain_kind(args[1])
    if origin in (typing.Union, types.UnionType):
        return all(map(plain_kind, args))
    return kind in PLAIN


@functools.cache
def encoder(kind):
    """A function writing a value of `kind` as plain JSON data, or None if it is that already: a record as the list
    of its fields' values, led by its class's name where its field's type allows several records."""
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if plain_kind(kind):
        return None
    if is_dataclass(kind):
        parts = tuple((f.name, encoder(hints(kind)[f.name])) for f in fields(kind))
        return lambda value: [getattr(value, name) if part is None else part(getattr(value, name)) for name, part in parts]
    if origin is tuple:
        item = encoder(args[0])
        return lambda value: [item(one) for one in value]
    if origin is dict:
        item = encoder(args[1])
        return lambda value: {key: item(one) for key, one in value.items()}
    if sum(map(is_dataclass, args)) > 1:
        return lambda value: value if value is None else [type(value).__name__, *written(value)]
    return written


def decode(value, kind):
    """Plain JSON data read back into `kind`; ValueError if it has another shape."""
    return decoder(kind)(value)


@functools.cache
def decoder(kind):
    """A function reading plain JSON data back into `kind`, raising ValueError on any other shape; made once per kind."""
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if is_dataclass(kind):
        return record_decoder(kind)
    if origin is tuple and args[0] in PLAIN:
        return lambda value: tuple(value) if type(value) is list and set(map(type, value)) <= {args[0]} else refuse(kind)
    if origin is tuple:
        item = decoder(args[0])
        return lambda value: tuple(map(item, value)) if type(value) is list else refuse(kind)
    if origin is dict:
        key, item = decoder(args[0]), decoder(args[1])
        return lambda value: {key(k): item(v) for k, v in value.items()} if type(value) is dict else refuse(kind)
    if origin in (typing.Union, types.UnionType):
        return union_decoder(args)
    if kind not in PLAIN:
        return lambda value: refuse(kind)
    return lambda value: value if type(value) is kind else refuse(kind)


def refuse(kind):
    """Say that data is not of a kind."""
    raise ValueError(f"not a {getattr(kind, '__name__', kind)}")


def record_decoder(kind):
    """A function reading a JSON list of a dataclass's fields' values back into it; fields of plain types are checked
    all at once."""
    kinds = tuple(hints(kind)[f.name] for f in fields(kind))
    names = tuple(f.name for f in fields(kind))
    build = (lambda values: kind(**dict(zip(names, values)))) if any(f.kw_only for f in fields(kind)) else (lambda values: kind(*values))
    if all(one in PLAIN for one in kinds):
        return lambda value: build(value) if type(value) is list and tuple(map(type, value)) == kinds else refuse(kind)
    parts = tuple(map(decoder, kinds))

    def read(value):
        """One record of the dataclass."""
        if type(value) is not list or len(value) != len(parts):
            refuse(kind)
        return build([part(one) for part, one in zip(parts, value)])
    return read


def union_decoder(options: tuple):
    """A function reading data back into the one of several types it is: a record by the class name it is led by,
    where several records may stand; else the first type it fits."""
    records = {option.__name__: decoder(option) for option in options if is_dataclass(option)}
    if len(records) > 1:
        def tagged(value):
            """The record a tagged list names, or None."""
            if value is None and type(None) in options:
                return None
            if type(value) is not list or not value or value[0] not in records:
                refuse(options)
            return records[value[0]](value[1:])
        return tagged
    readers = [decoder(option) for option in options]

    def read(value):
        """The value as the first type it fits."""
        for reader in readers:
            try:
                return reader(value)
            except ValueError:
                continue
        raise ValueError("fits none of its types")
    return read
