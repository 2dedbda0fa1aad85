"""Finding and reading documents: which files are read, what one-code documents give, problems and their lines."""
import os

import pytest

from statusref.model import Entry, Problem
from statusref.sources import discover, load_all, parse_source, read_file, shown, source_id


def write(folder, name, text):
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def test_only_markdown_files_are_found_and_links_out_are_refused(tmp_path):
    content = tmp_path / "content"
    write(content, "a.md", "x")
    write(content, "B.MARKDOWN", "x")
    write(content, "notes.txt", "x")
    write(content, "sub/c.md", "x")
    write(content, ".hidden.md", "x")
    write(tmp_path, "outside.md", "x")
    (content / "link.md").symlink_to(tmp_path / "outside.md")
    (content / "inside.md").symlink_to(content / "a.md")
    found = discover(content)
    assert [f.rel for f in found] == ["B.MARKDOWN", "a.md", "inside.md", "link.md", "sub/c.md"]
    link = next(f for f in found if f.rel == "link.md")
    assert (link.path, link.trouble) == (None, "links outside the content folder; not read")
    assert all(f.trouble == "" for f in found if f.rel != "link.md")


def test_a_link_out_is_a_problem_of_the_build(tmp_path):
    content = tmp_path / "content"
    write(content, "a.md", "- **200 OK**: Fine.\n")
    write(tmp_path, "outside.md", "- **201 Created**: Made.\n")
    (content / "link.md").symlink_to(tmp_path / "outside.md")
    parsed = load_all(content)
    assert [p.source.path for p in parsed] == ["a.md", "link.md"]
    assert parsed[1].problems == (Problem(str(content / "link.md"), 1, "links outside the content folder; not read"),)
    assert parsed[1].records == ()


def test_a_name_that_is_not_utf8_is_shown_with_escapes():
    assert shown("caf\udce9.md") == "caf\\xe9.md"
    assert shown("tab\there.md") == "tab\\x09here.md"
    assert shown("plain.md") == "plain.md"


def test_a_file_of_exactly_the_limit_is_read_whole_and_one_byte_more_is_not(tmp_path):
    limit = 2 * 1024 * 1024  # the 2 MB the README promises
    path = tmp_path / "big.md"
    path.write_bytes(b"a" * limit)
    data, trouble = read_file(path)
    assert (len(data), trouble) == (limit, "")
    path.write_bytes(b"a" * (limit + 1))
    data, trouble = read_file(path)
    assert data == b"" and trouble.endswith("over the 2 MB limit; skipped")


def test_every_source_is_read(tmp_path):
    content = tmp_path / "content"
    write(content, "a.md", "- **200 OK**: Fine.\n")
    write(content, "b.md", "- **404 Not Found**: Gone.\n")
    parsed = load_all(content)
    assert [[(e.code, e.name) for e in p.records] for p in parsed] == [[(200, "OK")], [(404, "Not Found")]]


@pytest.mark.parametrize("link", [False, True])
def test_a_metadata_file_beside_a_source_is_read_unless_it_is_a_link(tmp_path, link):
    content = tmp_path / "content"
    write(content, "a.md", "- **200 OK**: Fine.\n")
    if link:
        write(tmp_path, "elsewhere.toml", 'title = "Elsewhere"\n')
        (content / "a.toml").symlink_to(tmp_path / "elsewhere.toml")
    else:
        write(content, "a.toml", 'title = "Beside"\n')
    (parsed,) = load_all(content)
    if link:
        assert parsed.source.title == "A"
        assert parsed.problems == (Problem(str(content / "a.toml"), 1, "metadata file is a link; not read"),)
    else:
        assert parsed.source.title == "Beside" and parsed.problems == ()


@pytest.mark.parametrize("label, shown_as", [("", "x.md"), ("content/x.md", "content/x.md")])
def test_problems_are_named_by_the_label_or_else_the_path(label, shown_as):
    parsed = parse_source("x.md", b"  \n", label=label)
    assert parsed.problems == (Problem(shown_as, 1, "empty source: nothing to read"),)


@pytest.mark.parametrize("data, problems", [
    (b"- **200 OK**: Fine.\n", []),
    (b"- **200 OK**: Fine.\n- **201 Caf\xe9**: Made.\n", [(2, "not UTF-8")]),
    (b"- **200 OK**: Fine.\n\n- **404**\n", [(3, "404 has neither a name nor a description")]),
    (b"- **200 OK**: Fine.\n- **404 Not\x1b[31m Found\x07**: Gone\x08.\n", [(2, "control characters (such as ESC or BEL) dropped")]),
])
def test_decoding_and_reading_problems_are_reported_at_their_line(data, problems):
    parsed = parse_source("x.md", data)
    assert [(p.line, p.message[:len(m)]) for p, (_, m) in zip(parsed.problems, problems)] == problems
    assert len(parsed.problems) == len(problems)


