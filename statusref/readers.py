"""Readers: one per block shape that people write, chosen from READERS by the block's type."""
from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field

from markdown_it.token import Token

from .markup import markdown
from .model import ClassName, Entry, FormerName, Problem
from .text import clean_name, clean_text, strip_separator

MD = markdown()
CLASS_HEADING = re.compile(r"\b([1-5])xx\b", re.I)
CLASS_WORDS = ((1, "informational"), (2, "success"), (3, "redirect"), (4, "client"), (5, "server"))
ROLE_WORDS = {
    "former": ("former", "formerly", "old", "previous", "obsolete"),
    "code": ("code", "status", "number"),
    "description": ("description", "explanation", "details", "detail", "notes", "comment", "definition"),
    "reference": ("reference", "references", "spec", "specification", "rfc", "defined", "source"),
    "name": ("name", "reason", "meaning", "summary", "phrase", "title", "message"),
}
MAX_DEPTH = 40


@dataclass
class State:
    """What a reader knows while it walks one document."""

    path: str
    lines: list[str]
    records: list = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    class_digit: int | None = None
    class_level: int = 0
    class_line: int = 0
    section: tuple | None = None
    section_blocks: list = field(default_factory=list)

    def problem(self, line: int, message: str) -> None:
        """Record a problem at a 1-based line."""
        self.problems.append(Problem(self.path, line, message))

    def source_lines(self, start: int, end: int) -> str:
        """The source text between two 0-based line numbers."""
        return "\n".join(self.lines[start:end])


def read_markdown(path: str, text: str) -> tuple[list, list[Problem], str]:
    """Read one Markdown document: its records, its problems and its first heading."""
    state = State(path, text.split("\n"))
    tokens = MD.parse(text)
    check_depth(state, tokens)
    for block in top_level_blocks(tokens):
        if state.section and block[0].type != "heading_open":
            state.section_blocks.append(block)
            continue
        reader = READERS.get(block[0].type)
        if reader:
            reader(state, block)
    finish_section(state)
    return state.records, state.problems, first_heading(tokens)


def top_level_blocks(tokens: list[Token]):
    """Yield each top-level block as the list of its tokens."""
    start = 0
    depth = 0
    for index, token in enumerate(tokens):
        depth += token.nesting
        if depth == 0:
            yield tokens[start : index + 1]
            start = index + 1


def first_heading(tokens: list[Token]) -> str:
    """The text of a document's first heading, or an empty string."""
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            return inline_text(tokens[index + 1])
    return ""


def check_depth(state: State, tokens: list[Token]) -> None:
    """Report nesting deeper than the readers follow."""
    deep = next((t for t in tokens if t.level > MAX_DEPTH and t.map), None)
    if deep:
        state.problem(deep.map[0] + 1, f"lists nested more than {MAX_DEPTH // 2} levels deep; flatten them")


def inline_text(token: Token) -> str:
    """The plain text of an inline token: text and code spans, walked by type."""
    parts = []
    for child in token.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return " ".join("".join(parts).split())


def line_of(block: list[Token]) -> int:
    """The 1-based line where a block starts."""
    return block[0].map[0] + 1 if block[0].map else 0


# --- headings -------------------------------------------------------------


def read_heading(state: State, block: list[Token]) -> None:
    """A heading is a code section (`### 404 Not Found`), a class, or neither."""
    finish_section(state)
    level = int(block[0].tag[1])
    line = line_of(block)
    text = inline_text(block[1])
    lead = parse_lead(text)
    if lead and is_code(lead[0]):
        state.section = (int(lead[0]), lead[1], line, block[0].map[1])
        return
    digit = class_of(text)
    if digit:
        set_class(state, digit, level, line, text)
    elif lead and len(lead[0]) > 1 and code_like(lead[0]):
        report_bad_code(state, line, lead[0])
    elif level <= state.class_level:
        state.class_digit, state.class_level = None, 0


def set_class(state: State, digit: int, level: int, line: int, text: str) -> None:
    """Enter a class heading and record the name this source gives it."""
    state.class_digit, state.class_level, state.class_line = digit, level, line
    state.records.append(ClassName(digit, class_heading_name(text) or f"{digit}xx", line))


def class_heading_name(text: str) -> str:
    """A class heading without its number or label: `4xx - Client errors` -> `Client errors`."""
    rest = text.lstrip()
    digits = len(rest) - len(rest.lstrip("0123456789"))
    if digits and rest[digits : digits + 1] in (".", ")"):
        rest = rest[digits + 1 :]
    elif class_label(rest[:3]) and not (rest[3:4].isalnum() or rest[3:4] == "_"):
        rest = rest[3:]
    else:
        return text.strip()
    return strip_separator(rest).strip()


