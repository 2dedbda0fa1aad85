"""Lighthouse, as a reader's phone would load the site: 100 in all four categories on the home and a code page."""
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from helpers import CHROMIUM_ARGS

LIGHTHOUSE = Path(__file__).resolve().parent / "node_modules" / "lighthouse" / "cli" / "index.js"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
pytestmark = pytest.mark.browser


def lighthouse(url: str, report: Path) -> dict:
    """Run Lighthouse (mobile, the default) on one page; each category's score and the audits that lost points."""
    node = shutil.which("node")
    assert node and LIGHTHOUSE.is_file(), "tests/run installs Node.js and lighthouse from npm"
    chrome = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    command = [
        node, str(LIGHTHOUSE), url, "--output=json", f"--output-path={report}", "--quiet",
        f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags=--headless=new {' '.join(CHROMIUM_ARGS)}",
    ]
    subprocess.run(command, check=True, timeout=300, env={**os.environ, "CHROME_PATH": chrome}, capture_output=True)
    data = json.loads(report.read_text())
    lost = [
        f"{name}: {ref['id']} {data['audits'][ref['id']]['score']}"
        for name, category in data["categories"].items() for ref in category["auditRefs"]
        if ref["weight"] and data["audits"][ref["id"]]["score"] not in (None, 1)
    ]
    return {"scores": {name: data["categories"][name]["score"] for name in CATEGORIES}, "lost": lost}


@pytest.mark.parametrize("path", ["", "413/"])
def test_lighthouse_gives_100_in_every_category(server, tmp_path, path):
    result = lighthouse(f"{server}/{path}", tmp_path / "report.json")
    assert result["scores"] == dict.fromkeys(CATEGORIES, 1), result["lost"]
