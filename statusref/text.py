"""Text helpers: decoding source bytes, repairing encoding, cleaning names."""
from __future__ import annotations

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
WIKI_LEFTOVER = re.compile(r"\s*\[(?:citation needed|clarification needed|according to whom\?|\d{1,3})\]", re.I)
QUALIFIER = re.compile(r"\s*\(([^()]*)\)\s*$")
INNER_SPACES = re.compile(r"(?<=\S)[ \t]{2,}(?=\S)")
LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
EMPHASIS = re.compile(r"\*\*|__|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)|`")
MOJIBAKE_HINTS = re.compile("[ÂÃâ€™Å¢]")
SENTENCE_END = re.compile(r"(?<=[a-z0-9)\"'][.!?])\s+(?=[A-Z\"'])")


def decode(data: bytes) -> tuple[str, int, str]:
    """Decode source bytes; return text, the line of any trouble, and what it was."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), 1, "encoded as UTF-16; read it, but save it as UTF-8"
    if b"\x00" in data[:8192]:
        return "", 1, "binary file, not text; skipped"
    try:
        return data.decode("utf-8-sig"), 0, ""
    except UnicodeDecodeError as err:
        line = first_line_of(data, err.start)
    try:
        return data.decode("cp1252"), line, "not UTF-8; read as Windows-1252 (Latin-1), save it as UTF-8"
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace"), line, "invalid UTF-8 bytes, replaced with U+FFFD"


def first_line_of(data: bytes, offset: int) -> int:
    """The 1-based line number of a byte offset."""
    return data.count(b"\n", 0, offset) + 1


def normalise(text: str) -> str:
    """Unify line endings and repair mojibake such as `â€™`."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.isascii() or not MOJIBAKE_HINTS.search(text):
        return text
    import ftfy  # only when the text shows signs of mojibake: it is slow to import

    return ftfy.fix_text(text, unescape_html=False, uncurl_quotes=False)


def clean_text(text: str) -> str:
    """Drop wiki leftovers and runs of inner spaces from Markdown text."""
    text = WIKI_LEFTOVER.sub("", text)
    lines = [INNER_SPACES.sub(" ", line).rstrip() for line in text.split("\n")]
    return "\n".join(lines).strip()


def clean_name(raw: str) -> tuple[str, tuple[str, ...]]:
    """Split a raw name into the name and its qualifiers: `Locked (WebDAV)`."""
    name = clean_text(raw).strip(" *_`:.-–—\t")
    qualifiers: list[str] = []
    while match := QUALIFIER.search(name):
        qualifiers.insert(0, match.group(1).strip())
        name = name[: match.start()].rstrip(" :-–—")
    if name.casefold() in FLAG_WORDS:
        qualifiers.insert(0, name)
        name = ""
    return name, tuple(q for q in qualifiers if q)


def split_qualifiers(qualifiers: tuple[str, ...]) -> tuple[set[str], list[str]]:
    """Sort qualifiers into known flags and extension names (WebDAV)."""
    flags = {FLAG_WORDS[q.casefold()] for q in qualifiers if q.casefold() in FLAG_WORDS}
    extensions = [q for q in qualifiers if q.casefold() not in FLAG_WORDS]
    return flags, extensions


def name_key(name: str) -> str:
    """A name reduced to lower-case letters and digits."""
    return re.sub(r"[^0-9a-z]", "", name.casefold().replace("’", "'"))


def plain_text(markdown: str) -> str:
    """The words of a Markdown paragraph without its emphasis, code and link markup."""
    text = LINK.sub(r"\1", markdown)
    text = EMPHASIS.sub("", text)
    return " ".join(text.replace("\\", "").split())


def first_sentence(markdown: str, limit: int = 160) -> str:
    """The first sentence of a description, as plain text of at most `limit` characters."""
    text = plain_text(markdown.split("\n\n")[0])
    sentence = SENTENCE_END.split(text, maxsplit=1)[0]
    if len(sentence) > limit:
        sentence = sentence[: limit - 1].rsplit(" ", 1)[0] + "…"
    return sentence
