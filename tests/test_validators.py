"""The Nu HTML Checker on every page of the built site."""
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser  # needs the npm tools, as the browser tests do

VNU = Path(__file__).resolve().parent / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def vnu(folder: Path) -> subprocess.CompletedProcess:
    """Run the checker on every HTML file under a folder."""
    java = shutil.which("java")
    assert java and VNU.is_file(), "tests/run installs Java and vnu-jar"
    command = [java, "-jar", str(VNU), "--skip-non-html", "--errors-only", "--format", "gnu", str(folder)]
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


def test_nu_checker_reports_no_errors_on_any_page(site, bundle_site):
    assert len(list(site.rglob("*.html"))) > 60
    for folder in (site, bundle_site):
        result = vnu(folder)
        assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_nu_checker_does_catch_errors(tmp_path):
    (tmp_path / "bad.html").write_text("<!doctype html><html><head></head><body><p><div></p></body></html>")
    assert vnu(tmp_path).returncode != 0
