"""Finding and reading the documents in content/: bytes in, records and problems out, nothing outside content/."""
from __future__ import annotations

import errno
import json
import os
import stat
import sys
import typing
from collections import deque
from dataclasses import dataclass, fields, replace
from pathlib import Path

from .cache import Cache, cache_key, read_upto
from .cache import encode as encode_record
from .cache import decode as decode_record
from .meta import read_meta
from .model import ClassName, Comparison, Constant, Entry, Fact, FormerName, Meaning, Problem, Source
from .leads import is_code, parse_lead
from .text import decode, drop_controls, drop_macros, first_three, header_flags, name_key, normalise, one_line, shown
from .urls import PAGE_IDS
from .writer import stamp as file_stamp

SUFFIXES = (".md", ".markdown")
MAX_BYTES = 2 * 1024 * 1024
PARALLEL_BYTES = 256 * 1024  # below this much to parse, forking workers costs more than it saves


Record = Entry | FormerName | ClassName | Fact | Constant | Meaning | Comparison  # what a source says, one fact each


@dataclass(frozen=True, slots=True)
class Parsed:
    """One source as read: its metadata, its records and its problems."""

    source: Source
    records: tuple[Record, ...]
    problems: tuple[Problem, ...]
    refused: bool = False


@dataclass(frozen=True, slots=True)
class Said:
    """What one source says of one code: its one entry, if it gives one, and the former names it gives."""

    entry: Entry | None
    formers: tuple[FormerName, ...]


@dataclass(frozen=True, slots=True)
class Outline:
    """What merging needs of every source but its entries and former names, which are read back by `key` only for
    the codes merged again: for each code it names, a digest of what it says of it. Those are one text, `404:digest`
    a code, space-separated: a build holds thousands of outlines, and a text takes a fifth of the memory of a dict."""

    key: str
    source: Source
    problems: tuple[Problem, ...]
    refused: bool
    repeats: tuple[Problem, ...]
    codes: str
    others: tuple[ClassName | Fact | Constant | Meaning | Comparison, ...]
    covered: tuple[int, ...]

    def named(self) -> list[tuple[int, str]]:
        """Each code the source names, in order, and the digest of what it says of it."""
        return [(int(code), digest) for code, _, digest in (part.partition(":") for part in self.codes.split())]

    def last(self) -> int:
        """The last code the source names (it names some)."""
        return int(self.codes[self.codes.rfind(" ") + 1:].partition(":")[0])


def outline(parsed: Parsed, key: str) -> Outline:
    """A parsed source's outline, its records found again under `key`."""
    said, repeats = said_of_codes(parsed)
    others = tuple(r for r in parsed.records if not isinstance(r, (Entry, FormerName)))
    covered = tuple(sorted({r.code for r in parsed.records if isinstance(r, (Entry, Fact, Constant, Meaning))}))
    codes = " ".join(f"{code}:{cache_key(repr(what))[:24]}" for code, what in sorted(said.items()))  # 96 bits tell them apart
    return Outline(key, with_codes(parsed.source, set(covered)), parsed.problems, parsed.refused, tuple(repeats), codes, others, covered)


def said_of_codes(parsed: Parsed) -> tuple[dict[int, Said], list[Problem]]:
    """What a source says of each code it names, and the problems of the entries it repeats."""
    entries, repeats = one_per_code(parsed)
    formers: dict[int, list[FormerName]] = {}
    for record in parsed.records:
        if isinstance(record, FormerName):
            formers.setdefault(record.code, []).append(record)
    said = {code: Said(entries.get(code), tuple(formers.get(code, ()))) for code in formers.keys() | entries.keys()}
    return said, repeats


@dataclass(frozen=True, slots=True)
class Found:
    """A document found under content/: its path there, the name problems give it, and any trouble finding it."""

    rel: str
    label: str
    path: Path | None
    trouble: str = ""


