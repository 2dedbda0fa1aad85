"""Rendering the model into site files, each made as it is asked for, and the problems of the markup."""
from __future__ import annotations

import fcntl
import functools
import hashlib
import io
import json
import marshal
import os
import re
import signal
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from itertools import islice
from pathlib import Path

from jinja2 import (
    BaseLoader, BytecodeCache, Environment, StrictUndefined, TemplateNotFound, TemplateRuntimeError, TemplateSyntaxError, select_autoescape,
)
from jinja2 import meta
from jinja2.bccache import Bucket
from jinja2.loaders import split_template_path
from markupsafe import Markup

from . import sources
from .cache import Cache, cache_key, read_upto
from .markup import render_description
from .model import Compared, Constant, Description, Model, Problem, Source, StatusClass, StatusCode
from .text import CONTROLS, shorten
from .urls import Urls
from .writer import Kept, Made

RELATED_PAIRS = (
    (200, 201), (200, 204), (201, 202), (204, 205), (206, 416), (301, 302), (301, 308), (302, 303),
    (302, 307), (303, 307), (304, 412), (307, 308), (400, 422), (401, 403), (401, 407), (404, 410),
    (408, 504), (412, 428), (413, 414), (413, 431), (429, 503), (500, 501), (500, 503), (502, 504),
)
TEMPLATE_BYTES = 2 * 1024 * 1024
TEMPLATE_CONTROLS = re.compile(f"{CONTROLS.pattern}|\x0c")  # what sources may not hold, and a form feed (XML forbids it)
C0_BYTES = {  # the same in a page's UTF-8 bytes, C1 aside; an HTML page may carry a form feed, which sources may hold
    "html": bytes(byte for byte in range(0x80) if CONTROLS.match(chr(byte))),
    "xml": bytes(byte for byte in range(0x80) if TEMPLATE_CONTROLS.match(chr(byte))),
}
C1_BYTES = re.compile(b"\xc2[\x80-\x9f]")
PAGE_CONTROLS = {kind: re.compile(b"[" + re.escape(c0) + b"]|" + C1_BYTES.pattern) for kind, c0 in C0_BYTES.items()}
PAGE_TEMPLATES = ("index.html", "class.html", "code.html", "compare.html", "sources.html", "404.html", "sitemap.xml")
PLAIN = {str, int, bool, float, type(None)}  # values a repr tells apart fully and quickly
API_VERSION = 2  # 2: protocol facts, constants, vendors' meanings and comparisons
WORD = re.compile("[a-z]{4,}")
STOP_WORDS = {"that", "this", "with", "from", "have", "been", "will", "when", "which", "there", "their", "than", "then",
              "they", "does", "should", "would", "could", "into", "only", "also", "used", "such", "http", "https", "code"}
WORDS = {
    "flag": {
        "deprecated": "Deprecated", "experimental": "Experimental", "unused": "Unused",
        "obsoleted": "Obsoleted", "unofficial": "Unofficial",
    },
    "note": {
        "unused": "RFC 9110 reserves this code and lists it as unused.",
        "obsoleted": "The specification that defined this code is obsolete.",
        "unofficial": "This code is not in the IANA registry: some software uses it, but no standard defines it.",
        "vendors": "Some software gives {code} a meaning of its own. None of these is the registered meaning, {title}.",
    },
    "pager": {"class": "Classes", "code": "Codes"},
    "content": {True: "May carry content", False: "Never carries content"},
    "role": {
        "facts": "Protocol facts: the headers that go with each code, whether it may carry content, whether it is "
                 "cacheable by default, and the section that defines it.",
        "constants": "The constants {language} gives status codes; each code's page shows them.",
        "vendor": "What {vendor} means by codes of its own, outside the registry; each meaning is shown apart.",
        "comparison": "A comparison of codes people confuse, on a page of its own.",
    },
    "yes": {True: "Yes", False: "No"},
    # Each language: how people name it, and a line of code that reaches a constant.
    "language": {
        "python": ("Python", "HTTPStatus.{name}"),
        "java": ("Java", "HttpURLConnection.{name}"),
        "node": ("Node.js", "http.STATUS_CODES[{code}]"),
        "go": ("Go", "http.{name}"),
        "dotnet": (".NET", "HttpStatusCode.{name}"),
        "rust": ("Rust", "StatusCode::{name}"),
    },
}


@dataclass(frozen=True, slots=True)
class Rendered:
    """One description as HTML, the codes it mentions, and what of its source is not shown as written."""

    html: str
    mentions: tuple[int, ...]
    warnings: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Settings:
    """Where templates and static files are, and the date pages show."""

    templates: Path
    static: Path
    date: str = ""


