"""Rendering on its own: the words search keeps, the related codes, the pager, warnings about markup, machine files."""
import json

import pytest

from statusref.cache import Cache
from statusref.merge import build_model
from statusref.model import Constant, StatusCode
from statusref.render import (
    Pager, Settings, Shown, constant_note, keywords, make_env, markup_problems, mentioned_by, related, render_site, several_meanings,
)
from statusref.config import Config
from statusref.sources import parse_source
from statusref.urls import Urls

REGISTRY = b"---\nrole: registry\n---\n| Code | Reason phrase | Reference |\n| --- | --- | --- |\n" \
           b"| 301 | Moved Permanently | RFC 9110, Section 15.4.2 |\n| 404 | Not Found | RFC 9110, Section 15.5.5 |\n"
NOTES = b"# Notes\n\n- 301 Moved Permanently: Moved for good; see 404.\n- 404 Not Found: Nothing <b>here</b>.\n"


def search_rows(files: dict) -> list[dict]:
    """The rows of the search data a site in memory carries."""
    data = files["static/search-index.js"].decode()
    return json.loads(data[len("window.STATUS_CODES="):-2])


def files_of(*documents, base_url="", offline=False) -> tuple[dict, list]:
    """The files of a site built in memory from a registry and some documents, and the markup problems."""
    model = build_model([parse_source("registry.md", REGISTRY)] + [parse_source(n, d) for n, d in documents])
    settings = Settings(Config().templates, Config().static)
    rendered, problems, _ = render_site(model, Urls(base_url, offline), settings, Cache())
    files = list(rendered)
    paths = [path for path, _ in files]
    assert len(paths) == len(set(paths))
    return dict(files), problems


@pytest.mark.parametrize("text, words", [
    ("The server cannot find this; the server gave up.", ["server", "cannot", "find", "gave"]),
    ("That would have been http code https", []),
    ("They said this does with from into only also used such when which there their than then will should could", ["said"]),
    ("Tiny words are not kept, nor are 1234 digits", ["tiny", "words", "kept", "digits"]),
])
def test_search_keeps_distinct_words_of_four_letters_or_more(text, words):
    assert keywords([text]) == words


def test_search_keeps_at_most_thirty_words():
    text = " ".join(f"word{chr(97 + i // 26)}{chr(97 + i % 26)}" for i in range(40))
    assert len(keywords([text])) == 30 and keywords([text], most=3) == ["wordaa", "wordab", "wordac"]


class Counted(str):
    """A text that counts how often it is read for words."""

    reads = 0

    def casefold(self):
        Counted.reads += 1
        return super().casefold()


def test_search_words_come_from_texts_in_order_and_stop_being_read_once_found():
    Counted.reads = 0
    texts = [Counted("First text: alpha beta"), Counted("First text: alpha beta"), Counted("Second: gamma delta"), Counted("late")]
    assert keywords(texts, most=5) == ["first", "text", "alpha", "beta", "second"]
    assert Counted.reads == 2  # the repeated text is read once, the last one not at all
    assert keywords(["ends here wor", "dsplit apart"]) == ["ends", "here", "dsplit", "apart"]


def test_related_codes_are_mentions_both_ways_and_known_pairs():
    mentions = {404: {410}, 500: {404}, 301: set()}
    known = {301, 302, 308, 404, 410, 500}
    by = mentioned_by(mentions)
    assert by == {410: {404}, 404: {500}}
    assert related(404, mentions, known, by) == [410, 500]
    assert related(301, mentions, known, by) == [302, 308]
    assert related(410, mentions, {404}, by) == [404]


@pytest.mark.parametrize("constant, language, note", [
    (Constant(404, "Not Found", 1), "node", "gives 'Not Found'"),
    (Constant(413, "CONTENT_TOO_LARGE", 1, since="3.13", before="REQUEST_ENTITY_TOO_LARGE"), "python",
     "since 3.13; REQUEST_ENTITY_TOO_LARGE before"),
    (Constant(103, "EARLY_HINTS", 1, since="3.9"), "python", "since 3.9"),
    (Constant(500, "HTTP_SERVER_ERROR", 1, note="deprecated"), "java", "deprecated"),
    (Constant(404, "NOT_FOUND", 1), "python", ""),
])
def test_a_constant_says_since_when_and_what_it_was(constant, language, note):
    assert constant_note(constant, language) == note


