"""Helpers the tests share: where things are, reading a document, running the command line, hashing a tree."""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from bs4 import BeautifulSoup

from statusref.merge import build_model
from statusref.model import Entry
from statusref.site import Config, check
from statusref.sources import load_all

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
BAD = ROOT / "tests" / "bad"
SHARED = ROOT.parent / "shared"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


def read_doc(tmp_path: Path, text: str | bytes, name: str = "doc.md"):
    """Write one document into a content folder under tmp_path and read it: (parsed, model)."""
    content = tmp_path / "content"
    content.mkdir(exist_ok=True)
    path = content / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    parsed = load_all(content)
    return parsed, build_model(parsed)


def entries(parsed) -> list[Entry]:
    """Every code entry the sources gave, in order."""
    return [r for p in parsed for r in p.records if isinstance(r, Entry)]


def problems_of(folder: Path) -> list[str]:
    """Every problem reading, merging and rendering a folder of sources, as printed."""
    return [str(p) for p in check(Config(content=folder, cache=None)).problems]


def run_cli(*args: str, cwd: Path, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run build.py as a user would."""
    command = [sys.executable, str(ROOT / "build.py"), *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)


def tree_hash(folder: Path) -> str:
    """One hash over every file's path and bytes under a folder."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() or p.is_symlink()):
        data = path.read_bytes() if not path.is_symlink() else str(path.readlink()).encode()
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + data + b"\0")
    return digest.hexdigest()


def soup(path: Path) -> BeautifulSoup:
    """A parsed page."""
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


SAMPLE = ("iana-registry.md", "wiki-table.md", "wiki-table.toml", "status-table.md", "status-table.toml",
          "facts-protocol.md", "constants-python.md", "vendor-nginx.md", "compare-redirects.md")


def sample_content(target: Path) -> Path:
    """A copy of a few shipped documents, one of each kind (registry, tables, facts, constants, vendor, comparison)."""
    target.mkdir(parents=True)
    for name in SAMPLE:
        shutil.copy(CONTENT / name, target / name)
    return target


def touched(path: Path) -> None:
    """Move a file's modification time on by a millisecond, as an edit that keeps its bytes does."""
    info = path.stat()
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000))