@dataclass(frozen=True)
class Shared:
    """What every page's template may read of the model beyond its own page's data: the classes, the sources and
    the comparisons. Codes reach a template only through its page's context, so that a page's data is all known."""

    classes: tuple[StatusClass, ...]
    sources: tuple[Source, ...]
    comparisons: tuple[Compared, ...]

    @cached_property
    def by_id(self) -> dict[str, Source]:
        """The sources by id."""
        return {s.id: s for s in self.sources}

    def source(self, source_id: str) -> Source:
        """The source with this id."""
        return self.by_id[source_id]


class Shown(Sequence):
    """One page part's descriptions, each as (source, description, HTML), made each time a template reads them, so
    that none is held once its page is written; known without them by a digest of them all, the ids of their
    sources and their first words."""

    def __init__(self, make, digest: str, sources: tuple[str, ...] = (), words: tuple[str, ...] = ()):
        """The descriptions as `make()` gives them, their digest, sources and words."""
        self.make, self.digest, self.sources, self.words = make, digest, sources, words

    def __iter__(self):
        """Each description."""
        return iter(self.make())

    def __getitem__(self, index):
        """One description, or a slice of them."""
        return self.make()[index]

    def __len__(self) -> int:
        """How many descriptions there are."""
        return len(self.make())


@dataclass(frozen=True, slots=True)
class Noted:
    """A markup warning about one description: its source's id, its line and what is not shown as written."""

    source: str
    line: int
    warning: str


@dataclass(frozen=True, slots=True)
class Described:
    """What a page part's descriptions make besides their HTML: a digest of them as shown, the codes they mention,
    their warnings, the keys of their HTML (each once), the ids of their sources (each once) and their first words."""

    digest: str
    mentions: tuple[int, ...]
    warnings: tuple[Noted, ...]
    html: tuple[str, ...]
    sources: tuple[str, ...]
    words: tuple[str, ...]


class Snapshot(BaseLoader):
    """The templates as read once, when a build starts: every page renders from the very text its digest covers,
    whatever is saved into templates/ while the build runs."""

    def __init__(self, folder: Path):
        """Read every file under the templates folder."""
        self.folder = folder
        self.sources = read_templates(folder)
        self.digest = cache_key(*(part for name in sorted(self.sources) for part in (name, file_digest(self.sources[name]))))

    def get_source(self, environment: Environment, template: str):
        """A template's text as read at the start, and the file it came from; a template error if it is not UTF-8
        text of at most 2 MB, or holds a control character no page may carry."""
        name = "/".join(split_template_path(template))
        if name not in self.sources:
            raise TemplateNotFound(template, f"{template!r} not found in the templates folder {self.folder}")
        data, path = self.sources[name], str(self.folder / name)
        if data is None:
            raise TemplateSyntaxError(f"over the {TEMPLATE_BYTES >> 20} MB a template may hold", 1, filename=path)
        try:
            text = data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
        except UnicodeDecodeError as err:
            before = data[: err.start].replace(b"\r\n", b"\n").replace(b"\r", b"\n")
            raise TemplateSyntaxError("not UTF-8 text", before.count(b"\n") + 1, filename=path) from None
        control = TEMPLATE_CONTROLS.search(text)
        if control:
            raise TemplateSyntaxError(control_message(control.group()), text.count("\n", 0, control.start()) + 1, filename=path)
        return text, path, lambda: True


def control_message(character: str) -> str:
    """What is wrong with a control character in a template or in what it outputs."""
    return f"control character U+{ord(character):04X}: no page may carry it (HTML cannot show it, XML forbids it)"


def without_controls(value):
    """What a template outputs, if it holds no control character that sources never hold either (sources may keep a
    form feed); else a template error at the line that outputs it."""
    if isinstance(value, str) and CONTROLS.search(value):
        raise TemplateRuntimeError(control_message(CONTROLS.search(value).group()))
    return value


def rendered(env: Environment, template: str, path: str, context: dict) -> bytes:
    """A template rendered into the bytes of the file at `path`, which may carry no control character. If one does,
    the template is rendered again with each expression's output checked, to name the line that makes it; failing
    that (a filter block, a call block, markup made in the template), the error names the template and the file's
    line. Looked for by deleting bytes, which is fast, and a literal search, as most files carry none."""
    data = joined(env.get_template(template).generate(**context))
    kind = "xml" if path.endswith(".xml") else "html"
    if len(data.translate(None, C0_BYTES[kind])) == len(data) and not C1_BYTES.search(data):
        return data
    env.overlay(finalize=without_controls).get_template(template).render(**context)
    found = PAGE_CONTROLS[kind].search(data)
    character = found.group().decode("utf-8")
    line = data.count(b"\n", 0, found.start()) + 1
    raise TemplateRuntimeError(f"{env.loader.folder / template} makes {path} carry control character U+{ord(character):04X} "
                               f"on its line {line}: no page may carry it")


def file_digest(data: bytes | None) -> str:
    """The digest of a template file's bytes, or a word for one too big to be read."""
    return "too big" if data is None else hashlib.sha256(data).hexdigest()