def test_several_meanings_only_when_unregistered_and_two_vendors_differ():
    from statusref.model import Description, Reference, VendorMeaning

    one = VendorMeaning(vendor="nginx", name="A", description=Description("n", 1, "x"))
    other = VendorMeaning(vendor="Esri", name="B", description=Description("e", 1, "y"))
    assert several_meanings(StatusCode(499, "A or B", meanings=(one, other)))
    assert not several_meanings(StatusCode(499, "A", meanings=(one,)))
    assert not several_meanings(StatusCode(451, "U", meanings=(one, other), reference=Reference("RFC 7725", "")))


def test_markup_warnings_are_one_per_document_saying_how_many():
    found = [("a.md", 9, 404, "raw HTML <b> is shown as text"), ("a.md", 4, 404, "raw HTML <i> is shown as text"),
             ("b.md", 7, 301, "x"), ("b.md", 3, 404, "y"), ("b.md", 5, 410, "z"), ("b.md", 6, 410, "w")]
    problems = {p.path: (p.line, p.message) for p in markup_problems(found)}
    assert problems["a.md"] == (4, "404: raw HTML <b> is shown as text; raw HTML <i> is shown as text")
    assert problems["b.md"] == (3, "3 descriptions are not shown exactly as written: w; x; y; and 1 more (the first is here)")


def test_a_hosted_site_has_robots_and_a_sitemap_only_with_its_address():
    files, problems = files_of(("notes.md", NOTES))
    assert files["robots.txt"] == b"User-agent: *\nAllow: /\n" and "sitemap.xml" not in files
    assert [(p.path, p.line) for p in problems] == [("notes.md", 4)]
    files, _ = files_of(("notes.md", NOTES), base_url="https://s.example/")
    assert b"<loc>https://s.example/404/</loc>" in files["sitemap.xml"] and b"<loc>https://s.example/404.html" not in files["sitemap.xml"]
    assert files["robots.txt"].endswith(b"Sitemap: https://s.example/sitemap.xml\n")
    offline, _ = files_of(("notes.md", NOTES), offline=True)
    assert "robots.txt" not in offline and "sitemap.xml" not in offline and "api/codes.json" in offline


def test_the_search_data_and_api_carry_each_code_once():
    files, _ = files_of(("notes.md", NOTES))
    rows = search_rows(files)
    codes = [r for r in rows if isinstance(r["c"], int)]
    assert [(r["c"], r["t"], r["u"]) for r in codes] == [(301, "Moved Permanently", "301/"), (404, "Not Found", "404/")]
    assert codes[0]["s"] == "Moved for good; see 404." and "moved" in codes[0]["w"].split()
    assert [r["c"] for r in rows if r["k"] == "class"] == ["1xx", "2xx", "3xx", "4xx", "5xx"]
    api = json.loads(files["api/codes.json"])
    assert api["version"] == 2 and [c["code"] for c in api["codes"]] == [301, 404]
    assert api["codes"][0]["reference"] == {"text": "RFC 9110, Section 15.4.2", "url": "https://www.rfc-editor.org/rfc/rfc9110#section-15.4.2"}


def test_search_finds_a_code_by_its_other_names_but_not_twice_by_its_title():
    former = b"# Old names\n\n| Code | Name | Former name |\n| --- | --- | --- |\n| 301 | Moved Permanently | Moved |\n"
    files, _ = files_of(("notes.md", NOTES), ("old.md", former))
    rows = search_rows(files)
    assert [(r["c"], r["n"]) for r in rows if isinstance(r["c"], int)] == [(301, ["Moved"]), (404, [])]


