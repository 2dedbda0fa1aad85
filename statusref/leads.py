"""Leads: the code and name at the start of a heading, item, row or line, read with string methods in linear time."""
from __future__ import annotations

import unicodedata

from .text import strip_separator

PREFIX_WORDS = ("http", "error", "status")  # `HTTP 401`, `Error 403`, `Status 404`; `code` after one: `Status code 404`
SMALL_WORDS = ("a", "for")  # the lowercase words of names as writers spell them: `Unavailable for Legal Reasons`
NOT_FIRST = ("when", "but", "and", "or", "vs", "with", "in", "on", "after", "before", "while", "errors", "error",
             "responses", "response", "examples", "example", "handling", "explained", "codes")  # `## HTTP 404 Errors`
SYMBOL_KINDS = ("So", "Sk", "Sm", "Cf")  # emoji and other symbols, arrows, joiners


def is_code(token: str) -> bool:
    """Whether a token is a status code: three ASCII digits from 100 to 599."""
    return len(token) == 3 and token.isascii() and token.isdigit() and token[0] in "12345"


def class_label(token: str) -> int | None:
    """The class digit of a label such as `4xx`, if the token is one."""
    return int(token[0]) if len(token) == 3 and token[0] in "12345" and token[1:].casefold() == "xx" else None


def code_like(token: str) -> bool:
    """Whether a token looks meant as a code: a digit, then ASCII letters and digits (`40A`, `4xx`)."""
    return token[:1].isdigit() and token.isascii() and token.isalnum()


def decoration(char: str) -> bool:
    """Whether a character only decorates text: an emoji, a symbol or arrow, a joiner or variation selector."""
    return not char.isascii() and (unicodedata.category(char) in SYMBOL_KINDS or "\ufe00" <= char <= "\ufe0f" or char == "\u20e3")


def starts_with_code(text: str) -> bool:
    """Whether a text starts with a status code, in backticks or not, and no more digits or letters."""
    body = text[1:] if text.startswith("`") else text
    return is_code(body[:3]) and not (body[3:4].isalnum() or body[3:4] == "_")


def undecorated(text: str, words: bool = True, symbols: bool = True) -> str:
    """A lead without what writers put before its code: with `symbols`, emoji and symbols (`✅ 200 OK`); with
    `words`, words such as `HTTP`, `Error` or `Status code` (`HTTP 401 Unauthorized`, `HTTP/1.1 404`); the text as
    it is unless a code follows."""
    body, start = text.strip(), 0
    while symbols and start < len(body) and (decoration(body[start]) or body[start].isspace()):
        start += 1
    words = body[start:].split(None, 3) if words else []
    for taken in range(min(len(words), 3) + 1):
        prefix = words[:taken]
        if all(prefix_word(w.casefold().rstrip(":"), n) for n, w in enumerate(prefix)):
            rest = body[start:]
            for word in prefix:
                rest = rest[rest.index(word) + len(word) :].lstrip()
            if starts_with_code(rest):
                return rest
    return text


def prefix_word(word: str, index: int) -> bool:
    """Whether a word may stand before a code at `index` among such words: `HTTP`, `HTTP/1.1`, `Error`, `Status`,
    and `code` after one of them."""
    return word in PREFIX_WORDS or word.startswith("http/") or (index > 0 and word == "code")


def name_like(name: str) -> bool:
    """Whether words after a code read as a status name: none, or each word capitalised but a few small ones, and
    the first no word a title goes on with (`Not Found`, `Unavailable for Legal Reasons`; not `requests per
    minute`, `Bad Gateway on Nginx`, `When Uploading Files`, `Errors`)."""
    words = [w for w in name.split() if w[:1].isalpha()]
    first = words[0] if words else "A"
    return all(w[:1].isupper() or w in SMALL_WORDS for w in words) and first[:1].isupper() and first.casefold() not in NOT_FIRST