GONE = "The page is gone."


@pytest.mark.parametrize("name, text, code, title, body", [
    ("doc.md", "---\ncode: 404\ntitle: Not Found\n---\nThe page is gone.\n", 404, "Not Found", GONE),
    ("doc.md", "---\ncode: 404\ntitle: 404 Missing\n---\nThe page is gone.\n", 404, "Missing", GONE),
    ("404-not-found.md", "The page is gone.\n", 404, "Not Found", GONE),
    ("404-not-found.md", "# 404 Missing Page\n\nThe page is gone.\n", 404, "Missing Page", GONE),
    # a first heading that does not name the code is part of the description
    ("404-not-found.md", "# About this\n\nThe page is gone.\n", 404, "Not Found", "# About this\n\n" + GONE),
    ("404-not-found.md", "# 410 Gone\n\nThe page is gone.\n", 404, "Not Found", "# 410 Gone\n\n" + GONE),
    ("404_not_found/index.md", "The page is gone.\n", 404, "Not Found", GONE),
    ("guides/404-not-found.md", "The page is gone.\n", 404, "Not Found", GONE),  # a folder that is not the code's
])
def test_a_document_about_one_code(tmp_path, name, text, code, title, body):
    content = tmp_path / "content"
    write(content, name, text)
    (parsed,) = load_all(content)
    assert parsed.problems == ()
    (entry,) = parsed.records
    assert isinstance(entry, Entry)
    assert (entry.code, entry.name, entry.text) == (code, title, body)
    assert entry.line == text.split("\n").index(body.split("\n")[0]) + 1


@pytest.mark.parametrize("front, registry", [("role: registry\n", True), ("title: Mine\n", False)])
def test_the_registry_role(front, registry):
    parsed = parse_source("x.md", f"---\n{front}---\n- **200 OK**: Fine.\n".encode())
    assert parsed.source.registry is registry


@pytest.mark.parametrize("rel, wanted", [
    ("Client Errors.md", "client-errors"),
    ("--weird--name--.md", "weird-name"),
    ("-x.md", "x"),
    ("sub/Ünïcode_ñame.markdown", "sub-ünïcode-ñame"),
    ("!!!.md", "source"),
])
def test_source_ids(rel, wanted):
    assert source_id(rel) == wanted


def test_sources_that_would_share_an_id_get_numbers(tmp_path):
    content = tmp_path / "content"
    for name in ("a-b.md", "a_b.md", "A B.md"):
        write(content, name, "- **200 OK**: Fine.\n")
    parsed = load_all(content)
    assert [(p.source.path, p.source.id) for p in parsed] == [("A B.md", "a-b"), ("a-b.md", "a-b-2"), ("a_b.md", "a-b-3")]
    assert parsed[0].problems == ()
    assert parsed[1].problems == (Problem(str(content / "a-b.md"), 1,
                                          "its id 'a-b' is taken by A B.md; this document's id is 'a-b-2'"),)


def test_reading_reports_its_progress_source_by_source(tmp_path):
    for name in ("a.md", "b.md", "c.md"):
        write(tmp_path, name, "- **200 OK**: Fine.\n")
    seen = []
    load_all(tmp_path, progress=lambda *step: seen.append(step))
    assert seen == [("Reading sources", 1, 3), ("Reading sources", 2, 3), ("Reading sources", 3, 3)]


@pytest.mark.parametrize("text, problems", [
    ("Just some words about the web.\n", [Problem("notes.md", 1, "no status codes found: expected a table, list or headings of codes")]),
    ("\n  \n", [Problem("notes.md", 1, "empty source: nothing to read")]),
    ("---\ntitle: Notes\n---\n", []),
])
def test_a_document_without_codes_says_so_once(text, problems):
    assert list(parse_source("notes.md", text.encode()).problems) == problems


@pytest.mark.parametrize("length", [250, 251, 252])
def test_a_source_whose_metadata_file_could_have_no_name_is_read_without_one(tmp_path, length):
    write(tmp_path, "a" * length + ".md", "- **200 OK**: Fine.\n")  # its .toml beside would be over 255 bytes from 252 on
    (parsed,) = load_all(tmp_path)
    assert [(r.code, r.name) for r in parsed.records] == [(200, "OK")] and parsed.problems == ()