def discover(content: Path, site: str = "") -> list[Found]:
    """Every Markdown file under content/, in a stable order; hidden ones left out, links out of it refused, and the
    folder `site` (a real path: the site, when it is built inside the content folder) left out."""
    root = os.path.realpath(content)
    found: list[Found] = []
    folders = [(content, "")]
    while folders:
        folder, prefix = folders.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as err:
            stop_if_short(err)
            if not prefix:  # the content folder itself: as good as missing, never an empty site published
                raise
            found.append(Found(prefix or ".", shown(str(folder)), None, f"cannot read this folder: {err.strerror}"))
            continue
        for entry in entries:
            if not entry.name.startswith(".") and not (site and entry.is_dir(follow_symlinks=False) and os.path.realpath(entry.path) == site):
                found += visit(entry, prefix, root, folders)
    return sorted(found, key=lambda f: f.rel)


def visit(entry: os.DirEntry, prefix: str, root: str, folders: list) -> list[Found]:
    """What one folder entry adds: a document, a folder to walk, or a refusal."""
    rel, path = prefix + entry.name, Path(entry.path)
    label = shown(entry.path)
    if entry.is_symlink():
        target = os.path.realpath(entry.path)
        inside = within(target, root)
        if os.path.isdir(target) or Path(entry.name).suffix.lower() in SUFFIXES:
            if not inside:
                return [Found(shown(rel), label, None, "links outside the content folder; not read")]
        if os.path.isdir(target) or not inside:
            return []
    elif entry.is_dir(follow_symlinks=False):
        folders.append((path, rel + "/"))
        return []
    if Path(entry.name).suffix.lower() not in SUFFIXES:
        return []
    trouble = "" if shown(rel) == rel else "file name is not UTF-8 or does not print; rename it"
    return [Found(shown(rel), label, path, trouble)]


def stop_if_short(err: OSError) -> None:
    """Raise `err` again when it says the machine is short of file descriptors or memory: that is no document's
    trouble, and a build that went on would publish a site without the documents it could not open."""
    if err.errno in (errno.EMFILE, errno.ENFILE, errno.ENOMEM):
        raise err


def within(target: str, root: str) -> bool:
    """Whether a real path is the real folder `root` or inside it: where a link may point."""
    return os.path.commonpath([root, target]) == root


def read_file(path: Path) -> tuple[bytes, str]:
    """A file's bytes, or the reason it was not read: looked at before reading, never read past the limit."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            return b"", "not a regular file; skipped"
        if info.st_size > MAX_BYTES:
            return b"", too_big(info.st_size)
        with open(path, "rb") as stream:
            data = read_upto(stream, MAX_BYTES)
    except OSError as err:
        stop_if_short(err)
        return b"", f"cannot read: {err.strerror or err}"
    return (b"", too_big(len(data))) if len(data) > MAX_BYTES else (data, "")


def too_big(size: int) -> str:
    """The message for a source over the size limit."""
    return f"source is {size / 1024 / 1024:.1f} MB, over the {MAX_BYTES // 1024 // 1024} MB limit; skipped"


def load_all(content: Path, cache: Cache | None = None, progress=None, site: str = "") -> list[Parsed]:
    """Every source read and parsed in full, in order, ids made unique; the site folder `site` (a real path) left out
    if it is inside the content folder."""
    outlines, records = load_sources(content, cache, progress, site)
    return [Parsed(o.source, () if o.refused else records(o.key).records, o.problems, o.refused) for o in outlines]


def load_sources(content: Path, cache: Cache | None = None, progress=None, site: str = ""):
    """Every source's outline, in order, ids made unique, and `records(key)`, a source's parse by its outline's key.

    Each document is read, and parsed only when `cache` holds no outline of the same bytes; the parse of an unchanged
    source is read back only when a code it names is merged again."""
    cache = cache or Cache()
    documents = [read_unless_seen(found, cache) for found in discover(content, site)]
    known = {r.key: cache.lookup("outline", r.key, Outline) for r in documents if r.found.path is not None}
    kept = {key: cache.lookup("parsed", key, Parsed) for key, found in known.items() if found is None}  # asked once:
    todo = deque(r for r in documents if r.key in kept and kept[r.key] is None)  # another build may write it meanwhile
    documents = [replace(r, data=b"", side=b"") if r.data or r.side else r for r in documents]  # only `todo` holds bytes
    made = parse_all(todo)
    outlines = []
    for done, read in enumerate(documents, start=1):
        if read.found.path is None:
            outlines.append(outline(refused(read.found), ""))
        else:
            parsed = None if known[read.key] else kept[read.key] or cache.put("parsed", read.key, next(made))
            outlines.append(known[read.key] or cache.put("outline", read.key, outline(with_sidecar(read, parsed), read.key)))
            cache.keep("parsed", read.key)  # for a later merge of the codes it names
        if progress:
            progress("Reading sources", done, len(documents))
    for _ in made:  # none is left: this ends the workers now, where Ctrl+C is heard, not when the collector ends them
        pass

    found = {read.key: read.found for read in documents if read.found.path is not None}
    return unique_ids(outlines), Records(cache, found)


RECORD_FIELDS = {kind.__name__: len(fields(kind)) for kind in typing.get_args(Record)}


def plain_record(record) -> bool:
    """Whether kept JSON data is shaped as a record of a parse is written: a list of its class's name and its
    fields, a code's records led by the code as a number."""
    return (type(record) is list and len(record) > 1 and type(record[0]) is str and record[0] in RECORD_FIELDS
            and len(record) == RECORD_FIELDS[record[0]] + 1 and (record[0] not in ("Entry", "FormerName") or type(record[1]) is int))