def class_of(text: str) -> int | None:
    """The class a heading or table row names (`4xx`, `Client Errors`), if any."""
    label = CLASS_HEADING.search(text)
    if label:
        return int(label.group(1))
    words = text.casefold()
    for digit, word in CLASS_WORDS:
        if word in words:
            return digit
    return None


def finish_section(state: State) -> None:
    """Turn a code heading and the blocks under it into an entry."""
    if not state.section:
        return
    code, raw_name, line, body_start = state.section
    blocks = state.section_blocks
    text = state.source_lines(body_start, blocks[-1][0].map[1]) if blocks else ""
    state.section, state.section_blocks = None, []
    add_entry(state, code, raw_name, text, line)


# --- entries --------------------------------------------------------------


def is_code(token: str) -> bool:
    """Whether a token is a status code: three ASCII digits from 100 to 599."""
    return len(token) == 3 and token.isascii() and token.isdigit() and token[0] in "12345"


def class_label(token: str) -> int | None:
    """The class digit of a label such as `4xx`, if the token is one."""
    return int(token[0]) if len(token) == 3 and token[0] in "12345" and token[1:].casefold() == "xx" else None


def code_like(token: str) -> bool:
    """Whether a token looks meant as a code: a digit, then ASCII letters and digits (`40A`, `4xx`)."""
    return token[:1].isdigit() and token.isascii() and token.isalnum()


def parse_lead(text: str) -> tuple[str, str] | None:
    """Split `404 Not Found`, `404: Not Found` or `` `404` - Not Found `` into the code-like token and the name."""
    body = text.strip()
    body = body[1:] if body.startswith("`") else body
    if not body[:1].isdigit():
        return None
    end = 0
    while end < len(body) and not body[end].isspace() and body[end] not in "`:":
        end += 1
    code, rest = body[:end], body[end + 1 :] if body[end : end + 1] == "`" else body[end:]
    after = rest.lstrip()
    if after[:1] and after[0] in ":-–—.":
        return code, after[1:].strip()
    if rest and not rest[0].isspace():
        return None
    return code, after.strip()


def report_bad_code(state: State, line: int, token: str) -> None:
    """Report a code cell or lead that is not a status code."""
    if token.isdigit():
        state.problem(line, f"{token} is not a status code: codes run from 100 to 599")
    elif class_label(token):
        state.problem(line, f"{token} is a class, not a status code; a class row has a class name and no description")
    else:
        state.problem(line, f"cannot read status code {token!r}: a code is three digits, 100 to 599")


def add_entry(state: State, code: int, raw_name: str, text: str, line: int, reference: str = "") -> None:
    """Clean an entry, check it against its class heading, and keep it."""
    name, qualifiers = clean_name(raw_name)
    text = clean_text(text)
    if not name and not any(q.casefold() == "unused" for q in qualifiers):
        state.problem(line, f"{code} has no name")
    if not text and not reference:
        state.problem(line, f"{code} has no description")
    if state.class_digit and state.class_digit != code // 100:
        state.problem(line, f"{code} is under the {state.class_digit}xx class heading on line {state.class_line}")
    state.records.append(Entry(code, name, qualifiers, text, line, reference))


# --- tables ---------------------------------------------------------------


def read_table(state: State, block: list[Token]) -> None:
    """A pipe table: columns found by their header words, rows read one by one."""
    rows = table_rows(block)
    roles = header_roles([inline_text(cell) for cell in rows[0][1]])
    if "code" not in roles:
        return
    if "former" in roles:
        read_former_rows(state, rows[1:], roles)
        return
    if not {"name", "description"} & roles.keys():
        state.problem(line_of(block), "table has a code column but no name or description column")
        return
    outer = state.class_digit, state.class_line
    for line, cells in rows[1:]:
        check_cell_count(state, line, len(rows[0][1]))
        read_table_row(state, line, cells, roles)
    state.class_digit, state.class_line = outer


def table_rows(block: list[Token]) -> list[tuple[int, list[Token]]]:
    """The rows of a table as (line, inline tokens of the cells)."""
    rows = []
    for token in block:
        if token.type == "tr_open":
            rows.append((token.map[0] + 1, []))
        elif token.type == "inline" and rows:
            rows[-1][1].append(token)
    return rows


def header_roles(headers: list[str]) -> dict[str, int]:
    """Map each column role (code, name, description, ...) to its column index."""
    roles: dict[str, int] = {}
    for index, header in enumerate(headers):
        role = header_role(header)
        if role and role not in roles:
            roles[role] = index
    return roles


