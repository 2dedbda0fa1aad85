"""Readers: one per block shape that people write, chosen from READERS by the block's type."""
from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field

from markdown_it.token import Token

from .markup import markdown, plain_text
from .model import ClassName, Entry, FormerName, Problem
from .leads import (bold_lead, class_label, code_like, decoration, drop_marker, entry_like, is_code, parse_lead, range_ends, range_lead,
                    split_lead, undecorated, undecorated_name)
from .text import FLAG_WORDS, clean_name, clean_text, one_line, shorten, strip_separator, without_attributes

MD = markdown()
CLASS_HEADING = re.compile(r"\b([1-5])xx\b", re.I)
CLASS_WORDS = ((1, "informational"), (2, "success"), (3, "redirect"), (4, "client"), (5, "server"))
TROUBLE_WORDS = ("error", "fail", "fault", "issue", "problem", "mistake", "trouble", "side", "erreur", "fehler")
# in any word, as its start or not (`client-side`, `errores`, `Serverfehler`)
ROLE_WORDS = {  # a typo of one of these is forgiven (`Sumarary`)
    "former": ("former", "formerly", "old", "previous", "obsolete"),
    "code": ("code", "status", "number", "value"),
    "constant": ("constant", "constants", "enum", "symbol", "identifier"),
    "description": ("description", "explanation", "details", "detail", "notes", "note", "comment", "definition"),
    "reference": ("reference", "references", "spec", "specification", "rfc", "defined", "source"),
    "name": ("name", "reason", "meaning", "summary", "phrase", "title", "message", "text"),
}
OTHER_LANGUAGES = {  # Spanish, Portuguese, French, German and Italian headers, taken only as written: a typo of
    # `nom` or `nome` is as likely a row number's `No` or a `Home`
    "code": ("código", "codigo", "estado", "statuscode", "codice"),
    "description": ("descripción", "descripcion", "descrição", "descricao", "beschreibung", "descrizione", "explicación"),
    "name": ("nombre", "significado", "nome", "nom", "signification", "bedeutung", "significato", "mensaje", "mensagem"),
}
MAX_DEPTH = 40


@dataclass(frozen=True)
class Section:
    """A code heading whose blocks are being gathered as its description."""

    code: int
    name: str
    line: int
    body_start: int
    level: int
    also: tuple[int, ...] = ()  # the other codes of a heading of several (`### 301/308`), which share its text


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
    section: Section | None = None
    section_blocks: list = field(default_factory=list)
    stray: list[int] = field(default_factory=list)
    in_html: list[int] = field(default_factory=list)
    worded: bool = False  # whether headings of the document lead with words such as `HTTP` before their codes

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
    state.worded = worded_headings(tokens) >= 2
    for block in top_level_blocks(tokens):
        if state.section and not ends_section(state.section, block, state.worded):
            state.section_blocks.append(block)
            continue
        reader = READERS.get(block[0].type)
        if reader:
            reader(state, block)
    finish_section(state)
    report_stray(state)
    return state.records, state.problems, first_heading(tokens)


def worded_headings(tokens: list[Token]) -> int:
    """How many headings lead with words such as `HTTP` before a code and a name (`## HTTP 401 Unauthorized`): a
    document of several writes its codes so; a single one is a tutorial's title (`## Error 404 Handling`)."""
    count = 0
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            text = heading_text(tokens[index + 1])
            count += parse_lead(text, words=True) != parse_lead(text)
    return count


def ends_section(section: Section, block: list[Token], worded: bool) -> bool:
    """Whether a block ends a code's section: a heading as high as the code's, or one that leads with another code
    (`### HTTP 404 in Nginx` under `## 404 Not Found` is part of it); `worded`: as read_heading reads headings."""
    if block[0].type != "heading_open":
        return False
    lead = parse_lead(heading_text(block[1]), words=worded)
    return int(block[0].tag[1]) <= section.level or bool(lead and is_code(lead[0]) and int(lead[0]) != section.code)