class Records:
    """Each source's parse by its outline's key, read back from the cache when asked for, or read and parsed again."""

    def __init__(self, cache: Cache, found: dict[str, Found]):
        """Parses kept in `cache`, of the documents `found` under each key."""
        self.cache, self.found = cache, found

    def __call__(self, key: str) -> Parsed:
        """A source's parse: read back from the cache, or read and parsed again; kept again only if the document
        still holds the bytes the key was made of (one edited meanwhile is built again by the next build)."""
        found = self.cache.lookup("parsed", key, Parsed)
        if found is None:
            read = read_found(self.found[key])
            found = parse_read(read)
            if read.key == key:
                self.cache.put("parsed", key, found)
        return found

    def said(self, key: str, number: int) -> Said | None:
        """What a source says of one code, decoding only its records of that code from the parse kept on disk; None
        if the parse is not on disk as this program writes it (then it is asked for whole)."""
        data = self.cache.data("parsed", key)
        if type(data) is not list or len(data) != 4 or type(data[1]) is not list or not all(map(plain_record, data[1])):
            return None
        mine = [r for r in data[1] if r[0] in ("Entry", "FormerName") and r[1] == number]
        try:
            parsed = Parsed(decode_record(data[0], Source), decode_record(mine, tuple[Entry | FormerName, ...]), (), False)
        except ValueError:
            return None
        return said_of_codes(parsed)[0].get(number, Said(None, ()))


@dataclass(frozen=True, slots=True)
class Seen:
    """A document as a build found it: the stats of its file and of its metadata file, and the key of their bytes."""

    stamp: str
    key: str


def read_unless_seen(found: Found, cache: Cache) -> Read:
    """A found document read from disk; or, when the last build found it with the same stats and its outline is
    kept, only its key: no copy can give a file the same inode and change time."""
    if found.path is None:
        return Read(found)
    stamp = stamp_of(found)
    seen = cache.lookup("seen", found.label, Seen)
    if seen is not None and seen.stamp == stamp and cache.lookup("outline", seen.key, Outline) is not None:
        return Read(found, key=seen.key)
    read = read_found(found)
    if not (read.trouble or read.side_trouble):  # one that could not be read is tried again, even with the same stats
        cache.put("seen", found.label, Seen(stamp, read.key))
    return read