def many_sources(folder, count):
    """Content with `count` documents of a few codes each, every one different."""
    for n in range(count):
        write(folder, f"doc-{n:03}.md", f"# Notes {n}\n\n- **200 OK**: Fine, says note {n}.\n- **404 Not Found**: Gone ({n}).\n")


def parsed_where(monkeypatch, workers_allowed=True):
    """Make each parse record the process it ran in, as the source's link; and allow workers, as a process with
    no other thread does (this one may run a test server's thread), unless told not to."""
    from dataclasses import replace as changed

    import statusref.sources as sources

    real = sources.parse_found

    def parse_found(found, *rest):
        parsed = real(found, *rest)
        return changed(parsed, source=changed(parsed.source, link=str(os.getpid())))
    monkeypatch.setattr(sources, "parse_found", parse_found)
    if workers_allowed:
        monkeypatch.setattr(sources, "can_fork", lambda: True)


def parsed_on_two_cores(monkeypatch, folder, fork=None):
    """The parse of a folder as a build on two cores makes it, each parse recording the process it ran in, the
    workers forked with `fork` when given."""
    import statusref.sources as sources

    parsed_where(monkeypatch)
    if fork is not None:
        monkeypatch.setattr(os, "fork", fork)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    monkeypatch.setattr(sources, "PARALLEL_BYTES", 1)
    return load_all(folder)


def parses(parsed) -> list:
    """What each parse says, and of which source, leaving out where it ran."""
    return [(p.source.path, p.records) for p in parsed]


def test_a_process_with_one_thread_on_linux_may_fork_workers_and_one_with_two_may_not():
    import subprocess
    import sys

    script = ("import threading, statusref.sources as s; print(s.can_fork()); "
              "threading.Thread(target=threading.Event().wait, daemon=True).start(); print(s.can_fork())")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["True", "False"]
    script = ("import _thread, time, statusref.sources as s; print(s.can_fork()); "  # a thread `threading` does not list,
              "_thread.start_new_thread(time.sleep, (60,)); print(s.can_fork())")  # as a library's own
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["True", "False"]


def test_many_sources_are_parsed_in_worker_processes_with_the_same_result(tmp_path, monkeypatch):
    import statusref.sources as sources

    many_sources(tmp_path, 40)
    alone = load_all(tmp_path)
    parsed_where(monkeypatch)
    monkeypatch.setattr(sources, "PARALLEL_BYTES", 1)
    seen = []
    together = load_all(tmp_path, progress=lambda *step: seen.append(step))
    assert [p.source.link for p in alone] == [""] * 40
    assert str(os.getpid()) not in {p.source.link for p in together} and "" not in {p.source.link for p in together}
    assert [p.records for p in together] == [p.records for p in alone]
    assert [p.problems for p in together] == [p.problems for p in alone]
    assert seen == [("Reading sources", n, 40) for n in range(1, 41)]


def test_few_sources_are_parsed_in_this_process(tmp_path, monkeypatch):
    many_sources(tmp_path, 40)
    parsed_where(monkeypatch)
    assert {p.source.link for p in load_all(tmp_path)} == {str(os.getpid())}


def test_no_workers_are_forked_while_another_thread_runs(tmp_path, monkeypatch):
    import threading

    import statusref.sources as sources

    many_sources(tmp_path, 20)
    parsed_where(monkeypatch, workers_allowed=False)
    monkeypatch.setattr(sources, "PARALLEL_BYTES", 1)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        links = {p.source.link for p in load_all(tmp_path)}
    finally:
        stop.set()
        other.join()
    assert links == {str(os.getpid())}


def test_what_a_dead_worker_leaves_is_parsed_here(tmp_path, monkeypatch):
    import statusref.sources as sources

    many_sources(tmp_path, 40)
    alone = load_all(tmp_path)
    here, real = os.getpid(), sources.parse_found

    def parse_found(found, *rest):
        if os.getpid() != here and found.rel == "doc-030.md":
            os._exit(3)  # a worker dies
        return real(found, *rest)
    monkeypatch.setattr(sources, "parse_found", parse_found)
    monkeypatch.setattr(sources, "can_fork", lambda: True)
    monkeypatch.setattr(sources, "PARALLEL_BYTES", 1)
    assert load_all(tmp_path) == alone


