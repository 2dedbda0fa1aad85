"""Text helpers: decoding source bytes, repairing encoding, cleaning names. Linear time on any input."""
from __future__ import annotations

import functools
import re

FLAG_WORDS = {
    "deprecated": "deprecated",
    "experimental": "experimental",
    "unused": "unused",
    "obsoleted": "obsoleted",
    "obsolete": "obsoleted",
    "unofficial": "unofficial",
    "non-standard": "unofficial",
    "nonstandard": "unofficial",
}
WIKI_NOTES = {"citation needed", "clarification needed", "according to whom?"}
MULTI_SPACE = re.compile(r"[ \t]{2,}")
MOJIBAKE_HINTS = re.compile("[ÂÃâ€™Å¢]")
SENTENCE_END = re.compile(r"(?<=[a-z0-9)\"'][.!?])\s+(?=[A-Z\"'])")
SEPARATORS = ":-–—→"
NOT_LETTERS = re.compile("[^0-9a-z]+")
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))  # embeddings,
# overrides, isolates: one left open in a name reverses what follows it on the line (`Notes \u202e` in a list of sources)
CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")  # what HTML cannot show: C0 but tab, LF, FF, CR; DEL; C1


def decode(data: bytes) -> tuple[str, int, str]:
    """Decode source bytes; return text, the line of any trouble, and what it was."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
        odd = "; its last byte is incomplete" if len(data) % 2 else ""
        return text, 1, f"encoded as UTF-16; read it, but save it as UTF-8{odd}"
    if b"\x00" in data[:8192]:
        return "", 1, "binary file, not text; skipped"
    try:
        return data.decode("utf-8-sig"), 0, ""
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
    try:
        return data.decode("cp1252"), line, "not UTF-8; read as Windows-1252 (Latin-1), save it as UTF-8"
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace"), line, "invalid UTF-8 bytes, replaced with U+FFFD"


def normalise(text: str) -> str:
    """Unify line endings and repair mojibake such as `â€™`."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.isascii() or not MOJIBAKE_HINTS.search(text):
        return text
    import ftfy  # only when the text shows signs of mojibake: it is slow to import

    return ftfy.fix_text(text, unescape_html=False, uncurl_quotes=False)


def shown(name: str) -> str:
    """A file name as text, with bytes that are not UTF-8 and characters that do not print shown as escapes."""
    text = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return text if text.isprintable() else "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)


def first_three(parts: list[str]) -> str:
    """The first three of some parts, joined, and how many more there are."""
    return ", ".join(parts[:3]) + (f" and {len(parts) - 3} more" if len(parts) > 3 else "")


def drop_controls(text: str) -> tuple[str, int]:
    """Text without the control characters HTML cannot show (ESC, BEL, backspace...), and the line of the first; 0 if none."""
    found = CONTROLS.search(text)
    if not found:
        return text, 0
    return CONTROLS.sub("", text), text.count("\n", 0, found.start()) + 1


def drop_wiki_notes(text: str) -> str:
    """Drop wiki leftovers such as `[citation needed]` and `[12]`, with the spaces before them."""
    if "[" not in text:
        return text
    kept, start = [], 0
    at = text.find("[")
    while at >= 0:
        close = text.find("]", at + 1, at + 24)
        if close > 0 and wiki_note(text[at + 1 : close]) and not linked(text, close + 1):
            kept.append(text[start:at].rstrip(" \t\n"))
            start = close + 1
        at = text.find("[", at + 1)
    kept.append(text[start:])
    return "".join(kept)


def wiki_note(inner: str) -> bool:
    """Whether the text between brackets is a wiki note: `citation needed`, or a footnote number `12`."""
    return inner.casefold() in WIKI_NOTES or (inner.isdigit() and len(inner) <= 3 and inner.isascii())


def linked(text: str, after: int) -> bool:
    """Whether bracketed text ending before `after` is a link's text: `[403](#403-forbidden)` or `[404][gone]`, but
    not a note followed by another (`[1][2]`)."""
    if text[after : after + 1] == "(":
        return True
    close = text.find("]", after + 1, after + 25) if text[after : after + 1] == "[" else -1
    return close > 0 and not wiki_note(text[after + 1 : close])


def clean_text(text: str) -> str:
    """Drop wiki leftovers and runs of inner spaces from Markdown text."""
    lines = []
    for line in drop_wiki_notes(text).split("\n"):
        body = line.lstrip(" \t")
        lines.append(line[: len(line) - len(body)] + MULTI_SPACE.sub(" ", body.rstrip()))
    return "\n".join(lines).strip()


def one_line(text: str) -> str:
    """Text shown on one line among others (a name, a title) without bidirectional controls, which would reorder
    the text after it."""
    return text.translate(BIDI_CONTROLS)


def clean_name(raw: str) -> tuple[str, tuple[str, ...]]:
    """Split a raw name into the name and its qualifiers: `Locked (WebDAV)`."""
    name = one_line(clean_text(raw)).strip(" *_`:.-–—\t")
    qualifiers: list[str] = []
    end = len(name)
    while end and name[end - 1] == ")":
        start = name.rfind("(", 0, end - 1)
        inner = name[start + 1 : end - 1]
        if start < 0 or ")" in inner:
            break
        qualifiers.append(inner.strip())
        end = start
        while end and name[end - 1] in " :-–—\t":
            end -= 1
    name = name[:end].strip(" *_`:.-–—\t")
    qualifiers.reverse()
    if name.casefold() in FLAG_WORDS:
        qualifiers.insert(0, name)
        name = ""
    return name, tuple(q for q in qualifiers if q)