def stamp_of(found: Found) -> str:
    """What changes whenever the bytes of a document or of its metadata file (never followed: a link is not read) may
    have: sizes, times, inodes, modes."""
    parts = [found.trouble, found.rel]  # the same file, under another content folder, is another source
    for path, follow in ((found.path, True), (found.path.with_suffix(".toml"), False)):
        try:
            info = os.stat(path, follow_symlinks=follow)
            parts.append(f"{file_stamp(info)} {info.st_dev} {info.st_mode}")
        except (OSError, ValueError):
            parts.append("none")
    return "\0".join(parts)


@dataclass(frozen=True, slots=True)
class Read:
    """A found document's bytes and its metadata file's, any trouble reading them, and the key of its parse."""

    found: Found
    data: bytes = b""
    side: bytes = b""
    trouble: str = ""
    side_trouble: str = ""
    key: str = ""


def read_found(found: Found) -> Read:
    """A found document read from disk with its metadata file; nothing is read of a refused one."""
    if found.path is None:
        return Read(found)
    data, trouble = read_file(found.path)
    side, side_trouble = read_sidecar(found.path.with_suffix(".toml"))
    key = cache_key(found.label, found.rel, data, side, trouble + side_trouble + found.trouble)  # rel: its id and path
    return Read(found, data, side, trouble, side_trouble, key)


def parse_read(read: Read) -> Parsed:
    """Parse one read document."""
    return parse_found(read.found, read.data, read.side, read.trouble)


def parse_all(todo: deque[Read]):
    """The parse of each document, in order: in worker processes when there is enough to parse to pay for them.
    Each document is taken from `todo` as it is parsed, so that its bytes are let go."""
    workers = min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1, len(todo))
    if workers < 2 or sum(len(r.data) for r in todo) < PARALLEL_BYTES or not can_fork():
        return map(parse_read, taken(todo))
    return in_workers(todo, workers)


def taken(todo: deque):
    """Each item of a queue, taken from it."""
    while todo:
        yield todo.popleft()


def can_fork() -> bool:
    """Whether workers can be forked safely: on Linux, from a process with no other thread that might hold a lock,
    Python's or a library's own (`serve` watches files with one)."""
    import threading

    if not sys.platform.startswith("linux") or threading.active_count() != 1:
        return False
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return False