def report_stray(state: State) -> None:
    """One warning for all the lines that look like entries but that no reader could take."""
    if state.stray:
        count = len(state.stray)
        what = "a line looks like an entry" if count == 1 else f"{count} lines look like entries (the first is here)"
        state.problem(state.stray[0], f"{what} but not in a table, list or heading; not read")
    if state.in_html:
        count = len(state.in_html)
        what = "a line of raw HTML looks like an entry" if count == 1 else f"{count} lines of raw HTML look like entries (the first is here)"
        state.problem(state.in_html[0], f"{what}, but HTML is not read: write codes as a Markdown table, list or headings")


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
            return heading_text(tokens[index + 1])
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


def heading_text(token: Token, links: bool = False) -> str:
    """A heading's text without decorations: a trailing attribute list (`{#id}`) or, unless `links`, trailing links."""
    segments, depth = [], 0
    for child in token.children or ():
        depth += {"link_open": 1, "link_close": -1}.get(child.type, 0)
        if child.type in ("text", "code_inline", "softbreak", "hardbreak"):
            segments.append((depth > 0, " " if child.type.endswith("break") else child.content))
    while not links and segments and segments[-1][0] and not all(linked for linked, _ in segments):
        segments.pop()
    return without_attributes(" ".join("".join(piece for _, piece in segments).split()))


def line_of(block: list[Token]) -> int:
    """The 1-based line where a block starts."""
    return block[0].map[0] + 1 if block[0].map else 0


# --- headings -------------------------------------------------------------


def read_heading(state: State, block: list[Token]) -> None:
    """A heading is a code section (`### 404 Not Found`), a class, or neither."""
    finish_section(state)
    level = int(block[0].tag[1])
    line = line_of(block)
    text = heading_text(block[1])
    lead = parse_lead(text, words=state.worded)
    if lead and is_code(lead[0]) and not lead[1]:  # `### 404 [Not Found](url)`, not `[MDN](url)`: a link as a name
        linked = parse_lead(heading_text(block[1], links=True), words=state.worded)
        name = linked[1] if linked else ""
        lead = linked if name[:1].isupper() and not any(c.isdigit() for c in name) and name.upper() != name else lead
    if lead and is_code(lead[0]) and not range_lead(text):
        state.section = Section(int(lead[0]), lead[1], line, block[0].map[1], level)
        return
    codes = lead[0].split("/") if lead and "/" in lead[0] else []
    if 1 < len(codes) <= 5 and all(map(is_code, codes)):  # `### 301/308`: one text for both, each with its own name
        state.section = Section(int(codes[0]), "", line, block[0].map[1], level, tuple(map(int, codes[1:])))
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
    state.records.append(ClassName(digit, one_line(class_heading_name(text)) or f"{digit}xx", line))


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


def letter_words(text: str) -> list[str]:
    """The runs of letters of a text, in any script: `Client-side` gives `Client` and `side`."""
    return "".join(c if c.isalpha() else " " for c in text).split()


def class_of(text: str, loose: bool = False) -> int | None:
    """The class a heading names (`4xx`, `Client Errors`), if any: by its label or its word, client and server only
    beside a word of trouble (`Errors caused by the client`; `Server Response Codes` and `A guide for API clients`
    name none); `loose`, a header cell of a table of classes, by its word alone (`Client`)."""
    label = CLASS_HEADING.search(text)
    if label:
        return int(label.group(1))
    folded = text.casefold()
    if loose:
        return next((digit for digit, word in CLASS_WORDS if word in folded), None)
    words = letter_words(folded)
    trouble = len(words) == 1 or any(t in w for w in words for t in TROUBLE_WORDS)  # `Server errors`, `## Server`;
    # not `Server Response Codes`
    for digit, stem in CLASS_WORDS:
        if digit < 4 and stem in folded or digit >= 4 and trouble and any(w.startswith(stem) for w in words):
            return digit
    return None


