"""The deeper reference: protocol facts, language constants checked against the languages, comparisons, vendor codes."""
import http
import json
import re
import subprocess
import sys

import pytest

from helpers import CONTENT, soup
from statusref.sources import parse_source

# RFC 9110 section 15.1, and RFC 7725 section 3 for 451.
CACHEABLE = {200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 451, 501}
NO_CONTENT = {100, 101, 102, 103, 204, 205, 304}
HEADERS = {
    101: "Upgrade", 201: "Location", 206: "Content-Range", 301: "Location", 302: "Location", 303: "Location",
    307: "Location", 308: "Location", 401: "WWW-Authenticate", 405: "Allow", 407: "Proxy-Authenticate",
    416: "Content-Range", 426: "Upgrade", 429: "Retry-After", 503: "Retry-After",
}
COMPARED = {"redirects": {301, 302, 303, 307, 308}, "authentication": {401, 403, 407}, "gateways": {502, 503, 504},
            "absence": {404, 410}, "client-mistakes": {400, 409, 422}}
VENDORS = {
    444: ["nginx"], 494: ["nginx"], 495: ["nginx"], 496: ["nginx"], 497: ["nginx"], 499: ["Esri ArcGIS", "nginx"],
    520: ["Cloudflare"], 521: ["Cloudflare"], 522: ["Cloudflare"], 523: ["Cloudflare"], 524: ["Cloudflare"],
    525: ["Cloudflare"], 526: ["Cloudflare"], 527: ["Cloudflare"], 530: ["Cloudflare"],
    460: ["AWS Elastic Load Balancing"], 463: ["AWS Elastic Load Balancing"], 464: ["AWS Elastic Load Balancing"],
    561: ["AWS Elastic Load Balancing"], 419: ["Laravel", "Spring Framework"], 420: ["Spring Framework", "Twitter"],
    509: ["Spring Framework", "cPanel"], 498: ["Esri ArcGIS"], 598: ["HTTP proxies (informal)"],
    599: ["HTTP proxies (informal)"], 449: ["Microsoft IIS"], 440: ["Microsoft Exchange Outlook Web Access"],
    451: ["Microsoft Exchange ActiveSync"],
}


def constants_in(name: str) -> list:
    """The constants one shipped constants document gives, read by the program's own reader."""
    parsed = parse_source(name, (CONTENT / name).read_bytes())
    assert not parsed.problems, parsed.problems
    return list(parsed.records)


def facts_box(site, code: int) -> dict:
    """The protocol facts a code's page shows, by label."""
    box = soup(site / str(code) / "index.html").select_one("section.protocol")
    return {dt.get_text(strip=True): dt.find_next_sibling("dd") for dt in box.select("dt")} if box else {}


def test_every_registered_code_shows_its_protocol_facts_with_their_origin(site, model):
    registered = [c for c in model.codes if c.reference]
    assert len(registered) == 63
    for code in registered:
        facts = facts_box(site, code.code)
        assert set(facts) == {"Headers", "Content", "Cacheable by default", "Defined in"}, code.code
        assert facts["Content"].get_text() == ("Never carries content" if code.code in NO_CONTENT else "May carry content")
        assert facts["Cacheable by default"].get_text() == ("Yes" if code.code in CACHEABLE else "No"), code.code
        link = facts["Defined in"].find("a")
        assert link["href"].startswith("https://www.rfc-editor.org/rfc/rfc") and "#section-" in link["href"], code.code
        if code.code in HEADERS:
            assert HEADERS[code.code] in [c.get_text() for c in facts["Headers"].find_all("code")], code.code
        cite = soup(site / str(code.code) / "index.html").select_one("section.protocol p.cite a")
        assert cite.get_text() == "Protocol facts from RFC 9110 and the RFCs it builds on"
        assert cite["href"] == "../sources/#facts-protocol"
    assert facts_box(site, 421)["Defined in"].get_text() == "RFC 9110, Section 15.5.20"
    assert facts_box(site, 429)["Defined in"].find("a")["href"] == "https://www.rfc-editor.org/rfc/rfc6585#section-4"