def test_search_names_a_code_no_registry_gives_by_its_other_names_only():
    files, _ = files_of(("a.md", b"- **499 Client Closed Request**: Gone.\n"), ("b.md", b"- **499 Client Closed Request**: Gone.\n"),
                        ("c.md", b"- **499 Closed By Client**: Gone.\n"))
    assert [r["n"] for r in search_rows(files) if r["c"] == 499] == [["Closed By Client"]]


def test_hidden_static_files_are_not_published(tmp_path):
    static = tmp_path / "static"
    static.mkdir()
    (static / "style.css").write_text("body{}")
    (static / ".secret").write_text("no")
    (static / "sub").mkdir()
    model = build_model([parse_source("registry.md", REGISTRY)])
    files, _, _ = render_site(model, Urls(), Settings(Config().templates, static), Cache())
    assert [p for p, _ in files if p.startswith("static/")] == ["static/style.css", "static/search-index.js"]


def test_the_real_sites_constants_follow_the_language_order(site):
    from helpers import soup

    order = [dt.get_text(strip=True) for dt in soup(site / "200" / "index.html").select("section.constants dt")]
    assert order == ["Python", "Java", "Node.js", "Go", ".NET", "Rust"]


@pytest.mark.parametrize("code, among", [(200, 201), (201, 200), (200, 204), (204, 200), (201, 202), (204, 205), (429, 503), (503, 429), (301, 308), (413, 431), (206, 416), (412, 428),
                                         (302, 307), (307, 302), (303, 307), (413, 414), (414, 413), (401, 403),
                                         (401, 407)])
def test_well_known_pairs_are_related_both_ways(code, among):
    assert among in related(code, {}, {code, among}, {})


FLAGGED = b"""# Flags

- 103 Early Hints (Experimental): Hints.
- 510 Not Extended (Obsoleted): Extends.
- 102 Processing (Deprecated): Works.
"""


def test_flags_show_their_label_and_note_on_the_page():
    files, _ = files_of(("flags.md", FLAGGED))
    early = files["103/index.html"].decode()
    assert '<li class="flag flag-experimental">Experimental</li>' in early
    extended = files["510/index.html"].decode()
    assert '<li class="flag flag-obsoleted">Obsoleted</li>' in extended
    assert '<p class="note">The specification that defined this code is obsolete.</p>' in extended
    assert '<li class="flag flag-deprecated">Deprecated</li>' in files["102/index.html"].decode()


def test_rendering_reports_its_progress_page_by_page():
    model = build_model([parse_source("registry.md", REGISTRY), parse_source("notes.md", NOTES)])
    seen = []
    files, _, _ = render_site(model, Urls(), Settings(Config().templates, Config().static), Cache(), lambda *step: seen.append(step))
    assert seen == []  # nothing is rendered before it is asked for
    list(files)
    assert seen == [("Rendering pages", 1, 2), ("Rendering pages", 2, 2)]


def test_the_api_names_the_comparisons_of_a_code(site):
    api = {c["code"]: c for c in json.loads((site / "api" / "codes.json").read_text())["codes"]}
    assert api[301]["comparisons"] == ["/compare/redirects/"] and api[404]["comparisons"] == ["/compare/absence/"]
    assert api[200]["comparisons"] == []


def test_the_sources_page_says_what_each_kind_of_document_gives(site):
    from helpers import soup

    page = soup(site / "sources" / "index.html")
    said = {s.h2["id"]: [p.get_text(" ", strip=True) for p in s.select("p")] for s in page.select("section.source")}
    assert "What nginx means by codes of its own, outside the registry; each meaning is shown apart." in said["vendor-nginx"]
    assert "The constants Python gives status codes; each code's page shows them." in said["constants-python"]
    assert ("Protocol facts: the headers that go with each code, whether it may carry content, whether it is cacheable "
            "by default, and the section that defines it.") in said["facts-protocol"]
    assert "A comparison of codes people confuse, on a page of its own. Redirects compared: 301, 302, 303, 307 and 308 ." in said["compare-redirects"]


