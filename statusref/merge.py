"""Merging every source's records into one model. Pure: records in, model and problems out."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace

from .markup import plain_text
from .model import (
    CLASS_FACTS, FLAGS, RFC_URL, ClassName, Compared, Comparison, Constant, Description, Entry, Fact, FormerName, Meaning,
    Model, Name, Problem, Protocol, Reference, Source, Spelled, StatusClass, StatusCode, VendorMeaning,
)
from .sources import Parsed, with_codes
from .text import first_sentence, first_three, name_key, shorten, split_qualifiers


@dataclass(frozen=True)
class Given:
    """One record and the source that gave it."""

    record: Entry | FormerName
    source: Source


@dataclass(frozen=True)
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


def build_model(parsed: list[Parsed]) -> Model:
    """Merge every parsed source into one model, with every problem found."""
    refused = [problem for p in parsed if p.refused for problem in p.problems]
    parsed, problems = one_registry([p for p in parsed if not p.refused])
    problems += refused
    ordered = sorted(parsed, key=lambda p: (-p.source.trust, p.source.path))
    gathered, class_names, found = gather(ordered)
    problems += found + [problem for p in parsed for problem in p.problems]
    registry = next((p.source for p in ordered if p.source.registry), None)
    extras = gather_extras(ordered)
    codes, disagreements = [], []
    for number in sorted(gathered.keys() | extras.meanings.keys()):
        code, found = merge_code(number, gathered.get(number, Gathered()), registry)
        codes.append(with_extras(code, extras, number in gathered))
        disagreements += found
    problems += name_problems(disagreements) + unknown_codes(extras, {c.code for c in codes})
    classes = tuple(make_class(d, codes, class_names[d]) for d in sorted(CLASS_FACTS))
    sources = tuple(with_codes(p.source, covered(p)) for p in sorted(parsed, key=lambda p: p.source.path))
    problems.sort(key=lambda p: (p.path, p.line, p.message))
    return Model(classes, tuple(codes), sources, tuple(problems), tuple(extras.comparisons))


def one_registry(parsed: list[Parsed]) -> tuple[list[Parsed], list[Problem]]:
    """At most one source may be the registry: when several claim it, none is, and each is told."""
    claims = [p for p in parsed if p.source.registry]
    if len(claims) < 2:
        return parsed, []
    paths = ", ".join(p.source.path for p in claims)
    message = f"role: registry is claimed by {len(claims)} documents ({paths}); only one may be, so none is used"
    problems = [Problem(p.source.where, 1, message) for p in claims]
    return [replace(p, source=replace(p.source, registry=False)) for p in parsed], problems


def covered(parsed: Parsed) -> set[int]:
    """The codes one source gives: with a name or description, a fact, a constant or a vendor's meaning."""
    return {r.code for r in parsed.records if isinstance(r, (Entry, Fact, Constant, Meaning))}


@dataclass
class Extras:
    """What documents with a role give, by code: protocol facts, constants, vendors' meanings; and comparisons."""

    facts: dict[int, tuple[Fact, Source]] = field(default_factory=dict)
    constants: dict[int, list[Spelled]] = field(default_factory=lambda: defaultdict(list))
    meanings: dict[int, list[VendorMeaning]] = field(default_factory=lambda: defaultdict(list))
    comparisons: list[Compared] = field(default_factory=list)
    compared_at: list[tuple[Source, Comparison]] = field(default_factory=list)


def gather_extras(ordered: list[Parsed]) -> Extras:
    """The records of role documents, most trusted source first: the first facts of a code are kept."""
    extras = Extras()
    for parsed in ordered:
        source = parsed.source
        for record in parsed.records:
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


def gather(ordered: list[Parsed]) -> tuple[dict[int, Gathered], dict[int, dict[str, Called]], list[Problem]]:
    """Group every record by code (and class names by class), most trusted source first; repeats are problems."""
    gathered: dict[int, Gathered] = defaultdict(Gathered)
    class_names: dict[int, dict[str, Called]] = defaultdict(dict)
    problems: list[Problem] = []
    for parsed in ordered:
        for record in parsed.records:
            if isinstance(record, ClassName):
                called = class_names[record.digit].setdefault(name_key(record.name), Called(record.name))
                called.sources.append(parsed.source.id)
                if record.text:
                    called.descriptions.append(Description(parsed.source.id, record.line, record.text))
            elif isinstance(record, FormerName):
                gathered[record.code].formers.append(Given(record, parsed.source))
        entries, found = one_per_code(parsed)
        problems += found
        for entry in entries:
            target = gathered[entry.code]
            if parsed.source.registry and target.official is None:
                target.official = entry
            else:
                target.entries.append(Given(entry, parsed.source))
    return gathered, class_names, problems


def one_per_code(parsed: Parsed) -> tuple[list[Entry], list[Problem]]:
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
    return list(kept.values()), repeat_problems(parsed.source.where, repeats)


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


def merge_code(number: int, found: Gathered, registry: Source | None) -> tuple[StatusCode, list[Disagreement]]:
    """One code from everything gathered about it, and the names its sources disagree on."""
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
        descriptions=descriptions,
        reference=make_reference(found.official.reference) if found.official else None,
        sources=tuple(sorted({g.source.id for g in found.entries} | ({registry.id} if found.official and registry else set()))),
    )
    return code, problems


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
