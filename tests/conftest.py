"""Shared fixtures: the real model, the built site, the unzipped bundle, a local server, Chromium."""
from __future__ import annotations

import functools
import http.server
import os
import threading
import zipfile
from pathlib import Path

import pytest

from statusref.merge import build_model
from statusref.site import BUNDLE_FOLDER, Config, build, bundle, load_model
from statusref.sources import load_all

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


def read_doc(tmp_path: Path, text: str | bytes, name: str = "doc.md"):
    """Write one document into a fresh content folder and read it: (parsed, model)."""
    content = tmp_path / "content"
    content.mkdir(exist_ok=True)
    (content / name).write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    parsed = load_all(content)
    return parsed, build_model(parsed)


def entries(parsed) -> list:
    """Every code entry the sources gave, in order."""
    from statusref.model import Entry

    return [r for p in parsed for r in p.records if isinstance(r, Entry)]


@pytest.fixture(scope="session")
def model():
    """The model built from the real content/."""
    return load_model(Config(content=CONTENT))


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The hosted site built from the real content/."""
    out = tmp_path_factory.mktemp("hosted") / "site"
    result = build(Config(content=CONTENT, out=out))
    assert result.ok
    return out


@pytest.fixture(scope="session")
def bundle_site(tmp_path_factory) -> Path:
    """The offline bundle built from the real content/, unzipped."""
    folder = tmp_path_factory.mktemp("bundle")
    target = folder / "reference.zip"
    assert bundle(Config(content=CONTENT), target).ok
    with zipfile.ZipFile(target) as archive:
        archive.extractall(folder / "unzipped")
    return folder / "unzipped" / BUNDLE_FOLDER


@pytest.fixture(scope="session")
def server(site):
    """site/ served by a plain static file server on 127.0.0.1; yields its base URL."""
    handler = functools.partial(QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """A static handler that does not log every request, and serves 404.html for missing files."""

    def log_message(self, *args):
        """Stay quiet."""

    def send_error(self, code, message=None, explain=None):
        """Serve the site's 404.html as static hosts do."""
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Drive Debian's Chromium: Playwright cannot download its own here."""
    path = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    return {**browser_type_launch_args, "executable_path": path, "args": CHROMIUM_ARGS}