def test_the_api_gives_a_codes_extension_or_null():
    files, _ = files_of(("webdav.md", b"| Code | Name |\n| --- | --- |\n| 423 | Locked (WebDAV) |\n"))
    api = {c["code"]: c for c in json.loads(files["api/codes.json"])["codes"]}
    assert (api[423]["extension"], api[404]["extension"]) == ("WebDAV", None)


@pytest.mark.parametrize("parts", [[], [""], ["a"] * 10000 + ["é", "", "✓"], ["x" * 5000] * 3])
def test_pages_are_joined_exactly_as_rendered(parts):
    from statusref.render import joined

    assert joined(iter(parts)) == "".join(parts).encode("utf-8")


def test_a_page_is_rendered_as_jinja_renders_it_whole(tmp_path):
    model = build_model([parse_source("registry.md", REGISTRY)] + [parse_source(f"n{k}.md", NOTES) for k in range(200)])
    settings = Settings(Config().templates, Config().static)
    files, _, _ = render_site(model, Urls(), settings, Cache())
    sources_page = dict(files)["sources/index.html"]
    from statusref.render import describe, make_env, sources_context, sources_facts
    from statusref.urls import Urls as Builder

    urls = Builder()
    html, _, _ = describe(model, urls, Cache())
    link = urls.linker(urls.path("sources"))
    whole = make_env(settings.templates).get_template("sources.html").render(
        model=model, url=link, asset=link.asset, root=link.prefix(), canonical="", date="", offline=False,
        kind="sources", **sources_context(model, sources_facts(model, html)))
    assert sources_page == whole.encode("utf-8") and len(whole) > 40_000  # more pieces than one batch joins


def test_the_api_gives_a_constants_release_or_null():
    constants = (b"---\nrole: constants\nlanguage: go\n---\n| Code | Constant | Since |\n| --- | --- | --- |\n"
                 b"| 301 | StatusMovedPermanently | |\n| 404 | StatusNotFound | 1.7 |\n")
    files, _ = files_of(("constants-go.md", constants))
    api = {c["code"]: c for c in json.loads(files["api/codes.json"])["codes"]}
    assert [(s["name"], s["since"]) for s in api[301]["constants"] + api[404]["constants"]] == [
        ("StatusMovedPermanently", None), ("StatusNotFound", "1.7")]


def test_an_unofficial_code_says_that_no_standard_defines_it():
    from bs4 import BeautifulSoup

    files, _ = files_of(("extra.md", b"- **599 Network Connect Timeout**: A proxy gave up.\n"))
    notes = [p.get_text(" ", strip=True) for p in BeautifulSoup(files["599/index.html"], "html.parser").select("main p")]
    assert "This code is not in the IANA registry: some software uses it, but no standard defines it." in notes


def test_descriptions_count_in_a_page_digest_by_their_own_digest():
    model = build_model([parse_source("registry.md", REGISTRY), parse_source("notes.md", NOTES)])
    pager = Pager(make_env(Config().templates), Urls(), model, Settings(Config().templates, Config().static))
    assert pager.digest(Shown(lambda: [("a source", "a description", "<p>x</p>")], "one")) == "one"
    assert pager.digest([Shown(list, "one"), Shown(list, "two")]) == "(one,two)"
    assert pager.digest({"shown": Shown(list, "two")}) == "{'shown':two}"


def test_the_sitemap_percent_encodes_a_page_address_that_is_not_ascii():
    comparison = b"---\nrole: comparison\n---\n# Gone compared\n\n| Code | Means |\n| --- | --- |\n| 404 | maybe back |\n| 410 | for good |\n"
    files, _ = files_of(("compare-über.md", comparison), base_url="https://s.example/")
    page = next(p for p in files if p.startswith("compare/") and p.endswith("/index.html"))
    assert "ü" in page and b"<loc>https://s.example/compare/%C3%BCber/</loc>" in files["sitemap.xml"]
    assert files["sitemap.xml"].isascii()
