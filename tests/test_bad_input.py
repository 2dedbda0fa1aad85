"""The corpus of bad sources in tests/bad/: each gives its diagnostic, none gives a traceback."""
import shutil
from pathlib import Path

import pytest

from helpers import BAD, CONTENT, ROOT, problems_of, run_cli
from statusref.merge import build_model
from statusref.sources import load_all
EXPECTED = {
    "empty.md": [(1, "empty source: nothing to read")],
    "latin1.md": [(2, "not UTF-8; read as Windows-1252 (Latin-1), save it as UTF-8")],
    "utf16-bom.md": [(1, "encoded as UTF-16; read it, but save it as UTF-8")],
    "invalid-bytes.md": [(3, "invalid UTF-8 bytes, replaced with U+FFFD")],
    "binary.md": [(1, "binary file, not text; skipped")],
    "utf8-bom.md": [],
    "crlf.md": [],
    "cells.md": [(3, "row has 2 cells but the header has 3"), (4, "row has 4 cells but the header has 3")],
    "no-separator.md": [(1, "looks like a table but has no separator row (| --- | --- |) under its header; not read")],
    "bad-codes.md": [
        (3, "99 is not a status code: codes run from 100 to 599"),
        (4, "600 is not a status code: codes run from 100 to 599"),
        (5, "4044 is not a status code: codes run from 100 to 599"),
        (7, "cannot read status code '40A': a code is three digits, 100 to 599"),
    ],
    "duplicate.md": [(3, "404 is given again with different text; line 1 is kept")],
    "wrong-class.md": [(4, "404 is under the 5xx class heading on line 1")],
    "missing-parts.md": [(4, "418 has neither a name nor a description")],
    "html.md": [(1, "404: raw HTML <img> is shown as text, not run; raw HTML <script> is shown as text, not run")],
    "links.md": [(
        1, "404: raw HTML <b> is dropped; the text inside it is kept; unsafe data: link is dropped and shown as text; "
        "unsafe file: link is dropped and shown as text; and 2 more",
    )],
    "deep.md": [(20, "lists nested more than 20 levels deep; flatten them")],
}


def huge_source(folder: Path) -> Path:
    """A 5 MB source, made here rather than kept in the repository."""
    row = "| 404 | Not Found | " + "x" * 1000 + " |\n"
    path = folder / "huge.md"
    path.write_text("| Code | Name | Description |\n|---|---|---|\n" + row * (5 * 1024 * 1024 // len(row) + 1))
    return path


def test_the_corpus_is_complete():
    assert sorted(p.name for p in BAD.iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_bad_source_gives_its_diagnostic(tmp_path, name):
    shutil.copy(BAD / name, tmp_path / name)
    expected = sorted(f"{tmp_path / name}:{line}: {message}" for line, message in EXPECTED[name])
    assert sorted(problems_of(tmp_path)) == expected


def test_a_5_mb_source_is_skipped_with_a_message(tmp_path):
    path = huge_source(tmp_path)
    assert problems_of(tmp_path) == [f"{path}:1: source is 5.0 MB, over the 2 MB limit; skipped"]


def test_readable_bad_sources_still_give_their_entries(tmp_path):
    for name in ("latin1.md", "utf16-bom.md", "utf8-bom.md", "crlf.md", "invalid-bytes.md"):
        shutil.copy(BAD / name, tmp_path / name)
    parsed = {p.source.path: p for p in load_all(tmp_path)}
    model = build_model(list(parsed.values()))
    texts = {d.source: d.text for d in model.descriptions[404]}
    assert texts["latin1"] == "The café is closed."
    assert texts["utf16-bom"] == "Gone fishing."
    assert texts["utf8-bom"] == "Nothing here."
    assert texts["crlf"] == "Nothing here." and parsed["crlf.md"].records[-1].line == 4
    assert "\ufffd" in texts["invalid-bytes"]


@pytest.fixture
def bad_content(tmp_path) -> Path:
    """The whole corpus, with the 5 MB source, as one content folder."""
    content = tmp_path / "content"
    shutil.copytree(BAD, content)
    huge_source(content)
    return content


def expected_lines(content: Path) -> list[str]:
    """Every diagnostic the whole corpus must give."""
    lines = [f"{content / name}:{line}: {message}" for name, found in EXPECTED.items() for line, message in found]
    return sorted(lines + [f"{content / 'huge.md'}:1: source is 5.0 MB, over the 2 MB limit; skipped"])


def test_default_build_succeeds_and_shows_every_warning(bad_content, tmp_path):
    result = run_cli("--content", str(bad_content), "--out", str(tmp_path / "site"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(result.stderr.splitlines()) == expected_lines(bad_content)
    assert (tmp_path / "site" / "404" / "index.html").is_file()
    assert f"{len(expected_lines(bad_content))} warnings" in result.stdout


@pytest.mark.parametrize("command", [["--strict"], ["check"], ["bundle", "--strict"]])
def test_strict_and_check_fail_listing_every_problem(bad_content, tmp_path, command):
    out = tmp_path / ("site.zip" if "bundle" in command else "site")
    result = run_cli(*command, "--content", str(bad_content), "--out", str(out), cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert sorted(lines[:-1]) == expected_lines(bad_content)
    assert lines[-1].startswith("Failed: ")
    assert not out.exists()


def test_check_passes_on_the_real_content(tmp_path, model):
    result = run_cli("check", "--content", str(CONTENT), cwd=tmp_path)
    assert (result.returncode, result.stderr) == (0, "")
    pages = len(model.codes) + len(model.classes) + len(model.comparisons) + 3
    assert result.stdout.startswith(f"Checked {pages} pages, {len(model.codes)} codes, 0 warnings")
    assert list(tmp_path.iterdir()) == []  # check writes nothing, not even a cache


def test_missing_content_folder_is_a_message_not_a_traceback(tmp_path):
    result = run_cli("--content", "nowhere", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == "error: content folder nowhere not found\n"


def test_broken_template_names_file_and_line(tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    (templates / "code.html").write_text("{% extends 'base.html' %}\n{% block main %}\n{% if %}\n{% endblock %}\n")
    from statusref.cli import main
    import io
    import contextlib

    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        status = main(["--content", str(CONTENT), "--out", str(tmp_path / "site"), "--templates", str(templates), "--no-cache"])
    assert status == 2
    assert err.getvalue().startswith(f"{templates / 'code.html'}:3: template error:")
    assert len(err.getvalue().splitlines()) == 1
