"""Deciding that nothing changed: every input, option and dependency counts; the record is signed and checked."""
import importlib.util
import os
from dataclasses import replace
from pathlib import Path

import pytest

from helpers import touched
from statusref.cache import version
from statusref.config import Config
from statusref import fresh
from statusref.fresh import RECORD, dependencies, fingerprint, output_state, remember
from statusref.writer import MARKER


def unchanged(config) -> dict | None:
    """The last build's summary if nothing it depended on has changed since, else None."""
    return fresh.last_build(config)[0]


@pytest.fixture
def config(tmp_path, monkeypatch) -> Config:
    """A build's settings over folders of its own, with a marked cache folder and a site folder."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    for name in ("content", "templates", "static", "site", "cache"):
        (tmp_path / name).mkdir()
    (tmp_path / "content" / "codes.md").write_text("- 404 Not Found: gone.\n")
    (tmp_path / "templates" / "base.html").write_text("<html>")
    (tmp_path / "static" / "style.css").write_text("body{}")
    (tmp_path / "cache" / MARKER).write_text("")
    (tmp_path / "site" / "index.html").write_text("site")
    return Config(content=tmp_path / "content", out=tmp_path / "site", templates=tmp_path / "templates",
                  static=tmp_path / "static", cache=tmp_path / "cache")


@pytest.mark.parametrize("change", [
    lambda c: (c.content / "codes.md").write_text("- 404 Not Found: gone!\n"),
    lambda c: touched(c.content / "codes.md"),
    lambda c: (c.content / "more.md").write_text("x"),
    lambda c: (c.content / "sub").mkdir() or (c.content / "sub" / "deep.md").write_text("x"),
    lambda c: touched(c.templates / "base.html"),
    lambda c: (c.templates / ".part.html").write_text("a hidden template can be included"),
    lambda c: (c.static / "new.js").write_text(""),
    lambda c: same_size_and_time(c.content / "codes.md", "- 404 Not Found: GONE.\n"),
    lambda c: (c.content / "gone.md").symlink_to(c.content / "missing.md"),
    lambda c: (c.templates / "loop.html").symlink_to(c.templates / "loop.html"),
    lambda c: (c.static / "gone.css").symlink_to("nowhere.css"),
])
def test_any_change_to_an_input_changes_the_fingerprint(config, change):
    before = fingerprint(config)
    change(config)
    assert fingerprint(config) != before


def test_a_dangling_link_counts_by_the_link_until_it_points_somewhere(config):
    (config.content / "later.md").symlink_to(config.content / "missing.md")
    dangling = fingerprint(config)
    assert fingerprint(config) == dangling
    (config.content / "missing.md").write_text("- 410 Gone: gone for good.\n")
    assert fingerprint(config) != dangling


def test_a_link_to_a_folder_counts_by_the_link_not_by_what_the_folder_holds(config, tmp_path):
    (config.content / "alias").symlink_to(config.out)
    before = fingerprint(config)
    (config.out / "index.html").write_text("another site")
    (config.out / "404").mkdir()
    assert fingerprint(config) == before
    (config.content / "alias").unlink()
    (config.content / "alias").symlink_to(config.static)
    assert fingerprint(config) != before


def test_a_site_folder_inside_an_input_is_left_to_the_output_state(config):
    inside = replace(config, out=config.content / "site")
    (inside.out).mkdir()
    before = fingerprint(inside)
    (inside.out / "index.html").write_text("a page")
    (inside.out / "404").mkdir()
    assert fingerprint(inside) == before
    (config.content / "site-notes").mkdir()
    assert fingerprint(inside) != before


def test_the_build_date_counts(config, monkeypatch):
    before = fingerprint(config)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert fingerprint(config) != before


@pytest.mark.parametrize("option", [{"base_url": "https://s.example/"}, {"strict": True}, {"out": Path("elsewhere")},
                                    {"content": Path("other")}, {"templates": Path("t2")}, {"static": Path("s2")}])
def test_every_option_counts(config, option):
    assert fingerprint(replace(config, **option)) != fingerprint(config)


def test_a_source_that_is_a_link_counts_by_what_it_links_to(config):
    (config.content / ".drafts").mkdir()
    (config.content / ".drafts" / "draft.md").write_text("- 410 Gone: gone.\n")
    (config.content / "draft.md").symlink_to(config.content / ".drafts" / "draft.md")
    before = fingerprint(config)
    (config.content / ".drafts" / "draft.md").write_text("- 410 Gone: gone for good.\n")
    assert fingerprint(config) != before


def test_hidden_files_and_the_programs_bytecode_do_not_count(config, tmp_path, monkeypatch):
    program = tmp_path / "program"
    program.mkdir()
    (program / "module.py").write_text("")
    monkeypatch.setattr(fresh, "PACKAGE", program)
    before = fingerprint(config)
    (config.content / ".notes.md.swp").write_text("editor state")
    (program / "__pycache__").mkdir()
    (program / "__pycache__" / "module.pyc").write_text("")
    assert fingerprint(config) == before
    (program / "module.py").write_text("changed")
    assert fingerprint(config) != before


@pytest.mark.parametrize("folder", ["content", "templates", "static"])
def test_a_folder_named_pycache_among_the_inputs_counts(config, folder):
    before = fingerprint(config)
    (getattr(config, folder) / "__pycache__").mkdir()
    (getattr(config, folder) / "__pycache__" / "x.md").write_text("### 299 Foo Bar\n")
    assert fingerprint(config) != before


def test_a_folder_named_pycache_in_the_site_counts(config):
    before = output_state(config.out)
    (config.out / "__pycache__").mkdir()
    assert output_state(config.out) != before


def test_a_dependency_counts_by_each_of_its_files_and_a_zip_by_itself(config, tmp_path, monkeypatch):
    package = tmp_path / "deps" / "markdown_it"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "renderer.py").write_text("one")
    archive = tmp_path / "deps.zip"
    archive.write_bytes(b"zip one")
    real = importlib.util.find_spec

    def find(wanted, *args):
        """markdown_it as a folder of files, mdurl from inside a zip."""
        if wanted == "markdown_it":
            return importlib.util.spec_from_file_location(wanted, package / "__init__.py", submodule_search_locations=[str(package)])
        if wanted == "mdurl":
            return importlib.util.spec_from_loader(wanted, None, origin=str(archive / "mdurl" / "__init__.py"))
        return real(wanted, *args)

    monkeypatch.setattr(importlib.util, "find_spec", find)
    seen = {dependencies()}
    (package / "renderer.py").write_text("two")
    seen.add(dependencies())
    (package / "__pycache__").mkdir()
    (package / "__pycache__" / "renderer.pyc").write_text("")
    assert dependencies() in seen
    archive.write_bytes(b"zip two")
    seen.add(dependencies())
    assert len(seen) == 3


def test_an_unreadable_folder_whose_name_is_not_utf8_counts_as_such(config, monkeypatch):
    name = os.fsdecode(b"b\xffad")
    (config.content / name).mkdir()
    real = os.scandir
    monkeypatch.setattr(os, "scandir", lambda path: (_ for _ in ()).throw(PermissionError(13, "Permission denied"))
                        if str(path).endswith(name) else real(path))
    unreadable = fingerprint(config)
    monkeypatch.setattr(os, "scandir", real)
    assert fingerprint(config) != unreadable


def test_an_unreadable_folder_counts_as_such(config, monkeypatch):
    before = fingerprint(config)
    real = os.scandir

    def scandir(path):
        """The content folder as if its permissions forbade reading it."""
        if Path(path) == config.content:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    assert fingerprint(config) != before
    (config.content / "codes.md").unlink()
    unreadable = fingerprint(config)
    monkeypatch.setattr(os, "scandir", real)
    assert fingerprint(config) != unreadable  # an empty folder is not an unreadable one


def test_a_missing_dependency_is_no_trouble(config, monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "ftfy" else real(name, *a))
    assert fingerprint(config) == fingerprint(config)
    remember(config, {"pages": 1, "codes": 1, "problems": []}, fingerprint(config))
    assert unchanged(config) is not None


@pytest.mark.parametrize("origin", ["built-in", "gone.zip/mdurl/__init__.py"])
def test_a_dependency_that_is_no_file_counts_by_its_name_and_origin_alone(tmp_path, monkeypatch, origin):
    monkeypatch.chdir(tmp_path)
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda wanted, *a: importlib.util.spec_from_loader(wanted, None, origin=origin)
                        if wanted == "mdurl" else real(wanted, *a))
    before = dependencies()
    (tmp_path / "site").mkdir()  # the folder the search for a file ends in changes; the dependency does not
    (tmp_path / "notes.txt").write_text("")
    assert dependencies() == before


@pytest.mark.parametrize("name", ["jinja2", "markupsafe", "markdown_it", "mdurl", "mdit_py_plugins", "yaml", "ftfy"])
def test_upgrading_any_dependency_counts_and_changes_the_cache_version(config, name, tmp_path, monkeypatch):
    module = tmp_path / f"{name}.py"
    module.write_text("")
    real = importlib.util.find_spec

    def find(wanted, *args):
        """The dependency as if installed from `module`."""
        return importlib.util.spec_from_file_location(wanted, module) if wanted == name else real(wanted, *args)

    monkeypatch.setattr(importlib.util, "find_spec", find)
    before, program = fingerprint(config), version()
    touched(module)
    assert fingerprint(config) != before
    assert version() != program  # and the cache starts afresh


def test_the_output_state_sees_edits_and_the_marker(config):
    before = output_state(config.out)
    (config.out / MARKER).write_text("")
    marked = output_state(config.out)
    touched(config.out / "index.html")
    assert len({before, marked, output_state(config.out)}) == 3


def same_size_and_time(path: Path, text: str) -> None:
    """Rewrite a file in place with as many bytes and its modification time put back, as `cp -p` over it would."""
    before = path.stat()
    assert len(text.encode()) == before.st_size
    path.write_text(text)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (before.st_size, before.st_mtime_ns, before.st_ino)


@pytest.mark.parametrize("change", [
    lambda out: (out / ".htaccess").write_text("x"),
    lambda out: (out / "empty").mkdir(),
    lambda out: os.chmod(out / "404", 0o700),
])
def test_the_output_state_sees_hidden_files_and_folders(config, change):
    (config.out / "404").mkdir()
    before = output_state(config.out)
    change(config.out)
    assert output_state(config.out) != before


def test_the_output_state_sees_the_site_folders_own_mode(config):
    before = output_state(config.out)
    os.chmod(config.out, 0o700)
    assert output_state(config.out) != before


def test_an_out_through_a_missing_folder_and_dot_dot_is_the_folder_a_build_writes(config):
    through = replace(config, out=config.out / "missing" / "..")
    remember(through, {"pages": 3, "codes": 1, "problems": []}, fingerprint(through))
    assert unchanged(through) is not None
    touched(config.out / "index.html")
    assert unchanged(through) is None


def test_a_remembered_build_is_unchanged_until_something_changes(config):
    summary = {"pages": 3, "codes": 1, "problems": ["codes.md:1: a warning"]}
    remember(config, summary, fingerprint(config))
    record = unchanged(config)
    assert {k: record[k] for k in summary} == summary
    touched(config.out / "index.html")
    assert unchanged(config) is None
    remember(config, summary, fingerprint(config))
    assert unchanged(config) is not None
    (config.content / "codes.md").write_text("changed")
    assert unchanged(config) is None


def test_a_record_edited_by_hand_or_in_an_unmarked_cache_is_never_believed(config):
    remember(config, {"pages": 3, "codes": 1, "problems": []}, fingerprint(config))
    path = config.cache / RECORD
    signature, _, body = path.read_bytes().partition(b"\n")
    path.write_bytes(signature + b"\n" + body.replace(b'"pages": 3', b'"pages": 4'))
    assert unchanged(config) is None
    remember(config, {"pages": 3, "codes": 1, "problems": []}, fingerprint(config))
    assert unchanged(config) is not None
    (config.cache / MARKER).unlink()
    assert unchanged(config) is None
    path.unlink()
    remember(config, {"pages": 3, "codes": 1, "problems": []}, fingerprint(config))
    assert not path.exists()


def test_a_record_without_a_list_of_problems_is_not_used(config):
    remember(config, {"pages": 3, "codes": 1, "problems": "none"}, fingerprint(config))
    assert unchanged(config) is None


def test_a_source_changed_while_a_build_reads_is_built_again(tmp_path, monkeypatch):
    from statusref import site

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    content = tmp_path / "content"
    content.mkdir()
    (content / "codes.md").write_text("- 404 Not Found: gone.\n")
    config = replace(Config(), content=content, out=tmp_path / "site", cache=tmp_path / "cache")
    read = site.load_model

    def edited_once_read(*args):
        """The model as read; then the source changes, as an editor saving during the build would."""
        model = read(*args)
        (content / "codes.md").write_text("- 404 Not Found: gone for good.\n")
        return model

    monkeypatch.setattr(site, "load_model", edited_once_read)
    assert site.build(config).ok and "gone for good" not in (tmp_path / "site" / "404" / "index.html").read_text()
    assert unchanged(config) is None  # the next build builds, and shows the edit
    monkeypatch.setattr(site, "load_model", read)
    assert site.build(config).ok and "gone for good" in (tmp_path / "site" / "404" / "index.html").read_text()
    assert unchanged(config) is not None
