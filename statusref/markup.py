"""Markdown through markdown-it: the parser readers use, and the renderer whose tokens decide warnings.

What the renderer shows differently from the source (raw HTML as text, refused links) is exactly what it warns
about, from the same parse. Known codes mentioned in text become links to their pages.

The parser's link labels parse in linear time on runs of `[`.

Stock markdown-it walks from every `[` towards the end of the paragraph to find its `]`,
so a paragraph of many unclosed `[` costs (number of `[`) x (up to maxNesting) steps.
parse_link_label gives the same answers, but remembers what each walk learned about the
`[` it passed, per inline state and per posMax, so no stretch is walked twice.
"""
from __future__ import annotations

import functools
import re
import types

from markdown_it import MarkdownIt, helpers
from markdown_it.common import normalize_url
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.deflist import deflist_plugin

from .text import shorten, without_attributes

MEMO_ATTRIBUTE = "_statusref_link_labels"
ALERTS = {"NOTE": "Note:", "TIP": "Tip:", "IMPORTANT": "Important:", "WARNING": "Warning:", "CAUTION": "Caution:"}


def markdown() -> MarkdownIt:
    """A js-default markdown-it whose link and image rules use parse_link_label."""
    md = MarkdownIt("js-default").use(deflist_plugin)
    functions = {name: getattr(helpers, name) for name in helpers.__all__}
    functions["parseLinkLabel"] = parse_link_label
    md.helpers = types.SimpleNamespace(**functions)
    return md


class Labels:
    """What earlier walks learned about the `[` of one inline state, for one posMax."""

    def __init__(self) -> None:
        """Start with nothing known."""
        # `[` position -> position of its `]`, with no link token in between.
        self.closes: dict[int, int] = {}
        # `[` position -> position of its `]`, maybe with a link token in between.
        self.loose_closes: dict[int, int] = {}
        # `[` positions whose `]` does not come before posMax.
        self.unclosable: set[int] = set()
        # `[` positions from which a walk that disables nesting met a link token.
        self.nested: set[int] = set()


def labels_for(state: StateInline) -> Labels:
    """The Labels of this state for its current posMax, made on first use."""
    by_end = getattr(state, MEMO_ATTRIBUTE, None)
    if by_end is None:
        by_end = {}
        setattr(state, MEMO_ATTRIBUTE, by_end)
    if state.posMax not in by_end:
        by_end[state.posMax] = Labels()
    return by_end[state.posMax]


def known_end(labels: Labels, start: int, disable_nested: bool) -> int | None:
    """The known result of a walk from the `[` at start, or None when not known yet."""
    if start in labels.closes:
        return labels.closes[start]
    if start in labels.unclosable:
        return -1
    if disable_nested:
        return -1 if start in labels.nested else None
    return labels.loose_closes.get(start)


def parse_link_label(state: StateInline, start: int, disable_nested: bool = False) -> int:
    """Position of the `]` closing the `[` at start, or -1: markdown-it's parseLinkLabel, memoised."""
    labels = labels_for(state)
    known = known_end(labels, start, disable_nested)
    if known is not None:
        return known
    old_pos = state.pos
    end = walk(state, labels, start, disable_nested)
    state.pos = old_pos
    return end


def walk(state: StateInline, labels: Labels, start: int, disable_nested: bool) -> int:
    """Walk from the `[` at start to its `]` as markdown-it does, recording what is learned."""
    closes = labels.closes if disable_nested else labels.loose_closes
    stack = [start]
    state.pos = start + 1
    while state.pos < state.posMax:
        pos = state.pos
        marker = state.src[pos]
        if marker == "]":
            closes[stack.pop()] = pos
            if not stack:
                return pos
        state.md.inline.skipToken(state)
        if marker != "[":
            continue
        if state.pos != pos + 1:
            # Not a text `[`: a link token starts here.
            if disable_nested:
                labels.nested.add(start)
                return -1
            continue
        if pos in labels.unclosable:
            break
        if disable_nested and pos in labels.nested:
            labels.nested.add(start)
            return -1
        stack.append(pos)
        jump_to_known_close(state, labels, pos, disable_nested)
    labels.unclosable.update(stack)
    return -1


def jump_to_known_close(state: StateInline, labels: Labels, pos: int, disable_nested: bool) -> None:
    """Move state.pos to the `]` of the text `[` at pos, if an earlier walk found it."""
    end = labels.closes.get(pos, -1)
    if end < 0 and not disable_nested:
        end = labels.loose_closes.get(pos, -1)
    if end >= 0:
        state.pos = end


FORMATTING = {
    "abbr", "b", "bdi", "bdo", "big", "br", "cite", "code", "del", "dfn", "em", "font", "i", "ins", "kbd", "mark",
    "q", "s", "small", "span", "strike", "strong", "sub", "sup", "time", "tt", "u", "var", "wbr",
}
MENTION = re.compile(r"(?<![\w./:#-])([1-5]\d\d)(?![\w/-]|[.,]\d)")


