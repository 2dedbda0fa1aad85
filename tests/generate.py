"""Generated content for tests and the benchmark: every code from 100 to 599, in every shape the readers read."""
from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REGISTRY = ROOT / "content" / "iana-registry.md"
CODES = range(100, 600)
PER_SOURCE = 50
CLASSES = {1: "Informational", 2: "Success", 3: "Redirection", 4: "Client Errors", 5: "Server Errors"}
TEXT = (
    "A generated description of {code}. It mentions {other} so that cross-links are made, "
    "carries `inline code` and **emphasis**, and runs long enough to look like the real thing."
)


def names() -> dict[int, str]:
    """The registry's name for each code it lists."""
    found = {}
    for line in REGISTRY.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and cells[0].isdigit() and not cells[1].startswith("("):
            found.setdefault(int(cells[0]), cells[1].replace(" (OBSOLETED)", ""))
    return found


def name_of(code: int, known: dict[int, str]) -> str:
    """A consistent name for a code, registered or not."""
    return known.get(code, f"Generated Status {code}")


def codes_for(index: int) -> list[int]:
    """The codes of the index-th source: a window of PER_SOURCE codes, sliding through 100-599."""
    start = (index * PER_SOURCE) % len(CODES)
    return sorted(CODES[(start + k) % len(CODES)] for k in range(PER_SOURCE))


def description(code: int) -> str:
    """Description text for a code."""
    return TEXT.format(code=code, other=200 if code != 200 else 404)


def as_table(codes: list[int], known: dict) -> str:
    """A three-column table with class rows."""
    lines = ["| Status Code | Meaning | Description |", "|---|---|---|"]
    digit = None
    for code in codes:
        if code // 100 != digit:
            digit = code // 100
            lines.append(f"| {digit}xx | {CLASSES[digit]} | |")
        lines.append(f"| {code} | {name_of(code, known)} | {description(code)} |")
    return "\n".join(lines) + "\n"


def as_backtick_table(codes: list[int], known: dict) -> str:
    """A table with codes in backticks and the name in bold at the start of the description."""
    lines = ["| Error code | Description |", "|:--|:--|"]
    lines += [f"|`{code}`|**{name_of(code, known)}:** {description(code)}|" for code in codes]
    return "\n".join(lines) + "\n"


def as_list(codes: list[int], known: dict, next_line: bool) -> str:
    """Class headings, then one bullet per code, the text after a colon or on the next line."""
    lines, digit = ["# Generated codes", ""], None
    for code in codes:
        if code // 100 != digit:
            digit = code // 100
            lines += ["", f"## {CLASSES[digit]}", ""]
        if next_line:
            lines += [f"- **{code} {name_of(code, known)}**  ", f"  {description(code)}", "  - **GET**: a nested note.", ""]
        else:
            lines.append(f"- **{code} {name_of(code, known)}**: {description(code)}")
    return "\n".join(lines) + "\n"


def as_sections(codes: list[int], known: dict) -> str:
    """A heading per code followed by paragraphs."""
    lines = ["# Generated codes", ""]
    for code in codes:
        lines += [f"### {code} {name_of(code, known)}", "", description(code), "", "A second paragraph.", ""]
    return "\n".join(lines)


def render(index: int, known: dict) -> str:
    """The index-th generated source, its shape chosen by the index."""
    codes = codes_for(index)
    shape = index % 5
    if shape == 0:
        return as_table(codes, known)
    if shape == 1:
        return as_backtick_table(codes, known)
    if shape in (2, 3):
        return as_list(codes, known, next_line=shape == 3)
    return as_sections(codes, known)


def generate(folder: Path, sources: int) -> Path:
    """Write the registry and `sources` generated documents into a fresh folder."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    shutil.copy(REGISTRY, folder / REGISTRY.name)
    known = names()
    for index in range(sources):
        (folder / f"generated-{index:04d}.md").write_text(render(index, known), encoding="utf-8")
    return folder


def merged_front_matter(size: int) -> str:
    """Front matter in which each mapping merges in the one before it (YAML's `<<`), then one entry."""
    lines = ["---", "m0: &m0 {k0: 0}"]
    while sum(len(line) + 1 for line in lines) < size:
        index = len(lines) - 1
        lines.append(f"m{index}: &m{index} {{<<: *m{index - 1}, k{index}: {index}}}")
    return "\n".join(lines + ["---", "", "- **404 Not Found**: Gone.", ""])


SIZE = 100 * 1024
PATHOLOGICAL = {
    "brackets": "[" * SIZE,
    "bracket lines": ("[" * 99 + "\n") * (SIZE // 100),
    "link openers and spaces": ("- **404 Not Found**: a](" + " " * 200 + "\n") * (SIZE // 230),
    "spaces": "- 404" + " " * SIZE + "x\n",
    "tabs and spaces": "### 404 Not" + " \t" * (SIZE // 2) + "Found\n",
    "entry-like prose": "Intro.\n" + " " * SIZE + "\n",
    "bold openers": "- **" * (SIZE // 4),
    "parentheses": "- **404 Not Found (" + "(" * SIZE + "**: x\n",
    "wiki notes": "- **404 Not Found**: x" + "[citation needed" * (SIZE // 16) + "\n",
    "html openers": "- **404 Not Found**: " + "<a " * (SIZE // 3) + "\n",
    "table cells": "| Code | Name |\n|---|---|\n" + "| 404 " + "|" * SIZE + "\n",
    "merged front matter": merged_front_matter(SIZE),
    "emoji before codes": ("### " + "✅" * 50 + " HTTP Error 404 Not Found 🫖\n\n- " + "🔍 " * 30 + "Status 410 → gone\n") * (SIZE // 330),
    "cell line breaks": "| Code | Name | Description |\n|---|---|---|\n| 404 | Not Found | " + "<br><" * (SIZE // 5) + " |\n",
    "empty headings": "- 404 Not Found: x\n\n  " + "#" * 3 + "\n  " + "## x\n  " * (SIZE // 8) + "\n",
    "alert markers": "- 404 Not Found: x\n\n  > [!NOTE]" + "[!" * (SIZE // 2) + "\n",
}


def normal_source(size: int = SIZE) -> str:
    """An ordinary source of about `size` bytes: a table of every code, its rows repeated under other codes' names."""
    known = names()
    rows = ["| Status Code | Meaning | Description |", "|---|---|---|"]
    code = 100
    while sum(len(r) + 1 for r in rows) < size:
        rows.append(f"| {code} | {name_of(code, known)} | {description(code)} |")
        code = code + 1 if code < 599 else 100
    return "\n".join(rows) + "\n"
