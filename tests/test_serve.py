"""The writing loop: serve with rebuild on change, and progress on a terminal only."""
import fcntl
import os
import pty
import json
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from generate import generate
from helpers import CONTENT, ROOT


def fetch(url: str) -> str:
    """A page's text over HTTP."""
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


def status_of(url: str) -> tuple[int, dict, bytes]:
    """The status, headers and body of a response, errors included, without following redirects."""
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args):
            return None

    try:
        with urllib.request.build_opener(NoRedirect).open(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def wait_for(condition, seconds: float = 60):
    """Poll until condition() is truthy; its value. Fails after `seconds`, so a hang is a failure, not a wait."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("the condition never held")


def start_serve(tmp_path: Path, *extra: str) -> subprocess.Popen:
    """build.py serve on a copy of content/, on a free port."""
    content = tmp_path / "content"
    if not content.exists():
        shutil.copytree(CONTENT, content)
    command = [sys.executable, str(ROOT / "build.py"), "serve", "--content", str(content), "--out", str(tmp_path / "site"), *extra]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # buffered, as in a user's shell
    return subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=open(tmp_path / "stderr.txt", "w"), text=True, env=env)


def served_url(process: subprocess.Popen) -> str:
    """The address serve prints once it serves."""
    while True:
        line = process.stdout.readline()
        assert line, "serve stopped before it served"
        found = re.search(r"http://127\.0\.0\.1:\d+/", line)
        if found:
            return found.group(0)


@pytest.fixture
def served(tmp_path):
    """build.py serve on a copy of content/, on a free port; yields (base URL, content, stderr file, process)."""
    process = start_serve(tmp_path, "--port", "0")
    try:
        yield served_url(process), tmp_path / "content", tmp_path / "stderr.txt", process
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_serve_rebuilds_on_change_and_keeps_the_last_good_site(served, tmp_path):
    url, content, stderr, process = served
    page = fetch(url + "404/")
    assert "The server cannot find the requested resource." in page
    assert '<script src="/__serve/reload.js"></script>' in page and "connect-src 'self'" in page
    assert "__serve" not in (tmp_path / "site" / "404" / "index.html").read_text()
    version = fetch(url + "__serve/version")

    source = content / "response-status-codes.md"
    source.write_text(source.read_text().replace("The server cannot find the requested resource.", "Nothing lives at this address."))
    wait_for(lambda: fetch(url + "__serve/version") != version)
    assert "Nothing lives at this address." in fetch(url + "404/")
    version = fetch(url + "__serve/version")

    (content / "broken.md").write_text("| Code | Name | Description |\n|---|---|---|\n| 40A | Broken | Not a code. |\n")
    wait_for(lambda: "still serving the last good site" in stderr.read_text())
    assert f"{content / 'broken.md'}:3: cannot read status code '40A'" in stderr.read_text()
    assert fetch(url + "__serve/version") == version
    assert "Nothing lives at this address." in fetch(url + "404/")
    codes = len(json.loads(fetch(url + "api/codes.json"))["codes"])
    process.kill()  # what serve printed must already be out: it never stops to flush it
    rebuilt = [line for line in process.stdout.read().splitlines() if line.startswith("Rebuilt ")]
    assert len(rebuilt) == 1 and re.fullmatch(rf"Rebuilt {codes} codes in \d+\.\d\d s", rebuilt[0]), rebuilt  # the edit; the broken one is refused


def test_serve_answers_like_a_static_host(served):
    url, _, _, _ = served
    status, headers, body = status_of(url + "static/style.css")
    assert (status, headers["Content-Type"], headers["Cache-Control"]) == (200, "text/css; charset=utf-8", "no-store")
    assert body == (CONTENT.parent / "static" / "style.css").read_bytes()
    status, headers, body = status_of(url + "no/such/page/")
    assert status == 404 and b"<h1>Page not found</h1>" in body and b"/__serve/reload.js" in body
    status, headers, _ = status_of(url + "404")  # one request: two would differ in their Date across a second's turn
    assert (status, headers["Location"]) == (301, "/404/")
    for path in ("a%00b/", "%ff/", "..%2f..%2fetc/passwd", "static/..%2f..%2f..%2fetc/passwd", "%zz", "%4", "%"):
        status, _, body = status_of(url + path)
        assert (status, body) == (400, b"Bad request\n"), path
    for path in ("a" * 300, "a/" * 3000, ".statusref-output", "static/.hidden"):
        assert status_of(url + path)[0] == 404, path[:20]


def test_serve_binds_its_port_before_building(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = start_serve(tmp_path, "--port", str(port))
        assert process.wait(timeout=60) == 2
    errors = (tmp_path / "stderr.txt").read_text()
    assert errors.startswith(f"error: cannot serve on 127.0.0.1:{port}: ") and errors.count("\n") == 1
    assert not (tmp_path / "site").exists()


def test_serve_takes_the_lock_of_its_folder(tmp_path):
    with open(tmp_path / ".site.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        process = start_serve(tmp_path, "--port", "0")
        try:
            wait_for(lambda: "Waiting for another build" in (tmp_path / "stderr.txt").read_text())
            assert not (tmp_path / "site").exists()
            fcntl.flock(lock, fcntl.LOCK_UN)
            assert "404 Not Found" in fetch(served_url(process) + "404/")
        finally:
            process.terminate()
            process.wait(timeout=10)


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
    """Sources for a build that counts as slow: progress is told to show from the start."""
    return generate(tmp_path_factory.mktemp("slow") / "content", 40)


def terminal_env() -> dict:
    """The environment of a build on a terminal, outside CI, whose progress shows at once rather than after a second."""
    return {**{k: v for k, v in os.environ.items() if k != "CI"}, "STATUSREF_PROGRESS_AFTER": "0"}


def test_progress_shows_on_a_terminal_for_a_slow_build(slow_content, tmp_path):
    env = terminal_env()
    output = run_on_terminal(["--content", str(slow_content), "--out", str(tmp_path / "site"), "--no-cache"], env)
    assert "Reading sources" in output or "Rendering pages" in output, output[-500:]
    assert "Built into" in output


@pytest.mark.parametrize("how", ["ci", "quiet"])
def test_progress_stays_quiet_in_ci_and_with_quiet(slow_content, tmp_path, how):
    env = terminal_env()
    args = ["--content", str(slow_content), "--out", str(tmp_path / "site"), "--no-cache"]
    if how == "ci":
        env["CI"] = "true"
    else:
        args.append("--quiet")
    output = run_on_terminal(args, env)
    assert "Reading sources" not in output and "Rendering pages" not in output
    assert ("Built into" in output) == (how == "ci")


def test_progress_waits_for_its_delay(slow_content, tmp_path):
    env = {**terminal_env(), "STATUSREF_PROGRESS_AFTER": "600"}
    output = run_on_terminal(["--content", str(slow_content), "--out", str(tmp_path / "site"), "--no-cache"], env)
    assert "Reading sources" not in output and "Rendering pages" not in output and "Built into" in output
