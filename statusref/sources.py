"""Finding and reading the documents in content/: bytes in, records and problems out."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from .cache import Cache, key
from .model import Problem, Source
from .text import decode, normalise

SUFFIXES = (".md", ".markdown")
MAX_BYTES = 2 * 1024 * 1024
FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)


@dataclass(frozen=True)
class Parsed:
    """One source as read: its metadata, its records and its problems."""

    source: Source
    records: tuple
    problems: tuple[Problem, ...]
    label: str = ""


def discover(content: Path) -> list[Path]:
    """Every Markdown file under content/, in a stable order, hidden ones left out."""
    found = [p for p in content.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file()]
    visible = [p for p in found if not any(part.startswith(".") for part in p.relative_to(content).parts)]
    return sorted(visible, key=lambda p: p.relative_to(content).as_posix())


def load_all(content: Path, cache: Cache | None = None, progress=None) -> list[Parsed]:
    """Read every source, reusing what `cache` holds for unchanged files."""
    cache = cache or Cache()
    paths = discover(content)
    parsed = []
    for done, path in enumerate(paths, start=1):
        rel, label = path.relative_to(content).as_posix(), str(path)
        data = path.read_bytes()
        sidecar = path.with_suffix(".toml")
        side = sidecar.read_bytes() if sidecar.is_file() else b""
        make = lambda: parse_source(rel, data, side, label)  # noqa: E731
        parsed.append(cache.get("parsed", key(label, data, side), make))
        if progress:
            progress("Reading sources", done, len(paths))
    return parsed


def parse_source(rel: str, data: bytes, sidecar: bytes = b"", label: str = "") -> Parsed:
    """Decode and read one source's bytes; all trouble becomes problems named by `label`."""
    label = label or rel
    problems: list[Problem] = []
    meta = read_sidecar(label, sidecar, problems)
    text = ""
    if not data.strip():
        problems.append(Problem(label, 1, "empty source: nothing to read"))
    elif len(data) > MAX_BYTES:
        size = len(data) / 1024 / 1024
        problems.append(Problem(label, 1, f"source is {size:.1f} MB, over the {MAX_BYTES // 1024 // 1024} MB limit; skipped"))
    else:
        text, line, trouble = decode(data)
        if trouble:
            problems.append(Problem(label, line, trouble))
        text = normalise(text)
    text = read_front_matter(label, text, meta, problems)
    from .readers import read_markdown  # only when a source must be read: warm builds need no reader

    records, found, heading = read_markdown(label, text) if text else ([], [], "")
    problems.extend(found)
    if text and not records and not found:
        problems.append(Problem(label, 1, "no status codes found: expected a table, list or headings of codes"))
    source = make_source(rel, label, meta, heading, problems)
    return Parsed(source, tuple(records), tuple(problems), label)


def read_sidecar(label: str, sidecar: bytes, problems: list[Problem]) -> dict:
    """Metadata from the TOML file beside a source, if there is one."""
    if not sidecar:
        return {}
    import tomllib  # only for sources with metadata beside them

    name = label.rsplit(".", 1)[0] + ".toml"
    try:
        return tomllib.loads(sidecar.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as err:
        line = int(m.group(1)) if (m := re.search(r"line (\d+)", str(err))) else 1
        problems.append(Problem(name, line, f"cannot read metadata: {err}"))
        return {}


def read_front_matter(label: str, text: str, meta: dict, problems: list[Problem]) -> str:
    """Take `key: value` front matter into meta, blanking it so line numbers stay right."""
    match = FRONT_MATTER.match(text)
    if not match:
        return text
    for number, line in enumerate(match.group(1).split("\n"), start=2):
        key, sep, value = line.partition(":")
        if sep and key.strip():
            meta.setdefault(key.strip(), value.strip())
        elif line.strip():
            problems.append(Problem(label, number, "front matter line is not `key: value`"))
    return "\n" * match.group(0).count("\n") + text[match.end() :]


def make_source(rel: str, label: str, meta: dict, heading: str, problems: list[Problem]) -> Source:
    """A Source from metadata, falling back to the first heading or the file name."""
    stem = rel.rsplit(".", 1)[0]
    fallback = stem.rsplit("/", 1)[-1].replace("-", " ").replace("_", " ").strip().capitalize()
    try:
        trust = int(meta.get("trust", 50))
    except (TypeError, ValueError):
        problems.append(Problem(label, 1, f"trust must be a whole number, not {meta.get('trust')!r}"))
        trust = 50
    return Source(
        id=re.sub(r"[^a-z0-9]+", "-", stem.casefold()).strip("-") or "source",
        path=rel,
        title=str(meta.get("title") or heading or fallback),
        link=str(meta.get("link", "")),
        trust=trust,
        registry=str(meta.get("role", "")).casefold() == "registry",
    )


def with_codes(source: Source, codes: set[int]) -> Source:
    """The same source, now knowing which codes it covers."""
    return replace(source, codes=tuple(sorted(codes)))