def split_qualifiers(qualifiers: tuple[str, ...]) -> tuple[set[str], list[str]]:
    """Sort qualifiers into known flags and extension names (WebDAV)."""
    flags = {FLAG_WORDS[q.casefold()] for q in qualifiers if q.casefold() in FLAG_WORDS}
    extensions = [q for q in qualifiers if q.casefold() not in FLAG_WORDS]
    return flags, extensions


@functools.lru_cache(maxsize=1 << 16)  # a merge asks for the same few names hundreds of thousands of times
def name_key(name: str) -> str:
    """A name reduced to lower-case letters and digits."""
    return NOT_LETTERS.sub("", name.casefold())


ABBREVIATIONS = {"e.g.", "i.e.", "etc.", "vs.", "cf.", "approx.", "no."}  # a sentence ends at . ! or ?, never at a comma


def first_sentence(plain: str, limit: int = 160) -> str:
    """The first sentence of a description's plain text, at most `limit` characters; `e.g.` ends none."""
    sentence = plain
    for end in SENTENCE_END.finditer(plain):
        word = plain[plain.rfind(" ", 0, end.start()) + 1 : end.start()]
        if word.casefold().lstrip("(") not in ABBREVIATIONS:
            sentence = plain[: end.start()]
            break
    if len(sentence) > limit:
        sentence = sentence[: limit - 1].rsplit(" ", 1)[0] + "…"
    return sentence


def strip_separator(text: str) -> str:
    """Text without a leading separator such as `:`, `-` or an arrow (`→`, `->`) and the spaces around it."""
    text = text.lstrip()
    if text[:2] in ("->", "=>"):
        return text[2:].lstrip()
    return text[1:].lstrip() if text[:1] and text[0] in SEPARATORS else text


FLAG_MACROS = {"deprecated_inline": " (Deprecated)", "experimental_inline": " (Experimental)", "non-standard_inline": " (Non-standard)"}
FLAG_HEADERS = {"{{deprecated_header": "deprecated", "{{seecompattable": "experimental", "{{non-standard_header": "non-standard"}


def header_flags(text: str) -> tuple[str, ...]:
    """The flags a page's banner macros give the one code it is about (`{{Deprecated_Header}}`)."""
    folded = text.casefold()
    return tuple(flag for mark, flag in FLAG_HEADERS.items() if mark in folded)


def drop_macros(text: str) -> tuple[str, int, int]:
    """Template macros (`{{...}}`, `{% ... %}`) outside code replaced by their human text; how many, the first line."""
    lines = text.split("\n")
    fence, count, first = "", 0, 0
    for index, line in enumerate(lines):
        mark = line.lstrip()[:3]
        if fence or mark in ("```", "~~~"):
            fence = "" if mark == fence else (fence or mark)
            continue
        if "{{" in line or "{%" in line:
            parts = line.split("`")
            found = 0
            for at in range(0, len(parts), 2):  # even parts are outside code spans
                parts[at], more = macros_in(parts[at])
                found += more
            if found:
                lines[index] = "`".join(parts)
                count, first = count + found, first or index + 1
    return "\n".join(lines), count, first


def macros_in(text: str) -> tuple[str, int]:
    """One stretch of text with each macro replaced by its human text; and how many there were."""
    last = {"{{": text.rfind("}}"), "{%": text.rfind("%}")}
    kept, pos, count = [], 0, 0
    at = text.find("{")
    while at >= 0:
        opening = text[at : at + 2]
        if last.get(opening, -1) > at + 1:  # a closing mark follows, so this find ends at one
            end = text.find("}}" if opening == "{{" else "%}", at + 2)
            kept.append(text[pos:at] + (macro_text(text[at + 2 : end]) if opening == "{{" else ""))
            pos, count = end + 2, count + 1
        at = text.find("{", max(pos, at + 1))
    kept.append(text[pos:])
    return "".join(kept), count


def macro_text(inner: str) -> str:
    """What a reader should see of a macro: its last quoted argument, a number argument, a flag, or nothing."""
    inner = inner.strip()
    if inner[:1] in ("<", "%"):  # a Hugo shortcode: markup, not text
        return ""
    inner = inner.strip("-").strip()
    if inner in FLAG_MACROS:
        return FLAG_MACROS[inner]
    if inner[:4].casefold() == "rfc(":  # `{{RFC("9110", "Not Found", "15.5.5")}}`: the RFC's number is what it names
        number = inner[4:].split(",")[0].strip(" \"')")
        return f"RFC {number}" if number.isascii() and number.isdigit() else ""
    for quote in ('"', "'"):
        end = inner.rfind(quote)
        start = inner.rfind(quote, 0, end) if end > 0 else -1
        if start >= 0:
            return inner[start + 1 : end]
    args = inner[inner.find("(") + 1 : inner.rfind(")")] if "(" in inner else ""
    first = args.split(",")[0].strip()
    return first if first.isdigit() else ""


def without_attributes(text: str) -> str:
    """Text without a trailing attribute list as kramdown and Pandoc write them: `{#id}`, `{: .class}`, `{.class}`."""
    stripped = text.rstrip()
    brace = stripped.rfind("{") if stripped.endswith("}") else -1
    if brace >= 0 and stripped[brace + 1 : brace + 2] in ("#", ":", ".") and (brace == 0 or stripped[brace - 1].isspace()):
        return stripped[:brace].rstrip()
    return text


def shorten(text: str, limit: int = 90) -> str:
    """Text of at most `limit` characters, cut at a word and marked with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
