"""Merging every source's records into one model: records in, model and problems out, codes whose sources say the same
as last time taken from the cache."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from .cache import Cache, cache_key
from .markup import plain_text
from .model import (
    CLASS_FACTS, FLAGS, RFC_URL, ClassName, Compared, Comparison, Constant, Description, Entry, Fact, FormerName, Meaning,
    Model, Name, Problem, Protocol, Reference, Source, Spelled, StatusClass, StatusCode, VendorMeaning,
)
from .sources import Outline, Parsed, Said, outline, said_of_codes, with_codes
from .text import first_sentence, first_three, name_key, shorten, split_qualifiers


@dataclass(frozen=True, slots=True)
class Given:
    """One record and the source that gave it."""

    record: Entry | FormerName
    source: Source


@dataclass(frozen=True, slots=True)
class Disagreement:
    """A source naming a code otherwise than the registry or the other sources."""

    path: str
    line: int
    code: int
    name: str
    title: str
    where: str


@dataclass
class Called:
    """A name sources give a class, and the ids of the sources that give it."""

    text: str
    sources: list[str] = field(default_factory=list)
    descriptions: list[Description] = field(default_factory=list)


@dataclass
class Gathered:
    """Every record about one code, from every source."""

    official: Entry | None = None
    entries: list[Given] = field(default_factory=list)
    formers: list[Given] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Merged:
    """One code merged from what its sources say of it, before role documents add to it; and the names they disagree on."""

    code: StatusCode
    disagreements: tuple[Disagreement, ...]
    digest: str  # of the code's repr, made once when it is merged


@dataclass(frozen=True, slots=True)
class Written:
    """A code's descriptions as its sources wrote them, most trusted first: kept apart from the code, as most builds
    show only a few of them."""

    descriptions: tuple[Description, ...]


class Texts(Mapping):
    """Each code's descriptions: those merged in this build, and the others read back when first asked for."""

    def __init__(self):
        """No descriptions yet."""
        self.known: dict[int, tuple[Description, ...]] = {}
        self.later: dict[int, object] = {}  # a code's, and how to read them back

    def __getitem__(self, code: int) -> tuple[Description, ...]:
        """One code's descriptions."""
        if code not in self.known:
            self.known[code] = self.later.pop(code)()
        return self.known[code]

    def __iter__(self):
        """The codes, in order."""
        return iter(sorted(self.known.keys() | self.later.keys()))

    def __len__(self) -> int:
        """How many codes there are."""
        return len(self.known) + len(self.later)


def build_model(parsed: list[Parsed]) -> Model:
    """Merge every parsed source into one model, with every problem found."""
    return merge([outline(p, str(n)) for n, p in enumerate(parsed)], lambda key: parsed[int(key)])


def merge(outlines: list[Outline], records, cache: Cache | None = None) -> Model:
    """Merge the sources, as outlined, into one model with every problem found; `records(key)` gives the parse of the
    source an outline's key names. A code is merged again only when what its sources say of it has changed since
    `cache` kept it; only then are those sources' records read."""
    refused = [problem for o in outlines if o.refused for problem in o.problems]
    outlines, problems = one_registry([o for o in outlines if not o.refused])
    problems += refused + [problem for o in outlines for problem in o.problems + o.repeats]
    ordered = sorted(outlines, key=lambda o: (-o.source.trust, o.source.path))
    registry = next((o.source for o in ordered if o.source.registry), None)
    extras, class_names = gather_extras(ordered), gather_class_names(ordered)
    named, keys = naming(ordered, registry)
    said = Saying(records, ordered)
    codes, disagreements, texts, digests = [], [], Texts(), {}
    for number in sorted(named.keys() | extras.meanings.keys()):
        keys.setdefault(number, cache_key(str(number), repr(registry and (registry.id, registry.title))))  # named by no source
        merged = merged_code(number, named.get(number, []), keys[number], registry, said, cache or Cache(), texts)
        codes.append(with_extras(merged.code, extras, number in named))
        digests[number] = code_digest(merged.digest, extras, number, number in named)
        disagreements += merged.disagreements
        said.done(number)
    problems += name_problems(disagreements) + unknown_codes(extras, {c.code for c in codes})
    classes = tuple(make_class(d, codes, class_names[d]) for d in sorted(CLASS_FACTS))
    sources = tuple(with_codes(o.source, set(o.covered)) for o in sorted(outlines, key=lambda o: o.source.path))
    problems.sort(key=lambda p: (p.path, p.line, p.message))
    return Model(classes, tuple(codes), sources, tuple(problems), tuple(extras.comparisons), keys, texts, digests)


