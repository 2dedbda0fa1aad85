"""Shared fixtures: the real model, the built site, the unzipped bundle, a local server, Chromium."""
from __future__ import annotations

import functools
import http.server
import os
import threading
import zipfile
from pathlib import Path

import pytest

from helpers import CHROMIUM_ARGS, CONTENT
from statusref.site import BUNDLE_FOLDER, Config, build, bundle, load_model

# Files whose tests start processes (builds, servers, Java, pip) run last, so that a quick failure shows quickly.
RUN_LAST = ("test_bad_input.py", "test_cache.py", "test_inputs.py", "test_output.py", "test_package.py",
            "test_safety.py", "test_serve.py")


def pytest_collection_modifyitems(items):
    """Run in-process tests first and the tests that start processes after them, each in its usual order."""
    items.sort(key=lambda item: item.path.name in RUN_LAST)


@pytest.fixture(autouse=True)
def collector_thawed():
    """Give the collector back what a command-line build froze (its process would end): the next test starts as a
    fresh process would."""
    import gc

    yield
    gc.unfreeze()


@pytest.fixture(scope="session")
def model():
    """The model built from the real content/."""
    return load_model(Config(content=CONTENT, cache=None))


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The hosted site built from the real content/."""
    out = tmp_path_factory.mktemp("hosted") / "site"
    result = build(Config(content=CONTENT, out=out, cache=None))
    assert result.ok
    return out


@pytest.fixture(scope="session")
def bundle_site(tmp_path_factory) -> Path:
    """The offline bundle built from the real content/, unzipped."""
    folder = tmp_path_factory.mktemp("bundle")
    target = folder / "reference.zip"
    assert bundle(Config(content=CONTENT, cache=None), target).ok
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
