"""The package stands alone: installed (not editable) it carries its templates and static files."""
import os
import subprocess
import sys
from pathlib import Path

from helpers import CONTENT, ROOT


def test_an_installed_package_builds_from_an_unrelated_folder(tmp_path):
    target = tmp_path / "installed"
    install = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "--target", str(target), str(ROOT)]
    subprocess.run(install, check=True, capture_output=True, cwd=tmp_path, timeout=300)
    work = tmp_path / "elsewhere"
    (work / "docs").mkdir(parents=True)
    for source in CONTENT.iterdir():
        (work / "docs" / source.name).write_bytes(source.read_bytes())
    env = {**os.environ, "PYTHONPATH": str(target)}
    where = subprocess.run([sys.executable, "-c", "import statusref; print(statusref.__file__)"], env=env, cwd=work,
                           capture_output=True, text=True, check=True).stdout.strip()
    assert Path(where).is_relative_to(target)
    for command, out in (([str(target / "bin" / "statusref")], "public"), ([sys.executable, "-m", "statusref"], "public2")):
        result = subprocess.run([*command, "build", "--content", "docs", "--out", out], env=env, cwd=work, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith(f"Built into {out}: ") and ", 0 warnings" in result.stdout
        assert (work / out / "404" / "index.html").is_file()
        assert (work / out / "static" / "style.css").read_bytes() == (ROOT / "static" / "style.css").read_bytes()


def test_every_entry_point_takes_the_same_arguments():
    outputs = []
    for command, name in (([sys.executable, str(ROOT / "build.py")], "build.py"), ([sys.executable, "-m", "statusref"], "python -m statusref")):
        result = subprocess.run([*command, "--help"], capture_output=True, text=True, cwd=ROOT, timeout=60)
        usage, rest = result.stdout.split("\n\n", 1)  # the usage lines name the program; the rest is the same
        assert usage.startswith(f"usage: {name} [-h]")
        outputs.append(rest)
    assert outputs[0] == outputs[1] and "--base-url URL" in outputs[0]