class LinkCheck:
    """markdown-it's own link validation, remembering the schemes it refused during one parse."""

    def __init__(self):
        """Nothing refused yet."""
        self.refused: set[str] = set()

    def __call__(self, url: str) -> bool:
        """Whether a link may be rendered; refusals are remembered."""
        if normalize_url.validateLink(url):
            return True
        self.refused.add(url.strip().lower().split(":", 1)[0])
        return False


@functools.cache
def renderer() -> MarkdownIt:
    """The description renderer: HTML is recognised only to be shown as text, unsafe links are refused."""
    md = markdown()
    md.options["html"] = True
    md.validateLink = LinkCheck()
    md.core.ruler.after("block", "html_blocks_as_text", html_blocks_as_paragraphs)
    md.core.ruler.push("html_as_text", html_as_text)
    md.core.ruler.push("no_attributes", drop_attributes)
    md.core.ruler.push("link_codes", link_codes)
    md.core.ruler.push("aligned_by_class", aligned_by_class)
    md.core.ruler.push("images_as_text", images_as_text)
    md.core.ruler.push("alerts_as_words", alerts_as_words)
    md.core.ruler.push("no_empty_sections", no_empty_sections)
    return md


def render_description(text: str, code: int, known: frozenset, link) -> tuple[str, tuple[int, ...], tuple[str, ...]]:
    """One description as HTML, the codes it mentions, and a warning for each thing not shown as written."""
    md = renderer()
    md.validateLink.refused.clear()
    env = {"known": known, "self": code, "link": link, "mentions": set(), "tags": set(), "images": set()}
    body = md.render(text, env)
    warnings = [html_warning(tag) for tag in sorted(env["tags"])]
    warnings += [f"image {shorten(src, 60)} is not shown (pages load no image from elsewhere); its words are kept"
                 for src in sorted(env["images"])]
    warnings += [f"unsafe {scheme}: link is dropped and shown as text" for scheme in sorted(md.validateLink.refused)]
    return body, tuple(sorted(env["mentions"])), tuple(warnings)


def html_blocks_as_paragraphs(state) -> None:
    """Turn each HTML block into a paragraph, so that its text is read as it would be without HTML."""
    tokens = []
    for token in state.tokens:
        if token.type != "html_block":
            tokens.append(token)
            continue
        inline = Token("inline", "", 0, content=token.content.strip("\n"), map=token.map, children=[])
        tokens += [Token("paragraph_open", "p", 1, map=token.map), inline, Token("paragraph_close", "p", -1)]
    state.tokens = tokens


def html_as_text(state) -> None:
    """Drop formatting tags such as `<em>`, keeping their text; show other inline HTML as text. Note each tag."""
    for token in state.tokens:
        if token.children:
            token.children = [inert(child, state.env["tags"]) for child in token.children]


def inert(token: Token, tags: set[str]) -> Token:
    """A token that is never HTML: inline HTML becomes text, or nothing if it only formats."""
    if token.type != "html_inline":
        return token
    tag = tag_name(token.content)
    tags.add(tag)
    return text_token("" if tag.strip("<>") in FORMATTING else token.content)


def html_warning(tag: str) -> str:
    """What a warning says of one kind of raw HTML."""
    if tag.strip("<>") in FORMATTING:
        return f"raw HTML {tag} is dropped; the text inside it is kept"
    return f"raw HTML {tag} is shown as text, not run"


def drop_attributes(state) -> None:
    """Leave out kramdown and Pandoc attribute lists: after a heading's text, or as a paragraph of their own."""
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type == "inline" and token.children and tokens[index - 1].type in ("heading_open", "paragraph_open"):
            last = token.children[-1]
            if last.type == "text":
                last.content = without_attributes(last.content)
    kept = []
    for token in tokens:
        inline = kept[-1] if kept and kept[-1].type == "inline" else None
        if token.type == "paragraph_close" and inline and all(c.type == "text" and not c.content.strip() for c in inline.children or ()):
            del kept[-2:]  # a paragraph left empty: it held only an attribute list
            continue
        kept.append(token)
    state.tokens = kept


def aligned_by_class(state) -> None:
    """A table column's alignment (`| ---: |`) as a class, not the style attribute the pages' policy refuses."""
    for token in state.tokens:
        style = token.attrGet("style") if token.type in ("th_open", "td_open") else None
        if style:
            del token.attrs["style"]
            side = str(style).partition(":")[2]
            if side in ("left", "center", "right"):
                token.attrSet("class", f"align-{side}")


def images_as_text(state) -> None:
    """Images as their words, but those held in the page (`data:image/png`): a page loads nothing from another
    site, and a source's own image files are not published. Each image's address is noted for a warning."""
    for token in state.tokens:
        if token.children and any(child.type == "image" for child in token.children):
            token.children = [as_words(child, state.env) for child in token.children]