def die_with_parent() -> None:
    """In a forked worker: be killed when the build that forked it ends, however it ends (Linux's PR_SET_PDEATHSIG),
    and leave Ctrl+C to the build, which says it was interrupted."""
    import ctypes
    import signal

    ctypes.CDLL(None).prctl(1, signal.SIGKILL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def in_workers(todo: deque[Read], workers: int):
    """Parse in forked worker processes, in order; from the first parse no worker gives (none can start, one dies or
    fails), the rest is parsed here. Each batch is let go once its parse is read back, and with it its bytes."""
    size = min(16, max(1, len(todo) // (workers * 8)))
    batches: deque[list[Read]] = deque()
    while todo:
        batches.append([todo.popleft() for _ in range(min(size, len(todo)))])
    pids: list[int] = []
    try:
        yield from from_workers(batches, workers, pids)
    except (OSError, EOFError):
        pass  # what is left of `batches` is parsed below
    finally:
        stop_workers(pids)
    yield from map(parse_read, [read for batch in batches for read in batch])


def from_workers(batches: deque[list[Read]], workers: int, pids: list[int]):
    """Fork the workers, batch i going to worker i % workers, each pid added to `pids`; then each parse they send,
    in order, each batch taken off `batches` once all of it is read back."""
    pipes: list = []
    try:
        for number in range(workers):
            pipes.append(forked([batch for i, batch in enumerate(batches) if i % workers == number], pids))
        turn = 0
        while batches:
            parsed = [received(pipes[turn % workers]) for _ in batches[0]]
            batches.popleft()
            turn += 1
            yield from parsed
    finally:
        for pipe in pipes:
            pipe.close()


def forked(batches: list[list[Read]], pids: list[int]):
    """A worker forked to parse `batches`, its pid added to `pids`; the end of the pipe its parses come out of."""
    import fcntl

    out, into = os.pipe()
    try:
        fcntl.fcntl(into, 1031, 1 << 20)  # F_SETPIPE_SZ: room for a batch or two, so a worker seldom waits its turn
    except OSError:
        pass
    parent = os.getpid()
    try:
        pid = os.fork()
    except OSError:
        os.close(out)
        os.close(into)
        raise
    if pid == 0:
        os.close(out)
        worker(batches, into, parent)
    pids.append(pid)
    os.close(into)
    return open(out, "rb")


def worker(batches: list[list[Read]], into: int, parent: int) -> None:
    """In a forked worker: write the parse of each document of `batches` into the pipe `into`, as JSON led by its
    length; then end at once (os._exit: nothing of the build runs again here), 1 if anything failed."""
    status = 1
    try:
        die_with_parent()
        if os.getppid() == parent:  # else the build ended before this worker could tie itself to it
            with open(into, "wb") as stream:
                for batch in batches:
                    for read in batch:
                        body = encode_record(parse_read(read))
                        stream.write(len(body).to_bytes(8, "big") + body)
            status = 0
    finally:
        os._exit(status)


def received(stream) -> Parsed:
    """One parse a worker sent; EOFError if it ended before sending it whole."""
    head = stream.read(8)
    size = int.from_bytes(head, "big")
    body = stream.read(size) if len(head) == 8 else b""
    if len(head) < 8 or len(body) < size:
        raise EOFError("a parse worker ended early")
    return decode_record(json.loads(body), Parsed)


def stop_workers(pids: list[int]) -> None:
    """Kill and reap the workers: those done have ended but are not reaped yet, so no pid of theirs is another's."""
    import signal

    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ChildProcessError, ProcessLookupError):  # reaped already, by a handler of the program this build runs in
            pass


def refused(found: Found) -> Parsed:
    """A document that is not read: its trouble is its one problem."""
    source = Source(id=source_id(found.rel), path=found.rel, title=found.rel, label=found.label)
    return Parsed(source, (), (Problem(found.label, 1, found.trouble),), refused=True)


def with_sidecar(read: Read, parsed: Parsed) -> Parsed:
    """A document's parse with the trouble of its metadata file added."""
    if not read.side_trouble:
        return parsed
    problem = Problem(shown(str(read.found.path.with_suffix(".toml"))), 1, read.side_trouble)
    return replace(parsed, problems=parsed.problems + (problem,))


def read_sidecar(path: Path) -> tuple[bytes, str]:
    """The metadata file beside a source, if there is one, or the reason it was not read."""
    if len(os.fsencode(path.name)) > 255:  # no file can have that name, so there is no metadata file
        return b"", ""
    try:
        if path.is_symlink():
            return b"", "metadata file is a link; not read"
        return read_file(path) if path.is_file() else (b"", "")
    except OSError as err:
        stop_if_short(err)
        return b"", f"metadata file cannot be read: {err.strerror or err}"


def parse_found(found: Found, data: bytes, sidecar: bytes, trouble: str) -> Parsed:
    """Parse a found document; any failure of the readers becomes a problem naming it, never a traceback."""
    try:
        parsed = parse_source(found.rel, data, sidecar, found.label, trouble)
    except (OSError, MemoryError):  # parsing bytes in memory opens nothing: the machine's trouble, not the document's
        raise
    except Exception as err:  # noqa: BLE001 - one odd document must never stop the build
        source = Source(id=source_id(found.rel), path=found.rel, title=found.rel, label=found.label)
        parsed = Parsed(source, (), (Problem(found.label, 1, f"cannot be read ({type(err).__name__}: {err})"),))
    if found.trouble:
        parsed = replace(parsed, problems=(Problem(found.label, 1, found.trouble),) + parsed.problems)
    return parsed


def parse_source(rel: str, data: bytes, sidecar: bytes = b"", label: str = "", trouble: str = "") -> Parsed:
    """Decode and read one source's bytes; all trouble becomes problems named by `label`."""
    label = label or rel
    problems: list[Problem] = []
    text = ""
    if trouble:
        problems.append(Problem(label, 1, trouble))
    elif not data.strip():
        problems.append(Problem(label, 1, "empty source: nothing to read"))
    else:
        text, line, bad = decode(data)
        if bad:
            problems.append(Problem(label, line, bad))
        text, line = drop_controls(normalise(text))
        if line:
            problems.append(Problem(label, line, "control characters (such as ESC or BEL) dropped: HTML cannot show them"))
    meta, text, found = read_meta(label, text, sidecar)
    problems.extend(found)
    flags = tuple(dict.fromkeys(meta.get("status", ()) + header_flags(text)))
    text, macros, first = drop_macros(text)
    if macros:
        what = "a template macro ({{...}}, {% %}) is" if macros == 1 else f"{macros} template macros ({{{{...}}}}, {{% %}}) are"
        problems.append(Problem(label, first, f"{what} not Markdown: the words shown are kept, the rest dropped"))
    records, found, heading = read_text(meta, rel, label, text, flags)
    problems.extend(found)
    if text.strip() and not records and not found:
        problems.append(Problem(label, 1, "no status codes found: expected a table, list or headings of codes"))
    source = make_source(rel, label, meta, heading)
    return Parsed(source, tuple(records), tuple(problems))


def read_text(meta: dict, rel: str, label: str, text: str, flags: tuple[str, ...] = ()) -> tuple[list, list[Problem], str]:
    """Records, problems and first heading of a document: read by its role, as one code (with the `flags` its
    metadata and banners give it), or shape by shape."""
    from .readers import read_markdown  # only when a source must be read: warm builds need no reader
    from .roles import read_role

    role = meta.get("role", "")
    if role and role != "registry":
        records, found, heading = read_role(role, label, text)
        if role == "constants" and "language" not in meta:
            found.append(Problem(label, 1, "a constants document needs `language:`; its constants are not shown"))
        return records, found, heading
    records, found, heading = read_markdown(label, text) if text.strip() else ([], [], "")
    single = one_code(meta, rel, heading)
    if single and flags:
        single = (single[0], single[1] + "".join(f" ({flag.capitalize()})" for flag in flags))
    return ([single_entry(single, text)], [], heading) if single else (records, found, heading)


def one_code(meta: dict, rel: str, heading: str) -> tuple[int, str] | None:
    """The code and name of a document about one code: from `code:` and `title:`, a title or a file name like `404-not-found.md`."""
    title = parse_lead(meta.get("title", ""))
    if "code" in meta:
        name = title[1] if title and title[0] == str(meta["code"]) else meta.get("title", "")
        return meta["code"], name
    if title and is_code(title[0]):
        return int(title[0]), title[1]
    parts = rel.split("/")
    stem = parts[-2] if parts[-1].rsplit(".", 1)[0] == "index" and len(parts) > 1 else parts[-1].rsplit(".", 1)[0]
    number, _, words = stem.replace("_", "-").partition("-")
    if not is_code(number):
        return None
    lead = parse_lead(heading)
    name = lead[1] if lead and lead[0] == number else " ".join(w.capitalize() for w in words.split("-") if w)
    return int(number), name


def single_entry(single: tuple[int, str], text: str) -> Entry:
    """The entry of a one-code document: all of its body (but a first heading naming the code) is the description."""
    from .readers import entry_of

    lines = text.split("\n")
    first = next((n for n, line in enumerate(lines) if line.strip()), len(lines))
    if first < len(lines) and lines[first].lstrip().startswith("#") and str(single[0]) in lines[first]:
        first = next((n for n in range(first + 1, len(lines)) if lines[n].strip()), len(lines))
    return entry_of(single[0], single[1], "\n".join(lines[first:]), first + 1)


def make_source(rel: str, label: str, meta: dict, heading: str) -> Source:
    """A Source from checked metadata, falling back to the first heading or the file name."""
    stem = rel.rsplit(".", 1)[0]
    fallback = stem.rsplit("/", 1)[-1].replace("-", " ").replace("_", " ").strip().capitalize()
    return Source(
        id=source_id(rel),
        path=rel,
        title=meta.get("title") or one_line(heading) or fallback,
        link=meta.get("link", ""),
        trust=meta.get("trust", 50),
        registry=meta.get("role") == "registry",
        label=label,
        role=meta.get("role", ""),
        about=meta.get("language") or meta.get("vendor") or "",
    )


def source_id(rel: str) -> str:
    """A readable id from a path: lower-case letters and digits of any script, other runs made one `-`."""
    stem = rel.rsplit(".", 1)[0] if "." in rel.rsplit("/", 1)[-1] else rel
    chars, dash = [], False
    for char in stem.casefold():
        if char.isalnum():
            chars.append(char)
            dash = False
        elif not dash:
            chars.append("-")
            dash = True
    return "".join(chars).strip("-") or "source"


def unique_ids(parsed: list[Outline]) -> list[Outline]:
    """Give every source its own id: a later path that would share one gets a number, with a problem; one that
    would be an id of the pages' own (`main`) gets `-source`."""
    taken: dict[str, str] = {}
    result = []
    for one in parsed:
        if one.refused:
            result.append(one)
            continue
        wanted, number = one.source.id + ("-source" if one.source.id in PAGE_IDS else ""), 1  # `main.md` is no `#main`
        source = replace(one.source, id=wanted)
        while source.id in taken:
            number += 1
            source = replace(source, id=f"{wanted}-{number}")
        if source.id != wanted:
            message = f"its id {wanted!r} is taken by {taken[wanted]}; this document's id is {source.id!r}"
            one = replace(one, problems=one.problems + (Problem(source.label, 1, message),))
        if source.id != one.source.id:
            one = replace(one, source=source)
        taken[source.id] = source.path
        result.append(one)
    return result


def with_codes(source: Source, codes: set[int]) -> Source:
    """The same source, now knowing which codes it covers."""
    codes = tuple(sorted(codes))
    return source if source.codes == codes else replace(source, codes=codes)


def one_per_code(parsed: Parsed) -> tuple[dict[int, Entry], list[Problem]]:
    """A document's entries, one per code: a repeat that only adds a name or a text is merged in; others are problems."""
    kept: dict[int, Entry] = {}
    repeats: list[tuple[Entry, Entry]] = []
    for entry in (r for r in parsed.records if isinstance(r, Entry)):
        first = kept.setdefault(entry.code, entry)
        if first is entry:
            continue
        if agrees(first, entry):
            kept[entry.code] = replace(first, name=first.name or entry.name, text=first.text or entry.text,
                                       qualifiers=first.qualifiers or entry.qualifiers, reference=first.reference or entry.reference)
        else:
            repeats.append((entry, first))
    return kept, repeat_problems(parsed.source.where, repeats)


def repeat_problems(where: str, repeats: list[tuple[Entry, Entry]]) -> list[Problem]:
    """One warning for a document's repeated codes: the only one, or how many and the first three."""
    if not repeats:
        return []
    entry, first = repeats[0]
    if len(repeats) == 1:
        return [Problem(where, entry.line, f"{entry.code} is given again with different text; line {first.line} is kept")]
    shown = first_three([f"{again.code} on line {again.line} (first on line {kept.line})" for again, kept in repeats])
    return [Problem(where, entry.line, f"{len(repeats)} entries give a code again with different text, and each code's "
                                       f"first entry is kept: {shown} (the first is here)")]


def agrees(first: Entry, again: Entry) -> bool:
    """Whether a repeated entry says nothing against the first: each part the same, or missing from one of them."""
    same_name = not first.name or not again.name or name_key(first.name) == name_key(again.name)
    return same_name and (not first.text or not again.text or first.text == again.text)