def test_the_api_carries_protocol_facts_under_a_new_schema_version(site, model):
    text = (site / "api" / "codes.json").read_text()
    api = json.loads(text)
    assert api["version"] == 2
    lines = text.splitlines()  # a code a line, between a first and a last line
    assert len(lines) == len(api["codes"]) + 2 and [json.loads(line.rstrip(","))["code"] for line in lines[1:-1]] == [
        c["code"] for c in api["codes"]]
    by_code = {c["code"]: c for c in api["codes"]}
    assert by_code[401]["protocol"]["headers"] == ["WWW-Authenticate"]
    assert by_code[304]["protocol"]["content"] is False and by_code[304]["protocol"]["cacheable"] is False
    assert by_code[308]["protocol"]["cacheable"] is True
    assert by_code[308]["protocol"]["defined_in"] == {"text": "RFC 9110, Section 15.4.9",
                                                      "url": "https://www.rfc-editor.org/rfc/rfc9110#section-15.4.9"}
    assert {c for c, r in by_code.items() if r["protocol"] and r["protocol"]["cacheable"]} == CACHEABLE
    assert all(r["protocol"] is None for c, r in by_code.items() if c in VENDORS and c != 451)
    python = {n: next(k for k in by_code[n]["constants"] if k["language"] == "python") for n in (200, 413)}
    assert python[413] == {"language": "python", "name": "CONTENT_TOO_LARGE", "since": "3.13",
                           "before": "REQUEST_ENTITY_TOO_LARGE", "note": "old name kept as an alias"}
    assert python[200]["since"] is None and python[200]["before"] is None and python[200]["note"] is None


def python_names(version: tuple) -> dict[str, int]:
    """The names the constants document says this Python version has, with their values."""
    names = {}
    for row in constants_in("constants-python.md"):
        since = tuple(int(p) for p in row.since.split(".")) if row.since else ()
        if version >= since:
            names[row.name] = row.code
        elif row.before:
            names[row.before] = row.code
    return names


def test_python_constants_match_the_running_python():
    documented = python_names(sys.version_info[:2])
    actual = {member.name: member.value for member in http.HTTPStatus}
    assert documented == actual
    assert all(http.HTTPStatus[name] == code for name, code in documented.items())


def test_java_constants_match_javap():
    shown = subprocess.run(["javap", "-constants", "java.net.HttpURLConnection"], capture_output=True, text=True, check=True)
    actual = {m.group(1): int(m.group(2)) for m in re.finditer(r"static final int (HTTP_\w+) = (\d+);", shown.stdout)}
    documented = {row.name: row.code for row in constants_in("constants-java.md")}
    assert len(actual) > 30 and documented == actual
    assert next(r for r in constants_in("constants-java.md") if r.name == "HTTP_SERVER_ERROR").note == "deprecated"


def test_node_phrases_match_node():
    shown = subprocess.run(["node", "-e", "console.log(JSON.stringify(require('http').STATUS_CODES))"],
                           capture_output=True, text=True, check=True)
    actual = {int(code): phrase for code, phrase in json.loads(shown.stdout).items()}
    documented = {row.code: row.name for row in constants_in("constants-node.md")}
    assert len(actual) > 60 and documented == actual


@pytest.mark.parametrize("code, expected", [
    (404, {"Python": ["HTTPStatus.NOT_FOUND"], "Java": ["HttpURLConnection.HTTP_NOT_FOUND"],
           "Node.js": ["http.STATUS_CODES[404]"], "Go": ["http.StatusNotFound"], ".NET": ["HttpStatusCode.NotFound"],
           "Rust": ["StatusCode::NOT_FOUND"]}),
    (418, {"Python": ["HTTPStatus.IM_A_TEAPOT"], "Java": [], "Node.js": ["http.STATUS_CODES[418]"],
           "Go": ["http.StatusTeapot"], ".NET": [], "Rust": ["StatusCode::IM_A_TEAPOT"]}),
    (413, {"Python": ["HTTPStatus.CONTENT_TOO_LARGE"], "Java": ["HttpURLConnection.HTTP_ENTITY_TOO_LARGE"],
           "Node.js": ["http.STATUS_CODES[413]"], "Go": ["http.StatusRequestEntityTooLarge"],
           ".NET": ["HttpStatusCode.RequestEntityTooLarge"], "Rust": ["StatusCode::PAYLOAD_TOO_LARGE"]}),
])
def test_each_code_page_gives_a_snippet_per_language_or_says_there_is_none(site, code, expected):
    box = soup(site / str(code) / "index.html").select_one("section.constants")
    shown = {}
    for dt in box.select("dt"):
        shown[dt.get_text(strip=True)] = []
        for dd in dt.find_next_siblings():
            if dd.name == "dt":
                break
            if "none" in dd.get("class", []):
                assert dd.get_text() == f"No constant for {code}"
            else:
                shown[dt.get_text(strip=True)].append(dd.find("code", class_="snippet").get_text())
    assert shown == expected
    cited = [a["href"] for a in box.select("p.cite a")]
    assert sorted(cited) == sorted(f"../sources/#constants-{n}" for n in ("python", "java", "node", "go", "dotnet", "rust"))


