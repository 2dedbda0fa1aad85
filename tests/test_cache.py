"""The build cache: plain JSON that is never run; anything odd in it is discarded with one warning."""
import json
import os
import shutil
from pathlib import Path

import pytest

from helpers import SAMPLE, run_cli, sample_content, touched, tree_hash
from statusref.cache import Cache
from statusref.sources import Parsed
from statusref.writer import MARKER


@pytest.fixture
def project(tmp_path) -> Path:
    """A folder with a copy of some real content and one build behind it, so its cache is full."""
    sample_content(tmp_path / "content")
    result = run_cli(cwd=tmp_path)
    assert (result.returncode, result.stderr) == (0, "")
    return tmp_path


def build_again(project: Path) -> tuple[str, str]:
    """Build once more, reading the cache (a touched source means something changed): warnings and a hash of the site."""
    source = project / "content" / "wiki-table.md"
    if source.exists():
        touched(source)
    result = run_cli(cwd=project)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    return result.stderr, tree_hash(project / "site")


def test_the_cache_holds_only_plain_json(project):
    cache = project / ".cache" / "statusref"
    files = sorted(p.relative_to(cache).as_posix() for p in cache.rglob("*") if p.is_file())
    assert files[:2] == [MARKER, ".store.lock"] and files[-1] == "version"
    parsed = [f for f in files if f.startswith("parsed/")]
    assert len(parsed) == len([n for n in SAMPLE if n.endswith(".md")]) and all(f.endswith(".json") for f in parsed)
    texts = [f for f in files if f.startswith("texts/")]
    assert len(texts) > 50 and all(f.endswith(".json") for f in texts)
    stores = ["codes.lines", "described.lines", "html.lines", "last-build.json", "outlines.lines", "pages.json", "seen.lines"]
    assert files[2:-1] == sorted(stores + parsed + texts)
    for name in stores + parsed + texts:
        signature, body = (cache / name).read_bytes().split(b"\n", 1)
        assert len(signature) == 64 and int(signature, 16) >= 0
        for line in body.split(b"\n") if name.endswith(".lines") else [body]:
            json.loads(line)
    assert build_again(project)[0] == ""


def test_a_warm_build_gives_the_same_site(project):
    before = tree_hash(project / "site")
    assert build_again(project) == ("", before)


@pytest.mark.parametrize("damage", ["garbage", "wrong shape", "well formed", "deep", "pickle", "pipe", "parsed", "code", "swapped"])
def test_a_crafted_cache_is_discarded_with_one_warning(project, damage):
    before = tree_hash(project / "site")
    cache = project / ".cache" / "statusref"
    target = cache / "outlines.lines"  # read by every build
    if damage == "garbage":
        target.write_bytes(b"\x80not json")
        (cache / "described.lines").write_text("{")
    elif damage == "wrong shape":
        signature, body = target.read_bytes().split(b"\n", 1)
        first, rest = body.split(b"\n", 1)
        key, outline = json.loads(first)
        outline[1][0] = 404
        target.write_bytes(signature + b"\n" + json.dumps([key, outline]).encode() + b"\n" + rest)
    elif damage == "well formed":  # a crafted entry a build could have written, but another user did
        signature, body = target.read_bytes().split(b"\n", 1)
        first, rest = body.split(b"\n", 1)
        key, outline = json.loads(first)
        outline[1][4] = "javascript:alert(1)"
        target.write_bytes(b"0" * 64 + b"\n" + json.dumps([key, outline]).encode() + b"\n" + rest)
    elif damage == "deep":
        target.write_text("[" * 100000 + "]" * 100000)
    elif damage == "pipe":  # a parsed source is read back when no outline of it is kept
        target.unlink()
        parsed = sorted((cache / "parsed").iterdir())[0]
        parsed.unlink()
        os.mkfifo(parsed)
    elif damage == "parsed":
        target.unlink()
        sorted((cache / "parsed").iterdir())[0].write_bytes(b"\x80not json")
    elif damage == "code":
        (cache / "codes.lines").write_text("[" * 100000 + "]" * 100000)
    elif damage == "swapped":  # two files this user signed, each under the other's name, where it means another value
        target.unlink()
        for folder in ("parsed", "texts"):
            first, second = sorted((cache / folder).iterdir())[:2]
            data = first.read_bytes()
            first.write_bytes(second.read_bytes())
            second.write_bytes(data)
    else:
        payload = b"cos\nsystem\n(S'touch " + str(project / "pwned").encode() + b"'\ntR."
        (cache / "parsed" / "k.pickle").write_bytes(payload)
        (cache / "html.pickle").write_bytes(payload)
    warnings, after = build_again(project)
    if damage == "pickle":
        assert warnings == ""
    elif damage == "pipe":
        assert warnings.startswith("warning: cache file ") and len(warnings.splitlines()) == 1
    else:
        assert len(warnings.splitlines()) == 1 and warnings.startswith("warning: cache file "), warnings
    assert after == before and not (project / "pwned").exists()