def finish_section(state: State) -> None:
    """Turn a code heading and the blocks under it into an entry."""
    if not state.section:
        return
    section, blocks = state.section, state.section_blocks
    text = state.source_lines(section.body_start, blocks[-1][0].map[1]) if blocks else ""
    state.section, state.section_blocks = None, []
    for code in (section.code, *section.also):
        add_entry(state, code, section.name, text, section.line)


# --- entries --------------------------------------------------------------


def report_bad_code(state: State, line: int, token: str) -> None:
    """Report a code cell or lead that is not a status code; a range of codes is none, and no mistake."""
    if range_lead(token):
        return
    shown = shorten(token, 60)
    if token.isdigit():
        state.problem(line, f"{shown} is not a status code: codes run from 100 to 599")
    elif class_label(token):
        state.problem(line, f"{shown} is a class, not a status code; a class row has a class name and no description")
    else:
        state.problem(line, f"cannot read status code {shown!r}: a code is three digits, 100 to 599")


def add_entry(state: State, code: int, raw_name: str, text: str, line: int, reference: str = "") -> None:
    """Clean an entry, check it against its class heading, and keep it."""
    entry = entry_of(code, raw_name, text, line, reference)
    if not entry.name and not entry.text and not entry.qualifiers:
        state.problem(line, f"{code} has neither a name nor a description")
    if state.class_digit and state.class_digit != code // 100:
        state.problem(line, f"{code} is under the {state.class_digit}xx class heading on line {state.class_line}")
    state.records.append(entry)


def entry_of(code: int, raw_name: str, text: str, line: int, reference: str = "") -> Entry:
    """An entry with its name split from its qualifiers (`Locked (WebDAV)`) and a cited RFC kept as its reference."""
    raw_name = undecorated_name(raw_name)
    name, qualifiers = clean_name(plain_text(raw_name) if any(c in raw_name for c in "[*_`<&\\") else raw_name)
    name, badges = trailing_flags(name)
    if badges:  # `Gone (Obsolete) Deprecated`: the name before the badge may end in its own qualifiers
        name, before = clean_name(name)
        qualifiers += before + badges
    if ("_" in name and " " not in name) or raw_name.strip()[:1] == "`" == raw_name.strip()[-1:]:
        name = ""  # a constant such as NOT_FOUND or `ValidationError`, not a name
    kinds = [(qualifier_kind(q), q) for q in qualifiers]
    cited, notes = [q for k, q in kinds if k == "cited"], [q for k, q in kinds if k == "note"]
    text = clean_text(text) or "; ".join(n for n in notes if any(c.isalnum() for c in n))
    kept: dict[str, str] = {}
    for kind, qualifier in kinds:
        if kind == "kept":
            kept.setdefault(qualifier.casefold(), qualifier)  # each once, as first written
    return Entry(code, name, tuple(kept.values()), text, line, reference or ", ".join(cited))


def trailing_flags(name: str) -> tuple[str, tuple[str, ...]]:
    """A name without the flag words written after it as a badge (`Use Proxy **Deprecated**`), and those flags."""
    words, flags = name.split(), []
    while len(words) > 1 and words[-1].casefold() in FLAG_WORDS:
        flags.insert(0, words.pop())
        while len(words) > 1 and not undecorated_name(words[-1]):  # `Processing ⚠️ Deprecated`
            words.pop()
    return (" ".join(words), tuple(flags)) if flags else (name, ())


def qualifier_kind(qualifier: str) -> str:
    """What a parenthesis after a name is: a cited RFC, a flag or extension (`WebDAV`) to keep, or a note."""
    if qualifier[:3].casefold() == "rfc":
        return "cited"
    if qualifier[:1].isupper() or qualifier[:1].isdigit() or qualifier.casefold() in FLAG_WORDS:
        return "kept"
    return "note"


# --- tables ---------------------------------------------------------------