def test_a_renamed_constant_shows_its_history(site):
    dd = next(dd for dd in soup(site / "422" / "index.html").select("section.constants dd")
              if dd.find("code") and dd.find("code").get_text() == "HTTPStatus.UNPROCESSABLE_CONTENT")
    assert "since 3.13; UNPROCESSABLE_ENTITY before" in dd.get_text()


@pytest.mark.parametrize("slug, codes", sorted(COMPARED.items()))
def test_comparison_pages_are_reached_from_every_code_they_compare(site, bundle_site, slug, codes):
    page = soup(site / "compare" / slug / "index.html")
    table_codes = {int(tr.find("td").get_text()) for tr in page.select("main table tbody tr")}
    assert table_codes == codes
    assert {a["href"] for a in page.select("ul.compared a")} == {f"../../{n}/" for n in codes}
    assert page.select_one("p.cite a")["href"] == f"../../sources/#compare-{slug}"
    for number in codes:
        for root, href in ((site, f"../compare/{slug}/"), (bundle_site, f"../compare/{slug}/index.html")):
            links = [a["href"] for a in soup(root / str(number) / "index.html").select("ul.compare a")]
            assert href in links, (number, slug)
    index = soup(site / "index.html")
    assert f"compare/{slug}/" in [a["href"] for a in index.select("#compare ~ ul a, section ul.compare a")]


def test_search_and_bundle_include_the_comparison_pages(site, bundle_site):
    data = (site / "static" / "search-index.js").read_text()
    rows = json.loads(data[data.index("=") + 1 : data.rindex(";")])
    compared = {r["u"] for r in rows if r["k"].startswith("comparison")}
    assert compared == {f"compare/{slug}/" for slug in COMPARED}
    for slug in COMPARED:
        assert (bundle_site / "compare" / slug / "index.html").is_file()


def test_vendor_meanings_are_kept_apart_flagged_and_cited(site, model):
    for number, vendors in VENDORS.items():
        page = soup(site / str(number) / "index.html")
        sections = page.select("section.meanings section.vendor")
        assert sorted(s.h3.get_text(" ", strip=True).split(":")[0] for s in sections) == vendors, number
        for section in sections:
            assert section.select_one(".flag-unofficial").get_text() == "Unofficial"
            cite = section.select_one("p.cite")
            assert re.fullmatch(r"From vendor-[a-z-]+\.md , line \d+", cite.get_text(" ", strip=True)), number
        if number != 451:
            assert "unofficial" in model.code(number).flags, number
    registered = model.code(451)
    assert registered.title == "Unavailable For Legal Reasons" and "unofficial" not in registered.flags
    page = soup(site / "451" / "index.html")
    assert page.h1.get_text(" ", strip=True) == "451 Unavailable For Legal Reasons"
    assert "Redirect" not in " ".join(d.get_text() for d in page.select("section.description:not(.vendor) h3"))
    assert page.select_one("section.meanings h2").get_text() == "Other meanings, outside the registry"
    assert page.select_one("section.meanings p.note").get_text() == ("Some software gives 451 a meaning of its own. None of "
                                                                    "these is the registered meaning, Unavailable For Legal Reasons.")


def test_a_number_with_two_vendor_meanings_names_both_and_claims_no_status_line(site, model):
    code = model.code(420)
    assert {m.name for m in code.meanings} == {"Enhance Your Calm", "Method Failure"}
    page = soup(site / "420" / "index.html")
    assert page.select_one(".wire") is None
    assert "Enhance Your Calm" in page.h1.get_text() and "Method Failure" in page.h1.get_text()
    assert page.select_one("section.constants") is None  # no language names 420
