"""Structural checks of the built site and the unzipped bundle, with BeautifulSoup."""
import os
import json
import posixpath
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

from helpers import CONTENT, soup
from statusref.site import Config, build

SPEC_HOSTS = {"www.rfc-editor.org", "www.iana.org"}


def pages(root: Path) -> list[Path]:
    """Every HTML page of a site."""
    return sorted(root.rglob("*.html"))


def test_one_page_per_code_and_class(site, model):
    for code in model.codes:
        page = soup(site / str(code.code) / "index.html")
        assert page.h1.get_text(" ", strip=True) == f"{code.code} {code.title}"
        assert page.title.string.startswith(f"{code.code} {code.title}")
    for cls in model.classes:
        page = soup(site / cls.label / "index.html")
        assert page.h1.get_text(strip=True) == f"{cls.label} {cls.name}"
        listed = [a["href"] for a in page.select("main ul.codes a")]
        assert listed == [f"../{n}/" for n in cls.codes]
    assert len(pages(site)) == len(model.codes) + len(model.classes) + len(model.comparisons) + 3


def test_breadcrumbs(site):
    crumbs = soup(site / "404" / "index.html").select("nav.crumbs a")
    assert [(a.get_text(strip=True), a["href"]) for a in crumbs] == [
        ("Home", "../"), ("4xx Client Error", "../4xx/"), ("404 Not Found", "./"),
    ]
    assert crumbs[-1]["aria-current"] == "page"


def test_previous_next_chain_visits_every_code_in_order(site, model):
    seen, href = [], "100/index.html"
    while href:
        page = soup(site / href)
        seen.append(int(page.select_one("h1 .num").get_text()))
        nxt = page.select_one('nav.pager a[rel="next"]')
        href = posixpath.normpath(posixpath.join(posixpath.dirname(href), nxt["href"], "index.html")) if nxt else None
    assert seen == [c.code for c in model.codes]


def test_class_pages_chain_and_explain(site, model):
    page = soup(site / "4xx" / "index.html")
    assert page.select_one('nav.pager a[rel="prev"]')["href"] == "../3xx/"
    assert page.select_one('nav.pager a[rel="next"]')["href"] == "../5xx/"
    assert "bad syntax or cannot be fulfilled" in page.select_one("p.lede").get_text()


def test_code_page_contents(site):
    page = soup(site / "413" / "index.html")
    assert page.select_one(".wire pre").get_text() == "HTTP/1.1 413 Content Too Large"
    former = [dd.get_text(" ", strip=True) for dd in page.select("dd.former")]
    assert any(f.startswith("Request Entity Too Large") and "encyclopedia" in f for f in former)
    ref = page.find("a", string="RFC 9110, Section 15.5.14")
    assert ref["href"] == "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.14"
    cites = [p.get_text(" ", strip=True) for p in page.select("section.description p.cite")]
    expected = [f"From {name} , line {first_line_with(CONTENT / name, '413')}" for name in ("response-status-codes.md", "wiki-table.md")]
    assert cites == expected
    flags = [li.get_text() for li in soup(site / "102" / "index.html").select("ul.flags li")]
    assert flags == ["Deprecated"]


def first_line_with(path: Path, text: str) -> int:
    """The number of the first line of a file that holds a text."""
    return next(n for n, line in enumerate(path.read_text().splitlines(), start=1) if text in line)


def test_index_is_a_table_of_every_code_by_class_with_short_summaries(site, model):
    page = soup(site / "index.html")
    unofficial = [c for c in model.codes if "unofficial" in c.flags]
    for code in unofficial:
        item = page.find("li", id=str(code.code))
        assert item.a["href"] == f"{code.code}/" and item.a.get_text() == f"{code.code} {code.title}"
        assert item.find_parent("section").h2["id"] == f"{code.class_digit}xx" and page.find("tr", id=str(code.code)) is None
    for code in (c for c in model.codes if c not in unofficial):
        row = page.find("tr", id=str(code.code))
        cells = row.find_all("td")
        assert cells[0].get_text() == str(code.code) and cells[1].a["href"] == f"{code.code}/"
        assert cells[1].a.get_text() == code.title
        short = cells[2].get_text()
        assert len(short) <= 90 and (short == code.summary or (short.endswith("…") and code.summary.startswith(short[:-1])))
        assert row.find_parent("section").h2["id"] == f"{code.class_digit}xx"
    assert page.select_one("p.lede").get_text().startswith(f"All {len(model.codes) - len(unofficial)} codes by class")
    assert f"the {len(unofficial)} unofficial codes" in page.select_one("p.lede").get_text()