def header_role(header: str) -> str | None:
    """The role of one header cell, from its words, forgiving typos (`Sumarary`)."""
    words = re.findall(r"[a-z]+", header.casefold())
    vocabulary = {word: role for role, known in ROLE_WORDS.items() for word in known}
    for role, known in ROLE_WORDS.items():
        if any(word in known for word in words):
            return role
    import difflib  # only for headers with a typo

    for role, known in ROLE_WORDS.items():
        for word in words:
            if len(word) <= 20 and difflib.get_close_matches(word, known, n=1, cutoff=0.75) and vocabulary.get(word, role) == role:
                return role
    return None


def check_cell_count(state: State, line: int, expected: int) -> None:
    """Report a row with more or fewer cells than its header."""
    raw = state.lines[line - 1].strip()
    if raw.startswith("|"):
        raw = raw[1:]
    if raw.endswith("|") and not raw.endswith("\\|"):
        raw = raw[:-1]
    count = len(re.split(r"(?<!\\)\|", raw))
    if count != expected:
        state.problem(line, f"row has {count} cells but the header has {expected}")


def cell(cells: list[Token], roles: dict[str, int], role: str) -> Token | None:
    """The cell of a row that plays a role, if the row has it."""
    index = roles.get(role)
    return cells[index] if index is not None and index < len(cells) else None


def read_table_row(state: State, line: int, cells: list[Token], roles: dict[str, int]) -> None:
    """One table row: a class row (`4xx | Client Errors`) or a code entry."""
    code = inline_text(cell(cells, roles, "code")).strip("*_ ")
    name_cell, text_cell = cell(cells, roles, "name"), cell(cells, roles, "description")
    name = name_cell.content if name_cell else ""
    text = text_cell.content if text_cell else ""
    reference_cell = cell(cells, roles, "reference")
    reference = inline_text(reference_cell) if reference_cell else ""
    digit = class_label(code)
    if digit and not text.strip() and (not name or class_of(name) == digit):
        state.class_digit, state.class_line = digit, line
        state.records.append(ClassName(digit, clean_text(name) or code, line))
        return
    if not code and not name.strip() and not text.strip():
        return
    if not is_code(code):
        report_bad_code(state, line, code or "(empty)")
        return
    bold = bold_lead(text)
    if bold and (bold[0].rstrip().endswith(":") or bold[1].lstrip().startswith(":")):
        if not name.strip():
            name = bold[0]
        text = bold[1].lstrip().lstrip(": ")
    add_entry(state, int(code), name, text, line, reference)


def read_former_rows(state: State, rows: list, roles: dict[str, int]) -> None:
    """Rows of a table of former names: code, former name, where it was used."""
    for line, cells in rows:
        code = inline_text(cell(cells, roles, "code"))
        former = cell(cells, roles, "former")
        note = cell(cells, roles, "reference")
        if not is_code(code):
            report_bad_code(state, line, code or "(empty)")
        elif former is not None and inline_text(former):
            name, _ = clean_name(inline_text(former).strip('"“”'))
            state.records.append(FormerName(int(code), name, inline_text(note) if note else "", line))


# --- lists ----------------------------------------------------------------


def read_list(state: State, block: list[Token]) -> None:
    """A list whose items lead with a code and name; nested items stay in the description."""
    for item in list_items(block):
        read_list_item(state, item)


def list_items(block: list[Token]) -> list[list[Token]]:
    """The items of a list, each as its tokens without the item's open and close."""
    items, depth, start = [], 0, 0
    for index, token in enumerate(block[1:-1], start=1):
        if depth == 0 and token.type == "list_item_open":
            start = index
        depth += token.nesting
        if depth == 0 and token.type == "list_item_close":
            items.append(block[start + 1 : index])
    return items


def read_list_item(state: State, item: list[Token]) -> None:
    """One item: an entry, a class with entries nested under it, or something else."""
    children = list(top_level_blocks(item))
    if not children or children[0][0].type != "paragraph_open":
        return
    line = line_of(children[0])
    lead, rest = split_lead(children[0][1].content)
    parsed = parse_lead(lead)
    if parsed and is_code(parsed[0]):
        text = join_description(state, rest, children[1:])
        add_entry(state, int(parsed[0]), parsed[1], text, line)
    elif not parsed and class_of(lead) and class_label(lead.split()[0] if lead.split() else ""):
        outer = state.class_digit, state.class_line
        state.class_digit, state.class_line = class_of(lead), line
        for nested in children[1:]:
            if nested[0].type in ("bullet_list_open", "ordered_list_open"):
                read_list(state, nested)
        state.class_digit, state.class_line = outer
    elif parsed and code_like(parsed[0]) and len(parsed[0]) > 1:
        report_bad_code(state, line, parsed[0])