def code_digest(merged: str, extras: Extras, number: int, named: bool) -> str:
    """A digest of everything a code of the model holds, without its repr: the digest of the code as merged, and what
    role documents add to it, as `with_extras` adds it."""
    fact = extras.facts.get(number)
    given = (fact and (fact[0], fact[1].id), extras.meanings.get(number, ()), extras.constants.get(number, ()), named)
    return cache_key(merged, repr(given))


def naming(ordered: list[Outline], registry: Source | None) -> tuple[dict[int, list[Outline]], dict[int, str]]:
    """For each code, the sources that name it, most trusted first, and the key its merge is kept under: made of
    what each says of it (by its digest), the source as the merge names it, and the registry."""
    named: dict[int, list[Outline]] = defaultdict(list)
    said: dict[int, list[str]] = defaultdict(list)
    for one in ordered:
        who = f"{one.source.id}\0{one.source.where}\0{one.source.registry}\0"
        for code, digest in one.named():
            named[code].append(one)
            said[code].append(who + digest)
    given = repr(registry and (registry.id, registry.title))
    return named, {code: cache_key(str(code), given, "\0".join(lines)) for code, lines in said.items()}  # no path holds a NUL


class Saying:
    """What each source says of each code it names, read from its records when first asked for and forgotten once
    the last code it names is merged: merging every code, a build holds only the sources of the codes at hand."""

    def __init__(self, records, outlines: list[Outline]):
        """Read sources by key with `records(key)`, or one code of one with `records.said(key, number)` where it
        can; the outlines tell the last code each names."""
        self.records, self.found, self.glanced = records, {}, set()
        self.ending: dict[int, list[str]] = defaultdict(list)
        for one in outlines:
            if one.codes:
                self.ending[one.last()].append(one.key)

    def __call__(self, key: str) -> dict[int, Said]:
        """What the source under `key` says of each code it names."""
        if key not in self.found:
            self.found[key] = said_of_codes(self.records(key))[0]
        return self.found[key]

    def of(self, key: str, number: int) -> Said:
        """What the source under `key` says of one code: the first time, from its records of that code alone, as a
        build that merges a few codes again asks; after that, from all of its records, read once."""
        said = getattr(self.records, "said", None)
        if key not in self.found and key not in self.glanced and said:
            self.glanced.add(key)
            found = said(key, number)
            if found is not None:
                return found
        return self(key)[number]

    def done(self, number: int) -> None:
        """Forget the sources whose last code is `number`, now merged."""
        for key in self.ending.pop(number, ()):
            self.found.pop(key, None)


def merged_code(number: int, named: list[Outline], key: str, registry: Source | None, said, cache: Cache,
                texts: Texts) -> Merged:
    """One code merged from the sources that name it, most trusted first; kept under `key`, made of the digests of
    what each says of the code, the sources as the merge names them, and the registry. Its descriptions go to
    `texts`: at once if it is merged now, else to be read back when asked for."""

    def make() -> Merged:
        """Merge the code from its sources' records; its descriptions kept apart."""
        code, descriptions, found = merge_code(number, gathered(number, named, said), registry)
        texts.known[number] = cache.put("text", key, Written(descriptions)).descriptions
        return Merged(code, tuple(found), cache_key(repr(code)))

    def written() -> tuple[Description, ...]:
        """The descriptions kept with the code, or, if they are lost, those of the code merged again."""
        found = cache.lookup("text", key, Written)
        if found is None:
            make()
            return texts.known[number]
        return found.descriptions
    merged = cache.get("code", key, make, Merged)
    cache.keep("text", key)
    if number not in texts.known:
        texts.later[number] = written
    return merged


def gathered(number: int, named: list[Outline], said) -> Gathered:
    """Everything the sources say of one code, most trusted first: the registry's entry is the official one."""
    found = Gathered()
    for one in named:
        what = said.of(one.key, number)
        found.formers += [Given(former, one.source) for former in what.formers]
        if what.entry is None:
            continue
        if one.source.registry and found.official is None:
            found.official = what.entry
        else:
            found.entries.append(Given(what.entry, one.source))
    return found


def one_registry(parsed: list[Outline]) -> tuple[list[Outline], list[Problem]]:
    """At most one source may be the registry: when several claim it, none is, and each is told."""
    claims = [p for p in parsed if p.source.registry]
    if len(claims) < 2:
        return parsed, []
    paths = ", ".join(p.source.path for p in claims)
    message = f"role: registry is claimed by {len(claims)} documents ({paths}); only one may be, so none is used"
    problems = [Problem(p.source.where, 1, message) for p in claims]
    return [replace(p, source=replace(p.source, registry=False)) for p in parsed], problems


