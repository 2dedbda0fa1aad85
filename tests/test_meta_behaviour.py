"""Source metadata: front matter and sidecar files, their values checked, each problem at its line."""
import pytest

from statusref.meta import read_meta
from statusref.model import Problem

BODY = "- **200 OK**: Fine.\n"


@pytest.mark.parametrize("text, meta", [
    ("---\ntitle: Mine\ntrust: 80\n---\n" + BODY, {"title": "Mine", "trust": 80}),
    ("---\ntitle: Mine\n...\n" + BODY, {"title": "Mine"}),
    ("+++\ntitle = \"Mine\"\nrole = \"Registry\"\n+++\n" + BODY, {"title": "Mine", "role": "registry"}),
    ("---\ncode: 404\n---\n" + BODY, {"code": 404}),
    ("---\ncode: '599'\n---\n" + BODY, {"code": 599}),
    ("---\nlink: https://example.com/x\n---\n" + BODY, {"link": "https://example.com/x"}),
    ("---\nname: &t Mine\ntitle: *t\n'<<': quoted, so a plain key\n---\n" + BODY, {"title": "Mine"}),
    ("---\n=: a key PyYAML reads as text\ntitle: Mine\n---\n" + BODY, {"title": "Mine"}),
])
def test_front_matter_is_read_and_blanked_keeping_lines(text, meta):
    found, rest, problems = read_meta("doc.md", text, b"")
    assert (found, problems) == (meta, [])
    lines = text.split("\n")
    end = next(i for i in range(1, len(lines)) if lines[i] in (lines[0], "..."))
    assert rest == "\n" * (end + 1) + "\n".join(lines[end + 1:])
    assert rest.count("\n") == text.count("\n") and rest.endswith(BODY)


@pytest.mark.parametrize("text", [
    BODY,
    "---\n" + BODY,  # never closed
    "+++\ntitle = 'x'\n---\n" + BODY,  # closed by the other delimiter
    "***\ntitle: x\n***\n" + BODY,
    "---\nJust a paragraph between rules.\n---\n" + BODY,
])
def test_text_without_front_matter_is_left_as_it_is(text):
    assert read_meta("doc.md", text, b"") == ({}, text, [])


@pytest.mark.parametrize("text, line, message", [
    ("---\ntitle: a: b\n---\n", 2, "cannot read metadata: mapping values are not allowed here"),
    ("---\ntitle: a\nlink: x\n  b: c\n---\n", 4, "cannot read metadata: mapping values are not allowed here"),
    ("---\ntitle: a\nlink: [x\ntrust: 1\n---\n", 4, "cannot read metadata: expected ',' or ']'"),
    ("---\ntitle: Mine\ntrust: [1, 2\n---\n", 3, "cannot read metadata: "),
    ("+++\ntitle = \"x\"\n\ntrust = = 3\n+++\n", 4, "cannot read metadata: "),
    ("---\n# a comment\n- a\n---\n", 2, "metadata is not a list of `key: value` lines; ignored"),
    ("---\ntitle: a\nbase: &b {x: 1}\nmore: {y: 2, <<: *b}\n---\n", 4, "cannot read metadata: merge keys (<<) are not read"),
])
def test_unreadable_front_matter_is_a_problem_at_its_line(text, line, message):
    meta, _, problems = read_meta("doc.md", text, b"")
    assert meta == {}
    assert [(p.path, p.line) for p in problems] == [("doc.md", line)]
    assert problems[0].message.startswith(message)


def test_a_sidecar_is_read_and_front_matter_does_not_override_it():
    sidecar = 'title = "From the side"\n# a comment\ntrust = 10\n'.encode()
    meta, rest, problems = read_meta("content/doc.md", "---\ntitle: Front\nlink: https://a.example/\n---\n" + BODY, sidecar)
    assert meta == {"title": "From the side", "trust": 10, "link": "https://a.example/"}
    assert problems == [] and rest.endswith(BODY)


def test_a_sidecar_that_is_not_utf8_is_read_with_replacements():
    meta, _, problems = read_meta("doc.md", BODY, 'title = "Caf\xe9"\n'.encode("latin-1"))
    assert meta == {"title": "Caf\ufffd"} and problems == []


def test_a_sidecar_error_is_a_problem_at_its_line_in_the_sidecar():
    meta, _, problems = read_meta("content/doc.md", BODY, b'title = "ok"\n\ntrust = = 3\n')
    assert meta == {} and [(p.path, p.line) for p in problems] == [("content/doc.toml", 3)]
    assert problems[0].message.startswith("cannot read metadata: ")


LONG = "ftp://" + "a" * 100


