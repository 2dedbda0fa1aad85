"""Readers of documents with a role: protocol facts, a language's constants, a vendor's codes, a comparison.

Each reads the tables of its document (columns found by their header words) into records, with problems.
"""
from __future__ import annotations

from markdown_it.token import Token

from .leads import is_code
from .model import Comparison, Constant, Fact, Meaning, Problem
from .readers import MD, first_heading, inline_text, table_rows, top_level_blocks
from .text import shorten

COLUMNS = {
    "facts": {"code": ("code", "status"), "headers": ("headers", "header", "fields"), "content": ("content", "body"),
              "cacheable": ("cacheable", "cached", "caching"), "origin": ("defined", "origin", "section", "reference")},
    "constants": {"code": ("code", "status"), "name": ("constant", "name", "phrase", "identifier"),
                  "since": ("since", "added"), "before": ("before", "formerly", "former"), "note": ("note", "notes")},
    "vendor": {"code": ("code", "status"), "name": ("name", "phrase"), "text": ("meaning", "description", "means")},
}
NEEDED = {"facts": ("headers", "content", "cacheable", "origin"), "constants": ("name",), "vendor": ("name", "text")}
YES = {"yes": True, "no": False, "allowed": True, "never": False, "may": True}
NONE = ("", "—", "-", "–", "none")


def read_role(role: str, label: str, text: str) -> tuple[list, list[Problem], str]:
    """The records of a document read by its role, its problems and its first heading."""
    tokens = MD.parse(text)
    heading = first_heading(tokens)
    tables = [block for block in top_level_blocks(tokens) if block[0].type == "table_open"]
    if role == "comparison":
        records, problems = read_comparison(label, text, tokens, tables, heading)
        return records, problems, heading
    records, problems = [], []
    for block in tables:
        found, trouble = read_rows(role, label, table_rows(block))
        records += found
        problems += trouble
    if not records and not problems:
        problems.append(Problem(label, 1, f"no table of codes found: a {role} document needs a table with a Code column"))
    return records, problems, heading


def read_rows(role: str, label: str, rows: list[tuple[int, list[Token]]]) -> tuple[list, list[Problem]]:
    """The records of one table of a role document; a table without a code column is not read."""
    columns = match_columns(role, [inline_text(cell) for cell in rows[0][1]])
    if "code" not in columns:
        return [], []
    missing = [name for name in NEEDED[role] if name not in columns]
    if missing:
        return [], [Problem(label, rows[0][0], f"a {role} table needs a column for {', '.join(missing)}")]
    records, problems = [], []
    for line, cells in rows[1:]:
        values = {name: inline_text(cells[index]) if index < len(cells) else "" for name, index in columns.items()}
        record, trouble = ROW_READERS[role](line, values)
        if trouble:
            problems.append(Problem(label, line, trouble))
        elif record:
            records.append(record)
    return records, problems


def match_columns(role: str, headers: list[str]) -> dict[str, int]:
    """Each field of a role's table to the first column whose header has one of its words."""
    columns: dict[str, int] = {}
    for index, header in enumerate(headers):
        words = header.casefold().replace("-", " ").split()
        field = next((f for f, known in COLUMNS[role].items() if f not in columns and any(w in known for w in words)), None)
        if field:
            columns[field] = index
    return columns


def row_code(values: dict) -> tuple[int, str]:
    """The code of a row, or a problem saying why it has none."""
    cell = values["code"].strip("*_` ")
    if is_code(cell):
        return int(cell), ""
    return 0, f"{shorten(values['code'], 60)!r} is not a status code"


def read_fact(line: int, values: dict) -> tuple[Fact | None, str]:
    """One row of protocol facts: headers, content, cacheable by default, defined in."""
    code, trouble = row_code(values)
    content, cacheable = YES.get(values["content"].casefold()), YES.get(values["cacheable"].casefold())
    if trouble or content is None or cacheable is None:
        return None, trouble or f"{code}: content must be never or allowed, and cacheable yes or no"
    if not values["origin"]:
        return None, f"{code}: says nothing of where it is defined"
    return Fact(code=code, headers=split_headers(values["headers"]), content=content, cacheable=cacheable,
                origin=values["origin"], line=line), ""


def split_headers(cell: str) -> tuple[str, ...]:
    """Header names from a cell, split at commas outside parentheses: `Location, Link (rel, blocked-by)`."""
    if cell.casefold() in NONE:
        return ()
    parts, depth, start = [], 0, 0
    for index, char in enumerate(cell):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth <= 0:
            parts.append(cell[start:index])
            start = index + 1
    parts.append(cell[start:])
    return tuple(part.strip() for part in parts if part.strip())


def read_constant(line: int, values: dict) -> tuple[Constant | None, str]:
    """One row of a language's constants: the name, and since when and what it was called before."""
    code, trouble = row_code(values)
    name = values["name"].strip("`")
    if trouble or not name:
        return None, trouble or f"{code}: no constant given"
    optional = {key: values.get(key, "").strip("`") for key in ("since", "before", "note")}
    return Constant(code, name, line, **optional), ""


def read_meaning(line: int, values: dict) -> tuple[Meaning | None, str]:
    """One row of a vendor's codes: its name for the code and what it means."""
    code, trouble = row_code(values)
    if trouble or not (values["name"] or values["text"]):
        return None, trouble or f"{code}: neither a name nor a meaning"
    return Meaning(code, values["name"], values["text"], line), ""


ROW_READERS = {"facts": read_fact, "constants": read_constant, "vendor": read_meaning}


def read_comparison(label: str, text: str, tokens: list[Token], tables: list, heading: str) -> tuple[list, list[Problem]]:
    """A comparison: the codes in the Code column of its first table, its first heading, and its body after that."""
    rows = table_rows(tables[0]) if tables else []
    column = next((i for i, cell in enumerate(rows[0][1]) if inline_text(cell).casefold() == "code"), None) if rows else None
    if column is None:
        return [], [Problem(label, 1, "a comparison needs a table with a Code column")]
    codes, problems = [], []
    for line, cells in rows[1:]:
        cell = inline_text(cells[column]).strip("*_` ") if column < len(cells) else ""
        if is_code(cell) and int(cell) not in codes:
            codes.append(int(cell))
        elif not is_code(cell):
            problems.append(Problem(label, line, f"{shorten(cell, 60)!r} is not a status code"))
    lines = text.split("\n")
    opening = tokens[0] if tokens else None
    start = opening.map[1] if opening and opening.type == "heading_open" and opening.tag == "h1" and opening.map else 0
    blank = next((n for n in range(start, len(lines)) if lines[n].strip()), len(lines))
    body = "\n".join(lines[blank:]).rstrip()
    return [Comparison(tuple(codes), heading if start else "", body, blank + 1)], problems
