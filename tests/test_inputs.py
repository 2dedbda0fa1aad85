"""Hostile and odd inputs: metadata is checked, ids are unique, nothing outside content/ is read, no traceback."""
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from generate import PATHOLOGICAL
from helpers import CONTENT, ROOT, read_doc, run_cli
from statusref.merge import build_model
from statusref.site import Config, build
from statusref.sources import load_all

ENTRY = "- **404 Not Found**: Missing.\n"

# front matter (or sidecar) -> the source's (title, link, trust, registry), and problems as (line, message)
METADATA = [
    ("---\ntitle: Mine\nlink: https://example.org/x\ntrust: 70\n---\n", None,
     ("Mine", "https://example.org/x", 70, False), []),
    ("---\n# a comment\ntitle: |\n  Two\n  lines\ntags: [a, b]\nextra:\n  nested: map\n---\n", None,
     ("Two lines", "", 50, False), []),
    ("+++\ntitle = \"Hugo page\"\ntrust = 60\n+++\n", None, ("Hugo page", "", 60, False), []),
    ("---\nlink: javascript:alert(1)\n---\n", None,
     ("Doc", "", 50, False), [(2, "link: must be an http or https URL, not 'javascript:alert(1)'; ignored")]),
    ("---\ntitle: T\ntrust: 1000\n---\n", None,
     ("T", "", 50, False), [(3, "trust: must be a whole number from 0 to 100, not 1000; ignored")]),
    ("---\ntrust: yes\ntitle: [a, b]\n---\n", None,
     ("Doc", "", 50, False), [(2, "trust: must be a whole number from 0 to 100, not True; ignored"),
                              (3, "title: must be text, not a list of 2; ignored")]),
    ("---\nrole: admin\n---\n", None, ("Doc", "", 50, False), [(2, "role: the role is one of registry, facts, constants, vendor, comparison, not 'admin'; ignored")]),
    ("---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
     "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
     "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\nh: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\ntitle: *h\n---\n",
     None, ("Doc", "", 50, False), [(10, "title: must be text, not a list of 9; ignored")]),
    ("---\ntrust: 1" + "0" * 5000 + "\n---\n", None, ("Doc", "", 50, False), "cannot read metadata: ValueError: Exceeds the limit"),
    ("", b"trust = 1" + b"0" * 30 + b"\n", ("Doc", "", 50, False), [(1, "trust: must be a whole number from 0 to 100, not a very large number; ignored")]),
    ("---\ntitle: [unclosed\n---\n", None, ("Doc", "", 50, False), "cannot read metadata"),
    ("", b"trust = inf\ntitle = \"Side\"\n", ("Side", "", 50, False), [(1, "trust: must be a whole number from 0 to 100, not inf; ignored")]),
    ("", b"title = \n", ("Doc", "", 50, False), "cannot read metadata"),
    ("---\n---\n", None, ("Doc", "", 50, False), []),
    ("---\n# only a comment\n---\n", None, ("Doc", "", 50, False), []),
]


@pytest.mark.parametrize("front, sidecar, source, problems", METADATA)
def test_metadata_is_checked_against_one_schema(tmp_path, front, sidecar, source, problems):
    content = tmp_path / "content"
    content.mkdir()
    if sidecar:
        (content / "doc.toml").write_bytes(sidecar)
    parsed, model = read_doc(tmp_path, front + "# Doc\n" + ENTRY)
    found = model.sources[0]
    assert (found.title, found.link, found.trust, found.registry) == source
    where = content / ("doc.toml" if sidecar else "doc.md")
    messages = [str(p) for p in parsed[0].problems]
    if isinstance(problems, str):
        assert len(messages) == 1 and messages[0].startswith(f"{where}:") and problems in messages[0], messages
    else:
        assert sorted(messages) == sorted(f"{where}:{line}: {message}" for line, message in problems)
    assert model.code(404).title == "Not Found"