@pytest.mark.parametrize("key, value, line, message", [
    ("title", "[1, 2]", 3, "title: must be text, not a list of 2; ignored"),
    ("title", "{a: 1}", 3, "title: must be text, not a mapping of 1; ignored"),
    ("trust", "101", 3, "trust: must be a whole number from 0 to 100, not 101; ignored"),
    ("trust", "true", 3, "trust: must be a whole number from 0 to 100, not True; ignored"),
    ("trust", "10000000000000", 3, "trust: must be a whole number from 0 to 100, not a very large number; ignored"),
    ("link", "ftp://x", 3, "link: must be an http or https URL, not 'ftp://x'; ignored"),
    ("link", LONG, 3, "link: must be an http or https URL, not " + repr(LONG[:60])[:57] + "...; ignored"),
    ("code", "600", 3, "code: must be a status code from 100 to 599, not 600; ignored"),
    ("code", "99", 3, "code: must be a status code from 100 to 599, not 99; ignored"),
    ("code", "404.0", 3, "code: must be a status code from 100 to 599, not 404.0; ignored"),
    ("code", "true", 3, "code: must be a status code from 100 to 599, not True; ignored"),
    ("role", "admin", 3, "role: the role is one of registry, facts, constants, vendor, comparison, not 'admin'; ignored"),
    ("title", '"\\uD800 x"', 3, "title: must be text, not '\\ud800 x'; ignored"),  # a lone surrogate: no UTF-8 can hold it
    ("vendor", '"a\\uDC00"', 3, "vendor: must be text, not 'a\\udc00'; ignored"),
    ("link", '"https://x.example/\\uD800"', 3, "link: must be an http or https URL, not 'https://x.example/\\ud800'; ignored"),
])
def test_bad_values_are_problems_at_their_key(key, value, line, message):
    text = f"---\ntitle: Fine\n{key}: {value}\n---\n" if key != "title" else f"---\ntrust: 5\n{key}: {value}\n---\n"
    meta, _, problems = read_meta("doc.md", text + BODY, b"")
    assert key not in meta
    assert problems == [Problem("doc.md", line, message)]


@pytest.mark.parametrize("code, ok", [(100, True), (599, True), (404, True), (600, False), (99, False)])
def test_the_code_of_a_one_code_document_is_in_range(code, ok):
    meta, _, problems = read_meta("doc.md", f"---\ncode: {code}\n---\n", b"")
    assert (meta.get("code"), bool(problems)) == ((code, False) if ok else (None, True))


@pytest.mark.parametrize("text, message", [
    ("+++\ntitle = \"x\"\n\ntrust = = 3\n+++\n", "cannot read metadata: Invalid value"),
    ("---\ntitle: a\nlink: [x\ntrust: 1\n---\n", "cannot read metadata: expected ',' or ']', but got ':'"),
])
def test_a_metadata_error_says_what_is_wrong_once(text, message):
    assert [p.message for p in read_meta("doc.md", text, b"")[2]] == [message]


def test_no_yaml_loader_outlives_its_document_while_the_collector_is_paused():
    import gc

    from statusref.meta import yaml_loader

    paused = gc.isenabled()
    gc.disable()
    try:
        before = sum(isinstance(o, yaml_loader()) for o in gc.get_objects())
        for _ in range(3):
            assert read_meta("doc.md", "---\ntitle: Mine\n---\n" + BODY, b"")[0] == {"title": "Mine"}
        assert sum(isinstance(o, yaml_loader()) for o in gc.get_objects()) == before
    finally:
        if paused:
            gc.enable()


@pytest.mark.parametrize("kind", ["yaml", "toml"])
@pytest.mark.parametrize("depth", [380, 420, 460, 500, 800])
def test_deeply_nested_metadata_reads_alike_however_deep_the_stack_it_is_read_from(kind, depth):
    nested = "[" * depth + "]" * depth
    text = f"---\ntitle: Deep\ndeep: {nested}\n---\n" if kind == "yaml" else f"+++\ntitle = 'Deep'\ndeep = {nested}\n+++\n"

    def read(frames: int):
        """Read the metadata with `frames` more calls on the stack, as a worker process has."""
        return read_meta("deep.md", text, b"") if frames == 0 else read(frames - 1)
    assert read(0) == read(200)


def test_long_metadata_is_read_here_when_no_thread_can_start(monkeypatch):
    import threading

    def refuse(thread):
        raise RuntimeError("can't start new thread")
    text = "---\ntitle: Long\nnotes: " + "word " * 200 + "\n---\n"
    assert len(text) > 512
    started = read_meta("long.md", text, b"")
    monkeypatch.setattr(threading.Thread, "start", refuse)
    assert read_meta("long.md", text, b"") == started and started[0] == {"title": "Long"}


@pytest.mark.parametrize("status, flags, problems", [
    ("[deprecated]", ("deprecated",), []),
    ("Experimental", ("experimental",), []),
    ("[non-standard, other]", ("non-standard",), []),
    ("{a: 1}", (), []),  # what other sites' front matter may mean by it: nothing to say
    ("410", (), []),
])
def test_a_status_gives_the_flags_among_its_words(status, flags, problems):
    meta, _, found = read_meta("doc.md", f"---\nstatus: {status}\n---\nText.\n", b"")
    assert meta.get("status") == flags
    assert [(p.line, p.message) for p in found] == problems
