"""`build.py serve`: serve site/ on 127.0.0.1, rebuild when sources change, reload open pages."""
from __future__ import annotations

import functools
import gc
import http.server
import sys
import threading
import time
from pathlib import Path

from jinja2 import TemplateError

from .site import BuildError, Config, collector_paused, load_model, render
from .writer import WriteError, publish

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


class State:
    """What the server knows: the site's version and the problems of the last site it published."""

    def __init__(self):
        """Nothing published yet."""
        self.version = 0
        self.problems: set[str] = set()


def snapshot(folders: list[Path]) -> tuple:
    """Every file under the watched folders with its size and modification time."""
    found = []
    for folder in folders:
        for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
            if path.is_file():
                stat = path.stat()
                found.append((str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(found)


def rebuild(config: Config, cache, state: State, quiet: bool) -> None:
    """Build again; publish unless the sources gained problems, so the last good site stays up."""
    started = time.perf_counter()
    try:
        with collector_paused():
            model = load_model(config, cache)
            problems = {str(p) for p in model.problems}
            for problem in model.problems:
                print(problem, file=sys.stderr)
            new = problems - state.problems if state.version else set()
            if new:
                print(f"Not published: {len(new)} new problems; still serving the last good site.", file=sys.stderr)
                return
            publish(render(model, config, False, cache), config.out)
            cache.save()
    except (BuildError, WriteError, TemplateError, OSError) as err:
        print(f"error: {err}; still serving the last good site.", file=sys.stderr)
        return
    state.version += 1
    state.problems = problems
    if not quiet:
        print(f"Rebuilt {len(model.codes)} codes in {time.perf_counter() - started:.2f} s", flush=True)


class Handler(http.server.SimpleHTTPRequestHandler):
    """Serves the site, with a reload script in every HTML page and the site's version."""

    state: State

    def log_message(self, *args) -> None:
        """Stay quiet: rebuilds and problems are what matter here."""

    def do_GET(self) -> None:
        """Answer the reload endpoints, pages with the reload script, and other files as they are."""
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if path == "/__serve/version":
            return self.reply(str(self.state.version).encode(), "text/plain")
        if path == "/__serve/reload.js":
            return self.reply(RELOAD_JS, "text/javascript")
        file = Path(self.translate_path(path))
        page = file / "index.html" if file.is_dir() else file
        if page.suffix == ".html" and page.is_file() and (not file.is_dir() or path.endswith("/")):
            return self.reply(with_reload(page.read_bytes()), "text/html; charset=utf-8")
        return super().do_GET()

    def reply(self, body: bytes, kind: str) -> None:
        """Send a whole response that is never cached."""
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)


def with_reload(html: bytes) -> bytes:
    """A page with the reload script, and a policy that lets it ask for the version."""
    html = html.replace(CSP.encode(), (CSP + " connect-src 'self';").encode(), 1)
    return html.replace(b"</body>", b'<script src="/__serve/reload.js"></script>\n</body>', 1)


def serve(config: Config, port: int, quiet: bool) -> int:
    """Build, serve on 127.0.0.1, and rebuild on every change until interrupted."""
    gc.enable()  # serving is long-lived: collect between rebuilds
    cache = config.make_cache()
    state = State()
    folders = [config.content, config.templates, config.static]
    seen = snapshot(folders)
    rebuild(config, cache, state, quiet)
    if not state.version:
        print("error: the first build failed; fix it and run serve again", file=sys.stderr)
        return 2
    handler = type("SiteHandler", (Handler,), {"state": state})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(handler, directory=str(config.out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"Serving {config.out} on http://127.0.0.1:{server.server_address[1]}/ (Ctrl+C to stop)", flush=True)
    try:
        while True:
            time.sleep(0.3)
            now = snapshot(folders)
            if now != seen:
                seen = now
                rebuild(config, cache, state, quiet)
    finally:
        server.shutdown()