def split_lead(content: str) -> tuple[str, str]:
    """Split an item's first paragraph into its lead (code and name) and the rest."""
    bold = bold_lead(content)
    if bold:
        lead, rest = bold[0].strip(), bold[1]
        after = rest.lstrip(" \t")
        if is_code(lead.strip("`")) and after and not after.startswith((":", "\n")):
            more, rest = plain_lead(after)
            lead = f"{lead} {more}"
    else:
        lead, rest = plain_lead(content)
        if is_code(lead.strip().strip("`")):
            more, after = plain_lead(strip_separator(rest))
            if strip_separator(after) != after.lstrip():
                lead, rest = f"{lead} {more}", after
    return lead.strip().rstrip(":").strip(), strip_separator(rest).strip()


def bold_lead(text: str) -> tuple[str, str] | None:
    """`**404 Not Found**: rest` split into the bold text and everything after it."""
    body = text.lstrip()
    marker = body[:2]
    close = body.find(marker, 3) if marker in ("**", "__") else -1
    return (body[2:close], body[close + 2 :]) if close > 0 else None


def plain_lead(content: str) -> tuple[str, str]:
    """Split at the first `: `, ` - ` or line end: the lead (code and name), and the rest from the separator."""
    text = content.lstrip()
    newline = text.find("\n")
    newline = len(text) if newline < 0 else newline
    run = None
    for index in range(len(text)):
        char = text[index]
        if char.isspace():
            run = index if run is None else run
            continue
        start = index if run is None else run
        colon = char == ":" and (index + 1 == len(text) or text[index + 1].isspace())
        dash = char in "-–—" and run is not None and index + 1 < len(text) and text[index + 1].isspace()
        if (colon or dash) and start <= newline:
            return text[:start], text[start:]
        if index >= newline:
            break
        run = None
    return text[:newline], text[newline:]


def join_description(state: State, rest: str, blocks: list[list[Token]]) -> str:
    """The description of a list entry: the rest of its line and its nested blocks."""
    parts = [rest] if rest else []
    for block in blocks:
        parts.append(textwrap.dedent(state.source_lines(block[0].map[0], block[0].map[1])))
    if not rest and len(blocks) == 1 and len(list_items(blocks[0])) == 1:
        parts = [drop_marker(textwrap.dedent(parts[0]))]
    return "\n\n".join(part.strip("\n") for part in parts)


def drop_marker(text: str) -> str:
    """A one-item list's text without its bullet or number."""
    body = text.lstrip()
    digits = len(body) - len(body.lstrip("0123456789"))
    if body[:1] in ("-", "*", "+"):
        rest = body[1:]
    elif digits and body[digits : digits + 1] in (".", ")"):
        rest = body[digits + 1 :]
    else:
        return text
    return rest.lstrip() if rest[:1].isspace() else text


# --- paragraphs -----------------------------------------------------------


def read_paragraph(state: State, block: list[Token]) -> None:
    """A loose paragraph is prose, unless a line looks like an entry that could not be read."""
    start, end = block[0].map
    lines = state.lines[start:end]
    if sum(line.lstrip().startswith("|") for line in lines) >= 2:
        state.problem(start + 1, "looks like a table but has no separator row (| --- | --- |) under its header; not read")
        return
    for offset, line in enumerate(lines):
        code = entry_like(line)
        if code:
            state.problem(start + offset + 1, f"looks like an entry for {code} but is not in a table, list or heading; not read")


def entry_like(line: str) -> str:
    """The code of a prose line that looks like an entry (`404 | Not Found`, `` `404`: gone ``), else ``."""
    body = line.lstrip().lstrip("|*_`>#-").lstrip()
    body = body[1:] if body.startswith("`") else body
    digits = len(body) - len(body.lstrip("0123456789"))
    if not 2 <= digits <= 4:
        return ""
    end = digits + (1 if body[digits : digits + 1].isascii() and body[digits : digits + 1].isalpha() else 0)
    code, rest = body[:end], body[end + 1 :] if body[end : end + 1] == "`" else body[end:]
    after = rest.lstrip()
    if after[:1] and after[0] in "|:*_–—-":
        return code
    return code if after[:1].isascii() and after[:1].isupper() and after != rest else ""


READERS = {
    "heading_open": read_heading,
    "table_open": read_table,
    "bullet_list_open": read_list,
    "ordered_list_open": read_list,
    "paragraph_open": read_paragraph,
}
