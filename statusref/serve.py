"""`build.py serve`: serve the site on 127.0.0.1, rebuild when sources change, reload open pages."""
from __future__ import annotations

import gc
import http.server
import mimetypes
import os
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote, unquote_to_bytes, urlsplit

from .cache import Cache
from .cli import template_line
from .model import Problem
from .site import Config, Folder, run, say
from .urls import Urls
from .writer import Added, WriteError, check_replaceable

RELOAD_JS = b"""// Reloads the page when the site is rebuilt (build.py serve only).
(function () {
  var seen = null;
  function check() {
    fetch("/__serve/version", { cache: "no-store" }).then(function (r) { return r.text(); }).then(function (v) {
      if (seen !== null && v !== seen) { window.location.reload(); }
      seen = v;
    }).catch(function () {}).finally(function () { setTimeout(check, 700); });
  }
  check();
})();
"""
CSP = "default-src 'none'; script-src 'self';"
LOOK_EVERY = 1.0  # seconds between looks at a site folder that refused a rebuild, to see whether it may be replaced
LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]")  # the names this server answers to: another is a page of another origin's
# DNS pointing at this machine (DNS rebinding), which must not read the site


class Served(Folder):
    """The served folder: published only when a rebuild adds no new problem; each publish is a new version."""

    def __init__(self, out: Path):
        """Nothing published yet."""
        super().__init__(out)
        self.version = 0
        self.problems: set[str] = set()
        self.pending: set[str] = set()
        self.refused = 0

    def wanted(self, problems: tuple[Problem, ...], strict: bool) -> bool:
        """Publish the first build, and later ones that add no problem the last published site lacked."""
        self.pending = {str(p) for p in problems}
        self.refused = len(self.pending - self.problems) if self.version else 0
        return not self.refused

    def published(self) -> None:
        """Under the folder's lock: the new site is in place, so its version is the next."""
        self.problems = self.pending
        self.version += 1


def rebuild(config: Config, cache: Cache, served: Served, quiet: bool) -> bool:
    """Build again and print its problems; on any failure keep serving the last good site. Whether the site folder
    refused the build (files were added to it), so that it is built again once they are gone."""
    started = time.perf_counter()
    try:
        result = run(config, served, cache)
    except Exception as err:  # noqa: BLE001 - serve must survive anything one rebuild does
        where = template_line(err, config.templates)
        said = f"{where}: template error: {err}" if where else f"error: {err}"
        say(said + ("; still serving the last good site." if served.version else ""))
        return isinstance(err, Added)
    for problem in result.problems:
        say(str(problem))
    if served.refused:
        say(f"Not published: {served.refused} new problems; still serving the last good site.")
    if result.ok and not quiet:
        print(f"Rebuilt {len(result.model.codes)} codes in {time.perf_counter() - started:.2f} s", flush=True)
    return False


def replaceable(out: Path) -> bool:
    """Whether the site folder may be replaced now: nothing in it that the last build did not write."""
    try:
        check_replaceable(Path(os.path.abspath(out)))
    except (WriteError, OSError):
        return False
    return True


class Handler(http.server.BaseHTTPRequestHandler):
    """Serves the site's files, with a reload script in every HTML page, its 404 page, and the site's version."""

    served: Served
    urls = Urls()
    timeout = 60  # seconds a connection may stay silent before it is closed, so idle clients hold no thread for good
    head = False

    def log_message(self, *args) -> None:
        """Stay quiet: rebuilds and problems are what matter here."""

    def do_HEAD(self) -> None:
        """Answer as to GET, without the body."""
        self.head = True
        self.do_GET()

    def do_GET(self) -> None:
        """Answer the reload endpoints and the site's files."""
        if not local_host(self.headers.get("Host", "").strip()):
            return self.reply(421, b"This server answers only to 127.0.0.1 and localhost\n", "text/plain")
        raw = urlsplit(self.path).path
        try:
            path = unquote_to_bytes(raw).decode("utf-8") if well_escaped(raw) else None
        except (UnicodeDecodeError, ValueError):
            path = None
        if path is None:
            return self.reply(400, b"Bad request\n", "text/plain")
        if path == "/__serve/version":
            return self.reply(200, str(self.served.version).encode(), "text/plain")
        if path == "/__serve/reload.js":
            return self.reply(200, RELOAD_JS, "text/javascript")
        name = self.urls.file_for(path)
        if name is None:
            return self.reply(400, b"Bad request\n", "text/plain")
        self.send_file(name, path)

    def send_file(self, name: str, path: str) -> None:
        """One file of the site, a redirect for a folder named without its slash, or the site's 404 page."""
        root = self.served.out
        file = root / name
        body = None
        try:
            hidden = any(part.startswith(".") for part in name.split("/"))
            inside = os.path.realpath(file).startswith(os.path.join(os.path.realpath(root), ""))  # no link out of it
            if file.is_dir() and inside and not hidden:
                return self.redirect("/" + name + "/")  # from the name: `/%2Fapi` goes to `/api/`, never `//api/`
            body = file.read_bytes() if inside and not hidden and file.is_file() else None
        except OSError:  # a name too long for the file system, or a file a rebuild replaced meanwhile: no such page
            pass
        if body is None:
            return self.reply(404, with_reload(self.not_found(root)), "text/html; charset=utf-8")
        kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
        if kind == "text/html":
            return self.reply(200, with_reload(body), "text/html; charset=utf-8")
        self.reply(200, body, kind + ("; charset=utf-8" if kind.startswith("text/") or kind.endswith(("json", "javascript")) else ""))

    def not_found(self, root: Path) -> bytes:
        """The site's 404 page, or a line if there is none."""
        try:
            return (root / self.urls.path("notfound")).read_bytes()
        except OSError:
            return b"Not found\n"

    def redirect(self, location: str) -> None:
        """Send the browser to a folder's address, percent-encoded as a header must be."""
        self.send_response(301)
        self.send_header("Location", quote(location, safe="/"))
        self.send_header("Content-Length", "0")
        self.end_headers()

    def reply(self, status: int, body: bytes, kind: str) -> None:
        """Send a whole response that the browser must check again before reuse."""
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if not self.head:
            self.wfile.write(body)