def test_workers_that_cannot_start_leave_the_parsing_here(tmp_path, monkeypatch):

    many_sources(tmp_path, 10)
    alone = load_all(tmp_path)

    def refuse():
        raise OSError(11, "Resource temporarily unavailable")
    together = parsed_on_two_cores(monkeypatch, tmp_path, refuse)
    assert parses(together) == parses(alone)
    assert {p.source.link for p in together} == {str(os.getpid())}


@pytest.mark.parametrize("body, message", [
    ("- **200 OK**: Fine {{ today }}.\n", "a template macro ({{...}}, {% %}) is not Markdown: the words shown are kept, the rest dropped"),
    ("- **200 OK**: Fine {{ a }} and {% b %}.\n", "2 template macros ({{...}}, {% %}) are not Markdown: the words shown are kept, the rest dropped"),
])
def test_template_macros_are_one_problem_counted_in_words(body, message):
    assert parse_source("notes.md", body.encode()).problems == (Problem("notes.md", 1, message),)


def test_a_folder_that_cannot_be_read_is_a_problem_and_the_rest_is_read(tmp_path, monkeypatch):
    write(tmp_path, "a.md", "x")
    write(tmp_path, "locked/b.md", "x")
    real = os.scandir

    def scandir(path):
        if os.path.basename(path) == "locked":
            raise PermissionError(13, "Permission denied")
        return real(path)
    monkeypatch.setattr(os, "scandir", scandir)
    assert [(f.rel, f.path is None, f.trouble) for f in discover(tmp_path)] == [
        ("a.md", False, ""), ("locked/", True, "cannot read this folder: Permission denied")]
    with pytest.raises(PermissionError):  # the content folder itself: the build cannot go on
        discover(tmp_path / "locked")


def test_control_characters_never_reach_names_text_or_titles():
    parsed = parse_source("x.md", b"---\ntitle: \"Mine\\e[0m\\a\"\n---\n- **404 Not\x1b[31m Found\x07**: Gone\x08\x7f\xc2\x85.\n")
    assert parsed.records == (Entry(404, "Not[31m Found", (), "Gone.", 4, ""),)
    assert parsed.source.title == "Mine[0m"


def test_a_file_that_cannot_be_opened_says_why(tmp_path, monkeypatch):
    from statusref import sources

    path = tmp_path / "locked.md"
    path.write_text("- **200 OK**: Fine.\n")

    def refused(*args, **kwargs):
        """Open as for a user without the right to read the file."""
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(sources, "open", refused, raising=False)
    assert read_file(path) == (b"", "cannot read: Permission denied")