def read_table(state: State, block: list[Token]) -> None:
    """A pipe table: columns found by their header words, rows read one by one."""
    rows = table_rows(block)
    headers = [inline_text(cell) for cell in rows[0][1]]
    roles = header_roles(headers)
    if "code" not in roles:
        return read_grid(state, rows) if headers and all(class_of(h, loose=True) for h in headers if h) else None
    named = "name" not in roles and "cod" in headers[roles["code"]].casefold()  # `Status code`, `Código`; not `Value`
    if not any(meant_as_code(text) or (named and code_and_name(text)) for text in map(code_text, column(rows, roles["code"]))):
        return  # a table of something else, whose column happens to be called code or value
    if "former" in roles:
        read_former_rows(state, rows[1:], roles)
        return
    if "name" not in roles and "description" in roles and headers[roles["code"]].casefold() == "value" \
            and names_column(column(rows, roles["description"])):
        roles["name"] = roles.pop("description")  # the registry's own `Value | Description`: a description that is a name
    status = next((i for i, h in enumerate(headers) if i not in roles.values() and "status" in h.casefold().split()), None)
    if "name" not in roles and status is not None and names_column(column(rows, status)):
        roles["name"] = status  # `Code | Status | Description`: a status column of names, when no other names
    if not {"name", "description"} & roles.keys():
        state.problem(line_of(block), "table has a code column but no name or description column")
        return
    outer = state.class_digit, state.class_line
    for line, cells in rows[1:]:
        if read_table_row(state, line, cells, roles):
            check_cell_count(state, line, len(rows[0][1]))
    state.class_digit, state.class_line = outer


def code_text(token: Token) -> str:
    """A code cell's text without emphasis, words such as `HTTP` before its code or emoji after it (`` `200` ✅ ``);
    emoji before it make a state (`✅ 200` in a column of test results), not a code."""
    return undecorated_name(undecorated(inline_text(token), symbols=False), leading=False).strip("*_ ")


def names_column(cells: list[Token]) -> bool:
    """Whether a column holds names (`Not Found`), not sentences or states: every cell short, without commas or
    emoji, most of them different and with every longer word capitalised, and some of more than one word."""
    texts = [text for text in map(inline_text, cells) if text.strip()]
    titled = [t for t in texts if any(c.isalpha() for c in t) and all(w[:1].isupper() for w in t.split() if len(w) > 3 and w.isalpha())]
    distinct = len(set(texts)) * 5 >= len(texts) * 4  # names differ from row to row; states (`Done`, `✅`) repeat
    plain = all(looks_like_name(t) and "," not in t and not any(map(decoration, t)) for t in texts)
    several = any(len(t.split()) > 1 for t in texts)  # `Not Found`: states are single words (`Planned`, `Healthy`)
    return bool(texts) and distinct and plain and several and len(titled) * 5 >= len(texts) * 4


def code_and_name(cell: str) -> tuple[str, str] | None:
    """The code and name a cell holds (`404 Not Found`), if it holds both, not a code and words about it (`404 or 410`)."""
    lead = parse_lead(cell) if " " in cell else None
    return lead if lead and is_code(lead[0]) and lead[1][:1].isupper() and not any(c.isdigit() for c in lead[1]) else None


def meant_as_code(cell: str) -> bool:
    """Whether a cell holds a code, a class, or three characters meant as a code (`40A`)."""
    return is_code(cell) or bool(class_label(cell)) or (len(cell) == 3 and code_like(cell)) or range_lead(cell)


def column(rows: list[tuple[int, list[Token]]], index: int) -> list[Token]:
    """The cells of one column, under the header."""
    return [cells[index] for _, cells in rows[1:] if index < len(cells)]


def read_grid(state: State, rows: list[tuple[int, list[Token]]]) -> None:
    """A table with a class in each header cell and `404 Not Found` in the cells under it."""
    for line, cells in rows[1:]:
        for cell_token in cells:
            lead = parse_lead(inline_text(cell_token), words=True)
            if lead and is_code(lead[0]):
                add_entry(state, int(lead[0]), lead[1], "", line)


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
    """Map each column role (code, name, description, ...) to its column index; a role goes to its first column."""
    roles: dict[str, int] = {}
    for index, header in enumerate(headers):
        role = next((r for r in header_candidates(header) if r not in roles), None)
        if role:
            roles[role] = index
    return roles