class Server(http.server.ThreadingHTTPServer):
    """The HTTP server, quiet about clients that go away mid-answer."""

    def handle_error(self, request, client_address) -> None:
        """A client that hung up is no error; any other is one line, never a traceback."""
        error = sys.exc_info()[1]
        if not isinstance(error, (ConnectionError, TimeoutError)):
            say(f"error: answering a request: {type(error).__name__}: {error}")


def local_host(host: str) -> bool:
    """Whether a Host header names this machine by a name this server answers to, with any port: 127.0.0.1,
    localhost and its subdomains (RFC 6761: browsers resolve them to this machine themselves), or no name at all
    (HTTP/1.0 needs none, and a browser always sends one)."""
    name = (host[: host.find("]") + 1] if host.startswith("[") else host.partition(":")[0]).casefold().rstrip(".")
    return not host or name in LOCAL_HOSTS or name.endswith(".localhost")


def well_escaped(path: str) -> bool:
    """Whether every `%` in a path starts an escape of two hexadecimal digits."""
    at = path.find("%")
    while at >= 0:
        if len(path) < at + 3 or any(c not in "0123456789abcdefABCDEF" for c in path[at + 1 : at + 3]):
            return False
        at = path.find("%", at + 3)
    return True


def with_reload(html: bytes) -> bytes:
    """A page with the reload script, and a policy that lets it ask for the version."""
    html = html.replace(CSP.encode(), (CSP + " connect-src 'self';").encode(), 1)
    return html.replace(b"</body>", b'<script src="/__serve/reload.js"></script>\n</body>', 1)


def serve(config: Config, port: int, quiet: bool) -> int:
    """Bind the port, watch, build, then serve on 127.0.0.1 and rebuild after every change until interrupted."""
    try:
        server = Server(("127.0.0.1", port), Handler)
    except OSError as err:
        say(f"error: cannot serve on 127.0.0.1:{port}: {err.strerror or err}")
        return 2
    gc.enable()  # serving is long-lived: collect between rebuilds
    changes = watch(config)
    served = Served(config.out)
    cache = Cache(config.cache, say)
    rebuild(config, cache, served, quiet)
    if not served.version:
        say("error: the first build failed; fix it and run serve again")
        server.server_close()
        return 2
    server.RequestHandlerClass = type("SiteHandler", (Handler,), {"served": served})
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"Serving {config.out} on http://127.0.0.1:{server.server_address[1]}/ (Ctrl+C to stop)", flush=True)
    try:
        blocked, next_look = False, 0.0
        for batch in changes:  # an empty batch comes every 200 ms or so
            if not batch and blocked and time.monotonic() >= next_look:
                next_look = time.monotonic() + LOOK_EVERY
                batch = replaceable(config.out)
            if batch:
                blocked = rebuild(config, cache, served, quiet)
    finally:
        server.shutdown()
    return 0


def watch(config: Config):
    """Changes to content, templates and static files, in debounced batches; watching before it returns."""
    import watchfiles

    folders = [str(f) for f in (config.content, config.templates, config.static) if f.is_dir()]
    changes = watchfiles.watch(*folders, watch_filter=inputs_only(config, watchfiles.DefaultFilter()), debounce=300,
                               step=50, rust_timeout=200, yield_on_timeout=True, raise_interrupt=False)
    next(changes)  # the first batch, empty or not, comes once the watcher runs: nothing after this is missed
    return changes


def inputs_only(config: Config, default):
    """A watch filter that passes what `default` passes, but nothing a build writes: the site folder, its staging
    folders and lock beside it, and the cache; a build writing inside a watched folder would start the next."""
    owned = [os.path.realpath(folder) for folder in (config.out, config.cache) if folder]
    beside = os.path.join(os.path.dirname(owned[0]), f".{os.path.basename(owned[0])}.")

    def wanted(change, path: str) -> bool:
        """Whether a change is to an input."""
        real = os.path.realpath(path)
        mine = real.startswith(beside) or any(real == folder or real.startswith(folder + os.sep) for folder in owned)
        return default(change, path) and not mine
    return wanted