def test_a_cache_of_another_version_is_started_afresh(project):
    cache = project / ".cache" / "statusref"
    (cache / "version").write_text("another version")
    warnings, _ = build_again(project)
    assert warnings == "warning: cache .cache/statusref was made by another version of the program; starting it afresh\n"
    assert (cache / "version").read_text() != "another version"
    assert build_again(project)[0] == ""


def test_a_foreign_cache_folder_is_left_alone(tmp_path):
    sample_content(tmp_path / "content")
    cache = tmp_path / ".cache" / "statusref"
    cache.mkdir(parents=True)
    (cache / "thesis.tex").write_text("mine")
    warnings, _ = build_again(tmp_path)
    assert warnings == "warning: cache .cache/statusref holds files this program did not make; building without a cache\n"
    assert sorted(p.name for p in cache.iterdir()) == ["thesis.tex"]


def test_a_symlinked_cache_is_not_followed(tmp_path):
    sample_content(tmp_path / "content")
    mine = tmp_path / "mine"
    mine.mkdir()
    (tmp_path / ".cache").mkdir()
    (tmp_path / ".cache" / "statusref").symlink_to(mine)
    warnings, _ = build_again(tmp_path)
    assert "is not a plain folder; building without a cache" in warnings
    assert list(mine.iterdir()) == []


def test_values_read_back_are_checked_field_by_field(tmp_path):
    cache = Cache(tmp_path / "cache")
    heard = []
    cache.warn = heard.append
    (tmp_path / "cache" / "parsed").mkdir()
    target = tmp_path / "cache" / "parsed" / "k.json"
    signed_but_wrong = cache.signed(target, b'{"source": 1, "records": [], "problems": []}')  # signed here, yet no Parsed
    (tmp_path / "cache" / "parsed" / "k.json").write_bytes(signed_but_wrong)
    made = cache.get("parsed", "k", lambda: "made again", Parsed)
    assert made == "made again" and len(heard) == 1 and "of another shape" in heard[0]


@pytest.mark.parametrize("planted", ["marker", "parsed", "texts", "codes.lines", "outlines.lines", "html.lines", "described.lines"])
def test_links_planted_in_the_cache_are_never_followed(project, tmp_path, planted):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "keep.json").write_text("{}")
    cache = project / ".cache" / "statusref"
    target = cache / (MARKER if planted == "marker" else planted)
    if target.is_dir():
        shutil.rmtree(target)
    else:
        target.unlink()
    target.symlink_to(mine if planted in ("parsed", "texts") else mine / "keep.json")
    warnings, _ = build_again(project)
    assert warnings == "warning: cache .cache/statusref holds links where its files belong; building without a cache\n"
    assert sorted(p.name for p in mine.iterdir()) == ["keep.json"] and (mine / "keep.json").read_text() == "{}"


def test_a_build_with_nothing_changed_does_nothing_and_says_the_same(project):
    (project / "content" / "extra.md").write_text("- **404 Not Found**: Here.\n- **404 Not Found**: Again, otherwise.\n")
    first = run_cli(cwd=project)
    before = {p: p.stat().st_mtime_ns for p in (project / "site").rglob("*")}
    again = run_cli(cwd=project)
    assert again.returncode == first.returncode == 0 and again.stderr == first.stderr != ""
    assert again.stdout.startswith("Built into site: nothing changed, ") and again.stdout.split(", ")[2:4] == first.stdout.split(", ")[1:3]
    assert {p: p.stat().st_mtime_ns for p in (project / "site").rglob("*")} == before


@pytest.mark.parametrize("change", ["source", "output", "option", "epoch"])
def test_any_change_builds_again(project, change):
    run_cli(cwd=project)
    args, env = [], None
    if change == "source":
        source = project / "content" / "wiki-table.md"
        source.write_text(source.read_text().replace("Gone", "Gone away", 1))
    elif change == "output":
        (project / "site" / "404" / "index.html").write_text("changed by hand")
    elif change == "option":
        args = ["--base-url", "https://status.example/"]
    else:
        env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    result = run_cli(*args, cwd=project, env=env)
    assert result.returncode == 0 and "nothing changed" not in result.stdout
    assert "changed by hand" not in (project / "site" / "404" / "index.html").read_text()


def test_a_key_that_is_not_ours_means_no_cache_and_one_warning(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home"))
    (tmp_path / "home" / "statusref").mkdir(parents=True)
    (tmp_path / "home" / "statusref" / "key").write_bytes(b"\0" * 65)
    heard = []
    cache = Cache(tmp_path / "cache", warn=heard.append)
    assert cache.folder is None and len(heard) == 1 and "building without a cache" in heard[0]