def test_a_link_named_like_a_source_to_a_folder_inside_is_neither_read_nor_entered(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.md").write_text("- 404 Not Found: gone.\n")
    (tmp_path / "more.md").symlink_to(tmp_path / "sub")
    assert [f.rel for f in discover(tmp_path)] == ["sub/a.md"]


@pytest.mark.parametrize("size, forked", [(256 * 1024, True), (256 * 1024 - 1, False)])
def test_sources_are_parsed_in_workers_from_256_kb(monkeypatch, size, forked):
    from statusref import sources

    seen = []
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.setattr(sources, "can_fork", lambda: True)
    monkeypatch.setattr(sources, "in_workers", lambda todo, workers: seen.append(workers) or iter(()))
    todo = [sources.Read(found=None, data=b"x" * (size // 2)), sources.Read(found=None, data=b"x" * (size - size // 2))]
    sources.parse_all(todo)
    assert seen == ([2] if forked else [])


def test_parse_workers_die_with_the_build_that_forked_them(tmp_path, monkeypatch):
    import ctypes
    import signal
    from dataclasses import replace as changed

    import statusref.sources as sources

    def death_signal() -> str:
        """The signal this process gets when its parent ends (PR_GET_PDEATHSIG), 0 for none; and whether it ignores
        Ctrl+C."""
        found = ctypes.c_int(0)
        ctypes.CDLL(None).prctl(2, ctypes.byref(found))
        return f"{found.value} {signal.getsignal(signal.SIGINT) is signal.SIG_IGN}"

    many_sources(tmp_path, 40)
    real = sources.parse_found
    monkeypatch.setattr(sources, "parse_found", lambda found, *rest: changed(
        parsed := real(found, *rest), source=changed(parsed.source, link=death_signal())))
    monkeypatch.setattr(sources, "can_fork", lambda: True)
    monkeypatch.setattr(sources, "PARALLEL_BYTES", 1)
    before = signal.signal(signal.SIGINT, signal.default_int_handler)  # as in a terminal, whatever runs the tests
    try:
        assert {p.source.link for p in load_all(tmp_path)} == {f"{int(signal.SIGKILL)} True"}
        monkeypatch.setattr(sources, "PARALLEL_BYTES", 1 << 40)
        assert {p.source.link for p in load_all(tmp_path)} == {"0 False"}  # this process: none, and Ctrl+C is heard
    finally:
        signal.signal(signal.SIGINT, before)


def test_workers_of_which_the_second_cannot_start_lose_no_document_and_leave_no_worker(tmp_path, monkeypatch):
    import errno
    import multiprocessing


    many_sources(tmp_path, 40)
    alone = load_all(tmp_path)
    waiting = multiprocessing.get_context("fork").Process(target=multiprocessing.get_context("fork").Event().wait, daemon=True)
    waiting.start()  # a child of this process that is no worker of the build
    started, real = [], os.fork

    def fork():
        """Fork the first worker; fail to fork the next, as a process out of file descriptors does."""
        if started:
            raise OSError(errno.EMFILE, "Too many open files")
        pid = real()
        started.append(pid)
        return pid
    together = parsed_on_two_cores(monkeypatch, tmp_path, fork)
    assert parses(together) == parses(alone)
    assert {p.source.link for p in together} == {str(os.getpid())}
    assert len(started) == 1
    with pytest.raises(ChildProcessError):  # reaped
        os.waitpid(started[0], os.WNOHANG)
    assert waiting.is_alive()
    waiting.kill()
    waiting.join()


def test_a_document_that_could_not_be_read_is_read_again_by_the_next_build_whatever_its_stats(tmp_path, monkeypatch):
    import errno

    from statusref import sources
    from statusref.cache import Cache

    content, folder = tmp_path / "content", tmp_path / "cache"
    write(content, "codes.md", "- **404 Not Found**: Gone.\n")

    def failing(*args, **kwargs):
        """Fail as a disk with a bad sector does."""
        raise OSError(errno.EIO, "Input/output error")
    monkeypatch.setattr(sources, "open", failing, raising=False)
    cache = Cache(folder)
    first = load_all(content, cache)
    cache.save()
    assert [p.records for p in first] == [()] and [p.message for p in first[0].problems] == ["cannot read: Input/output error"]
    monkeypatch.undo()
    again = load_all(content, Cache(folder))
    assert [r.code for r in again[0].records] == [404] and again[0].problems == ()


def test_what_a_failing_worker_leaves_is_parsed_here_each_document_once_in_order(tmp_path, monkeypatch):
    import errno

    import statusref.sources as sources

    many_sources(tmp_path, 40)
    alone = load_all(tmp_path)
    here, real = str(os.getpid()), sources.parse_found

    def parse_found(found, *rest):
        if found.rel == "doc-004.md" and str(os.getpid()) != here:
            raise OSError(errno.EMFILE, "Too many open files")  # in a worker; this process has files to spare
        return real(found, *rest)
    monkeypatch.setattr(sources, "parse_found", parse_found)
    together = parsed_on_two_cores(monkeypatch, tmp_path)
    assert parses(together) == parses(alone)
    assert {p.source.link for p in together[:4]} != {here} and {p.source.link for p in together[4:]} == {here}


def test_workers_are_killed_and_reaped_when_the_build_gives_up_reading_their_parses(tmp_path, monkeypatch):
    from collections import deque

    import statusref.sources as sources

    many_sources(tmp_path, 40)
    started, real = [], os.fork

    def fork():
        """Fork, remembering each worker."""
        pid = real()
        if pid:
            started.append(pid)
        return pid
    monkeypatch.setattr(os, "fork", fork)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    monkeypatch.setattr(sources, "can_fork", lambda: True)
    monkeypatch.setattr(sources, "PARALLEL_BYTES", 1)
    made = sources.parse_all(deque(sources.read_found(found) for found in discover(tmp_path)))
    assert next(made).source.path == "doc-000.md"
    made.close()  # as an interrupted build does
    assert len(started) == 2
    for pid in started:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


def test_ctrl_c_while_the_workers_are_stopped_is_heard_by_the_build(tmp_path, monkeypatch):
    import statusref.sources as sources

    many_sources(tmp_path, 40)
    real = sources.stop_workers

    def stop_workers(pids):
        """Stop the workers, hearing Ctrl+C as it is done."""
        real(pids)
        raise KeyboardInterrupt
    monkeypatch.setattr(sources, "stop_workers", stop_workers)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    monkeypatch.setattr(sources, "can_fork", lambda: True)
    monkeypatch.setattr(sources, "PARALLEL_BYTES", 1)
    with pytest.raises(KeyboardInterrupt):
        load_all(tmp_path)
