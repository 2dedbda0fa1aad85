"""What only a browser shows, in Chromium: from disk (the unzipped bundle) and served on 127.0.0.1."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "screenshots"
AXE = ROOT / "tests" / "node_modules" / "axe-core" / "axe.min.js"
pytestmark = pytest.mark.browser


class Site:
    """Where a site is opened from, and how its page addresses look there."""

    def __init__(self, base: str, offline: bool):
        """A site at `base`; offline sites name index.html in every address."""
        self.base, self.offline = base, offline

    def url(self, path: str = "") -> str:
        """The address of a page: `404/` or `404/index.html`."""
        return self.base + (path + "index.html" if self.offline and (path == "" or path.endswith("/")) else path)

    def owns(self, url: str) -> bool:
        """Whether a request stays on the site's own origin or disk."""
        return url.startswith(self.base) or (self.offline and url.startswith("file://")) or url.startswith("data:")


@pytest.fixture(params=["file", "http"])
def where(request, bundle_site, server) -> Site:
    """The bundle opened from disk, then site/ served over HTTP."""
    if request.param == "file":
        return Site(bundle_site.as_uri() + "/", offline=True)
    return Site(server + "/", offline=False)


@pytest.fixture
def watched(page: Page, where: Site):
    """A page whose console errors and requests are recorded, with the checks that none went wrong."""
    errors, requests = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    yield page
    assert errors == []
    assert [u for u in requests if not where.owns(u)] == []


def h1(page: Page) -> str:
    """The page's main heading."""
    return page.locator("h1").inner_text().strip()


def test_index_class_code_next_back(watched: Page, where: Site):
    page = watched
    page.goto(where.url())
    assert h1(page) == "HTTP status codes"
    page.locator("main h2 a", has_text="4xx Client Error").click()
    assert h1(page) == "4xx Client Error" and page.url == where.url("4xx/")
    page.locator("main ul.codes a", has_text="404 Not Found").click()
    assert h1(page) == "404 Not Found"
    page.locator('nav.pager a[rel="next"]').click()
    assert h1(page) == "405 Method Not Allowed" and page.url == where.url("405/")
    page.go_back()
    assert h1(page) == "404 Not Found" and page.url == where.url("404/")
    page.locator("nav.crumbs a", has_text="Home").click()
    assert page.url == where.url()


def search(page: Page, text: str) -> list[str]:
    """Type into the search field; the codes listed, in order."""
    field = page.locator("#search")
    field.fill("")
    field.press_sequentially(text)
    options = page.locator("#search-results [role=option] strong")
    expect(options.first).to_be_visible()
    return [t.split()[0] for t in options.all_inner_texts()]


@pytest.mark.parametrize(
    "query, expected",
    [("teapot", ["418"]), ("payload too large", ["413"]), ("gateway", ["502", "504"]), ("404", ["404"]), ("Request-URI", ["414"])],
)
def test_search_finds(watched: Page, where: Site, query, expected):
    watched.goto(where.url("2xx/"))
    found = search(watched, query)
    assert found[: len(expected)] == expected or set(expected) <= set(found[:3]), found


def test_search_keys_slash_arrows_enter(watched: Page, where: Site):
    page = watched
    page.goto(where.url("200/"))
    page.locator("body").press("/")
    assert page.evaluate("document.activeElement.id") == "search"
    found = search(page, "gateway")
    assert set(found[:2]) == {"502", "504"}
    field = page.locator("#search")
    assert field.get_attribute("aria-activedescendant") == "search-option-0"
    field.press("ArrowDown")
    assert field.get_attribute("aria-activedescendant") == "search-option-1"
    assert page.locator("#search-option-1").get_attribute("aria-selected") == "true"
    field.press("Enter")
    page.wait_for_url(where.url(f"{found[1]}/"))
    assert h1(page).startswith(found[1])


def test_without_javascript_pages_read_and_navigate(browser, where: Site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(where.url("4xx/"))
    assert page.locator(".search").is_hidden()
    page.locator("main ul.codes a", has_text="418 I'm a teapot").click()
    assert h1(page) == "418 I'm a teapot"
    assert "brew coffee" in page.locator("main").inner_text()
    context.close()


def background(page: Page) -> tuple[int, ...]:
    """The body's background colour as RGB numbers."""
    colour = page.evaluate("getComputedStyle(document.body).backgroundColor")
    return tuple(int(n) for n in re.findall(r"\d+", colour)[:3])


def test_dark_scheme_shows_dark_colours(browser, where: Site):
    for scheme, dark in (("dark", True), ("light", False)):
        context = browser.new_context(color_scheme=scheme)
        page = context.new_page()
        page.goto(where.url("404/"))
        assert (sum(background(page)) < 150) == dark, (scheme, background(page))
        context.close()


@pytest.mark.parametrize("path", ["", "4xx/", "413/", "200/", "sources/"])
def test_phone_width_has_no_horizontal_scroll(browser, where: Site, path):
    context = browser.new_context(viewport={"width": 375, "height": 740})
    page = context.new_page()
    page.goto(where.url(path))
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    context.close()


def test_screenshots_light_and_dark(browser, server):
    SHOTS.mkdir(exist_ok=True)
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme, viewport={"width": 1000, "height": 900})
        page = context.new_page()
        for name, path in (("index", ""), ("class-4xx", "4xx/"), ("code-404", "404/")):
            page.goto(f"{server}/{path}")
            target = SHOTS / f"{name}-{scheme}.png"
            page.screenshot(path=str(target), full_page=True)
            assert target.stat().st_size > 10_000
        context.close()


def axe_violations(page: Page) -> list[str]:
    """Run axe-core on the page; each violation as `id: target`."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']}: {n['target']}" for v in result["violations"] for n in v["nodes"]]


def all_pages(model) -> list[str]:
    """Every page path: the index, classes, sources, and every code (flagged ones included)."""
    return ["", "sources/"] + [f"{c.label}/" for c in model.classes] + [f"{c.code}/" for c in model.codes]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_reports_no_violations(browser, server, model, scheme):
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.set_content('<html><body><img src="x.png"><a href="#"></a></body></html>')
    assert axe_violations(page), "axe must notice an image without alt text"
    problems = []
    for path in all_pages(model):
        page.goto(f"{server}/{path}")
        problems += [f"/{path} {v}" for v in axe_violations(page)]
    page.goto(f"{server}/404/")
    search(page, "gateway")
    problems += [f"/404/ with search open {v}" for v in axe_violations(page)]
    context.close()
    assert problems == []
