"""Rendering the model into site files, all in memory: (path, bytes) pairs."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from markdown_it import MarkdownIt
from markdown_it.token import Token

from .cache import Cache, key
from .model import Model, StatusCode
from .urls import Linker, absolute, page_path, public_path

MENTION = re.compile(r"(?<![\w./:#-])([1-5]\d\d)(?![\w/-]|[.,]\d)")
RELATED_PAIRS = (
    (200, 201), (200, 204), (201, 202), (204, 205), (206, 416), (301, 302), (301, 308), (302, 303),
    (302, 307), (303, 307), (304, 412), (307, 308), (400, 422), (401, 403), (401, 407), (404, 410),
    (408, 504), (412, 428), (413, 414), (413, 431), (429, 503), (500, 501), (500, 503), (502, 504),
)
LABELS = {
    "deprecated": "Deprecated", "experimental": "Experimental", "unused": "Unused",
    "obsoleted": "Obsoleted", "unofficial": "Unofficial",
}


@dataclass(frozen=True)
class Settings:
    """How to render: where templates and static files are, and for which audience."""

    templates: Path
    static: Path
    base_url: str = ""
    offline: bool = False
    date: str = ""
    bytecode: Path | None = None


def markdown() -> MarkdownIt:
    """The Markdown renderer for descriptions: raw HTML escaped, unsafe links dropped, codes linked."""
    md = MarkdownIt("js-default")
    md.core.ruler.push("link_codes", link_codes)
    return md


def link_codes(state) -> None:
    """Link every mention of a known code in text, outside links and code spans."""
    env = state.env
    for token in state.tokens:
        if token.type != "inline" or not token.children:
            continue
        children, depth = [], 0
        for child in token.children:
            depth += {"link_open": 1, "link_close": -1}.get(child.type, 0)
            if child.type == "text" and depth == 0 and "known" in env:
                children.extend(split_mentions(child.content, env))
            else:
                children.append(child)
        token.children = children


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


def make_env(templates: Path, bytecode: Path | None = None) -> Environment:
    """The Jinja environment: autoescape on, undefined names are errors, compiled templates kept."""
    if bytecode:
        bytecode.mkdir(parents=True, exist_ok=True)
    env = Environment(
        loader=FileSystemLoader(templates),
        bytecode_cache=FileSystemBytecodeCache(str(bytecode)) if bytecode else None,
        autoescape=select_autoescape(["html", "xml"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["flag_label"] = LABELS.get
    return env


def describe(model: Model, offline: bool, cache: Cache) -> tuple[dict, dict]:
    """Every description as HTML, and which codes each code's descriptions mention."""
    md = []
    known = frozenset(c.code for c in model.codes)
    known_key = key(sorted(known))
    html, mentions = {}, {}
    for code in model.codes:
        link = Linker(page_path("code", code.code), offline)
        rendered = [
            cache.get("html", (known_key, offline, code.code, d.text), lambda d=d: render_text(md, d.text, code.code, known, link))
            for d in code.descriptions
        ]
        html[code.code] = [(d, Markup(body)) for d, (body, _) in zip(code.descriptions, rendered)]
        mentions[code.code] = {n for _, found in rendered for n in found}
    return html, mentions


def render_text(md: list, text: str, code: int, known: frozenset, link: Linker) -> tuple[str, tuple[int, ...]]:
    """One description as HTML, with the codes it mentions; `md` holds the renderer once one is needed."""
    if not md:
        md.append(markdown())
    env = {"known": known, "self": code, "link": lambda n: link("code", n), "mentions": set()}
    body = md[0].render(text, env)
    return body, tuple(sorted(env["mentions"]))


def related(code: int, mentions: dict, known) -> list[int]:
    """Codes related to one: those it mentions, those mentioning it, and well-known pairs, if `known`."""
    found = set(mentions.get(code, ())) | {n for n, seen in mentions.items() if code in seen}
    found |= {b for a, b in RELATED_PAIRS if a == code} | {a for a, b in RELATED_PAIRS if b == code}
    return sorted(n for n in found if n in known and n != code)


def render_site(model: Model, settings: Settings, cache: Cache | None = None, progress=None) -> list[tuple[str, bytes]]:
    """Every file of the site, rendered in memory, in a stable order."""
    env = make_env(settings.templates, settings.bytecode)
    html, mentions = describe(model, settings.offline, cache or Cache())
    files = [page(env, settings, model, "index", None, "index.html", {})]
    for cls in model.classes:
        files.append(page(env, settings, model, "class", cls.digit, "class.html", class_context(model, cls)))
    for number, code in enumerate(model.codes):
        context = code_context(model, number, html, mentions)
        files.append(page(env, settings, model, "code", code.code, "code.html", context))
        if progress:
            progress("Rendering pages", number + 1, len(model.codes))
    files.append(page(env, settings, model, "sources", None, "sources.html", sources_context(model)))
    files.append(page(env, settings, model, "notfound", None, "404.html", {}))
    files += static_files(settings, model)
    files += machine_files(env, model, settings, [path for path, _ in files])
    return files