def test_cross_links_and_mentions(site):
    page401 = soup(site / "401" / "index.html")
    assert page401.find("a", class_="code-ref", string="403")["href"] == "../403/"
    page302 = soup(site / "302" / "index.html")
    assert {a.get_text() for a in page302.select("a.code-ref")} >= {"303", "307"}
    page403 = soup(site / "403" / "index.html")
    assert "../401/" in [a["href"] for a in page403.select("ul.mentioned-by a")]


def test_no_code_links_inside_code_spans(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    (content / "a.md").write_text("- **200 OK**: Fine.\n- **204 No Content**: Like `200` but empty; see 200 and [the spec](https://www.rfc-editor.org/rfc/rfc9110).\n")
    build(Config(content=content, out=tmp_path / "site"))
    body = soup(tmp_path / "site" / "204" / "index.html").select_one("section.description")
    assert body.code.get_text() == "200" and body.code.find("a") is None
    assert [a["href"] for a in body.select("a.code-ref")] == ["../200/"]


def test_sources_page_lists_codes_and_disagreements(site, model):
    page = soup(site / "sources" / "index.html")
    wiki = page.find("h2", id="wiki-table").find_parent("section")
    assert "../413/" in [a["href"] for a in wiki.select("ul.inline a")]
    assert "Request Entity Too Large" in wiki.get_text()
    assert len(page.select("section.source")) == len(model.sources)


def test_root_404_links_to_the_404_page(site):
    page = soup(site / "404.html")
    assert page.find("a", string="404 Not Found")["href"] == "/404/"
    assert page.find("link", rel="stylesheet")["href"] == "/static/style.css"


def test_machine_readable_api(site, model):
    api = json.loads((site / "api" / "codes.json").read_text())
    assert api["version"] == 2 and len(api["codes"]) == len(model.codes)
    teapot = next(c for c in api["codes"] if c["code"] == 413)
    assert set(teapot) >= {"code", "title", "class", "flags", "former_names", "summary", "url", "reference"}
    assert teapot["title"] == "Content Too Large" and teapot["class"] == "4xx" and teapot["url"] == "/413/"
    assert "Payload Too Large" in teapot["former_names"]


def test_sitemap_robots_canonical_with_base_url(tmp_path, model):
    out = tmp_path / "site"
    build(Config(content=CONTENT, out=out, base_url="https://status.example/ref/"))
    locs = [e.text for e in ET.parse(out / "sitemap.xml").getroot().iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert len(locs) == len(pages(out)) - 1 and "https://status.example/ref/404/" in locs
    assert all(loc.startswith("https://status.example/ref/") for loc in locs)
    assert "Sitemap: https://status.example/ref/sitemap.xml" in (out / "robots.txt").read_text()
    assert soup(out / "404" / "index.html").find("link", rel="canonical")["href"] == "https://status.example/ref/404/"
    assert soup(out / "404.html").find("a", string="404 Not Found")["href"] == "/ref/404/"


def test_every_page_has_a_description_and_csp_and_no_canonical_without_a_base_url(site):
    for path in pages(site):
        page = soup(path)
        assert page.find("link", rel="canonical") is None, path
        assert page.find("meta", attrs={"name": "description"})["content"].strip(), path
        csp = page.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
        assert "script-src 'self'" in csp and "default-src 'none'" in csp and "connect-src 'self'" in csp
    assert not (site / "sitemap.xml").exists()
    assert (site / "robots.txt").read_text() == "User-agent: *\nAllow: /\n"


def test_the_offline_bundle_has_no_sitemap_robots_or_canonical(bundle_site):
    assert not (bundle_site / "sitemap.xml").exists() and not (bundle_site / "robots.txt").exists()
    assert soup(bundle_site / "404" / "index.html").find("link", rel="canonical") is None


def links(page: BeautifulSoup) -> list[str]:
    """Every href and src on a page."""
    return [tag.get(attr) for attr in ("href", "src") for tag in page.find_all(attrs={attr: True})]


def resolve(root: Path, page: Path, link: str, offline: bool, published: set[str]) -> Path | None:
    """The file an internal link names, or None for spec links and the sources' own links; fails on other absolute URLs."""
    parts = urlsplit(link)
    if parts.scheme in ("http", "https"):
        assert parts.netloc in SPEC_HOSTS or link in published, f"{page}: external URL {link}"
        return None
    assert not parts.scheme, f"{page}: {link}"
    path = unquote(parts.path)
    if offline:
        assert path == "" or not path.endswith("/"), f"{page}: offline link {link} names no file"
    base = root if path.startswith("/") else page.parent
    target = (base / path.lstrip("/")) if path else page
    return target / "index.html" if target.is_dir() else target


@pytest.mark.parametrize("which", ["site", "bundle_site"])
def test_every_internal_link_resolves(which, request, model):
    root = request.getfixturevalue(which)
    published = {s.link for s in model.sources if s.link}
    offline = which == "bundle_site"
    parsed = {path: soup(path) for path in pages(root)}
    ids = {path: {tag["id"] for tag in page.find_all(id=True)} for path, page in parsed.items()}
    for path, page in parsed.items():
        for link in links(page):
            target = resolve(root, path, link, offline, published)
            if target is None:
                continue
            assert target.is_file(), f"{path}: {link} -> {target}"
            fragment = urlsplit(link).fragment
            if fragment:
                assert fragment in ids.get(Path(os.path.normpath(target)), ()), f"{path}: {link}"


def test_bundle_links_are_relative_and_name_files(bundle_site, model):
    page = soup(bundle_site / "401" / "index.html")
    assert page.find("a", class_="code-ref")["href"] == "../403/index.html"
    assert page.find("a", class_="brand")["href"] == "../index.html"
    assert len(pages(bundle_site)) == len(model.codes) + len(model.classes) + len(model.comparisons) + 3
    for path in pages(bundle_site):
        for link in links(soup(path)):
            assert not link.startswith("/"), f"{path}: {link}"


def test_no_external_fonts_cdns_or_trackers(site):
    for path in list(site.rglob("*.css")) + list(site.rglob("*.js")):
        assert not re.search(r"https?://", path.read_text()), path


def test_a_static_server_answers_every_public_address(server):
    import urllib.error
    import urllib.request

    for path, kind in (("/404/", "text/html"), ("/4xx/", "text/html"), ("/api/codes.json", "application/json"),
                       ("/robots.txt", "text/plain"), ("/", "text/html")):
        with urllib.request.urlopen(server + path, timeout=5) as response:
            assert response.status == 200 and kind in response.headers["Content-Type"], path
    try:
        urllib.request.urlopen(server + "/no/such/page/", timeout=5)
    except urllib.error.HTTPError as err:
        assert err.code == 404 and b'href="/404/"' in err.read()
    else:
        raise AssertionError("a missing page must answer 404")


def test_sources_page_lists_the_registry_first_then_by_trust(site, model):
    page = soup(site / "sources" / "index.html")
    order = [h2["id"] for h2 in page.select("section.source h2")]
    registry = next(s for s in model.sources if s.registry)
    others = sorted((s for s in model.sources if not s.registry), key=lambda s: (-s.trust, s.path))
    assert order == [registry.id] + [s.id for s in others]
    first = page.select("section.source")[0].get_text(" ", strip=True)
    assert "The registry: each code's official name" in first and f"Names {len(registry.codes)} codes without describing them" in first
    wiki = page.find("h2", id="wiki-table").find_parent("section")
    assert wiki.p.get_text() == "File wiki-table.md."
    assert "413: “Request Entity Too Large”, a former name of “Content Too Large”" in wiki.get_text()


@pytest.mark.parametrize("number", [306, 418])
def test_unused_codes_say_what_the_rfc_says_and_show_no_status_line(site, number):
    page = soup(site / str(number) / "index.html")
    assert page.select_one(".wire") is None
    assert page.select_one("p.note").get_text() == "RFC 9110 reserves this code and lists it as unused."
    assert "must not" not in page.select_one("main").get_text()
