"""The writing loop: serve with rebuild on change, and progress on a terminal only."""
import os
import pty
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from generate import generate

ROOT = Path(__file__).resolve().parent.parent


def fetch(url: str) -> str:
    """A page's text over HTTP."""
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


def wait_for(condition, seconds: float = 30):
    """Poll until condition() is truthy; its value."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out")


@pytest.fixture
def served(tmp_path):
    """build.py serve on a copy of content/, on a free port; yields (base URL, content, stderr file)."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    errors = open(tmp_path / "stderr.txt", "w+")
    command = [sys.executable, str(ROOT / "build.py"), "serve", "--content", str(content), "--out", str(tmp_path / "site"), "--port", "0"]
    process = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=errors, text=True)
    try:
        url = None
        while url is None:
            line = process.stdout.readline()
            assert line, "serve stopped before it served"
            found = re.search(r"http://127\.0\.0\.1:\d+/", line)
            url = found.group(0) if found else None
        yield url, content, tmp_path / "stderr.txt"
    finally:
        process.terminate()
        process.wait(timeout=10)
        errors.close()


def test_serve_rebuilds_on_change_and_keeps_the_last_good_site(served, tmp_path):
    url, content, stderr = served
    page = fetch(url + "404/")
    assert "The server cannot find the requested resource." in page
    assert '<script src="/__serve/reload.js"></script>' in page and "connect-src 'self'" in page
    assert "__serve" not in (tmp_path / "site" / "404" / "index.html").read_text()
    version = fetch(url + "__serve/version")

    source = content / "response-status-codes.md"
    source.write_text(source.read_text().replace("The server cannot find the requested resource.", "Nothing lives at this address."))
    wait_for(lambda: "Nothing lives at this address." in fetch(url + "404/"))
    assert fetch(url + "__serve/version") != version

    (content / "broken.md").write_text("| Code | Name | Description |\n|---|---|---|\n| 40A | Broken | Not a code. |\n")
    wait_for(lambda: "broken.md:3: cannot read status code '40A'" in stderr.read_text())
    assert "still serving the last good site" in stderr.read_text()
    assert "Nothing lives at this address." in fetch(url + "404/")
    assert fetch(url + "4xx/").count("<li>") > 20


def run_on_terminal(args: list[str], env: dict) -> str:
    """Run build.py with a terminal as its output; everything it printed."""
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, str(ROOT / "build.py"), *args], stdout=follower, stderr=follower, env=env, cwd=ROOT)
    os.close(follower)
    output = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    process.wait(timeout=120)
    os.close(leader)
    return output.decode("utf-8", errors="replace")


@pytest.fixture(scope="module")
def slow_content(tmp_path_factory) -> Path:
    """Enough generated sources that an uncached build takes over a second."""
    return generate(tmp_path_factory.mktemp("slow") / "content", 400)


def test_progress_shows_on_a_terminal_for_a_slow_build(slow_content, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    output = run_on_terminal(["--content", str(slow_content), "--out", str(tmp_path / "site"), "--no-cache"], env)
    assert "Reading sources" in output or "Rendering pages" in output, output[-500:]
    assert "Built into" in output


@pytest.mark.parametrize("how", ["ci", "quiet"])
def test_progress_stays_quiet_in_ci_and_with_quiet(slow_content, tmp_path, how):
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    args = ["--content", str(slow_content), "--out", str(tmp_path / "site"), "--no-cache"]
    if how == "ci":
        env["CI"] = "true"
    else:
        args.append("--quiet")
    output = run_on_terminal(args, env)
    assert "Reading sources" not in output and "Rendering pages" not in output
    assert ("Built into" in output) == (how == "ci")
