"""Merging every source's records into one model. Pure: records in, model out."""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from .model import (
    CLASS_FACTS, FLAGS, RFC_URL, ClassName, Description, Entry, FormerName, Model, Name, Problem, Reference, StatusClass,
    StatusCode,
)
from .sources import Parsed, with_codes
from .text import first_sentence, name_key, split_qualifiers

RFC_REF = re.compile(r"RFC\s*(\d+)(?:,?\s*Section\s*([\d.]+))?", re.I)


@dataclass
class Gathered:
    """Every record about one code, from every source."""

    official: Entry | None = None
    entries: list[tuple] = field(default_factory=list)
    formers: list[tuple] = field(default_factory=list)


def build_model(parsed: list[Parsed]) -> Model:
    """Merge every parsed source into one model, with every problem found."""
    ordered = sorted(parsed, key=lambda p: (-p.source.trust, p.source.path))
    problems = [problem for p in parsed for problem in p.problems]
    gathered, class_names = gather(ordered, problems)
    registry = next((p.source for p in ordered if p.source.registry), None)
    labels = {p.source.id: p.label or p.source.path for p in parsed}
    codes = tuple(merge_code(n, gathered[n], registry, labels, problems) for n in sorted(gathered))
    classes = tuple(make_class(d, codes, class_names[d]) for d in sorted(CLASS_FACTS))
    sources = tuple(with_codes(p.source, covered(p)) for p in sorted(parsed, key=lambda p: p.source.path))
    problems.sort(key=lambda p: (p.path, p.line, p.message))
    return Model(classes, codes, sources, tuple(problems))


def covered(parsed: Parsed) -> set[int]:
    """The codes one source gives."""
    return {r.code for r in parsed.records if isinstance(r, Entry)}


def gather(ordered: list[Parsed], problems: list[Problem]) -> tuple[dict, dict]:
    """Group every record by code (and class names by class), most trusted source first."""
    gathered: dict[int, Gathered] = defaultdict(Gathered)
    class_names: dict[int, dict] = defaultdict(dict)
    for parsed in ordered:
        seen: dict[int, Entry] = {}
        for record in parsed.records:
            if isinstance(record, ClassName):
                class_names[record.digit].setdefault(name_key(record.name), (record.name, []))[1].append(parsed.source.id)
            elif isinstance(record, FormerName):
                gathered[record.code].formers.append((record, parsed.source))
            elif keep_first(record, seen, parsed.label or parsed.source.path, problems):
                target = gathered[record.code]
                if parsed.source.registry and target.official is None:
                    target.official = record
                else:
                    target.entries.append((record, parsed.source))
    return gathered, class_names


def keep_first(entry: Entry, seen: dict[int, Entry], path: str, problems: list[Problem]) -> bool:
    """Keep the first entry for a code in one source; report any repeat."""
    first = seen.setdefault(entry.code, entry)
    if first is entry:
        return True
    same = first.text == entry.text and first.name == entry.name
    detail = "again" if same else "again with different text"
    problems.append(Problem(path, entry.line, f"{entry.code} is given {detail}; line {first.line} is kept"))
    return False


def merge_code(number: int, found: Gathered, registry, labels: dict, problems: list[Problem]) -> StatusCode:
    """One code from everything gathered about it; `labels` names each source's file in problems."""
    flags, extensions = code_flags(found, registry)
    title = choose_title(number, found)
    names = code_names(number, title, found, registry, labels, problems)
    descriptions = tuple(Description(s.id, e.line, e.text) for e, s in found.entries if e.text)
    return StatusCode(
        code=number,
        title=title,
        names=names,
        flags=tuple(f for f in FLAGS if f in flags),
        extension=", ".join(extensions),
        summary=first_sentence(descriptions[0].text) if descriptions else "",
        descriptions=descriptions,
        reference=make_reference(found.official.reference) if found.official else None,
    )


def code_flags(found: Gathered, registry) -> tuple[set[str], list[str]]:
    """Flags from every qualifier given, and the extensions a code comes from."""
    flags: set[str] = set()
    extensions: list[str] = []
    entries = ([found.official] if found.official else []) + [e for e, _ in found.entries]
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
    counts: dict[str, list] = {}
    for entry, _ in found.entries:
        if entry.name:
            counts.setdefault(name_key(entry.name), []).append(entry.name)
    if counts:
        return max(counts.values(), key=len)[0]
    if found.formers:
        return found.formers[0][0].name
    return "Unused" if found.official else f"Status {number}"


def code_names(number: int, title: str, found: Gathered, registry, labels: dict, problems: list[Problem]) -> tuple[Name, ...]:
    """The official name and every former or other name, each with who used it."""
    users: dict[str, list[str]] = defaultdict(list)
    spelled: dict[str, str] = {}
    keyed = [(entry, source, name_key(entry.name)) for entry, source in found.entries if entry.name]
    for entry, source, key in keyed:
        users[key].append(source.id)
        spelled.setdefault(key, entry.name)
    title_key = name_key(title)
    registered = bool(found.official and found.official.name and registry)
    givers = [registry.id] if registered else [s.id for f, s in found.formers if name_key(f.name) == title_key]
    names = [Name(title, "official" if registered else "title", tuple(givers + users.pop(title_key, [])))]
    taken = {title_key}
    for former, source in found.formers:
        key = name_key(former.name)
        if key not in taken:
            taken.add(key)
            names.append(Name(former.name, "former", tuple([source.id] + users.pop(key, []))))
    where = registry.title if found.official and registry else "the other sources"
    for entry, source, key in keyed:
        if key in users:
            names.append(Name(spelled[key], "other", tuple(users.pop(key))))
            taken.add(key)
        if key in taken and key != title_key and any(n.kind == "other" and name_key(n.text) == key for n in names):
            problems.append(Problem(labels[source.id], entry.line, f"{number} is named {entry.name!r} here but {title!r} in {where}"))
    return tuple(names)


def make_reference(text: str) -> Reference | None:
    """A defining reference with its link: RFC 9110 sections to the section."""
    match = RFC_REF.search(text)
    if not text or not match:
        return Reference(text, "") if text else None
    url = RFC_URL.format(number=match.group(1))
    return Reference(text, url + (f"#section-{match.group(2)}" if match.group(2) else ""))


def make_class(digit: int, codes: tuple[StatusCode, ...], names: dict) -> StatusClass:
    """One of the five classes, with its codes and the names sources give it."""
    name, section, meaning = CLASS_FACTS[digit]
    source_names = tuple(Name(text, "other", tuple(users)) for text, users in names.values())
    members = tuple(c.code for c in codes if c.class_digit == digit)
    return StatusClass(digit, name, section, meaning, members, source_names)