def header_candidates(header: str) -> list[str]:
    """The roles one header cell could play, most likely first, forgiving typos (`Sumarary`)."""
    words = letter_words(header.casefold())
    found = [role for role, known in ROLE_WORDS.items() if any(w in known or w in OTHER_LANGUAGES.get(role, ()) for w in words)]
    if found:
        return found
    import difflib  # only for headers with a typo

    vocabulary = {word: role for role, known in ROLE_WORDS.items() for word in known}
    return [
        role for role, known in ROLE_WORDS.items()
        for word in words
        if len(word) <= 20 and difflib.get_close_matches(word, known, n=1, cutoff=0.75) and vocabulary.get(word, role) == role
    ][:1]


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


def read_table_row(state: State, line: int, cells: list[Token], roles: dict[str, int]) -> bool:
    """One table row: a class row (`4xx | Client Errors`), a code entry, or neither; whether it was an entry."""
    code = code_text(cell(cells, roles, "code"))
    name_cell, text_cell = cell(cells, roles, "name"), cell(cells, roles, "description")
    name = name_cell.content if name_cell else ""
    both = None if name_cell else code_and_name(code)
    if both:  # `| 404 Not Found | text |`: the code cell holds the name too
        code, name = both
    text = cell_breaks(text_cell.content) if text_cell else ""
    reference_cell = cell(cells, roles, "reference")
    reference = inline_text(reference_cell) if reference_cell else ""
    digit = class_label(code)
    if digit and (not name or class_of(name, loose=True) == digit or not text.strip()):
        state.class_digit, state.class_line = digit, line
        state.records.append(ClassName(digit, one_line(clean_text(name)) or code, line, clean_text(text)))
        return False
    if (not code and not name.strip() and not text.strip()) or name.strip("*_ ").casefold() == "unassigned":
        return False
    if not is_code(code):
        report_bad_code(state, line, code or "(empty)")
        return not range_lead(code)
    bold = bold_lead(text)
    if bold and (bold[0].rstrip().endswith(":") or bold[1].lstrip().startswith(":")):
        if not name.strip():
            name = bold[0]
        text = bold[1].lstrip().lstrip(": ")
    add_entry(state, int(code), name, text, line, reference)
    return True


def cell_breaks(text: str) -> str:
    """A cell's text with its `<br>` tags, the one way to break a line in a table cell, as line breaks; but those
    in code spans (`` `<br>` ``), and one that ends the cell, which breaks nothing."""
    if "<" not in text:
        return text
    spans = text.split("`")
    for index in range(0, len(spans), 2):  # outside code spans
        spans[index] = breaks_in(spans[index])
    joined = "`".join(spans)
    return joined[:-2].rstrip() if joined.endswith("\\\n") else joined


def breaks_in(text: str) -> str:
    """Text with each `<br>`, `<br/>` or `<br />` made a line break (a backslash at the end of a line)."""
    parts, start, at = [], 0, text.find("<")
    while at >= 0:
        tag = next((t for t in ("<br>", "<br/>", "<br />") if text[at : at + len(t)].lower() == t), "")
        if tag:
            parts.append(text[start:at].rstrip(" ") + "\\\n")
            start = at + len(tag)
        at = text.find("<", at + 1)
    return "".join(parts) + text[start:].lstrip(" ") if parts else text


def read_former_rows(state: State, rows: list, roles: dict[str, int]) -> None:
    """Rows of a table of former names: code, former name, where it was used."""
    for line, cells in rows:
        code = code_text(cell(cells, roles, "code"))
        former = cell(cells, roles, "former")
        note = cell(cells, roles, "reference")
        if not is_code(code):
            report_bad_code(state, line, code or "(empty)")
        elif former is not None and inline_text(former):
            name, _ = clean_name(inline_text(former).strip('"“”'))
            state.records.append(FormerName(int(code), name, inline_text(note) if note else "", line))


# --- lists ----------------------------------------------------------------