def undecorated_name(name: str, leading: bool = True) -> str:
    """A name without emoji and symbols after it (`I'm a teapot 🫖`) and, if `leading`, before it."""
    start, end = 0, len(name)
    while end and (decoration(name[end - 1]) or name[end - 1].isspace()):
        end -= 1
    while leading and start < end and (decoration(name[start]) or name[start].isspace()):
        start += 1
    return name[start:end]


def parse_lead(text: str, words: bool = False) -> tuple[str, str] | None:
    """Split `404 Not Found`, `404: Not Found` or `` `404` - Not Found `` into the code-like token and the name;
    emoji and symbols before a code are left out (`✅ 404 Not Found`), and with `words` (headings, code cells) words
    such as `HTTP` too, but only when a name follows as names are written (`HTTP 404 Not Found`; not `HTTP 404
    errors`, `🕐 100 requests per minute`)."""
    plain = undecorated(text, words=False)
    worded = undecorated(text) if words else plain
    for body in dict.fromkeys((worded, plain)):
        lead = split_code(body)
        if lead and (body == text.strip() or name_like(lead[1])):  # after emoji or words, only a name as names are
            return lead
    return split_code(text)


def split_code(text: str) -> tuple[str, str] | None:
    """Split a text that starts with a code-like token into the token and the name after it."""
    body = text.strip()
    body = body[1:] if body.startswith("`") else body
    if not body[:1].isdigit():
        return None
    end = 0
    while end < len(body) and not body[end].isspace() and body[end] not in "`:":
        end += 1
    code, rest = body[:end], body[end + 1 :] if body[end : end + 1] == "`" else body[end:]
    after = rest.lstrip()
    if after[:2] in ("->", "=>") or after[:1] == "→":
        return code, after.lstrip("-=>→").strip()
    if after[:1] and after[0] in ":-–—.":
        return code, after[1:].strip()
    if rest and not rest[0].isspace():
        return None
    return code, after.strip()


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
    """Split at the first `: `, ` - `, arrow (` → `, ` -> `) or line end: the lead (code and name), and the rest from
    the separator."""
    text = content.lstrip()
    newline = text.find("\n")
    newline = len(text) if newline < 0 else newline
    run, depth = None, 0
    for index in range(len(text)):
        char = text[index]
        if char.isspace():
            run = index if run is None else run
            continue
        depth += (char == "(") - (char == ")")
        start = index if run is None else run
        colon = char == ":" and (index + 1 == len(text) or text[index + 1].isspace())
        width = 2 if text[index : index + 2] in ("->", "=>") else 1
        arrow = (char == "→" or width == 2) and depth <= 0  # `(POST → GET)` is part of a name
        mark = arrow if char == "→" or width == 2 else char in "-–—"
        dash = mark and run is not None and index + width < len(text) and text[index + width].isspace()
        if (colon or dash) and start <= newline:
            return text[:start], text[start:]
        if index >= newline:
            break
        run = None
    return text[:newline], text[newline:]


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


def range_lead(text: str) -> bool:
    """Whether a text starts with a range of codes (`100 - 199`, `1xx-5xx`, `104-199`), which is no code."""
    return range_ends(text) is not None


def range_ends(text: str) -> tuple[str, str, str] | None:
    """The first and last code of a range a text starts with (`100-199`, `1xx to 5xx`; `200 range` is 200 to 200), and the text after it."""
    body = text.strip().strip("`*_")
    start = body[:3]
    if not (start.isascii() and (start.isdigit() or class_label(start))):
        return None
    rest = body[3:].lstrip(" `*_")
    if rest[:5] == "range" and not rest[5:6].isalpha():  # `200 range`, but not `416 Range Not Satisfiable`
        return start, start, rest[5:]
    if rest[:1] and rest[0] in "-–—":
        rest = rest[1:]
    elif rest[:3].casefold() == "to ":
        rest = rest[2:]
    else:
        return None
    rest = rest.lstrip(" `*_")
    end = rest[:3]
    return (start, end, rest[3:]) if (end.isascii() and end.isdigit()) or class_label(end) is not None else None
