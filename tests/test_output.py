"""Output ownership and concurrency: never replace what the program did not make; one build at a time."""
import fcntl
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from helpers import CONTENT, ROOT, run_cli, sample_content, tree_hash
from statusref.site import Config, build
from statusref.writer import MARKER, WRITTEN


def user_folder(root: Path, kind: str) -> Path:
    """A folder of the user's, of one kind: a project, a git checkout, or files with an index.html."""
    root.mkdir(parents=True)
    if kind == "project":
        (root / "pyproject.toml").write_text("[project]\nname = 'mine'\n")
        (root / "content").mkdir()
        (root / "content" / "notes.md").write_text("- **200 OK**: Mine.\n")
    if kind in ("project", "git"):
        (root / ".git" / "objects").mkdir(parents=True)
        (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    if kind == "index":
        (root / "index.html").write_text("<p>my own home page</p>")
        (root / "photos").mkdir()
        (root / "photos" / "cat.jpg").write_bytes(b"\xff\xd8 not really a cat")
    return root


@pytest.mark.parametrize("kind", ["project", "git", "index"])
def test_a_folder_of_the_users_is_left_byte_for_byte(tmp_path, kind):
    folder = user_folder(tmp_path / kind, kind)
    before = tree_hash(folder)
    result = run_cli("--content", str(CONTENT), "--out", str(folder), "--no-cache", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [f"error: {folder} holds files this program did not make (no {MARKER}): not replacing it"]
    assert tree_hash(folder) == before
    assert [p.name for p in tmp_path.iterdir()] == [kind]


def test_out_dot_in_a_project_changes_nothing(tmp_path):
    project = user_folder(tmp_path / "project", "project")
    before = tree_hash(project)
    for command in (["--out", "."], ["serve", "--out", ".", "--port", "0"]):
        result = run_cli(*command, "--no-cache", cwd=project)
        assert result.returncode == 2 and "building there would delete it" in result.stderr, result.stderr
    assert tree_hash(project) == before


def test_a_symlinked_out_is_never_followed(tmp_path):
    target = tmp_path / "real"
    build(Config(content=CONTENT, out=target, cache=None))
    before = tree_hash(target)
    (tmp_path / "site").symlink_to(target)
    result = run_cli("--content", str(CONTENT), "--out", "site", "--no-cache", cwd=tmp_path)
    assert result.returncode == 2 and "is a symbolic link" in result.stderr
    assert tree_hash(target) == before and (tmp_path / "site").is_symlink()


def test_every_folder_made_carries_the_marker_and_an_empty_folder_is_used(tmp_path):
    (tmp_path / "site").mkdir()
    result = run_cli("--content", str(CONTENT), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site" / MARKER).is_file()
    assert (tmp_path / ".cache" / "statusref" / MARKER).is_file()


def test_files_added_to_a_built_site_are_never_deleted(tmp_path):
    out = tmp_path / "docs"
    assert build(Config(content=CONTENT, out=out, cache=None)).ok
    written = json.loads((out / WRITTEN).read_text())
    assert written == sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and not p.name.startswith("."))
    (out / "CNAME").write_text("status.example\n")  # as a site hosted on GitHub Pages would have
    (out / "notes" / "deep").mkdir(parents=True)
    (out / "notes" / "deep" / "mine.txt").write_text("mine")
    (out / "404" / "empty").mkdir()
    (out / "404" / "index.html").write_text("a page the build wrote, edited: the next build may replace it")
    before = tree_hash(out)
    result = run_cli("--content", str(CONTENT), "--out", str(out), "--no-cache", cwd=tmp_path)
    assert result.returncode == 2 and result.stderr == (
        f"error: {out} holds files the last build did not write (404/empty, CNAME, notes): not replacing it; "
        "move them out of the folder\n")
    assert tree_hash(out) == before
    shutil.rmtree(out / "notes")
    (out / "CNAME").unlink()
    (out / "404" / "empty").rmdir()
    assert build(Config(content=CONTENT, out=out, cache=None)).ok
    assert "edited" not in (out / "404" / "index.html").read_text()


def test_a_site_of_the_first_version_is_recognised_once(tmp_path):
    out = tmp_path / "site"
    build(Config(content=CONTENT, out=out, cache=None))
    (out / MARKER).unlink()
    (out / WRITTEN).unlink()
    shutil.rmtree(out / "compare", ignore_errors=True)  # the first version had no comparisons, and API version 1
    api = json.loads((out / "api" / "codes.json").read_text())
    (out / "api" / "codes.json").write_text(json.dumps({**api, "version": 1}))
    (out / "299").mkdir()
    (out / "299" / "index.html").write_text("a page the first version wrote for a code since dropped")
    assert build(Config(content=CONTENT, out=out, cache=None)).ok
    assert (out / MARKER).is_file() and not (out / "299").exists()
    for change in ("notes.txt", "api/codes.json"):
        (out / MARKER).unlink(missing_ok=True)
        (out / change).write_text('{"version": 1, "codes": []}')
        before = tree_hash(out)
        result = run_cli("--content", str(CONTENT), "--out", str(out), "--no-cache", cwd=tmp_path)
        assert result.returncode == 2 and "not replacing it" in result.stderr
        assert tree_hash(out) == before


@pytest.mark.parametrize("existing", ["my notes, not a zip", "other zip", "other zip with our old comment", "other zip of a newer format",
                                      "our bundle with a file added", "our bundle with a file added in its folder"])
def test_bundle_never_overwrites_a_file_it_did_not_write(tmp_path, existing):
    target = tmp_path / "http-status-codes.zip"
    command = ("bundle", "--content", str(CONTENT), "--out", str(target), "--no-cache")
    if existing.startswith("our bundle"):
        assert run_cli(*command, cwd=tmp_path).returncode == 0
        (tmp_path / ".http-status-codes.zip.lock").unlink()
        with zipfile.ZipFile(target, "a") as archive:  # as `zip -u` does: the comment stays
            archive.writestr("http-status-codes/notes.html" if "folder" in existing else "my-notes.txt", "mine")
    elif existing.startswith("other zip"):
        with zipfile.ZipFile(target, "w") as archive:
            archive.writestr("mine.txt", "mine")
            archive.comment = b"statusref offline bundle" if "comment" in existing else b""
        if "newer" in existing:  # version 7.0 needed to extract, which Python's zipfile refuses to open
            data = bytearray(target.read_bytes())
            at = data.index(b"PK\x01\x02") + 6
            data[at : at + 2] = (70).to_bytes(2, "little")
            target.write_bytes(bytes(data))
    else:
        target.write_text(existing)
    before = target.read_bytes()
    result = run_cli(*command, cwd=tmp_path)
    assert result.returncode == 2 and "is not a bundle this program wrote" in result.stderr
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["http-status-codes.zip"]  # not even a lock beside it


def test_bundle_replaces_its_own_zip(tmp_path):
    target = tmp_path / "dist" / "http-status-codes.zip"
    for _ in range(2):
        result = run_cli("bundle", "--content", str(CONTENT), "--no-cache", cwd=tmp_path)
        assert result.returncode == 0, result.stderr
    assert zipfile.ZipFile(target).testzip() is None
    assert sorted(p.name for p in target.parent.iterdir()) == [".http-status-codes.zip.lock", "http-status-codes.zip"]


def test_leftovers_of_a_dead_build_are_cleaned_and_nothing_else(tmp_path):
    out = tmp_path / "site"
    build(Config(content=CONTENT, out=out, cache=None))
    dead = tmp_path / ".site.new-dead"
    (dead / "404").mkdir(parents=True)
    (dead / MARKER).write_bytes(b"made by statusref")
    mine = tmp_path / ".site.new-mine"
    mine.mkdir()
    (mine / "keep.txt").write_text("mine")
    empty = tmp_path / ".site.new-empty"
    empty.mkdir()
    linked = tmp_path / ".site.new-linked"
    (linked / "api").mkdir(parents=True)
    (tmp_path / "notes.txt").write_text("mine")
    (linked / MARKER).symlink_to(tmp_path / "notes.txt")
    build(Config(content=CONTENT, out=out, cache=None))
    assert not dead.exists()
    assert (mine / "keep.txt").read_text() == "mine" and empty.is_dir() and (linked / "api").is_dir()
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_a_build_waits_for_the_lock_of_its_folder(tmp_path):
    out = tmp_path / "site"
    build(Config(content=CONTENT, out=out, cache=None))
    before = tree_hash(out)
    with open(tmp_path / ".site.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        command = [sys.executable, str(ROOT / "build.py"), "--content", str(CONTENT), "--out", str(out), "--no-cache"]
        env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
        process = subprocess.Popen(command, cwd=tmp_path, stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
        assert process.stderr.readline() == f"Waiting for another build into {out} to finish\n"
        assert tree_hash(out) == before
    output, errors = process.communicate(timeout=120)
    assert process.returncode == 0 and errors == ""
    assert "Built 2023-11-14." in (out / "index.html").read_text()


def test_sixty_builds_at_once_into_one_folder_all_succeed(tmp_path):
    content = sample_content(tmp_path / "content")  # the builds race for the lock, not for the processor
    command = [sys.executable, str(ROOT / "build.py"), "--content", str(content), "--out", "site", "--quiet"]
    processes = [subprocess.Popen(command, cwd=tmp_path, stderr=subprocess.PIPE, text=True) for _ in range(60)]
    results = [(p.wait(timeout=600), p.stderr.read()) for p in processes]
    for process in processes:
        process.stderr.close()
    assert [status for status, _ in results] == [0] * 60, [e for _, e in results if e][:3]
    assert any("Waiting for another build" in errors for _, errors in results)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".cache", ".site.lock", ".site.spare", "content", "site"]
    reference = tmp_path / "reference" / "site"
    build(Config(content=content, out=reference, cache=None))
    assert tree_hash(tmp_path / "site") == tree_hash(reference)


def test_a_lock_that_is_a_link_is_refused(tmp_path):
    (tmp_path / ".site.lock").symlink_to(tmp_path / "elsewhere")
    result = run_cli("--content", str(CONTENT), "--no-cache", cwd=tmp_path)
    assert result.returncode == 2 and "cannot be used as a lock (Too many levels of symbolic links); remove it if it is a link" in result.stderr
    assert not (tmp_path / "elsewhere").exists()
