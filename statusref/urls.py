"""The one owner of every output path and URL: pages, assets, API, sitemap, robots.txt and search data."""
from __future__ import annotations

import posixpath
from urllib.parse import quote

INDEX = "index.html"
PAGE_IDS = frozenset({"main", "search", "search-help", "search-results", "search-status", "compare", "constants",
                      "protocol", "vendors"})  # the templates' own element ids, which no source's anchor may take
PAGES = {
    "index": INDEX,
    "class": "{}xx/" + INDEX,
    "code": "{}/" + INDEX,
    "sources": "sources/" + INDEX,
    "compare": "compare/{}/" + INDEX,
    "notfound": "404.html",
}
FILES = {
    "asset": "static/{}",
    "search": "static/search-index.js",
    "api": "api/codes.json",
    "sitemap": "sitemap.xml",
    "robots": "robots.txt",
}


class Urls:
    """Where each file of a site is written and the address it is reached at, hosted or offline.

    Hosted sites link to folders (`404/`), as a static server answers them; offline sites, opened from disk,
    name every file (`404/index.html`).
    """

    def __init__(self, base_url: str = "", offline: bool = False):
        """The paths and URLs of a site published at `base_url` (or nowhere yet), hosted or offline."""
        self.base_url = base_url
        self.offline = offline

    def path(self, kind: str, key: object = None) -> str:
        """The file a page or other file is written to, relative to the site's root."""
        pattern = PAGES.get(kind) or FILES[kind]
        return pattern.format(key)

    def address(self, path: str) -> str:
        """The path a reader asks for to get a file: `404/` for `404/index.html` when hosted."""
        return path if self.offline else hosted(path)

    def absolute(self, path: str) -> str:
        """The public URL of a file as a server answers it: under the base URL, or from the site root."""
        return (self.base_url.rstrip("/") if self.base_url else "") + "/" + hosted(path)

    def escaped(self, path: str) -> str:
        """The public URL of a file with its path percent-encoded as RFC 3986 asks (`/compare/%C3%BCber/`): for the
        sitemap and robots.txt, which take no other characters."""
        return (self.base_url.rstrip("/") if self.base_url else "") + "/" + quote(hosted(path), safe="/")

    def root_path(self) -> str:
        """The path of the site root on its host: `/` or `/docs/` for https://host/docs."""
        rest = self.base_url.split("://", 1)[-1]
        path = "/" + rest.split("/", 1)[1] if "/" in rest else "/"
        return path if path.endswith("/") else path + "/"

    def linker(self, current: str) -> Linker:
        """Links from the page at `current`; the root 404 page links from the site root, served at any address."""
        fixed = self.root_path() if current == PAGES["notfound"] and not self.offline else None
        return Linker(self, current, fixed)

    def file_for(self, address: str) -> str | None:
        """The site file a request path names (`/404/` -> `404/index.html`); None if it leaves the site."""
        parts = [p for p in address.split("/") if p not in ("", ".")]
        if ".." in parts or any("\0" in p or "\\" in p for p in parts):
            return None
        path = "/".join(parts)
        if not path or address.endswith("/"):
            return posixpath.join(path, INDEX) if path else INDEX
        return path


class Linker:
    """Links from one page to any file of the site: relative, or from a fixed root."""

    def __init__(self, urls: Urls, current: str, root: str | None = None):
        """Links from `current`; `root` fixes the site root for pages served from any address."""
        self.urls = urls
        self.current = current
        self.root = root
        self.seen: dict[str, str] = {}

    def __call__(self, kind: str, key: object = None, anchor: str = "") -> str:
        """The href from the current page to a page or file of `kind` and `key`."""
        return self.href(self.urls.path(kind, key)) + (f"#{anchor}" if anchor else "")

    def asset(self, name: str) -> str:
        """The href of a static file."""
        return self("asset", name)

    def href(self, target: str) -> str:
        """The href from the current page to a file of the site, worked out once per target."""
        if target not in self.seen:
            self.seen[target] = self.work_out(target)
        return self.seen[target]

    def work_out(self, target: str) -> str:
        """The href from the current page to a file of the site."""
        if self.root is not None:
            return self.root + self.urls.address(target)
        return self.urls.address(relative(target, self.current)) or "./"

    def prefix(self) -> str:
        """The href of the site root, for scripts that build links themselves."""
        return self.root if self.root is not None else "../" * self.current.count("/")


def is_web_url(text: str) -> bool:
    """Whether a text is an absolute http or https URL with nothing unprintable in it."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc) and text.isprintable() and " " not in text


def hosted(path: str) -> str:
    """The address a static server answers for a file: `404/` for `404/index.html`."""
    return path[: -len(INDEX)] if path == INDEX or path.endswith("/" + INDEX) else path


def relative(target: str, current: str) -> str:
    """The relative path from the folder of one site file to another site file or folder."""
    here, there = current.split("/")[:-1], target.split("/")
    common = 0
    while common < len(here) and common < len(there) - 1 and here[common] == there[common]:
        common += 1
    return "/".join([".."] * (len(here) - common) + there[common:])