def read_list(state: State, block: list[Token]) -> None:
    """A list whose items lead with a code and name; nested items stay in the description. A list of other numbers
    is none: of ports (each a number and one word, a third of them under 100, though `443` could be a code), or
    of years (every number of four digits or more)."""
    items = list_items(block)
    leads = [lead for lead in map(item_number, items) if lead]
    numbers = [number for number, _ in leads]
    ports = all(len(name.split()) == 1 for _, name in leads) and sum(len(n) < 3 for n in numbers) * 3 > len(numbers)
    if len(numbers) >= 3 and (ports or all(len(n) > 3 for n in numbers)):
        return
    for item in items:
        read_list_item(state, item)


def item_number(item: list[Token]) -> tuple[str, str] | None:
    """The number an item leads with and all the text after it (`- 443: HTTPS`), if it leads with one."""
    if len(item) < 2 or item[0].type != "paragraph_open":
        return None
    parsed = parse_lead(item[1].content)
    return parsed if parsed and parsed[0].isascii() and parsed[0].isdigit() else None


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
    """One item: an entry, a class or range with entries nested under it, or something else."""
    children = list(top_level_blocks(item))
    if not children or children[0][0].type != "paragraph_open":
        return
    line = line_of(children[0])
    content = children[0][1].content
    lead, rest = split_lead(content)
    group = group_of(content, lead, rest)
    if group:
        return read_group(state, *group, children[1:], line)
    parsed = parse_lead(lead)
    if parsed and is_code(parsed[0]):
        name = parsed[1]
        if not name and len(children) == 1:
            name, rest = name_after_separator(rest)
        add_entry(state, int(parsed[0]), name, join_description(state, rest, children[1:]), line)
    elif parsed and code_like(parsed[0]) and len(parsed[0]) > 1:
        report_bad_code(state, line, parsed[0])


def name_after_separator(rest: str) -> tuple[str, str]:
    """A name and its text from what follows a code and a separator (`- 200 -> OK (e.g. GET -> HEAD)`): all of it
    when it reads as a name, the words before a closing parenthesis when they do, else no name."""
    if looks_like_name(rest):
        return rest, ""
    head, paren, tail = rest.partition(" (")
    if paren and tail.rstrip().endswith(")") and looks_like_name(head):
        return head, tail.rstrip()[:-1]
    return "", rest


def group_of(content: str, lead: str, rest: str) -> tuple[int, str] | None:
    """The class and name of an item (its text, split into lead and rest) that heads a group of codes: `4xx - Client
    errors` and `400-499 - Client errors` give (4, "Client errors"); a range over several classes, `1xx-5xx`, class 0."""
    ends = range_ends(content)
    if ends:
        start, end, after = ends
        return int(start[0]) if start[0] == end[0] else 0, strip_separator(after.lstrip("`*_ ")).strip()
    words = lead.split()
    label = class_label(words[0].strip("`*_")) if words else None
    return (label, rest) if label else None


def read_group(state: State, digit: int, rest: str, blocks: list[list[Token]], line: int) -> None:
    """A class or range item: its name, then the lists nested under it, read within that class (none for class 0)."""
    if digit and rest and looks_like_name(rest):
        state.records.append(ClassName(digit, one_line(clean_text(rest)), line))
    outer = state.class_digit, state.class_line
    state.class_digit, state.class_line = digit or None, line
    for nested in blocks:
        if nested[0].type in ("bullet_list_open", "ordered_list_open"):
            read_list(state, nested)
    state.class_digit, state.class_line = outer


def looks_like_name(text: str) -> bool:
    """Whether the text after a code is a name (`Not Found`) rather than a sentence of description."""
    words = text.split()
    plain = "`" not in text and "\n" not in text.strip() and ". " not in text
    return 0 < len(words) <= 6 and plain and not text.rstrip().endswith((".", "!", "?", ":", ";", ","))