def test_only_one_source_may_be_the_registry(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    table = "| Code | Reason phrase |\n|---|---|\n| 404 | {} |\n"
    (content / "iana.md").write_text("---\nrole: registry\ntrust: 100\n---\n" + table.format("Not Found"))
    (content / "zzz.md").write_text("---\nrole: registry\ntrust: 100\n---\n" + table.format("Hijacked"))
    model = build_model(load_all(content))
    claim = "role: registry is claimed by 2 documents (iana.md, zzz.md); only one may be, so none is used"
    assert [str(p) for p in model.problems if "role" in p.message] == [f"{content / 'iana.md'}:1: {claim}", f"{content / 'zzz.md'}:1: {claim}"]
    assert not any(s.registry for s in model.sources)


def test_source_ids_are_unique_readable_and_stable(tmp_path):
    content = tmp_path / "content"
    (content / "sub").mkdir(parents=True)
    for name in ("a_b.md", "a-b.md", "über.md", "A-B.markdown", "sub/notes.md", "sub-notes.md", "main.md", "Search.md"):
        (content / name).write_text(ENTRY)
    parsed = load_all(content)
    ids = {p.source.path: p.source.id for p in parsed}
    assert ids == {"A-B.markdown": "a-b", "a-b.md": "a-b-2", "a_b.md": "a-b-3", "sub-notes.md": "sub-notes",
                   "sub/notes.md": "sub-notes-2", "über.md": "über", "main.md": "main-source", "Search.md": "search-source"}
    told = sorted(str(p) for one in parsed for p in one.problems)
    assert told == [
        f"{content / 'a-b.md'}:1: its id 'a-b' is taken by A-B.markdown; this document's id is 'a-b-2'",
        f"{content / 'a_b.md'}:1: its id 'a-b' is taken by A-B.markdown; this document's id is 'a-b-3'",
        f"{content / 'sub' / 'notes.md'}:1: its id 'sub-notes' is taken by sub-notes.md; this document's id is 'sub-notes-2'",
    ]
    assert {p.source.id for p in load_all(content)} == set(ids.values())


def test_links_out_of_content_are_refused_and_odd_files_skipped(tmp_path):
    secret = tmp_path / "secret.md"
    secret.write_text("- **404 Not Found**: the secret password is hunter2.\n")
    content = tmp_path / "content"
    content.mkdir()
    (content / "leak.md").symlink_to(secret)
    (content / "folder-link").symlink_to(tmp_path)
    (content / "dangling.md").symlink_to(tmp_path / "nowhere.md")
    os.mkfifo(content / "pipe.md")
    (content / "real.md").write_text(ENTRY)
    (content / "inside.md").symlink_to(content / "real.md")
    result = run_cli("--content", str(content), "--out", str(tmp_path / "site"), "--no-cache", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(result.stderr.splitlines()) == [
        f"{content / 'dangling.md'}:1: links outside the content folder; not read",
        f"{content / 'folder-link'}:1: links outside the content folder; not read",
        f"{content / 'leak.md'}:1: links outside the content folder; not read",
        f"{content / 'pipe.md'}:1: not a regular file; skipped",
    ]
    assert "hunter2" not in "".join(p.read_text() for p in (tmp_path / "site").rglob("*.html"))


def test_a_source_over_the_limit_is_never_read(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    with open(content / "huge.md", "wb") as stream:
        stream.truncate(3 * 1024**3)
    (content / "ok.md").write_text(ENTRY)

    def small_memory():
        resource.setrlimit(resource.RLIMIT_AS, (1024**3, 1024**3))

    command = [sys.executable, str(ROOT / "build.py"), "check", "--content", str(content), "--no-cache"]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=120, preexec_fn=small_memory)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == f"{content / 'huge.md'}:1: source is 3072.0 MB, over the 2 MB limit; skipped"


@pytest.mark.parametrize("name, data, message", [
    (b"caf\xe9.md", ENTRY.encode(), "file name is not UTF-8 or does not print; rename it"),
    (b"odd.md", b"\xff\xfe" + ENTRY.encode("utf-16-le") + b"\x00", "save it as UTF-8; its last byte is incomplete"),
])
def test_odd_files_are_problems_not_tracebacks(tmp_path, name, data, message):
    content = tmp_path / "content"
    content.mkdir()
    with open(os.path.join(os.fsencode(content), name), "wb") as stream:
        stream.write(data)
    result = run_cli("--content", str(content), "--out", str(tmp_path / "site"), "--no-cache", cwd=tmp_path)
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert (tmp_path / "site" / "404" / "index.html").is_file()


def test_long_and_odd_file_names_never_stop_a_build(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    (content / ("x" * 252 + ".md")).write_text(ENTRY)
    (content / "a\nfake.md:9: error injected\nb.md").write_text(ENTRY)
    (content / "b.toml").symlink_to(tmp_path / "secret.toml")
    result = run_cli("--content", str(content), "--out", str(tmp_path / "site"), "--no-cache", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [f"{content}/a\\x0afake.md:9: error injected\\x0ab.md:1: file name is not UTF-8 or does not print; rename it"]
    sources = (tmp_path / "site" / "sources" / "index.html").read_text()
    assert "x" * 252 in sources and "b.toml" not in sources


def test_very_deep_folders_are_walked_without_recursion(tmp_path):
    content = tmp_path / "content"
    deep = str(content)
    os.mkdir(deep)
    for _ in range(1200):
        deep += "/d"
        os.mkdir(deep)
    Path(deep, "deep.md").write_text(ENTRY)
    try:
        result = run_cli("check", "--content", str(content), "--no-cache", cwd=tmp_path)
        assert (result.returncode, result.stderr) == (0, "")
    finally:
        os.remove(Path(deep, "deep.md"))
        while deep != str(content):  # bottom up, so that pytest's recursive clean-up never meets this depth
            os.rmdir(deep)
            deep = os.path.dirname(deep)


@pytest.mark.parametrize("value", ["99999999999999999", "-5", "soon", "1e9", "0" * 5000 + "1"])
def test_a_bad_source_date_epoch_is_one_line(tmp_path, value):
    env = {**os.environ, "SOURCE_DATE_EPOCH": value}
    result = run_cli("--content", str(CONTENT), "--out", str(tmp_path / "site"), "--no-cache", cwd=tmp_path, env=env)
    assert result.returncode == 2
    assert result.stderr == f"error: SOURCE_DATE_EPOCH={value[:30]!r} is not a date: give whole seconds since 1970, up to year 9999\n"


@pytest.mark.parametrize("args, message", [
    (["--base-url", "status.example"], "error: --base-url 'status.example' is not an absolute http or https URL without a query or fragment\n"),
    (["--out", "notes.txt/site"], None),
    (["serve", "--port", "70000"], "error: --port 70000 is not a port: give 0 to 65535 (0 for any free one)\n"),
])
def test_bad_settings_are_one_line(tmp_path, args, message):
    (tmp_path / "notes.txt").write_text("mine")
    result = run_cli("--content", str(CONTENT), "--no-cache", *args, cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and result.stderr.startswith("error: ")
    assert message is None or result.stderr == message
    assert (tmp_path / "notes.txt").read_text() == "mine"


@pytest.mark.parametrize("shape", sorted(PATHOLOGICAL))
def test_pathological_sources_of_100_kb_build(tmp_path, shape):
    content = tmp_path / "content"
    content.mkdir()
    (content / "bad.md").write_text(PATHOLOGICAL[shape])
    result = run_cli("--content", str(content), "--out", str(tmp_path / "site"), "--no-cache", cwd=tmp_path, timeout=60)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr[-500:]
    assert (tmp_path / "site" / "index.html").is_file()


def test_no_source_takes_an_id_of_the_pages_own(tmp_path):
    from bs4 import BeautifulSoup

    content = tmp_path / "content"
    content.mkdir()
    for name in ("main.md", "search.md", "search-results.md"):
        (content / name).write_text(ENTRY)
    assert build(Config(content=content, out=tmp_path / "site", cache=None)).ok
    for page in (tmp_path / "site").rglob("*.html"):
        ids = [tag["id"] for tag in BeautifulSoup(page.read_text(), "html.parser").select("[id]")]
        assert len(ids) == len(set(ids)), (page, ids)


def test_bidirectional_controls_never_reach_a_name_or_title(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    (content / "notes.md").write_text("---\ntitle: \"Notes \u202e\"\nvendor: \"Acme \u2067\"\n---\n# x\n\n"
                                      "| Code | Name | Description |\n| --- | --- | --- |\n| 4xx | Client \u202dErrors | |\n"
                                      "| 404 | Not \u202eFound | Gone \u2066for\u2069 now. |\n")
    (content / "other.md").write_text("# Heading \u202b of mine\n\n- 299 Custom \u2068name\u2069: made up.\n")
    assert build(Config(content=content, out=tmp_path / "site", cache=None)).ok
    model = build_model(load_all(content))
    shown = [s.title for s in model.sources] + [c.title for c in model.codes] + [c.name for c in model.classes if c.name]
    assert shown and not any(ch in text for text in shown for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"), shown
    assert "Gone \u2066for\u2069 now." in (tmp_path / "site" / "404" / "index.html").read_text()  # a description keeps them: a block of its own