def walk(folder: Path):
    """Every entry under a folder with its name there, as (name, entry); linked folders are not entered."""
    pending = [(folder, "")]
    while pending:
        path, prefix = pending.pop()
        for entry in sorted(os.scandir(path), key=lambda e: e.name):
            yield prefix + entry.name, entry
            if entry.is_dir(follow_symlinks=False):
                pending.append((Path(entry.path), prefix + entry.name + "/"))


def read_templates(folder: Path) -> dict[str, bytes | None]:
    """The bytes of every file under the templates folder by its name there (None if it is too big to be a
    template); names that are not UTF-8, which no template can give, are left out."""
    sources = {}
    for name, entry in walk(folder):
        if Path(entry.path).is_file() and name == name.encode("utf-8", "replace").decode("utf-8"):  # a link loop is no file
            with open(entry.path, "rb") as stream:
                data = read_upto(stream, TEMPLATE_BYTES)
            sources[name] = data if len(data) <= TEMPLATE_BYTES else None
    return sources


def make_env(templates: Path, elsewhere: bool = False) -> Environment:
    """The Jinja environment: the templates as read at the start, autoescape on, undefined names are errors; if
    `elsewhere`, with the templates compiled meanwhile by a child process where a second core can do it."""
    env = Environment(
        loader=Snapshot(templates),
        autoescape=select_autoescape(["html", "xml"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["words"] = WORDS
    env.filters["shorten"] = shorten
    if elsewhere and may_fork():
        try:
            env.bytecode_cache = Compiled(env)
        except OSError:  # no child can be made here: the templates are compiled as they are needed
            pass
    return env


def may_fork() -> bool:
    """Whether a child may compile the templates: a second core, a file in memory for it to fill, a process with no
    other thread, and children that are this process's to wait for."""
    return (hasattr(os, "memfd_create") and sources.can_fork() and len(os.sched_getaffinity(0)) > 1
            and signal.getsignal(signal.SIGCHLD) is not signal.SIG_IGN)


@contextmanager
def environment(templates: Path, elsewhere: bool = False):
    """The Jinja environment for one build, as `make_env` makes it; a child compiling its templates is ended with
    the build."""
    env = make_env(templates, elsewhere)
    try:
        yield env
    finally:
        if isinstance(env.bytecode_cache, Compiled):
            env.bytecode_cache.end()


class Compiled(BytecodeCache):
    """The templates pages are rendered from, and those they use, compiled by a child process forked as the build
    starts, while this one reads and merges the sources. They come from that child through a file in memory that
    has no name, never from a file on disk; each is used only by the environment it was compiled for and only for
    the very text it was compiled from. The build never waits for the child: a template it has not finished when
    the build needs it is compiled here, and its error, if any, raised as usual."""

    def __init__(self, env: Environment):
        """Fork the child that compiles the templates of `env`; OSError if it cannot be made."""
        self.env, self.codes, self.size = env, {}, 0
        made = os.memfd_create("statusref-templates", os.MFD_CLOEXEC)
        try:
            self.fd = fcntl.fcntl(made, fcntl.F_DUPFD_CLOEXEC, 3)  # above the standard streams, which the child closes
        finally:
            os.close(made)
        try:
            self.pid = os.fork()
        except OSError:
            os.close(self.fd)
            raise
        if self.pid == 0:
            compile_templates(env, self.fd)

    def get_bucket(self, environment: Environment, name: str, filename: str | None, source: str) -> Bucket:
        """The template compiled from this very text by the child, if it has; else an empty bucket."""
        bucket = Bucket(environment, name, self.get_source_checksum(source))
        if environment is self.env:  # an overlay compiles otherwise
            bucket.code = self.received().get((name, bucket.checksum))
        return bucket

    def set_bucket(self, bucket: Bucket) -> None:
        """Nothing is kept: a template compiled here is compiled once per build anyway."""

    def received(self) -> dict:
        """What the child has compiled so far, by name and checksum of the text: each template it has written whole."""
        if self.fd >= 0:
            size = os.fstat(self.fd).st_size
            if size != self.size:
                self.size, self.codes = size, unpacked(os.pread(self.fd, size, 0))
        return self.codes

    def end(self) -> None:
        """Stop the child if it is still at work, as the build ends, and let go of its file."""
        if self.pid:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except (ProcessLookupError, ChildProcessError):  # waited for already, by a handler of the caller's
                pass
            self.pid = 0
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


def compile_templates(env: Environment, fd: int):
    """In the child: compile the templates pages are rendered from and those they use, in the order pages need them,
    writing each into the file `fd`, then end the process. It holds none of the caller's files, writes nothing to
    the terminal and ends with the build that forked it."""
    parent = os.getppid()
    try:
        sources.die_with_parent()
        quiet = os.open(os.devnull, os.O_RDWR)
        for standard in (0, 1, 2):
            os.dup2(quiet, standard)
        os.closerange(3, fd)
        os.closerange(fd + 1, os.sysconf("SC_OPEN_MAX"))
        with os.fdopen(fd, "wb", closefd=False) as stream:
            pending, done = list(PAGE_TEMPLATES), set()
            while pending and os.getppid() == parent:  # the build gone before it could be told apart
                name = pending.pop(0)
                if name in done:
                    continue
                done.add(name)
                try:
                    source, filename, _ = env.loader.get_source(env, name)
                    tree = env.parse(source, name, filename)
                    pending[:0] = [used for used in meta.find_referenced_templates(tree) if used]  # None: named at run time
                    code = marshal.dumps(env.compile(tree, name, filename))
                except Exception:  # noqa: BLE001 - compiled again where its error is raised
                    continue
                head = f"{name}\0{hashlib.sha1(source.encode('utf-8')).hexdigest()}".encode("utf-8")
                stream.write(len(head).to_bytes(4, "big") + head + len(code).to_bytes(8, "big") + code)
                stream.flush()  # whole, for the build to take as soon as it needs it
    finally:
        os._exit(0)


def unpacked(data: bytes) -> dict:
    """The templates a child compiled, by name and checksum; a last one cut short is left out."""
    codes, at = {}, 0
    while at + 4 <= len(data):
        size = int.from_bytes(data[at:at + 4], "big")
        head, at = data[at + 4:at + 4 + size], at + 4 + size
        length = int.from_bytes(data[at:at + 8], "big")
        if at + 8 + length > len(data):
            break
        name, _, checksum = head.decode("utf-8").partition("\0")
        codes[name, checksum] = marshal.loads(data[at + 8:at + 8 + length])
        at += 8 + length
    return codes


def describe(model: Model, urls: Urls, cache: Cache) -> tuple[dict, dict, list[Problem]]:
    """Every description of codes and classes as HTML, made when a page shows it, which codes each code mentions, and
    markup problems. A part whose descriptions were described before is not read again: it is known by a digest."""
    known = frozenset(c.code for c in model.codes)
    known_key = cache_key(repr(sorted(known)), repr(urls.offline))
    html, mentions, found = {}, {}, []
    texts = model.descriptions
    parts = [(c.code, urls.path("code", c.code), c.code, functools.partial(texts.__getitem__, c.code), model.said.get(c.code))
             for c in model.codes]
    parts += [((c.code, "vendors"), urls.path("code", c.code), c.code, functools.partial(meanings_described, c), None)
              for c in model.codes if c.meanings]
    parts += [(c.label, urls.path("class", c.digit), None, functools.partial(getattr, c, "descriptions"), None) for c in model.classes]
    parts += [(c.slug, urls.path("compare", c.slug), None, functools.partial(compared_described, c), None) for c in model.comparisons]
    shown: dict[str, Markup] = {}  # one copy of each distinct HTML, however many descriptions share it
    for key, path, own, written, said in parts:
        part = Part(written, path, own, known, known_key, urls, cache)
        said = said or cache_key(*(f"{d.source}\0{d.line}\0{d.text}" for d in part.descriptions))
        described = cache.get("described", cache_key(known_key, path, said), part.described, Described)
        for hashed in described.html:
            cache.keep("html", hashed)
        html[key] = Shown(functools.partial(part.shown, model, shown), described.digest, described.sources, described.words)
        found += [(model.source(n.source).where, n.line, key[0] if isinstance(key, tuple) else key, n.warning) for n in described.warnings]
        if isinstance(key, int):
            mentions[key] = set(described.mentions)
    return html, mentions, markup_problems(found)


def meanings_described(code: StatusCode) -> tuple[Description, ...]:
    """The descriptions of what vendors mean by a code."""
    return tuple(m.description for m in code.meanings)


def compared_described(compared: Compared) -> tuple[Description, ...]:
    """The body of a comparison, as a description."""
    return (Description(compared.source, 0, compared.text),)


class Part:
    """The descriptions of one part of a page, read and rendered into HTML only when first asked for."""

    def __init__(self, written, path: str, own, known: frozenset, known_key: str, urls: Urls, cache: Cache):
        """The descriptions `written()` gives, shown on the page at `path`, about the code `own` if any, linking the
        `known` codes."""
        self.written, self.path, self.own, self.known, self.known_key = written, path, own, known, known_key
        self.link, self.cache = urls.linker(path), cache

    @cached_property
    def descriptions(self) -> tuple[Description, ...]:
        """The descriptions, read once."""
        return self.written()

    @cached_property
    def rendered(self) -> list[Rendered]:
        """Each description's HTML, from the cache or rendered now; the keys they are kept under (each once) and a
        digest of the descriptions as shown are known after."""
        done, keys, digest = [], {}, hashlib.sha256()
        for d in self.descriptions:
            hashed = cache_key(self.known_key, self.path, d.text)
            make = lambda d=d: Rendered(*render_description(d.text, self.own, self.known, lambda n: self.link("code", n)))  # noqa: E731
            done.append(self.cache.get("html", hashed, make, Rendered))
            keys[hashed] = None
            digest.update(f"{d.source} {d.line} {hashed}".encode() + b"\0")
        self.keys, self.digest = tuple(keys), digest.hexdigest()
        return done

    def described(self) -> Described:
        """What the descriptions make besides their HTML."""
        pairs = list(zip(self.descriptions, self.rendered))
        mentioned = sorted({n for r in self.rendered for n in r.mentions})
        warnings = tuple(Noted(d.source, d.line, w) for d, r in pairs for w in r.warnings)
        sources = tuple(dict.fromkeys(d.source for d in self.descriptions))
        words = tuple(keywords(d.text for d in self.descriptions))
        return Described(self.digest, tuple(mentioned), warnings, self.keys, sources, words)

    def shown(self, model: Model, shown: dict) -> list:
        """Each description as a page shows it: its source, itself and its HTML, one copy of each distinct HTML."""
        return [(model.source(d.source), d, shown.setdefault(r.html, Markup(r.html)))
                for d, r in zip(self.descriptions, self.rendered)]


def markup_problems(found: list[tuple[str, int, object, str]]) -> list[Problem]:
    """Markup warnings: each one when a document has them in one description, else one for the document."""
    by_path: dict[str, list] = {}
    for one in found:
        by_path.setdefault(one[0], []).append(one)
    problems = []
    for path, warnings in by_path.items():
        kinds = sorted({warning for _, _, _, warning in warnings})
        keys = {key for _, _, key, _ in warnings}
        more = f"; and {len(kinds) - 3} more" if len(kinds) > 3 else ""
        if len(keys) == 1:
            message = f"{keys.pop()}: {'; '.join(kinds[:3])}{more}"
        else:
            message = f"{len(keys)} descriptions are not shown exactly as written: {'; '.join(kinds[:3])}{more} (the first is here)"
        problems.append(Problem(path, min(line for _, line, _, _ in warnings) or 1, message))
    return problems


def mentioned_by(mentions: dict) -> dict[int, set[int]]:
    """For each code, the codes whose descriptions mention it."""
    found: dict[int, set[int]] = {}
    for number, seen in mentions.items():
        for other in seen:
            found.setdefault(other, set()).add(number)
    return found


def related(code: int, mentions: dict, known, by: dict) -> list[int]:
    """Codes related to one: those it mentions, those mentioning it (`by`), and well-known pairs, if `known`."""
    found = set(mentions.get(code, ())) | by.get(code, set())
    found |= {b for a, b in RELATED_PAIRS if a == code} | {a for a, b in RELATED_PAIRS if b == code}
    return sorted(n for n in found if n in known and n != code)


def render_site(model: Model, urls: Urls, settings: Settings, cache: Cache | None = None, progress=None, last=None, env=None):
    """Every file of the site, rendered one by one as it is asked for, in a stable order; the problems of the markup;
    and the record of the pages, filled in as they are made.

    The problems are known at once; the files are not held in memory, so that each can be written as it is made.
    Given `last`, the record of the pages the last build wrote, a page whose data has not changed is not rendered:
    it is Kept, to be linked from the last site. `env`: the Jinja environment, if made as the build started.
    """
    env = env or make_env(settings.templates)
    html, mentions, problems = describe(model, urls, cache or Cache())
    page = Pager(env, urls, model, settings, last)
    return site_files(page, model, urls, settings, html, mentions, progress), problems, page.record


def site_files(page, model: Model, urls: Urls, settings: Settings, html: dict, mentions: dict, progress=None):
    """Every file of the site, each rendered when it is asked for: pages, static files, search data, API."""
    paths = []
    for made in pages(page, model, urls, html, mentions, progress):
        paths.append(made[0])
        yield made
    yield from static_files(settings.static, model, urls, html)
    yield from machine_files(page.env, model, urls, settings.date, paths)


def pages(page, model: Model, urls: Urls, html: dict, mentions: dict, progress=None):
    """Every HTML page of the site, rendered one by one."""
    yield page("index", None, "index.html", index_context(model))
    for cls in model.classes:
        yield page("class", cls.digit, "class.html", class_context(model, cls, urls, html))
    by, documents = mentioned_by(mentions), constant_documents(model)
    for number, code in enumerate(model.codes):
        yield page("code", code.code, "code.html", code_context(model, number, html, (mentions, by), urls, documents))
        if progress:
            progress("Rendering pages", number + 1, len(model.codes))
    for compared in model.comparisons:
        yield page("compare", compared.slug, "compare.html", compare_context(model, compared, html))
    facts = sources_facts(model, html)
    yield page("sources", None, "sources.html", functools.partial(sources_context, model, facts), facts)
    yield page("notfound", None, "404.html", {})


def index_context(model: Model) -> dict:
    """What the home page shows: the codes of the registry in tables, unofficial codes listed after them."""
    return {"registered": [c for c in model.codes if "unofficial" not in c.flags],
            "unofficial": [c for c in model.codes if "unofficial" in c.flags]}


class Pager:
    """Renders one page of a kind: its path and bytes, or, when its data is what the last build rendered, Kept."""

    def __init__(self, env: Environment, urls: Urls, model: Model, settings: Settings, last: dict | None = None):
        """A page renderer for one site; `last` is the record of the pages the last build wrote."""
        self.env, self.urls, self.date = env, urls, settings.date
        self.model = Shared(model.classes, model.sources, model.comparisons)
        self.last, self.record, self.codes, self.seen = last or {}, {}, {}, {}
        self.known = {number: (model.code(number), digest) for number, digest in model.digests.items()}
        shared = (*model.classes, *model.sources, *model.comparisons)  # all in the base digest, by their repr
        self.shared = {id(value): f"{type(value).__name__}:{number}" for number, value in enumerate(shared)}
        self.base = cache_key(env.loader.digest, urls.base_url, repr(urls.offline), settings.date,
                              repr(self.model), repr(sorted(c.code for c in model.codes)))

    def __call__(self, kind: str, key, template: str, context, inputs=None) -> tuple[str, bytes | Kept]:
        """One HTML page: its path and its rendered bytes, or Kept if the last build rendered it from the same data.
        Given `inputs`, everything the page is made from, `context` is a function making the page's data from them,
        called only if the page is rendered."""
        path = self.urls.path(kind, key)
        given = {"inputs": inputs} if inputs is not None else context
        digest = cache_key(self.base, kind, path, template, *(f"{name}={self.digest(value)}" for name, value in sorted(given.items())))
        make = lambda: self.render(path, kind, template, context() if inputs is not None else context)  # noqa: E731
        old = self.last.get(path)
        if old is not None and old.digest == digest:
            self.record[path] = old
            return path, Kept(old, make)
        data = make()
        self.record[path] = Made(digest=digest, sha=hashlib.sha256(data).hexdigest(), size=len(data))
        return path, data

    def render(self, path: str, kind: str, template: str, context: dict) -> bytes:
        """One page's bytes."""
        link = self.urls.linker(path)
        canonical = self.urls.absolute(path) if self.urls.base_url and not self.urls.offline else ""
        given = dict(model=self.model, url=link, asset=link.asset, root=link.prefix(), canonical=canonical,
                     date=self.date, offline=self.urls.offline, kind=kind, **context)
        return rendered(self.env, template, path, given)

    def digest(self, value) -> str:
        """A text that changes whenever anything a template can read of a value changes: a code by its digest,
        descriptions by theirs, lists and dicts part by part, anything else by its repr, made once per object."""
        kind = type(value)  # the exact type first: most values are codes or plain
        if kind is StatusCode:
            return self.code_digest(value)
        if kind in PLAIN:
            return repr(value)
        if isinstance(value, Shown):
            return value.digest
        if isinstance(value, (list, tuple)):
            if set(map(type, value)) <= PLAIN:
                return repr(value)
            return "(" + ",".join([self.code_digest(v) if type(v) is StatusCode else self.digest(v) for v in value]) + ")"
        if isinstance(value, dict):
            return "{" + ",".join(f"{self.digest(k)}:{self.digest(v)}" for k, v in value.items()) + "}"
        return self.once(value)

    def once(self, value) -> str:
        """Any other value (a source, a class) by its repr, made once per object however many pages show it."""
        if id(value) in self.shared:
            return self.shared[id(value)]
        if id(value) not in self.seen:
            self.seen[id(value)] = (value, cache_key(repr(value)))  # the value held, so that its id is not reused
        return self.seen[id(value)][1]

    def code_digest(self, code: StatusCode) -> str:
        """A code's digest: everything it holds (its descriptions are not among it, but a page's own); the merge's
        digest for a code of the model, else made once per code."""
        known = self.known.get(code.code)
        if known is not None and known[0] is code:
            return known[1]
        if code.code not in self.codes:
            self.codes[code.code] = cache_key(repr(code))
        return self.codes[code.code]


def joined(parts) -> bytes:
    """Rendered pieces as UTF-8, joined a batch at a time: a huge page never holds all of its small pieces at once."""
    out = io.BytesIO()
    while batch := list(islice(parts, 4096)):
        out.write("".join(batch).encode("utf-8"))
    return out.getvalue()


def neighbours(kind: str, items: list, index: int, urls: Urls, key, label) -> dict:
    """The previous and next page of a chain, as the pager shows them: (href, label) or None."""
    link = urls.linker(urls.path(kind, key(items[index])))
    ends = [items[index - 1] if index > 0 else None, items[index + 1] if index + 1 < len(items) else None]
    prev, nxt = [(link(kind, key(item)), label(item)) if item is not None else None for item in ends]
    return {"label": WORDS["pager"][kind], "prev": prev, "next": nxt}


def class_context(model: Model, cls, urls: Urls, html: dict) -> dict:
    """What a class page shows: its codes and its neighbours."""
    index = model.classes.index(cls)
    chain = neighbours("class", list(model.classes), index, urls, lambda c: c.digit, lambda c: f"{c.label} {c.name}")
    return {"cls": cls, "codes": [model.code(n) for n in cls.codes], "chain": chain, "descriptions": html[cls.label]}


def code_context(model: Model, index: int, html: dict, mentioned: tuple[dict, dict], urls: Urls, documents: list[Source]) -> dict:
    """What a code page shows: descriptions, neighbours, related and mentioning codes (`mentioned`: the codes each
    code mentions, and those that mention it), constants from the constants `documents`."""
    code = model.codes[index]
    mentions, by = mentioned
    chain = neighbours("code", list(model.codes), index, urls, lambda c: c.code, lambda c: f"{c.code} {c.title}")
    return {
        "code": code,
        "cls": model.status_class(code.class_digit),
        "descriptions": html[code.code],
        "chain": chain,
        "related": [model.code(n) for n in related(code.code, mentions, model.index["code"], by)],
        "mentioned_by": [model.code(n) for n in sorted(by.get(code.code, ()))],
        "status_line": "" if "unused" in code.flags or several_meanings(code) else f"HTTP/1.1 {code.code} {code.title}",
        "meanings": list(zip(code.meanings, [body for _, _, body in html.get((code.code, "vendors"), [])])),
        "constants": constants_shown(documents, code),
        "comparisons": [c for c in model.comparisons if code.code in c.codes],
        "headers": [header_parts(h) for h in code.protocol.fact.headers] if code.protocol else [],
    }


def header_parts(header: str) -> tuple[str, str]:
    """A header as the facts table gives it, `Location (the new URL)`, split into its name and its note."""
    name, _, note = header.partition(" (")
    return name, note.removesuffix(")")


def several_meanings(code: StatusCode) -> bool:
    """Whether an unregistered code means different things to different vendors, so that no one status line is right."""
    return not code.reference and len({m.vendor for m in code.meanings}) > 1


def constant_documents(model: Model) -> list[Source]:
    """The constants documents, in the order pages show them: known languages first."""
    known = WORDS["language"]
    return sorted((s for s in model.sources if s.role == "constants" and s.about),
                  key=lambda s: (list(known).index(s.about) if s.about in known else len(known), s.title))


def constants_shown(documents: list[Source], code: StatusCode) -> list[tuple]:
    """Per language with a constants document: (language, source, [(snippet, note)]), empty where it has none."""
    known = WORDS["language"]
    shown = []
    for source in documents:
        name, pattern = known.get(source.about, (source.about, "{name}"))
        spelled = [c for c in code.constants if c.source == source.id]
        rows = [(pattern.format(name=c.constant.name, code=code.code), constant_note(c.constant, source.about)) for c in spelled]
        shown.append((name, source, rows))
    return shown if any(rows for _, _, rows in shown) else []


def constant_note(spelled: Constant, language: str) -> str:
    """What a constant's row adds: the phrase Node.js gives, since when, the name before, a note."""
    parts = [f"gives {spelled.name!r}"] if language == "node" else []
    if spelled.since:
        parts.append(f"since {spelled.since}" + (f"; {spelled.before} before" if spelled.before else ""))
    if spelled.note:
        parts.append(spelled.note)
    return "; ".join(parts)


def compare_context(model: Model, compared: Compared, html: dict) -> dict:
    """What a comparison page shows: its body, its source and the codes it compares."""
    source, _, body = html[compared.slug][0]
    return {"compared": compared, "source": source, "body": body, "codes": [model.code(n) for n in compared.codes if n in model.index["code"]]}


def sources_facts(model: Model, html: dict) -> list[tuple]:
    """All the sources page reads of each code: its number, the sources that describe it, its former and other
    names, and, if it has any, the code itself, which the page shows beside them."""
    facts = []
    for code in model.codes:
        names = tuple(n for n in code.names if n.kind in ("former", "other"))
        facts.append((code.code, html[code.code].sources + tuple(m.description.source for m in code.meanings), names, names and code))
    return facts


def sources_context(model: Model, facts: list[tuple]) -> dict:
    """What the sources page shows, from the `sources_facts` of each code: the registry first, then by trust; what
    each gives and where it differs."""
    described = {s.id: set() for s in model.sources}
    differs = {s.id: [] for s in model.sources}
    for number, describing, names, code in facts:
        for source in describing:
            described[source].add(number)
        for name in names:
            for source in name.sources:
                if not model.source(source).registry:
                    differs[source].append((code, name))
    order = sorted(model.sources, key=lambda s: (not s.registry, -s.trust, s.path))
    listed = [(s, sorted(described[s.id]), [n for n in s.codes if n not in described[s.id]], differs[s.id]) for s in order]
    return {"listed": listed, "roles": {s.id: role_line(s) for s in model.sources if s.role in WORDS["role"]},
            "compares": {c.source: c for c in model.comparisons}}


def role_line(source) -> str:
    """What a document with a role gives, in one sentence."""
    language = WORDS["language"].get(source.about, (source.about,))[0]
    return WORDS["role"][source.role].format(language=language, vendor=source.about or source.title)


def static_files(static: Path, model: Model, urls: Urls, html: dict) -> list[tuple[str, bytes]]:
    """The stylesheet and scripts, and the search data the script reads."""
    files = [
        (urls.path("asset", p.name), p.read_bytes())
        for p in sorted(static.iterdir())
        if p.is_file() and not p.name.startswith(".")
    ]
    files.append((urls.path("search"), search_index(model, urls, html)))
    return files


def search_index(model: Model, urls: Urls, html: dict) -> bytes:
    """The search data as a script, loaded on first use, so that search works from file:// too."""
    link = urls.linker(urls.path("index"))
    rows = [
        {
            "c": c.code,
            "t": c.title,
            "n": [n.text for n in c.names if n.kind != "official" and n.text != c.title],
            "k": " ".join([f"{c.class_digit}xx {model.status_class(c.class_digit).name} {c.extension}".strip()]
                          + [m.vendor for m in c.meanings]),
            "s": c.summary,
            "w": " ".join(list(html[c.code].words) + [s.constant.name for s in c.constants]
                          + [m.name for m in c.meanings]),
            "u": link("code", c.code),
        }
        for c in model.codes
    ]
    rows += [{"c": "", "t": c.title, "n": [], "k": "comparison compared versus", "s": "Compares " + ", ".join(map(str, c.codes)),
              "w": " ".join(keywords([c.text])), "u": link("compare", c.slug)} for c in model.comparisons]
    rows += [{"c": k.label, "t": k.name, "n": [n.text for n in k.source_names], "k": "class", "s": k.meaning,
              "u": link("class", k.digit)} for k in model.classes]
    data = json.dumps(rows, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    return f"window.STATUS_CODES={data};\n".encode("utf-8")


def keywords(texts, most: int = 30) -> list[str]:
    """The first distinct words of four letters or more in some texts, for search beyond names and summaries; only
    as much of the texts is read as it takes to find them, and a text given again is not read again."""
    found: dict[str, None] = {}
    for text in dict.fromkeys(texts):
        for match in WORD.finditer(text.casefold()):
            if match[0] not in STOP_WORDS:
                found.setdefault(match[0])
                if len(found) == most:
                    return list(found)
    return list(found)


def api_record(code: StatusCode, urls: Urls, comparisons: tuple[Compared, ...] = ()) -> dict:
    """One code as /api/codes.json gives it."""
    return {
        "code": code.code,
        "title": code.title,
        "class": f"{code.class_digit}xx",
        "flags": list(code.flags),
        "extension": code.extension or None,
        "former_names": [n.text for n in code.former_names],
        "other_names": [n.text for n in code.other_names],
        "summary": code.summary,
        "url": urls.absolute(urls.path("code", code.code)),
        "reference": {"text": code.reference.text, "url": code.reference.url} if code.reference else None,
        "sources": list(code.sources),
        "protocol": api_protocol(code),
        "constants": [{"language": s.language, "name": s.constant.name, "since": s.constant.since or None,
                       "before": s.constant.before or None, "note": s.constant.note or None} for s in code.constants],
        "vendor_meanings": [{"vendor": m.vendor, "name": m.name, "source": m.description.source} for m in code.meanings],
        "comparisons": [urls.absolute(urls.path("compare", c.slug)) for c in comparisons if code.code in c.codes],
    }


def api_protocol(code: StatusCode) -> dict | None:
    """A code's protocol facts as /api/codes.json gives them."""
    facts = code.protocol
    if facts is None:
        return None
    defined = {"text": facts.defined_in.text, "url": facts.defined_in.url or None}
    return {"headers": list(facts.fact.headers), "content": facts.fact.content, "cacheable": facts.fact.cacheable,
            "defined_in": defined, "source": facts.source}


def machine_files(env: Environment, model: Model, urls: Urls, date: str, paths: list[str]) -> list[tuple[str, bytes]]:
    """The JSON API, and for a hosted site robots.txt, with a sitemap when the site's address is known."""
    codes = ",\n".join(json.dumps(api_record(c, urls, model.comparisons), ensure_ascii=False) for c in model.codes)
    api = f'{{"version": {API_VERSION}, "codes": [\n{codes}\n]}}\n'  # a code a line: readable, and written fast
    files = [(urls.path("api"), api.encode("utf-8"))]
    if urls.offline:
        return files
    robots = ["User-agent: *", "Allow: /"]
    if urls.base_url:
        locs = [urls.escaped(p) for p in paths if p.endswith(".html") and p != urls.path("notfound")]
        files.append((urls.path("sitemap"), rendered(env, "sitemap.xml", urls.path("sitemap"), {"locs": locs, "date": date})))
        robots.append(f"Sitemap: {urls.escaped(urls.path('sitemap'))}")
    return files + [(urls.path("robots"), ("\n".join(robots) + "\n").encode("utf-8"))]