@dataclass
class Extras:
    """What documents with a role give, by code: protocol facts, constants, vendors' meanings; and comparisons."""

    facts: dict[int, tuple[Fact, Source]] = field(default_factory=dict)
    constants: dict[int, list[Spelled]] = field(default_factory=lambda: defaultdict(list))
    meanings: dict[int, list[VendorMeaning]] = field(default_factory=lambda: defaultdict(list))
    comparisons: list[Compared] = field(default_factory=list)
    compared_at: list[tuple[Source, Comparison]] = field(default_factory=list)


def gather_extras(ordered: list[Outline]) -> Extras:
    """The records of role documents, most trusted source first: the first facts of a code are kept."""
    extras = Extras()
    for one in ordered:
        source = one.source
        for record in one.others:
            if isinstance(record, Fact):
                extras.facts.setdefault(record.code, (record, source))
            elif isinstance(record, Constant) and source.about:
                extras.constants[record.code].append(Spelled(language=source.about, constant=record, source=source.id))
            elif isinstance(record, Meaning):
                meaning = VendorMeaning(vendor=source.about or source.title, name=record.name,
                                        description=Description(source.id, record.line, record.text))
                extras.meanings[record.code].append(meaning)
            elif isinstance(record, Comparison):
                slug = source.id.removeprefix("compare-")
                extras.comparisons.append(Compared(slug=slug, title=record.title or source.title, codes=record.codes,
                                                    text=record.text, source=source.id))
                extras.compared_at.append((source, record))
    extras.comparisons.sort(key=lambda c: c.slug)
    return extras


def with_extras(code: StatusCode, extras: Extras, named: bool) -> StatusCode:
    """A code with its protocol facts, constants and vendors' meanings; a code only vendors give is named by them."""
    given = extras.facts.get(code.code)
    if not (given or code.code in extras.meanings or code.code in extras.constants):
        return code  # nothing to add
    protocol = None
    if given:
        fact, source = given
        defined = make_reference(fact.origin) or Reference(fact.origin, "")
        protocol = Protocol(fact=fact, defined_in=defined, source=source.id)
    meanings = tuple(extras.meanings.get(code.code, ()))
    spelled = tuple(extras.constants.get(code.code, ()))
    givers = {s.source for s in spelled} | {m.description.source for m in meanings} | ({protocol.source} if protocol else set())
    code = replace(code, protocol=protocol, constants=spelled, meanings=meanings, sources=tuple(sorted(set(code.sources) | givers)))
    if named or not meanings:
        return code
    title = " or ".join(dict.fromkeys(m.name for m in meanings if m.name)) or code.title
    summary = first_sentence(plain_text(meanings[0].description.text))
    return replace(code, title=title, summary=summary, names=(Name(title, "title", tuple(m.description.source for m in meanings)),))


def unknown_codes(extras: Extras, known: set[int]) -> list[Problem]:
    """Facts and comparisons of codes no document gives."""
    problems = []
    for number, (fact, source) in extras.facts.items():
        if number not in known:
            problems.append(Problem(source.where, fact.line, f"facts for {number}, which no document names"))
    for source, comparison in extras.compared_at:
        missing = [str(n) for n in comparison.codes if n not in known]
        if missing:
            problems.append(Problem(source.where, comparison.line, f"compares {', '.join(missing)}, which no document names"))
    return problems


def gather_class_names(ordered: list[Outline]) -> dict[int, dict[str, Called]]:
    """The names sources give each class, most trusted source first, with the descriptions they give."""
    class_names: dict[int, dict[str, Called]] = defaultdict(dict)
    for one in ordered:
        for record in (r for r in one.others if isinstance(r, ClassName)):
            called = class_names[record.digit].setdefault(name_key(record.name), Called(record.name))
            called.sources.append(one.source.id)
            if record.text:
                called.descriptions.append(Description(one.source.id, record.line, record.text))
    return class_names


def name_problems(disagreements: list[Disagreement]) -> list[Problem]:
    """One warning per document for the names it gives otherwise: the only one, or how many and the first."""
    by_path: dict[str, list[Disagreement]] = defaultdict(list)
    for one in disagreements:
        by_path[one.path].append(one)
    problems = []
    for path, found in by_path.items():
        first = min(found, key=lambda d: d.line)
        if len(found) == 1:
            message = f"{first.code} is named {shorten(first.name, 60)!r} here but {shorten(first.title, 60)!r} in {first.where}"
        else:
            shown = first_three([f"{d.code} {shorten(d.name, 60)!r}" for d in sorted(found, key=lambda d: d.line)])
            message = f"{len(found)} codes are named otherwise than in the registry or the other sources: {shown} (the first is here)"
        problems.append(Problem(path, first.line, message))
    return problems