def page(env: Environment, settings: Settings, model: Model, kind: str, key, template: str, context: dict):
    """One HTML page: its path and its rendered bytes."""
    path = page_path(kind, key)
    root = site_root_path(settings.base_url) if kind == "notfound" and not settings.offline else None
    link = Linker(path, settings.offline, root)
    canonical = absolute(settings.base_url, path) if settings.base_url else link(kind, key)
    text = env.get_template(template).render(
        model=model, url=link, asset=lambda name: link("asset", name), root=link.prefix(),
        canonical=canonical, date=settings.date, offline=settings.offline, kind=kind, **context,
    )
    return path, text.encode("utf-8")


def site_root_path(base_url: str) -> str:
    """The path of the site root on its host: `/` or `/docs/` for https://host/docs."""
    rest = base_url.split("://", 1)[-1]
    path = "/" + rest.split("/", 1)[1] if "/" in rest else "/"
    return path if path.endswith("/") else path + "/"


def class_context(model: Model, cls) -> dict:
    """What a class page shows: its codes and its neighbours."""
    digits = [c.digit for c in model.classes]
    index = digits.index(cls.digit)
    return {
        "cls": cls,
        "codes": [model.code(n) for n in cls.codes],
        "prev": model.classes[index - 1] if index > 0 else None,
        "next": model.classes[index + 1] if index + 1 < len(digits) else None,
    }


def code_context(model: Model, index: int, html: dict, mentions: dict) -> dict:
    """What a code page shows: descriptions, neighbours, related and mentioning codes."""
    code = model.codes[index]
    return {
        "code": code,
        "cls": model.status_class(code.class_digit),
        "descriptions": [(model.source(d.source), d, body) for d, body in html[code.code]],
        "prev": model.codes[index - 1] if index > 0 else None,
        "next": model.codes[index + 1] if index + 1 < len(model.codes) else None,
        "related": [model.code(n) for n in related(code.code, mentions, model.index["code"])],
        "mentioned_by": [model.code(n) for n in sorted(mentions) if code.code in mentions[n]],
        "status_line": f"HTTP/1.1 {code.code} {code.title}",
    }


def sources_context(model: Model) -> dict:
    """What the sources page shows: each source's codes and where it disagrees."""
    disagreements = {s.id: [] for s in model.sources}
    for code in model.codes:
        for name in code.names:
            if name.kind in ("former", "other"):
                for source in name.sources:
                    if not model.source(source).registry:
                        disagreements[source].append((code, name))
    return {"disagreements": disagreements}


def static_files(settings: Settings, model: Model) -> list[tuple[str, bytes]]:
    """The stylesheet and scripts, and the search data the script reads."""
    files = [
        (page_path("asset", p.name), p.read_bytes())
        for p in sorted(settings.static.iterdir())
        if p.is_file() and not p.name.startswith(".")
    ]
    files.append((page_path("asset", "search-index.js"), search_index(model, settings.offline)))
    return files


def search_index(model: Model, offline: bool) -> bytes:
    """The search data as a script, so that search works from file:// too."""
    link = Linker("index.html", offline)
    rows = [
        {
            "c": c.code,
            "t": c.title,
            "n": [n.text for n in c.names if n.kind != "official" and n.text != c.title],
            "s": c.summary,
            "u": link("code", c.code),
        }
        for c in model.codes
    ]
    data = json.dumps(rows, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    return f"window.STATUS_CODES={data};\n".encode("utf-8")


def api_record(code: StatusCode, base_url: str) -> dict:
    """One code as /api/codes.json gives it."""
    path = page_path("code", code.code)
    return {
        "code": code.code,
        "title": code.title,
        "class": f"{code.class_digit}xx",
        "flags": list(code.flags),
        "extension": code.extension or None,
        "former_names": [n.text for n in code.former_names],
        "other_names": [n.text for n in code.other_names],
        "summary": code.summary,
        "url": absolute(base_url, path) if base_url else "/" + public_path(path),
        "reference": {"text": code.reference.text, "url": code.reference.url} if code.reference else None,
        "sources": sorted({d.source for d in code.descriptions}),
    }


def machine_files(env: Environment, model: Model, settings: Settings, paths: list[str]) -> list[tuple[str, bytes]]:
    """The JSON API, the sitemap and robots.txt."""
    api = {"version": 1, "codes": [api_record(c, settings.base_url) for c in model.codes]}
    body = json.dumps(api, ensure_ascii=False, indent=1) + "\n"
    pages = [p for p in paths if p.endswith(".html") and p != page_path("notfound")]
    return [
        ("api/codes.json", body.encode("utf-8")),
        ("sitemap.xml", sitemap(env, pages, settings).encode("utf-8")),
        ("robots.txt", robots(settings.base_url).encode("utf-8")),
    ]


def sitemap(env: Environment, pages: list[str], settings: Settings) -> str:
    """A sitemap of every page; absolute URLs when the base URL is known."""
    locs = [absolute(settings.base_url, p) if settings.base_url else public_path(p) or "./" for p in pages]
    return env.get_template("sitemap.xml").render(locs=locs, date=settings.date)


def robots(base_url: str) -> str:
    """robots.txt: everything may be crawled; the sitemap named when its URL is known."""
    lines = ["User-agent: *", "Allow: /"]
    if base_url:
        lines.append(f"Sitemap: {absolute(base_url, 'sitemap.xml')}")
    return "\n".join(lines) + "\n"
