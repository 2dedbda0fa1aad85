"""The one owner of paths and URLs: where each file goes and how every page links to it, hosted and offline."""
import pytest

from statusref.urls import Urls, is_web_url, relative


@pytest.mark.parametrize("kind, key, path", [
    ("index", None, "index.html"), ("class", 4, "4xx/index.html"), ("code", 404, "404/index.html"),
    ("sources", None, "sources/index.html"), ("compare", "redirects", "compare/redirects/index.html"),
    ("notfound", None, "404.html"), ("asset", "style.css", "static/style.css"),
    ("search", None, "static/search-index.js"), ("api", None, "api/codes.json"), ("sitemap", None, "sitemap.xml"),
    ("robots", None, "robots.txt"),
])
def test_every_kind_of_file_has_one_path(kind, key, path):
    assert Urls().path(kind, key) == path == Urls(offline=True).path(kind, key)


@pytest.mark.parametrize("current, kind, key, hosted, offline", [
    ("404/index.html", "code", 410, "../410/", "../410/index.html"),
    ("404/index.html", "index", None, "../", "../index.html"),
    ("index.html", "index", None, "./", "index.html"),
    ("index.html", "code", 404, "404/", "404/index.html"),
    ("compare/redirects/index.html", "code", 301, "../../301/", "../../301/index.html"),
    ("compare/redirects/index.html", "compare", "gateways", "../gateways/", "../gateways/index.html"),
    ("4xx/index.html", "asset", "style.css", "../static/style.css", "../static/style.css"),
    ("sources/index.html", "sources", None, "./", "index.html"),
])
def test_links_are_relative_folders_when_hosted_and_files_offline(current, kind, key, hosted, offline):
    assert Urls().linker(current)(kind, key) == hosted
    assert Urls(offline=True).linker(current)(kind, key) == offline


def test_anchors_assets_and_prefixes():
    link = Urls().linker("404/index.html")
    assert link("sources", anchor="wiki-table") == "../sources/#wiki-table"
    assert link.asset("search.js") == "../static/search.js"
    assert link.prefix() == "../" and Urls().linker("compare/a/index.html").prefix() == "../../"
    assert Urls().linker("index.html").prefix() == ""


@pytest.mark.parametrize("base, root, page_link", [
    ("", "/", "/404/"), ("https://status.example", "/", "/404/"), ("https://status.example/docs", "/docs/", "/docs/404/"),
    ("https://status.example/docs/", "/docs/", "/docs/404/"),
])
def test_the_root_404_page_links_from_the_site_root(base, root, page_link):
    urls = Urls(base)
    assert urls.root_path() == root
    link = urls.linker("404.html")
    assert link("code", 404) == page_link and link.prefix() == root
    assert Urls(base, offline=True).linker("404.html")("code", 404) == "404/index.html"


@pytest.mark.parametrize("base, path, absolute", [
    ("", "404/index.html", "/404/"), ("https://s.example/", "404/index.html", "https://s.example/404/"),
    ("https://s.example/ref", "index.html", "https://s.example/ref/"), ("https://s.example/ref/", "api/codes.json", "https://s.example/ref/api/codes.json"),
])
def test_absolute_urls_name_folders(base, path, absolute):
    assert Urls(base).absolute(path) == absolute == Urls(base, offline=True).absolute(path)


@pytest.mark.parametrize("address, file", [
    ("/", "index.html"), ("", "index.html"), ("/404/", "404/index.html"), ("/./404/", "404/index.html"),
    ("/static/style.css", "static/style.css"), ("/404", "404"), ("//404//", "404/index.html"),
    ("/a/../b", None), ("/..", None), ("/a\\b", None), ("/a\0", None),
])
def test_served_addresses_name_files_inside_the_site(address, file):
    assert Urls().file_for(address) == file


@pytest.mark.parametrize("text, ok", [
    ("https://a.example/", True), ("http://a.example", True), ("ftp://a.example/", False), ("a.example", False),
    ("https://", False), ("https://a.example/x y", False), ("https://a.example/\n", False), ("javascript:alert(1)", False),
    ("https://[::1", False),
])
def test_web_urls(text, ok):
    assert is_web_url(text) == ok


@pytest.mark.parametrize("target, current, path", [
    ("a/b.html", "a/c.html", "b.html"), ("x.html", "a/b/c.html", "../../x.html"), ("a/b/c.html", "index.html", "a/b/c.html"),
    ("a/x/y.html", "a/b/c.html", "../x/y.html"), ("a/", "a/index.html", ""), ("a", "a/b/c.html", "../../a"),
])
def test_relative_paths(target, current, path):
    assert relative(target, current) == path


@pytest.mark.parametrize("base, path, url", [
    ("https://ex.example/", "compare/東京/index.html", "https://ex.example/compare/%E6%9D%B1%E4%BA%AC/"),
    ("https://ex.example/docs", "compare/über/index.html", "https://ex.example/docs/compare/%C3%BCber/"),
    ("https://ex.example", "404/index.html", "https://ex.example/404/"),
    ("https://ex.example", "compare/a b/index.html", "https://ex.example/compare/a%20b/"),
])
def test_escaped_urls_take_only_the_characters_a_sitemap_allows(base, path, url):
    assert Urls(base).escaped(path) == url