def join_description(state: State, rest: str, blocks: list[list[Token]]) -> str:
    """The description of a list entry: the rest of its line and its nested blocks.

    A single nested item is the description itself, also when it starts with `: ` as definitions do.
    """
    texts = [textwrap.dedent(state.source_lines(block[0].map[0], block[0].map[1])) for block in blocks]
    if not rest and blocks and blocks[0][0].type.endswith("list_open") and len(list_items(blocks[0])) == 1:
        texts[0] = strip_definition_mark(drop_marker(texts[0]))
    return "\n\n".join(part.strip("\n") for part in ([rest] if rest else []) + texts)


def strip_definition_mark(text: str) -> str:
    """A definition without its leading `:` (or `~`) mark."""
    body = text.lstrip()
    return body[1:].lstrip(" \t") if body[:1] in (":", "~") and body[1:2] in (" ", "\t", "\n") else text


def read_deflist(state: State, block: list[Token]) -> None:
    """A definition list: each term a code and name (`404 Not Found`), its definitions the description."""
    terms: list[tuple[Token, int, list[str]]] = []
    start = 0
    for index, token in enumerate(block):
        if token.level != 1:
            continue
        if token.type == "dt_open":
            terms.append((block[index + 1], token.map[0] + 1, []))
        elif token.type == "dd_open":
            start = index
        elif token.type == "dd_close" and terms:
            terms[-1][2].append(definition_text(state, block[start + 1 : index]))
    for term, line, definitions in terms:
        lead = parse_lead(heading_text(term))
        if lead and is_code(lead[0]):
            add_entry(state, int(lead[0]), lead[1], "\n\n".join(d for d in definitions if d), line)


def definition_text(state: State, inner: list[Token]) -> str:
    """The source text of one definition, without its `:` mark."""
    maps = [token.map for token in inner if token.map]
    if not maps:
        return ""
    lines = state.lines[maps[0][0] : max(end for _, end in maps)]
    return (strip_definition_mark(lines[0]) + "\n" + textwrap.dedent("\n".join(lines[1:]))).strip()


# --- paragraphs -----------------------------------------------------------


def read_paragraph(state: State, block: list[Token]) -> None:
    """Prose, or lines of `404 | Not Found` under `4XX CLIENT ERROR`; a line that only looks like an entry is noted."""
    start, end = block[0].map
    lines = state.lines[start:end]
    if sum(line.lstrip().startswith("|") for line in lines) >= 2:
        state.problem(start + 1, "looks like a table but has no separator row (| --- | --- |) under its header; not read")
        return
    outer = state.class_digit, state.class_line
    for number, line in enumerate(lines, start=start + 1):
        words = line.split()
        entry = pipe_entry(line)
        if words and class_label(words[0]) and "|" not in line:
            state.class_digit, state.class_line = class_label(words[0]), number
        elif entry:
            add_entry(state, int(entry[0]), entry[1], "", number)
        elif entry_like(line) and not range_lead(line.lstrip(" -*`|")):
            state.stray.append(number)
        elif line.lstrip().startswith("<") and entry_like(without_tags(line)):
            state.in_html.append(number)
    state.class_digit, state.class_line = outer


def without_tags(line: str) -> str:
    """A line of raw HTML with each tag made a space: `<td>404</td><td>Not Found</td>` -> ` 404  Not Found `."""
    parts, start = [], 0
    at = line.find("<")
    while at >= 0:
        close = line.find(">", at)
        if close < 0:
            break
        parts.append(line[start:at] + " ")
        start = close + 1
        at = line.find("<", start)
    return "".join(parts) + line[start:]


def pipe_entry(line: str) -> tuple[str, str] | None:
    """A line `404 | Not Found`, without table pipes around it: the code and the name."""
    cells = [cell.strip() for cell in line.split("|")]
    if len(cells) != 2 or not is_code(cells[0].strip("`*")) or not cells[1]:
        return None
    return cells[0].strip("`*"), cells[1]


READERS = {
    "heading_open": read_heading,
    "table_open": read_table,
    "bullet_list_open": read_list,
    "ordered_list_open": read_list,
    "paragraph_open": read_paragraph,
    "dl_open": read_deflist,
}
