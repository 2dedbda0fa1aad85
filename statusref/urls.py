"""The one place that decides every page's file path and every link to it."""
from __future__ import annotations

STATIC = "static"


def page_path(kind: str, key: object = None) -> str:
    """The file a page is written to, relative to the site's root."""
    if kind == "index":
        return "index.html"
    if kind == "class":
        return f"{key}xx/index.html"
    if kind == "code":
        return f"{key}/index.html"
    if kind == "sources":
        return "sources/index.html"
    if kind == "notfound":
        return "404.html"
    if kind == "asset":
        return f"{STATIC}/{key}"
    if kind == "file":
        return str(key)
    raise ValueError(f"no page of kind {kind!r}")


def public_path(path: str) -> str:
    """The path a static server answers for a file: `404/` for `404/index.html`."""
    return path[: -len("index.html")] if path.endswith("index.html") else path


class Linker:
    """Links from one page to any other: relative, and naming files when offline."""

    def __init__(self, current: str, offline: bool, root: str | None = None):
        """Links from `current`; `root` fixes the site root for pages served from any URL."""
        self.current = current
        self.offline = offline
        self.root = root
        self.seen: dict[str, str] = {}

    def __call__(self, kind: str, key: object = None, anchor: str = "") -> str:
        """The href from the current page to a page of `kind` and `key`."""
        return self.href(page_path(kind, key)) + (f"#{anchor}" if anchor else "")

    def href(self, target: str) -> str:
        """The href from the current page to a file of the site, worked out once per target."""
        if target not in self.seen:
            self.seen[target] = self.work_out(target)
        return self.seen[target]

    def work_out(self, target: str) -> str:
        """The href from the current page to a file of the site."""
        shown = target if self.offline else public_path(target)
        if self.root is not None:
            return self.root + shown
        link = relative(target, self.current)
        if not self.offline and link.endswith("index.html"):
            link = link[: -len("index.html")] or "./"
        return link

    def prefix(self) -> str:
        """The href of the site root, for scripts that build links themselves."""
        if self.root is not None:
            return self.root
        depth = self.current.count("/")
        return "../" * depth


def relative(target: str, current: str) -> str:
    """The relative path from the folder of one site file to another site file."""
    here, there = current.split("/")[:-1], target.split("/")
    common = 0
    while common < len(here) and common < len(there) - 1 and here[common] == there[common]:
        common += 1
    return "/".join([".."] * (len(here) - common) + there[common:])


def absolute(base_url: str, path: str) -> str:
    """The absolute URL of a site file under base_url, as a static server answers it."""
    return base_url.rstrip("/") + "/" + public_path(path)
