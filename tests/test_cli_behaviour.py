"""The command line, in-process: what each command prints, returns and writes."""
import os
import shutil
import zipfile
from pathlib import Path

import pytest

from statusref.cli import main
from statusref.config import Config
from statusref.writer import MARKER

GOOD = "| Code | Name | Description |\n| --- | --- | --- |\n| 404 | Not Found | Nothing here. |\n| 410 | Gone | Gone for good. |\n"
BAD = "| Code | Name | Description |\n| --- | --- | --- |\n| 404 | Not Found | Nothing here. |\n| 404 | Not Found | Again, otherwise. |\n"
REPEAT = "content/codes.md:4: 404 is given again with different text; line 3 is kept"


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A folder with content/ holding one table of two codes, as the working folder, outside CI and any terminal."""
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "codes.md").write_text(GOOD)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    return tmp_path


@pytest.fixture
def templates(project) -> Path:
    """A copy of the shipped templates in the project, to break."""
    shutil.copytree(Config().templates, project / "templates")
    return project / "templates"


def lines(text: str) -> list[str]:
    """Printed lines, with the seconds at the end of a summary left out once they are seen to be a short time."""
    for line in text.splitlines():
        if line.endswith(" s"):
            assert 0 <= float(line.rsplit(", ", 1)[1][:-2]) < 60, line
    return [line.rsplit(", ", 1)[0] if line.endswith(" s") else line for line in text.splitlines()]


def test_build_writes_site_by_default_and_says_what_it_built(project, capsys):
    assert main([]) == 0
    out, err = capsys.readouterr()
    assert lines(out) == ["Built into site: 10 pages, 2 codes, 0 warnings"] and err == ""
    assert (project / "site" / MARKER).is_file() and (project / "site" / "410" / "index.html").is_file()
    assert (project / ".cache" / "statusref").is_dir()


def test_nothing_changed_is_said_and_no_cache_neither_reads_nor_writes(project, capsys):
    main([])
    capsys.readouterr()
    assert main([]) == 0
    assert lines(capsys.readouterr().out) == ["Built into site: nothing changed, 10 pages, 2 codes, 0 warnings"]
    assert main(["--no-cache", "--out", "other"]) == 0
    assert lines(capsys.readouterr().out) == ["Built into other: 10 pages, 2 codes, 0 warnings"]


@pytest.mark.parametrize("out", ["content/site", "gone/../site"])
def test_nothing_changed_is_said_of_a_site_inside_the_content_or_named_through_dot_dot(project, capsys, out):
    main(["--out", out])
    capsys.readouterr()
    assert main(["--out", out]) == 0
    assert lines(capsys.readouterr().out) == [f"Built into {out}: nothing changed, 10 pages, 2 codes, 0 warnings"]
    (project / os.path.normpath(out) / "index.html").write_text("edited")
    assert main(["--out", out]) == 0
    assert lines(capsys.readouterr().out) == [f"Built into {out}: 10 pages, 2 codes, 0 warnings"]


@pytest.mark.parametrize("option, said", [
    ("--out", "loopy is a symbolic link: not replacing what it points to; name a real folder"),
    ("--content", "content folder loopy not found"),
    ("--templates", "folder loopy not found"),
])
def test_a_link_loop_given_as_a_folder_is_one_line_after_a_cached_build(project, capsys, option, said):
    assert main([]) == 0
    (project / "loopy").symlink_to("loopy")
    capsys.readouterr()
    assert main([option, "loopy"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.endswith(said + "\n") and err.count("\n") == 1


def test_no_cache_makes_no_cache_folder(project, capsys):
    assert main(["--no-cache"]) == 0
    assert not (project / ".cache").exists()


@pytest.mark.parametrize("args, status, out, err, written", [
    ([], 0, ["Built into site: 9 pages, 1 codes, 1 warning"], [REPEAT], True),
    (["--strict"], 1, [], [REPEAT, "Failed: 1 warning; nothing was written."], False),
    (["check"], 1, [], [REPEAT, "Failed: 1 warning; nothing was written."], False),
    (["--quiet"], 0, [], [REPEAT], True),
])
def test_problems_are_printed_and_strict_or_check_fail(project, capsys, args, status, out, err, written):
    (project / "content" / "codes.md").write_text(BAD)
    assert main(args + ["--no-cache"]) == status
    printed = capsys.readouterr()
    assert (lines(printed.out), printed.err.splitlines()) == (out, err)
    assert (project / "site").exists() == written


@pytest.mark.parametrize("args", [["check", "--no-cache"], ["check"]])
def test_check_writes_nothing_and_says_checked(project, capsys, args):
    assert main(args) == 0
    assert lines(capsys.readouterr().out) == ["Checked 10 pages, 2 codes, 0 warnings"]
    assert sorted(p.name for p in project.iterdir()) == ["content"]  # not even a cache


@pytest.mark.parametrize("inside", [True, False])
def test_a_static_file_linking_out_of_its_folder_is_never_published(project, capsys, inside):
    static = project / "static"
    shutil.copytree(Config().static, static)
    (project / "secret.txt").write_text("not for the web")
    (static / "notes.txt").write_text("for the web")
    (static / "linked.txt").symlink_to(static / "notes.txt" if inside else project / "secret.txt")
    assert main(["--static", str(static), "--no-cache"]) == (0 if inside else 2)
    if inside:
        assert (project / "site" / "static" / "linked.txt").read_text() == "for the web"
    else:
        assert capsys.readouterr().err == (f"error: {static / 'linked.txt'} is a link out of the static folder: not publishing "
                                           "what it points to; copy the file in\n")
        assert not (project / "site").exists()


def test_an_empty_content_folder_is_a_warning(project, capsys):
    (project / "content" / "codes.md").unlink()
    assert main(["--no-cache"]) == 0
    printed = capsys.readouterr()
    assert printed.err == "content: no Markdown documents (.md, .markdown) found: the site lists no codes\n"
    assert lines(printed.out) == ["Built into site: 8 pages, 0 codes, 1 warning"]
    assert main(["--no-cache", "--strict"]) == 1


@pytest.mark.parametrize("inputs", ["content", "templates", "static"])
def test_a_site_folder_holding_an_input_is_never_built_over(project, capsys, inputs):
    assert main(["--no-cache"]) == 0
    folder = project / "site" / "mine" / inputs
    shutil.copytree(project / "content" if inputs == "content" else getattr(Config(), inputs), folder)
    before = sorted(p.relative_to(folder) for p in folder.rglob("*"))
    assert main(["--no-cache", f"--{inputs}", str(folder)]) == 2
    assert capsys.readouterr().err.endswith(f"holds the {inputs} folder {folder}: building there would delete it; choose another --out\n")
    assert sorted(p.relative_to(folder) for p in folder.rglob("*")) == before


def test_an_out_through_a_link_and_dot_dot_is_judged_as_the_folder_written(project, capsys, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "deep"
    elsewhere.mkdir()
    (project / "content" / "link").symlink_to(elsewhere)
    assert main(["--no-cache", "--out", "content/link/.."]) == 2  # the writer would write into content/ itself
    assert capsys.readouterr().err == ("error: --out content/link/.. holds the content folder content: building there "
                                       "would delete it; choose another --out\n")
    assert sorted(p.name for p in (project / "content").iterdir()) == ["codes.md", "link"]


@pytest.mark.parametrize("target", ["/", ".", "dist"])
def test_a_bundle_into_a_folder_is_refused_without_a_lock_beside_it(project, capsys, target):
    (project / "dist").mkdir()
    assert main(["bundle", "--no-cache", "--out", target]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.endswith(" is a folder: a bundle is a file, such as dist/http-status-codes.zip\n")
    assert sorted(p.name for p in project.iterdir()) == ["content", "dist"] and not any((project / "dist").iterdir())


@pytest.mark.parametrize("target", ["newdir/", "dist/", "a/b/", "newdir/.", "a/b/.."])
def test_a_bundle_named_as_a_folder_is_refused_and_makes_nothing(project, capsys, target):
    assert main(["bundle", "--no-cache", "--out", target]) == 2
    assert capsys.readouterr().err == f"error: {target} names a folder: a bundle is a file, such as dist/http-status-codes.zip\n"
    assert sorted(p.name for p in project.iterdir()) == ["content"]


@pytest.mark.parametrize("command, message", [("build", "holds the content folder"), ("bundle", "is a folder")])
def test_an_empty_out_is_the_current_folder_not_the_default(project, capsys, command, message):
    assert main([command, "--no-cache", "--out", ""]) == 2
    assert message in capsys.readouterr().err
    assert sorted(p.name for p in project.iterdir()) == ["content"]


def test_bundle_goes_to_dist_by_default(project, capsys):
    assert main(["bundle", "--no-cache"]) == 0
    assert lines(capsys.readouterr().out) == ["Bundled into dist/http-status-codes.zip: 10 pages, 2 codes, 0 warnings"]
    with zipfile.ZipFile(project / "dist" / "http-status-codes.zip") as archive:
        assert "http-status-codes/404/index.html" in archive.namelist()
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert not (project / "site").exists()


@pytest.mark.parametrize("args, message", [
    (["--base-url", "ftp://example.org/"],
     "error: --base-url 'ftp://example.org/' is not an absolute http or https URL without a query or fragment"),
    (["--base-url", "example.org"], "error: --base-url 'example.org' is not an absolute http or https URL without a query or fragment"),
    (["serve", "--port", "65536"], "error: --port 65536 is not a port: give 0 to 65535 (0 for any free one)"),
    (["serve", "--port", "-1"], "error: --port -1 is not a port: give 0 to 65535 (0 for any free one)"),
    (["--content", "missing"], "error: content folder missing not found"),
    (["--base-url", "https://example.org/?v=1"],
     "error: --base-url 'https://example.org/?v=1' is not an absolute http or https URL without a query or fragment"),
    (["--base-url", "https://example.org/#top"],
     "error: --base-url 'https://example.org/#top' is not an absolute http or https URL without a query or fragment"),
    (["--out", "."], "error: --out . holds the content folder content: building there would delete it; choose another --out"),
])
def test_bad_settings_are_one_error_line_and_exit_2(project, capsys, args, message):
    assert main(args + ["--no-cache"]) == 2
    printed = capsys.readouterr()
    assert printed.err.splitlines() == [message] and printed.out == ""
    assert not (project / "site").exists()


def test_edge_ports_and_urls_are_accepted(project, capsys):
    assert main(["--base-url", "https://status.example/ref/", "--port", "65535", "--no-cache"]) == 0
    assert "https://status.example/ref/404/" in (project / "site" / "sitemap.xml").read_text()


def test_a_template_error_names_its_file_and_line(project, templates, capsys):
    (templates / "index.html").write_text("{% extends 'base.html' %}\n{% if %}\n")
    assert main(["--templates", str(templates), "--no-cache"]) == 2
    assert capsys.readouterr().err.startswith(f"{templates / 'index.html'}:2: template error: ")
    assert not (project / "site").exists()


@pytest.mark.parametrize("insert, message", [
    ("{{ 1 / 0 }}", "template error: ZeroDivisionError: division by zero"),
    ("{{ nothing.here }}", "template error: 'nothing' is undefined"),
    ("{% include 'missing.html' %}", "template error: 'missing.html' not found in the templates folder"),
    ("{% include 'code.html' %}", "template error: RecursionError: maximum recursion depth exceeded"),
])
def test_a_template_failing_as_it_renders_names_its_file_and_line(project, templates, capsys, insert, message):
    text = (templates / "code.html").read_text()
    (templates / "code.html").write_text(text.replace("{% block main %}\n", "{% block main %}\n" + insert + "\n", 1))
    line = text[: text.index("{% block main %}")].count("\n") + 2
    assert main(["--templates", str(templates), "--no-cache"]) == 2
    where, _, said = capsys.readouterr().err.partition(": ")
    assert said.startswith(message) and said.endswith("\n") and "\n" not in said[:-1]
    if "Recursion" in message:  # the template the recursion was in when it ran out of depth
        assert where.startswith(str(templates)) and where.rpartition(":")[2].isdigit()
    else:
        assert where == f"{templates / 'code.html'}:{line}"
    assert not (project / "site").exists()


def test_a_template_that_is_not_utf8_names_its_file_and_line(project, templates, capsys):
    (templates / "code.html").write_bytes(b"{% extends 'base.html' %}\n\xff\xfe\n")
    assert main(["--templates", str(templates), "--no-cache"]) == 2
    assert capsys.readouterr().err == f"{templates / 'code.html'}:2: template error: not UTF-8 text\n"
    (templates / "code.html").write_text("{% extends 'base.html' %}{% block main %}{% include 'parts/note.txt' %}{% endblock %}\n")
    (templates / "parts").mkdir()
    (templates / "parts" / "note.txt").write_bytes(b"fine\nfine\n\xe9t\xe9\n")
    assert main(["--templates", str(templates), "--no-cache"]) == 2
    assert capsys.readouterr().err == f"{templates / 'parts' / 'note.txt'}:3: template error: not UTF-8 text\n"


@pytest.mark.parametrize("control", ["\x1b", "\x07", "\x00", "\x0c", "\x7f", "\x85"])
def test_a_template_holding_a_control_character_names_its_file_and_line(project, templates, capsys, control):
    (templates / "code.html").write_text("{% extends 'base.html' %}\r\n\tfine \u2028 é\n" + control + "\n", newline="")
    assert main(["--templates", str(templates), "--no-cache"]) == 2
    message = f"control character U+{ord(control):04X}: no page may carry it (HTML cannot show it, XML forbids it)"
    assert capsys.readouterr().err == f"{templates / 'code.html'}:3: template error: {message}\n"
    assert not (project / "site").exists()


@pytest.mark.parametrize("expression", ['"\\x01"', '"%c"|format(7)', '"a\\u0085"'])
def test_a_template_that_outputs_a_control_character_names_its_file_and_line(project, templates, capsys, expression):
    (templates / "404.html").write_text("{% extends 'base.html' %}\n{% block main %}\n<p>{{ 'fine' }}\n{{ " + expression + " }}</p>\n{% endblock %}\n")
    assert main(["--templates", str(templates), "--no-cache"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{templates / '404.html'}:4: template error: control character U+00") and err.count("\n") == 1
    assert not (project / "site").exists()


@pytest.mark.parametrize("block, line", [
    ('{% filter replace("Q", "\\x07") %}Q{% endfilter %}', 6),
    ('{% call "{0:c}".format(27) %}{% endcall %}', 6),
    ('{{ namespace(__html__="\\x07".lower) }}', 6),
])
def test_a_control_character_a_template_makes_by_any_other_way_names_the_template_and_page(project, templates, capsys, block, line):
    (templates / "404.html").write_text("{% extends 'base.html' %}\n{% block main %}\n\n\n\n" + block + "\n{% endblock %}\n")
    assert main(["--templates", str(templates), "--no-cache"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: template: {templates / '404.html'} makes 404.html carry control character U+00")
    assert err.endswith(": no page may carry it\n") and err.count("\n") == 1 and "on its line" in err
    assert not (project / "site").exists()


def test_a_form_feed_may_reach_an_html_page_but_never_the_sitemap(project, templates, capsys):
    edit = (templates / "404.html").read_text().replace("{% block main %}", "{% block main %}{% filter replace('Q', '\\x0c') %}Q{% endfilter %}", 1)
    (templates / "404.html").write_text(edit)
    assert main(["--templates", str(templates), "--no-cache", "-q"]) == 0
    assert "\x0c" in (project / "site" / "404.html").read_text()
    sitemap = (templates / "sitemap.xml").read_text().replace("<url>", "<url>{% filter replace('Q', '\\x0c') %}Q{% endfilter %}", 1)
    (templates / "sitemap.xml").write_text(sitemap)
    assert main(["--templates", str(templates), "--no-cache", "--base-url", "https://s.example/"]) == 2
    assert capsys.readouterr().err.startswith(f"error: template: {templates / 'sitemap.xml'} makes sitemap.xml carry control character U+000C")


def test_an_error_in_an_included_file_of_any_name_is_found_at_its_line(project, templates, capsys):
    (templates / "404.html").write_text("{% extends 'base.html' %}\n{% block main %}\n{% include 'part.txt' %}\n{% endblock %}\n")
    (templates / "part.txt").write_text("fine\n{{ 1 // 0 }}\n")
    assert main(["--templates", str(templates), "--no-cache"]) == 2
    assert capsys.readouterr().err == f"{templates / 'part.txt'}:2: template error: ZeroDivisionError: integer division or modulo by zero\n"


def test_an_out_inside_the_cache_folder_is_refused(project, capsys):
    assert main([]) == 0
    capsys.readouterr()
    assert main(["--out", ".cache/statusref/store"]) == 2
    assert capsys.readouterr().err == ("error: --out .cache/statusref/store is inside the cache folder .cache/statusref, which "
                                       "holds only what the cache keeps; choose another --out\n")
    assert not (project / ".cache" / "statusref" / "store").exists()


def test_a_site_inside_the_content_folder_is_never_read_as_content(project, capsys):
    static = project / "static"
    shutil.copytree(Config().static, static)
    (static / "notes.md").write_text("# Notes\n\nSome notes, no codes.\n")
    assert main(["--static", "static", "--out", "content/site"]) == 0
    assert (project / "content" / "site" / "static" / "notes.md").is_file()
    assert main(["--static", "static", "--out", "content/site", "--no-cache"]) == 0
    assert main(["--static", "static", "--out", "content/site"]) == 0
    assert main(["--static", "static", "--out", "content/site"]) == 0
    assert lines(capsys.readouterr().out) == ["Built into content/site: 10 pages, 2 codes, 0 warnings"] * 3 + [
        "Built into content/site: nothing changed, 10 pages, 2 codes, 0 warnings"]


def test_bytes_that_are_not_utf8_are_found_at_their_line_whatever_the_line_endings(project, templates, capsys):
    (templates / "code.html").write_bytes(b"{% extends 'base.html' %}\r\rfine\r\nfine\n\xff\n")
    assert main(["--templates", str(templates), "--no-cache"]) == 2
    assert capsys.readouterr().err == f"{templates / 'code.html'}:5: template error: not UTF-8 text\n"


def test_files_in_templates_that_no_template_reads_may_be_anything(project, templates, capsys):
    (templates / ".code.html.swp").write_bytes(b"b0VIM 8.2\x00\x10\xff\xfe\x80 an editor's swap file")
    (templates / "sub").mkdir()
    (templates / "sub" / os.fsdecode(b"caf\xe9.txt")).write_text("a name that is not UTF-8")
    (templates / "big.txt").write_bytes(b"x" * (2 * 1024 * 1024 + 1))
    assert main(["--templates", str(templates), "--no-cache", "-q"]) == 0
    assert capsys.readouterr().err == ""
    (templates / "404.html").write_text("{% include 'big.txt' %}")
    assert main(["--templates", str(templates), "--no-cache", "-q"]) == 2
    assert capsys.readouterr().err == f"{templates / 'big.txt'}:1: template error: over the 2 MB a template may hold\n"


def test_a_deep_templates_folder_is_read_without_running_out_of_stack(project, templates, capsys):
    folders = [templates / "d"]
    for _ in range(1100):
        folders[-1].mkdir()
        folders.append(folders[-1] / "d")
    (folders[-2] / "x.html").write_text("deep")
    try:
        assert main(["--templates", str(templates), "--no-cache", "-q"]) == 0
    finally:  # removed from the bottom up: a recursive removal would run out of stack too
        (folders[-2] / "x.html").unlink()
        for folder in reversed(folders[:-1]):
            folder.rmdir()


def test_an_unexpected_error_is_one_line_unless_debugging(project, capsys, monkeypatch):
    import statusref.site

    def broken(*args, **kwargs):
        """Fail as a bug would."""
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(statusref.site, "build", broken)
    monkeypatch.delenv("STATUSREF_DEBUG", raising=False)
    assert main(["--no-cache"]) == 2
    assert capsys.readouterr().err == "error: internal error (ZeroDivisionError: a bug); run with STATUSREF_DEBUG=1 for details\n"
    monkeypatch.setenv("STATUSREF_DEBUG", "1")
    with pytest.raises(ZeroDivisionError):
        main(["--no-cache"])


def test_an_interrupted_build_says_so_and_exits_130(project, capsys, monkeypatch):
    import statusref.site

    def interrupted(*args, **kwargs):
        """Stop as Ctrl-C does."""
        raise KeyboardInterrupt

    monkeypatch.setattr(statusref.site, "build", interrupted)
    assert main(["--no-cache"]) == 130
    assert capsys.readouterr().err == "interrupted\n"


def test_progress_keeps_one_bar_per_stage_once_shown(monkeypatch):
    from statusref.cli import Progress

    monkeypatch.setenv("STATUSREF_PROGRESS_AFTER", "0")
    progress = Progress(True)
    for stage, done, total in (("Reading sources", 1, 2), ("Reading sources", 2, 2), ("Rendering pages", 1, 3)):
        progress(stage, done, total)
    assert list(progress.tasks) == ["Reading sources", "Rendering pages"]
    bars = progress.display.tasks
    assert [(t.description, t.completed, t.total) for t in bars] == [("Reading sources", 2, 2), ("Rendering pages", 1, 3)]
    assert progress.display.live.transient  # the bars leave the screen as they stop, leaving only the summary
    progress.close()
    assert not progress.display.live.is_started
    hidden = Progress(False)
    hidden("Reading sources", 1, 2)
    hidden.close()
    assert hidden.display is None and hidden.tasks == {}


def test_progress_waits_before_it_shows(monkeypatch):
    from statusref.cli import Progress

    monkeypatch.delenv("STATUSREF_PROGRESS_AFTER", raising=False)
    progress = Progress(True)
    assert progress.after == 1.0
    progress("Reading sources", 1, 2)
    assert progress.display is None


def test_defaults_of_a_build():
    config = Config()
    assert (config.content, config.out, config.cache) == (Path("content"), Path("site"), Path(".cache/statusref"))
    assert (config.base_url, config.strict) == ("", False)
    root = Path(__file__).resolve().parent.parent
    assert config.templates in (root / "templates", root / "statusref" / "templates") and (config.templates / "base.html").is_file()
    assert config.static in (root / "static", root / "statusref" / "static") and (config.static / "search.js").is_file()
    with pytest.raises(AttributeError):
        config.out = Path("elsewhere")


@pytest.mark.parametrize("text, seconds", [("0", 0.0), ("2.5", 2.5), ("", 1.0), ("soon", 1.0), ("-1", 1.0), ("1e9", 1.0), ("3599", 3599.0), ("3600", 1.0)])
def test_the_progress_delay_is_read_from_the_environment(text, seconds):
    from statusref.cli import seconds_from

    assert seconds_from(text, 1.0) == seconds


def test_help_lists_the_commands_and_the_exit_statuses(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--help"], prog="build.py")
    assert stop.value.code == 0
    help_text = capsys.readouterr().out
    assert help_text.startswith("usage: build.py [-h]")
    for line in ("Build the HTTP status code reference from the Markdown documents in content/.",
                 "  build    build the site into --out (the default command)",
                 "  check    read and render everything, write nothing; exit 1 on any problem",
                 "  bundle   write the offline site as a zip (default dist/http-status-codes.zip)",
                 "  serve    serve the site on 127.0.0.1, rebuild on change, reload open pages",
                 "Problems are printed as path:line: message. Exit status: 0 built, 1 problems with --strict or check, 2 cannot build."):
        assert line in help_text.splitlines(), line
    flat = " ".join(help_text.split())
    for option in ("--content DIR source documents (default: content)", "--templates DIR Jinja templates (default: the project's templates/)",
                   "--static DIR stylesheet, scripts and icon (default: the project's static/)", "--no-cache neither read nor write"):
        assert option in flat, option


@pytest.mark.parametrize("args", [[], ["check"], ["--strict", "--no-cache"]])
def test_a_build_pauses_the_garbage_collector_and_leaves_it_as_it_found_it(project, capsys, args, monkeypatch):
    import gc

    from statusref import site

    while_reading = []
    real = site.load_model
    monkeypatch.setattr(site, "load_model", lambda *a: while_reading.append(gc.isenabled()) or real(*a))
    assert gc.isenabled()
    gc.unfreeze()
    main(args)
    assert gc.isenabled() and while_reading == [False]
    assert gc.get_freeze_count() > 1000  # the command line ends its process after a build: nothing to collect for
    gc.unfreeze()
    from statusref.config import Config

    site.build(Config(content=project / "content", out=project / "library-site", cache=None))
    assert gc.get_freeze_count() == 0  # a program building as a library goes on: it collects as usual
    gc.disable()
    try:
        main(args)
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.parametrize("closed", [(2,), (0, 1, 2)])
def test_a_build_with_closed_standard_streams_builds_and_prints_into_no_file(project, closed):
    import subprocess
    import sys

    from helpers import ROOT

    (project / "content" / "codes.md").write_text(BAD)
    done = subprocess.run([sys.executable, str(ROOT / "build.py")], cwd=project, timeout=120,
                          preexec_fn=lambda: [os.close(fd) for fd in closed])
    assert done.returncode == 0
    assert (project / "site" / "404" / "index.html").is_file()
    site = b"".join(p.read_bytes() for p in (project / "site").rglob("*") if p.is_file())
    written = b"".join(p.read_bytes() for p in project.rglob("*") if p.is_file())
    assert b"given again" not in site and b"Built into" not in written and b"internal error" not in written


@pytest.mark.parametrize("where", ["parse_source", "open", "scandir"])
def test_a_machine_short_of_file_descriptors_stops_the_build_and_the_next_one_reads_everything(project, capsys, monkeypatch, where):
    import errno

    from statusref import sources

    assert main([]) == 0
    page = (project / "site" / "410" / "index.html").read_bytes()
    (project / "content" / "codes.md").write_text(GOOD.replace("Gone for good.", "Gone, and for good."))

    def short(*args, **kwargs):
        """Fail as a process out of file descriptors does."""
        raise OSError(errno.EMFILE, "Too many open files")
    monkeypatch.setattr(sources, where, short, raising=False) if where != "scandir" else monkeypatch.setattr(os, "scandir", short)
    capsys.readouterr()
    assert main([]) == 2
    assert capsys.readouterr().err == "error: Too many open files\n"
    assert (project / "site" / "410" / "index.html").read_bytes() == page
    monkeypatch.undo()
    monkeypatch.chdir(project)
    assert main([]) == 0
    assert lines(capsys.readouterr().out) == ["Built into site: 10 pages, 2 codes, 0 warnings"]
    assert b"Gone, and for good." in (project / "site" / "410" / "index.html").read_bytes()


def test_a_build_reading_its_cache_sets_aside_memory_for_what_the_files_hold_not_for_their_limits(project):
    import resource
    import subprocess
    import sys

    from helpers import ROOT

    command = [sys.executable, str(ROOT / "build.py"), "--quiet"]
    assert subprocess.run(command, cwd=project, timeout=120).returncode == 0
    (project / "content" / "codes.md").write_text(GOOD.replace("Gone for good.", "Gone, and for good."))
    limited = lambda: resource.setrlimit(resource.RLIMIT_AS, (768 * 1024 * 1024,) * 2)  # noqa: E731 - under a pack's 1 GB limit
    done = subprocess.run(command, cwd=project, timeout=120, preexec_fn=limited, capture_output=True, text=True)
    assert (done.returncode, done.stderr) == (0, "")
    assert b"Gone, and for good." in (project / "site" / "410" / "index.html").read_bytes()


def test_a_content_folder_that_cannot_be_read_stops_the_build_and_leaves_the_site(project, capsys, monkeypatch):
    assert main([]) == 0
    page = (project / "site" / "410" / "index.html").read_bytes()
    (project / "content" / "codes.md").write_text(GOOD.replace("Gone for good.", "Gone, and for good."))
    real = os.scandir

    def scandir(path):
        """List folders as a user without the right to read the content folder does."""
        if os.path.basename(path) == "content":
            raise PermissionError(13, "Permission denied", path)
        return real(path)
    monkeypatch.setattr(os, "scandir", scandir)
    capsys.readouterr()
    assert main([]) == 2
    assert capsys.readouterr().err == "error: content: Permission denied\n"
    assert (project / "site" / "410" / "index.html").read_bytes() == page


@pytest.mark.parametrize("stdout, stderr, env", [
    ("full", "pipe", {}),  # a full disk
    ("closed pipe", "pipe", {}),  # `| head -c 0`
    ("pipe", "full", {}),  # the warnings cannot be printed
    ("pipe", "pipe", {"PYTHONIOENCODING": "ascii"}),  # a terminal without the characters of a name
])
def test_output_that_cannot_be_printed_changes_neither_the_site_nor_the_exit_status(project, stdout, stderr, env):
    import subprocess
    import sys

    from helpers import ROOT

    (project / "content" / "notes.md").write_text("- **418 I'm a teapot**: Short and stout.\n- **418**: Again.\n")  # a warning
    read, write = os.pipe()
    os.close(read)
    streams = {"full": open("/dev/full", "w"), "closed pipe": os.fdopen(write, "w"), "pipe": subprocess.PIPE}
    command = [sys.executable, str(ROOT / "build.py"), "--out", "sité"]
    for attempt in ("built", "nothing changed"):
        done = subprocess.run(command, cwd=project, timeout=120, stdout=streams[stdout], stderr=streams[stderr],
                              env={**os.environ, **env})
        assert done.returncode == 0, attempt
        assert done.stderr is None or b"Traceback" not in done.stderr and b"error" not in done.stderr
    assert (project / "sité" / "418" / "index.html").is_file()
    for stream in streams.values():
        if stream is not subprocess.PIPE:
            stream.close()


@pytest.mark.parametrize("raised, status, said", [(KeyboardInterrupt, 130, "interrupted\n"), (MemoryError, 2, "error: out of memory\n")])
@pytest.mark.parametrize("where", ["statusref.cli.parser", "statusref.fresh.last_build", "statusref.site.run"])
def test_an_interruption_or_a_lack_of_memory_anywhere_is_one_line(project, capsys, monkeypatch, raised, status, said, where):
    def fail(*args, **kwargs):
        raise raised()
    monkeypatch.setattr(where, fail)
    assert main([]) == status
    assert capsys.readouterr().err == said


def test_builds_remove_the_temp_files_killed_builds_left_and_nothing_else(project, capsys):
    import subprocess

    assert main([]) == 0 and main(["bundle"]) == 0
    ended = subprocess.Popen(["true"])
    ended.wait()  # its number is now no process's
    cache, dist = project / ".cache" / "statusref", project / "dist"
    left = [cache / f".pages.json.{ended.pid}.a1b2c3d4.tmp", cache / f".last-build.json.{ended.pid}.a1b2c3d4.tmp",
            dist / f".http-status-codes.zip.{ended.pid}.a1b2c3d4.tmp"]
    others = [cache / f".pages.json.{os.getpid()}.a1b2c3d4.tmp",  # a running build's
              cache / ".pages.json.notes.tmp", cache / f".pages.json.{ended.pid}.short.tmp", cache / f".pages.json.{ended.pid}.a1b2c3d4.txt",
              cache / f".other.json.{ended.pid}.a1b2c3d4.tmp", dist / f".http-status-codes.zip.{ended.pid}.a1b2c3d4.tmp.keep"]
    others.append(cache / f".pages.json.{ended.pid}.recent12.tmp")  # maybe a container's build, writing it now
    for path in left + others:
        path.write_text("x")
        if not path.name.startswith(".pages.json.") or "recent12" not in path.name:
            os.utime(path, (0, 1_000_000_000))  # untouched since 2001
    folder = cache / f".pages.json.{ended.pid}.folder12.tmp"
    folder.mkdir()
    (project / "content" / "codes.md").write_text(GOOD.replace("Gone for good.", "Gone, and for good."))
    assert main([]) == 0 and main(["bundle"]) == 0
    assert [p.name for p in left if p.exists()] == []
    assert [p.name for p in others if not p.exists()] == [] and folder.is_dir()


def test_a_second_ctrl_c_while_the_build_stops_is_ignored_and_none_changes_the_handler_for_good(project, capsys, monkeypatch):
    import signal

    from statusref import site

    cleaned = []

    def run(*args, **kwargs):
        """A build that hears Ctrl+C, and again while it cleans up."""
        try:
            signal.raise_signal(signal.SIGINT)
        finally:
            signal.raise_signal(signal.SIGINT)
            cleaned.append("workers stopped")
    monkeypatch.setattr(site, "run", run)
    before = signal.signal(signal.SIGINT, signal.default_int_handler)  # as in a terminal, whatever runs the tests
    try:
        assert main([]) == 130
        assert cleaned == ["workers stopped"] and capsys.readouterr().err == "interrupted\n"
        signal.signal(signal.SIGINT, signal.default_int_handler)
        monkeypatch.undo()
        monkeypatch.chdir(project)
        assert main([]) == 0 and signal.getsignal(signal.SIGINT) is signal.default_int_handler
    finally:
        signal.signal(signal.SIGINT, before)


def test_a_write_failing_for_want_of_room_names_the_file_and_leaves_the_site(project):
    import resource
    import subprocess
    import sys

    from helpers import ROOT

    command = [sys.executable, str(ROOT / "build.py"), "--quiet", "--no-cache"]
    assert subprocess.run(command, cwd=project, timeout=120).returncode == 0
    page = (project / "site" / "410" / "index.html").read_bytes()
    (project / "content" / "codes.md").write_text(GOOD.replace("Gone for good.", "Gone, and for good."))
    small = lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))  # noqa: E731 - a disk as good as full
    done = subprocess.run(command, cwd=project, timeout=120, preexec_fn=small, capture_output=True, text=True)
    assert done.returncode == 2 and done.stderr.startswith("error: /") and done.stderr.endswith(": File too large\n")
    assert Path(done.stderr[len("error: "):-len(": File too large\n")]).name == "index.html"
    assert (project / "site" / "410" / "index.html").read_bytes() == page