def merge_code(number: int, found: Gathered, registry: Source | None) -> tuple[StatusCode, tuple[Description, ...], list[Disagreement]]:
    """One code from everything gathered about it, its descriptions, and the names its sources disagree on."""
    flags, extensions = code_flags(found, registry)
    title = choose_title(number, found)
    names, problems = code_names(number, title, found, registry)
    descriptions = tuple(Description(g.source.id, g.record.line, g.record.text) for g in found.entries if g.record.text)
    code = StatusCode(
        code=number,
        title=title,
        names=names,
        flags=tuple(f for f in FLAGS if f in flags),
        extension=", ".join(extensions),
        summary=first_sentence(plain_text(descriptions[0].text)) if descriptions else "",
        reference=make_reference(found.official.reference) if found.official else None,
        sources=tuple(sorted({g.source.id for g in found.entries} | ({registry.id} if found.official and registry else set()))),
    )
    return code, descriptions, problems


def code_flags(found: Gathered, registry: Source | None) -> tuple[set[str], list[str]]:
    """Flags from every qualifier given, and the extensions a code comes from."""
    flags: set[str] = set()
    extensions: list[str] = []
    entries = ([found.official] if found.official else []) + [g.record for g in found.entries]
    for entry in entries:
        more, named = split_qualifiers(entry.qualifiers)
        flags |= more
        extensions += [n for n in named if n not in extensions]
    if registry is not None and found.official is None:
        flags.add("unofficial")
    return flags, extensions


def choose_title(number: int, found: Gathered) -> str:
    """The registry's phrase, else the name most sources use, else a former name."""
    if found.official and found.official.name:
        return found.official.name
    counts: dict[str, list[str]] = {}
    for given in found.entries:
        if given.record.name:
            counts.setdefault(name_key(given.record.name), []).append(given.record.name)
    if counts:
        return max(counts.values(), key=len)[0]
    if found.formers:
        return found.formers[0].record.name
    return "Unused" if found.official else f"Status {number}"


def code_names(number: int, title: str, found: Gathered, registry: Source | None) -> tuple[tuple[Name, ...], list[Disagreement]]:
    """The official name and every former or other name, each with who used it; other names are problems."""
    users: dict[str, list[str]] = defaultdict(list)
    spelled: dict[str, str] = {}
    named = [g for g in found.entries if g.record.name]
    for given in named:
        users[name_key(given.record.name)].append(given.source.id)
        spelled.setdefault(name_key(given.record.name), given.record.name)
    title_key = name_key(title)
    registered = bool(found.official and found.official.name and registry)
    givers = [registry.id] if registered else [g.source.id for g in found.formers if name_key(g.record.name) == title_key]
    names = [Name(title, "official" if registered else "title", tuple(givers + users.pop(title_key, [])))]
    taken = {title_key}
    for given in found.formers:
        key = name_key(given.record.name)
        if key not in taken:
            taken.add(key)
            names.append(Name(given.record.name, "former", tuple([given.source.id] + users.pop(key, []))))
    where = registry.title if found.official and registry else "the other sources"
    others: set[str] = set()
    problems = []
    for given in named:
        key = name_key(given.record.name)
        if key in users:
            names.append(Name(spelled[key], "other", tuple(users.pop(key))))
            others.add(key)
        if key in others:
            path = given.source.where
            problems.append(Disagreement(path, given.record.line, number, given.record.name, title, where))
    return tuple(names), problems


def make_reference(text: str) -> Reference | None:
    """A defining reference with its link: `RFC 9110, Section 15.5.5` to that section."""
    if not text:
        return None
    at = text.upper().find("RFC")
    number = leading(text[at + 3 :].lstrip(), "0123456789") if at >= 0 else ""
    if not number:
        return Reference(text, "")
    rest = text[at + 3 :].lstrip()[len(number) :].lstrip(",").lstrip()
    section = leading(rest[7:].lstrip(), "0123456789.") if rest[:7].casefold() == "section" else ""
    return Reference(text, RFC_URL.format(number=number) + (f"#section-{section}" if section else ""))


def leading(text: str, allowed: str) -> str:
    """The longest start of a text made only of the allowed characters."""
    return text[: len(text) - len(text.lstrip(allowed))]


def make_class(digit: int, codes: list[StatusCode], names: dict[str, Called]) -> StatusClass:
    """One of the five classes, with its codes and the names sources give it."""
    name, section, meaning = CLASS_FACTS[digit]
    source_names = tuple(Name(called.text, "other", tuple(called.sources)) for called in names.values())
    members = tuple(c.code for c in codes if c.class_digit == digit)
    described = tuple(d for called in names.values() for d in called.descriptions)
    return StatusClass(digit, name, section, meaning, members, source_names, described)