def as_words(token: Token, env: dict) -> Token:
    """An image as the text of its description; any other token as it is."""
    src = str(token.attrGet("src") or "") if token.type == "image" else ""
    if token.type != "image" or src.startswith("data:image/"):  # an image in the page itself loads, as the policy allows
        return token
    env.setdefault("images", set()).add(src)
    return text_token("".join(child.content for child in token.children or () if child.type in ("text", "code_inline")))


def alerts_as_words(state) -> None:
    """A quote that opens with an alert marker as GitHub and MDN write it (`> [!NOTE]`) opens with its word."""
    tokens = state.tokens
    for index in range(2, len(tokens)):
        token = tokens[index]
        if token.type != "inline" or tokens[index - 2].type != "blockquote_open" or not token.children:
            continue
        first, rest = token.children[0], token.children[1:]
        marker, close, after = first.content.partition("]") if first.type == "text" else ("", "", "")
        word = ALERTS.get(marker[2:].upper()) if marker[:2] == "[!" and close else None
        if word:
            first.content = after.lstrip()
            if not first.content and rest and rest[0].type == "softbreak":
                rest = rest[1:]
            token.children = [Token("strong_open", "strong", 1), text_token(word), Token("strong_close", "strong", -1),
                              text_token(" ")] + ([first] if first.content else []) + rest


def no_empty_sections(state) -> None:
    """Leave out a heading with nothing under it before the next heading as high or the end: what is left of a
    section that only held a macro (`## Specifications` over `{{Specifications}}`)."""
    tokens, kept, index = state.tokens, [], 0
    while index < len(tokens):
        if tokens[index].type == "heading_open" and empty_section(tokens, index):
            index += 3  # the heading's open, text and close
            continue
        kept.append(tokens[index])
        index += 1
    state.tokens = kept


def empty_section(tokens: list[Token], index: int) -> bool:
    """Whether the heading opening at `index` is followed by nothing, or straight by a heading as high or higher."""
    after = index + 3
    return after >= len(tokens) or (tokens[after].type == "heading_open" and tokens[after].tag <= tokens[index].tag)


def tag_name(html: str) -> str:
    """How a warning names a piece of HTML: `<b>` for `<b class=x>` and `</b>`, else what it is."""
    body = html[1:].lstrip("/")
    end = 0
    while end < len(body) and (body[end].isalnum() or body[end] == "-"):
        end += 1
    return f"<{body[:end].lower()}>" if end else "<" + body[:3]


def link_codes(state) -> None:
    """Link every mention of a known code in text, outside links and code spans; point links to a document's own
    anchors (`#403-forbidden`) at the code's page, and keep only the text of links that lead nowhere on this site."""
    env = state.env
    for token in state.tokens:
        if token.type != "inline" or not token.children or "known" not in env:
            continue
        children, opened = [], []
        for child in token.children:
            if child.type == "link_open":
                opened.append(relink(child, env))
            if child.type == "text" and not opened:
                children.extend(split_mentions(child.content, env))
            elif child.type not in ("link_open", "link_close") or (opened and opened[-1]):
                children.append(child)
            if child.type == "link_close" and opened:
                opened.pop()
        token.children = children


def relink(token: Token, env: dict) -> bool:
    """Whether a link stays a link: web and mail links do; an anchor naming a known code leads to its page."""
    href = str(token.attrGet("href") or "")
    if href.split(":", 1)[0].lower() in ("http", "https", "mailto") and ":" in href:
        return True
    number = href[1:4]
    if href.startswith("#") and number.isascii() and number.isdigit() and int(number) in env["known"]:
        if int(number) == env["self"]:
            return False
        token.attrSet("href", env["link"](int(number)))
        token.attrSet("class", "code-ref")
        env["mentions"].add(int(number))
        return True
    return False


def split_mentions(text: str, env: dict) -> list[Token]:
    """A text token split into text and links around each known code."""
    tokens, last = [], 0
    for match in MENTION.finditer(text):
        number = int(match.group(1))
        if number not in env["known"] or number == env["self"]:
            continue
        tokens.append(text_token(text[last : match.start()]))
        tokens += [
            Token("link_open", "a", 1, attrs={"href": env["link"](number), "class": "code-ref"}),
            text_token(match.group(1)),
            Token("link_close", "a", -1),
        ]
        env["mentions"].add(number)
        last = match.end()
    tokens.append(text_token(text[last:]))
    return [t for t in tokens if t.type != "text" or t.content]


def text_token(content: str) -> Token:
    """A plain text token."""
    return Token("text", "", 0, content=content)


@functools.cache
def plain_parser() -> MarkdownIt:
    """The parser for plain text: HTML is recognised, to be left out."""
    md = markdown()
    md.options["html"] = True
    return md


def plain_text(text: str) -> str:
    """The words of a description's first paragraph, without its emphasis, code, link and HTML markup."""
    parts = []
    for token in plain_parser().parseInline(text.split("\n\n", 1)[0][:2000]):  # enough for any summary
        for child in token.children or ():
            if child.type in ("text", "code_inline", "image"):
                parts.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                parts.append(" ")
    return " ".join("".join(parts).split())
