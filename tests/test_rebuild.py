"""Rebuilds: a page whose data has not changed is linked from the last site, not rendered; whatever changed, the
site is byte for byte the site a cold build makes of the same input."""
import os
import shutil
import stat

import pytest

from helpers import CONTENT, tree_hash

from statusref import render, site, sources
from statusref.cache import PAGES, Cache
from statusref.config import Config
from statusref.site import BuildError, build, bundle


@pytest.fixture(autouse=True)
def own_key(tmp_path, monkeypatch):
    """Each test signs with a key of its own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


@pytest.fixture
def project(tmp_path):
    """A copy of the shipped content and templates, a config building it with a cache, and the site built once."""
    shutil.copytree(CONTENT, tmp_path / "content")
    shutil.copytree(Config().templates, tmp_path / "templates")
    config = Config(content=tmp_path / "content", templates=tmp_path / "templates", out=tmp_path / "site",
                    cache=tmp_path / "cache")
    assert build(config).ok
    return config


@pytest.fixture
def rendered(monkeypatch):
    """The path of every page rendered from here on."""
    seen = []
    real = render.Pager.render

    def counting(self, path, *rest):
        seen.append(path)
        return real(self, path, *rest)

    monkeypatch.setattr(render.Pager, "render", counting)
    return seen


def pages(config) -> int:
    """How many pages the site has."""
    return sum(1 for _ in config.out.rglob("*.html"))


def edit(path, old, new):
    """Replace one text in a file, which must hold it."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def describe_404_otherwise(config):
    edit(config.content / "status-table.md", "could not be found on the server", "is not on this server")


def rename_404(config):
    edit(config.content / "iana-registry.md", "| 404 | Not Found |", "| 404 | Not There |")


def retitle_a_source(config):
    edit(config.content / "status-table.toml", 'title = "Status codes by class, in one table"', 'title = "One table"')


def add_a_source(config):
    (config.content / "extra.md").write_text("| Code | Name | Text |\n|---|---|---|\n| 499 | Client Closed | It hung up. |\n")


def remove_a_source(config):
    (config.content / "wiki-table.md").unlink()


def change_a_template(config):
    edit(config.templates / "_macros.html", '<p class="cite">From', '<p class="cite">Given by')


def change_the_base_url(config):
    return Config(**{**config.__dict__, "base_url": "https://example.org/codes"})


def set_the_date(config, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


CHANGES = {
    "a description": describe_404_otherwise,
    "a code's name": rename_404,
    "a source's title": retitle_a_source,
    "a source added": add_a_source,
    "a source removed": remove_a_source,
    "a template": change_a_template,
    "the base URL": change_the_base_url,
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_a_rebuild_after_a_change_is_the_site_a_cold_build_makes(project, tmp_path, change):
    config = change(project) or project
    assert build(config).ok
    cold = Config(**{**config.__dict__, "out": tmp_path / "cold", "cache": None})
    assert build(cold).ok
    assert tree_hash(config.out) == tree_hash(cold.out)


def test_a_rebuild_after_a_new_date_is_the_site_a_cold_build_makes(project, tmp_path, monkeypatch, rendered):
    set_the_date(project, monkeypatch)
    assert build(project).ok
    assert len(rendered) == pages(project)  # every page shows the date
    assert build(Config(**{**project.__dict__, "out": tmp_path / "cold", "cache": None})).ok
    assert tree_hash(project.out) == tree_hash(tmp_path / "cold")


def test_only_the_pages_whose_data_changed_are_rendered(project, rendered):
    describe_404_otherwise(project)  # not its first description, so not its summary
    assert build(project).ok
    assert rendered == ["404/index.html"]
    rendered.clear()
    edit(project.content / "response-status-codes.md", "The server cannot find the requested resource.",
         "The server finds nothing at this address.")
    assert build(project).ok
    # The pages that show its summary or may: its own, its class's, the home page, a related code's, a comparison's.
    assert sorted(rendered) == ["404/index.html", "410/index.html", "4xx/index.html", "compare/absence/index.html", "index.html"]


def test_a_page_of_the_last_site_that_was_edited_or_removed_is_rendered_again(project, tmp_path, rendered):
    page, gone = project.out / "200" / "index.html", project.out / "201" / "index.html"
    written = page.read_bytes()
    page.write_bytes(written.replace(b"OK", b"KO"))
    gone.unlink()
    describe_404_otherwise(project)  # so that the build is not one where nothing changed
    assert build(project).ok
    assert page.read_bytes() == written and gone.is_file()
    assert {"200/index.html", "201/index.html"} <= set(rendered)


def test_a_page_that_did_not_change_is_the_last_sites_file(project, rendered):
    before = (project.out / "200" / "index.html").stat().st_ino
    describe_404_otherwise(project)
    assert build(project).ok
    assert (project.out / "200" / "index.html").stat().st_ino == before


def test_without_a_cache_or_for_a_bundle_every_page_is_rendered(project, tmp_path, rendered):
    assert build(Config(**{**project.__dict__, "cache": None})).ok
    assert len(rendered) == pages(project)
    rendered.clear()
    bundle(project, tmp_path / "site.zip")
    assert len(rendered) == pages(project)


def test_a_record_of_pages_not_signed_here_is_not_believed(project, rendered):
    record = project.cache / PAGES
    signature, _, body = record.read_bytes().partition(b"\n")
    record.write_bytes(b"0" * len(signature) + b"\n" + body)
    heard = []
    assert Cache(project.cache, heard.append).pages == {}
    assert "not signed here" in heard[0]
    describe_404_otherwise(project)
    assert build(project).ok
    assert len(rendered) == pages(project)


def test_a_build_that_is_not_written_keeps_the_last_record(project):
    before = (project.cache / PAGES).read_bytes()
    (project.content / "broken.md").write_text("| Code | Name |\n|---|---|\n| 9999 | Nine |\n")
    assert not build(Config(**{**project.__dict__, "strict": True})).ok
    assert (project.cache / PAGES).read_bytes() == before


def test_a_page_the_user_also_linked_elsewhere_is_written_anew(project, tmp_path):
    page, mine = project.out / "200" / "index.html", tmp_path / "mine.html"
    os.link(page, mine)
    describe_404_otherwise(project)
    assert build(project).ok
    mine.write_text("my own notes")
    assert not os.path.samefile(page, mine) and b"200 OK" in page.read_bytes()


def test_a_page_whose_mode_was_changed_is_written_anew(project):
    page = project.out / "200" / "index.html"
    os.chmod(page, 0o600)
    describe_404_otherwise(project)
    assert build(project).ok
    assert stat.S_IMODE(page.stat().st_mode) == 0o644


def test_the_records_for_the_next_build_are_kept_under_the_site_lock(project, monkeypatch):
    import fcntl

    held = []

    def lock_held(*args):
        """Whether another holder could take the site's lock now."""
        with open(project.out.with_name(f".{project.out.name}.lock"), "rb") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                held.append(False)
            except BlockingIOError:
                held.append(True)

    monkeypatch.setattr(site, "remember", lock_held)
    monkeypatch.setattr(Cache, "keep_pages", lock_held)
    describe_404_otherwise(project)
    assert build(project).ok
    assert held == [True, True]


def test_a_template_change_parses_no_source_again(project, monkeypatch):
    parsed = []
    real = sources.parse_read
    monkeypatch.setattr(sources, "parse_read", lambda read: parsed.append(read.found.rel) or real(read))
    change_a_template(project)
    heard = []
    monkeypatch.setattr(site, "say", heard.append)
    assert build(project).ok
    assert parsed == [] and heard == []
    describe_404_otherwise(project)
    assert build(project).ok
    assert parsed == ["status-table.md"]


def test_templates_are_read_once_as_a_build_starts(project, tmp_path, monkeypatch):
    describe_404_otherwise(project)
    real = render.Pager.render

    def editing(self, *args):
        """Save a change to a template while the build renders."""
        edit(project.templates / "base.html", "</title>", "</title><!--late-->")
        monkeypatch.setattr(render.Pager, "render", real)
        return real(self, *args)

    monkeypatch.setattr(render.Pager, "render", editing)
    assert build(project).ok
    assert not any(b"<!--late-->" in p.read_bytes() for p in project.out.rglob("*.html"))
    assert build(project).ok  # the saved change, with the record the last build kept
    assert build(Config(**{**project.__dict__, "out": tmp_path / "cold", "cache": None})).ok
    assert tree_hash(project.out) == tree_hash(tmp_path / "cold")
    assert b"<!--late-->" in (project.out / "200" / "index.html").read_bytes()


@pytest.mark.parametrize("link", ["a folder inside", "a folder outside", "a file outside"])
def test_a_template_linked_from_elsewhere_or_a_linked_folder_is_refused(project, tmp_path, link):
    outside = tmp_path / "parts"
    outside.mkdir()
    (outside / "foot.html").write_text("<p>foot</p>")
    target = {"a folder inside": project.templates, "a folder outside": outside,
              "a file outside": outside / "foot.html"}[link]
    (project.templates / "linked").symlink_to(target)
    with pytest.raises(BuildError, match="is a link to a folder or out of the templates folder"):
        build(project)


def test_a_template_linked_to_another_inside_the_folder_is_read(project, tmp_path):
    (project.templates / "also.html").symlink_to(project.templates / "404.html")
    assert build(project).ok


@pytest.mark.parametrize("before, after", [(b"", b"\t"), (b"", b"x" * (2 * 1024 * 1024 + 1)), (b"\t", b"")])
def test_any_change_to_an_included_template_is_a_change_to_every_page(project, rendered, before, after):
    (project.templates / "sub").mkdir()
    (project.templates / "sub" / "extra.html").write_bytes(before)
    edit(project.templates / "base.html", '{% include "_search.html" %}', '{% include "_search.html" %}{% include "sub/extra.html" %}')
    assert build(project).ok
    rendered.clear()
    (project.templates / "sub" / "extra.html").write_bytes(after)
    if len(after) > 2 * 1024 * 1024:
        with pytest.raises(render.TemplateSyntaxError, match="over the 2 MB"):
            build(project)
    else:
        assert build(project).ok
        assert len(rendered) == pages(project)


@pytest.mark.parametrize("folder", ["templates", "static"])
def test_a_link_loop_in_templates_or_static_is_no_error(project, folder):
    shutil.copytree(Config().static, project.content.parent / "static")
    config = Config(**{**project.__dict__, "static": project.content.parent / "static"})
    (getattr(config, folder) / "loop").symlink_to("loop")
    assert build(config).ok


@pytest.fixture
def counted(monkeypatch):
    """The sources parsed, the codes merged and the codes whose descriptions were read, from here on."""
    from statusref import merge

    seen = {"parsed": [], "merged": [], "read": []}
    parse, merge_code = sources.parse_found, merge.merge_code
    monkeypatch.setattr(sources, "parse_found", lambda found, *rest: seen["parsed"].append(found.rel) or parse(found, *rest))
    monkeypatch.setattr(merge, "merge_code", lambda number, *rest: seen["merged"].append(number) or merge_code(number, *rest))
    lookup = Cache.lookup
    monkeypatch.setattr(Cache, "lookup", lambda self, store, key, kind: (
        seen["read"].append(key) if store == "text" else None) or lookup(self, store, key, kind))
    return seen


def test_after_one_edit_only_that_source_is_parsed_and_only_the_code_it_changes_merged(project, counted, rendered):
    describe_404_otherwise(project)
    assert build(project).ok
    assert counted["parsed"] == ["status-table.md"] and counted["merged"] == [404]
    assert counted["read"] == []  # the page of 404 shows the descriptions merged now; no other page is rendered
    assert rendered == ["404/index.html"]


def test_a_page_rendered_again_reads_back_only_its_own_codes_descriptions(project, counted, rendered):
    page = project.out / "200" / "index.html"
    page.write_bytes(b"edited by hand")
    describe_404_otherwise(project)
    assert build(project).ok
    assert "200/index.html" in rendered and len(counted["read"]) == 1 and counted["merged"] == [404]


def test_descriptions_lost_from_the_cache_are_merged_again(project, tmp_path, counted):
    for path in (project.cache / "texts").iterdir():
        path.unlink()
    (project.out / "200" / "index.html").write_bytes(b"edited by hand")  # so that its page is rendered again
    describe_404_otherwise(project)
    assert build(project).ok
    assert sorted(counted["merged"]) == [200, 404] and counted["parsed"] == ["status-table.md"]
    assert build(Config(**{**project.__dict__, "out": tmp_path / "cold", "cache": None})).ok
    assert tree_hash(project.out) == tree_hash(tmp_path / "cold")


def test_rebuild_after_rebuild_writes_into_the_spare_and_gives_the_cold_site(project, tmp_path):
    for number, change in enumerate([describe_404_otherwise, rename_404, add_a_source, remove_a_source, retitle_a_source]):
        change(project)
        assert build(project).ok
        cold = Config(**{**project.__dict__, "out": tmp_path / f"cold{number}", "cache": None})
        assert build(cold).ok
        assert tree_hash(project.out) == tree_hash(cold.out), change.__name__
        assert (tmp_path / ".site.spare").is_dir()


@pytest.fixture
def read_files(monkeypatch):
    """The names of the files read as sources or metadata files, from here on."""
    seen = []
    real = sources.read_file
    monkeypatch.setattr(sources, "read_file", lambda path: seen.append(path.name) or real(path))
    return seen


def test_a_rebuild_reads_only_the_files_whose_stats_changed(project, read_files):
    describe_404_otherwise(project)
    assert build(project).ok
    assert read_files == ["status-table.md", "status-table.toml"]


@pytest.mark.parametrize("which", ["status-table.md", "status-table.toml"])
def test_an_edit_that_keeps_size_and_times_is_still_seen(project, tmp_path, read_files, which):
    path = project.content / which
    before = path.stat()
    text = path.read_bytes()
    at = text.index(b"table")
    path.write_bytes(text[:at] + b"TABLE" + text[at + 5:])  # same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # same times but the change time, which no one can set
    assert build(project).ok
    assert "status-table.md" in read_files
    assert build(Config(**{**project.__dict__, "out": tmp_path / "cold", "cache": None})).ok
    assert tree_hash(project.out) == tree_hash(tmp_path / "cold")


def test_descriptions_made_again_while_a_page_is_written_are_kept_for_the_next_build(project, counted):
    keys = sorted((project.cache / "texts").iterdir())
    for path in keys:
        path.write_bytes(b"0" * 64 + b"\n[]")  # not signed here: each is made again, with one warning
    (project.out / "200" / "index.html").write_bytes(b"edited by hand")  # so that its page is rendered again
    describe_404_otherwise(project)
    assert build(project).ok and counted["merged"] == [404, 200]
    counted["merged"].clear()
    (project.out / "200" / "index.html").write_bytes(b"edited again")
    edit(project.content / "status-table.md", "is not on this server", "is not here")
    assert build(project).ok and counted["merged"] == [404]  # 200's descriptions were kept when its page was made


def test_a_parse_another_build_keeps_meanwhile_does_not_put_the_sources_out_of_step(tmp_path, monkeypatch):
    from statusref.merge import build_model, merge

    shutil.copytree(CONTENT, tmp_path / "content")
    folder = tmp_path / "cache"
    real = sources.parse_all

    def meanwhile(todo):
        """Another build into the same cache keeps its parse of the first document while this one reads."""
        other = Cache(folder)
        other.put("parsed", todo[0].key, sources.parse_read(todo[0]))
        other.save()
        return real(todo)

    monkeypatch.setattr(sources, "parse_all", meanwhile)
    outlines, records = sources.load_sources(tmp_path / "content", Cache(folder))
    model = merge(outlines, records, Cache(folder))
    cold = build_model(sources.load_all(tmp_path / "content"))
    assert model.codes == cold.codes and model.problems == cold.problems and dict(model.descriptions) == dict(cold.descriptions)


def test_a_source_under_another_content_folder_is_read_as_the_source_it_is_there(tmp_path):
    outer = tmp_path / "outer"
    (outer / "sub").mkdir(parents=True)
    shutil.copy(CONTENT / "iana-registry.md", outer)
    for name in ("status-table.md", "status-table.toml"):
        shutil.copy(CONTENT / name, outer / "sub")
    cache = tmp_path / "cache"
    assert build(Config(content=outer, out=tmp_path / "a", cache=cache)).ok
    assert build(Config(content=outer / "sub", out=tmp_path / "b", cache=cache)).ok
    assert build(Config(content=outer / "sub", out=tmp_path / "cold", cache=None)).ok
    assert tree_hash(tmp_path / "b") == tree_hash(tmp_path / "cold")


def test_a_code_merged_again_decodes_only_its_own_records_of_the_sources_kept(project, monkeypatch):
    whole = []
    real, decode = sources.Records.__call__, sources.decode_record
    monkeypatch.setattr(sources.Records, "__call__", lambda self, key: whole.append(key) or real(self, key))
    decoded = []
    monkeypatch.setattr(sources, "decode_record", lambda data, kind: decoded.append(data) or decode(data, kind))
    describe_404_otherwise(project)
    assert build(project).ok
    assert len(whole) == 1  # the parse of the edited source, made now; the other sources of 404 by their 404 alone
    records = [r for data in decoded if type(data) is list and data and type(data[0]) is list for r in data]
    assert len(decoded) > 4 and records and {(r[0], r[1]) for r in records} <= {("Entry", 404), ("FormerName", 404)}


SAYS = ("| Code | Name | Description |\n|---|---|---|\n| 404 | Not Found | Gone. |\n| 404 | | A second text. |\n"
        "| 410 | Gone | For good. |\n| 410 | Vanished | Other. |\n\n## Former names\n\n| Code | Former phrase | Reference |\n"
        "|---|---|---|\n| 404 | Missing | RFC 1945 |\n| 302 | Moved Temporarily | RFC 2068 |\n| 404 | Absent | |\n")


def test_what_a_kept_parse_says_of_one_code_is_what_the_whole_parse_says(tmp_path):
    cache = Cache(tmp_path / "cache")
    parsed = sources.parse_source("a.md", SAYS.encode())
    cache.put("parsed", "k", parsed)
    cache.save()
    records = sources.Records(Cache(tmp_path / "cache"), {})
    said = sources.said_of_codes(parsed)[0]
    assert said.keys() == {302, 404, 410} and len(said[404].formers) == 2 and said[404].entry.text == "Gone."
    assert said[302].entry is None and said[410].entry.name == "Gone"  # its repeat differs: a problem, the first kept
    assert {number: records.said("k", number) for number in said} == said


@pytest.mark.parametrize("shape", [b"[]", b"{}", b'[1, 2, 3, 4]', b'[{}, [["Entry", 404, 1]], [], false]', b"[1, [], [], false]"])
def test_a_kept_parse_of_another_shape_is_read_whole_and_so_made_again(tmp_path, shape):
    from statusref.merge import merge

    cache = Cache(tmp_path / "cache")
    path = tmp_path / "cache" / "parsed" / "k.json"
    path.parent.mkdir(parents=True)
    path.write_bytes(cache.signed(path, shape))
    assert sources.Records(Cache(tmp_path / "cache"), {}).said("k", 404) is None
    shutil.copytree(CONTENT, tmp_path / "content")
    build(Config(content=tmp_path / "content", out=tmp_path / "site", cache=tmp_path / "cache"))
    for kept in (tmp_path / "cache" / "parsed").iterdir():
        kept.write_bytes(cache.signed(kept, shape))
    describe_404_otherwise(Config(content=tmp_path / "content"))
    outlines, records = sources.load_sources(tmp_path / "content", Cache(tmp_path / "cache"))
    model = merge(outlines, records, Cache(tmp_path / "cache"))
    cold = merge(*sources.load_sources(tmp_path / "content"))
    assert model.codes == cold.codes and dict(model.descriptions) == dict(cold.descriptions)


@pytest.fixture
def forks(monkeypatch):
    """The children forked from here on, and the templates this process compiles."""
    import gc

    from jinja2 import Environment

    seen = {"children": [], "compiled": []}
    fork, compile_ = os.fork, Environment.compile
    monkeypatch.setattr(sources, "can_fork", lambda: True)  # whatever threads earlier tests left running

    def forking():
        pid = fork()
        if pid:
            seen["children"].append(pid)
        return pid
    monkeypatch.setattr(os, "fork", forking)
    monkeypatch.setattr(Environment, "compile", lambda self, source, name=None, *rest, **named: seen["compiled"].append(name)
                        or compile_(self, source, name, *rest, **named))
    yield seen
    gc.unfreeze()  # what a build that ends its process froze


@pytest.fixture
def settled(monkeypatch):
    """Builds that let their template child finish before they first need a template, as a build of many sources
    finds it; a build never waits for it itself."""
    real = render.Compiled.received

    def finished(self):
        if self.pid:
            os.waitpid(self.pid, 0)
            self.pid = 0
        return real(self)
    monkeypatch.setattr(render.Compiled, "received", finished)


def test_a_build_that_ends_its_process_has_a_child_compile_the_templates(project, tmp_path, forks, settled):
    from statusref.site import check

    edit(project.content / "iana-registry.md", "| 404 | Not Found |", "| 404 | Not There |")
    assert build(project, exiting=True).ok
    assert len(forks["children"]) == 1 and forks["compiled"] == []  # each template as the child compiled it
    with pytest.raises(ChildProcessError):
        os.waitpid(forks["children"][0], os.WNOHANG)  # the child was waited for
    assert build(Config(**{**project.__dict__, "out": tmp_path / "cold", "cache": None})).ok
    assert tree_hash(project.out) == tree_hash(tmp_path / "cold")
    forks["compiled"].clear()  # the cold build compiled its own
    assert check(project, exiting=True).problems  # the names now differ: warnings, and every page rendered all the same
    assert len(forks["children"]) == 2 and forks["compiled"] == []


def test_a_template_changed_since_the_child_compiled_it_is_compiled_here(project, forks, settled, monkeypatch):
    real = render.compile_templates

    def late(env, fd):
        """The child compiles code.html from other text than the build renders."""
        env.loader.sources["code.html"] = env.loader.sources["code.html"] + b"\n"
        real(env, fd)
    monkeypatch.setattr(render, "compile_templates", late)
    describe_404_otherwise(project)
    assert build(project, exiting=True).ok
    assert forks["compiled"] == ["code.html"] and len(forks["children"]) == 1


@pytest.mark.parametrize("alone", ["one core", "another thread"])
def test_with_one_core_another_thread_or_for_a_library_caller_no_child_is_forked(project, forks, monkeypatch, alone):
    describe_404_otherwise(project)
    assert build(project).ok
    assert forks["children"] == [] and forks["compiled"]
    if alone == "one core":
        monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0})
    else:
        monkeypatch.setattr(sources, "can_fork", lambda: False)
    forks["compiled"].clear()
    edit(project.content / "status-table.md", "is not on this server", "is not here")
    assert build(project, exiting=True).ok
    assert forks["children"] == [] and "code.html" in forks["compiled"]


def test_templates_a_child_left_cut_short_are_those_it_finished():
    from statusref.render import unpacked

    def entry(name, code):
        head = f"{name}\0abc".encode()
        data = __import__("marshal").dumps(compile(code, name, "exec"))
        return len(head).to_bytes(4, "big") + head + len(data).to_bytes(8, "big") + data
    whole = entry("a.html", "x = 1") + entry("b.html", "y = 2")
    assert set(unpacked(whole)) == {("a.html", "abc"), ("b.html", "abc")}
    for cut in (1, 5, 20, len(whole) - len(entry("b.html", "y = 2")) + 3):
        assert set(unpacked(whole[:-cut] if cut < len(whole) else b"")) <= {("a.html", "abc")}
    assert set(unpacked(whole[:len(entry("a.html", "x = 1"))])) == {("a.html", "abc")}


@pytest.mark.parametrize("spoil", ["a code as text", "a tag unknown", "a record not a list", "a record cut short", "a tag not text"])
def test_a_kept_parse_with_a_record_of_another_shape_is_read_whole_and_so_made_again(project, tmp_path, spoil):
    import json

    from statusref.sources import Records

    cache = Cache(project.cache)
    kept = [path for path in sorted((project.cache / "parsed").iterdir()) if b'["Entry",404,' in cache.body(path)]
    assert len(kept) > 3
    for path in kept:
        data = json.loads(cache.body(path))
        first = next(n for n, r in enumerate(data[1]) if r[0] == "Entry")
        data[1][first] = {"a code as text": [*data[1][first][:1], str(data[1][first][1]), *data[1][first][2:]],
                          "a tag unknown": ["Entrance", *data[1][first][1:]], "a record not a list": 7,
                          "a record cut short": data[1][first][:3], "a tag not text": [[1], 2]}[spoil]
        path.write_bytes(cache.signed(path, json.dumps(data).encode()))
    records = Records(Cache(project.cache), {})
    assert all(records.said(path.stem, 404) is None for path in kept)
    describe_404_otherwise(project)
    assert build(project).ok
    assert build(Config(**{**project.__dict__, "out": tmp_path / "cold", "cache": None})).ok
    assert tree_hash(project.out) == tree_hash(tmp_path / "cold")


@pytest.mark.parametrize("failing", ["memfd_create", "fork"])
def test_a_child_that_cannot_be_made_leaves_the_templates_to_the_build(project, forks, monkeypatch, failing):
    import errno

    opened = len(os.listdir("/proc/self/fd"))
    monkeypatch.setattr(os, failing, lambda *args: (_ for _ in ()).throw(OSError(errno.EAGAIN, "Resource temporarily unavailable")))
    describe_404_otherwise(project)
    assert build(project, exiting=True).ok
    assert forks["children"] == [] and "code.html" in forks["compiled"]
    assert len(os.listdir("/proc/self/fd")) == opened  # no memory file left open


def test_the_child_compiles_only_the_templates_pages_use(project, forks, settled, monkeypatch):
    (project.templates / "unused.html").write_text("{% if %}")
    (project.templates / "notes.txt").write_text("{{ x }}")
    taken, real = [], render.unpacked
    monkeypatch.setattr(render, "unpacked", lambda data: taken.append(real(data)) or taken[-1])
    env = render.make_env(project.templates, elsewhere=True)
    env.get_template("index.html")
    names = {name for name, _ in taken[0]}
    assert {"index.html", "base.html", "_macros.html", "code.html", "sitemap.xml"} <= names
    assert not names & {"unused.html", "notes.txt"} and forks["compiled"] == []
    env.bytecode_cache.end()


def open_files(pid: int) -> set[str]:
    """What a process holds open; a descriptor it closes as they are listed is left out."""
    found = set()
    for number in os.listdir(f"/proc/{pid}/fd"):
        try:
            found.add(os.readlink(f"/proc/{pid}/fd/{number}"))
        except FileNotFoundError:
            pass
    return found


def test_a_build_does_not_wait_for_a_slow_child_which_holds_nothing_of_its_callers_and_ends_with_it(project, forks, monkeypatch):
    import time

    monkeypatch.setattr(render.meta, "find_referenced_templates", lambda tree: time.sleep(600))  # a template slow to compile
    read, write = os.pipe()  # a file of the caller's, which the child must not hold
    with render.environment(project.templates, elsewhere=True) as env:
        compiled, child = env.bytecode_cache, forks["children"][0]
        held = lambda: open_files(child)  # noqa: E731
        deadline = time.monotonic() + 60
        while f"pipe:[{os.fstat(read).st_ino}]" in held() and time.monotonic() < deadline:
            time.sleep(0.02)  # until the child has let go of what it was born with; a failure after a minute
        assert held() - {os.devnull} == {os.readlink(f"/proc/self/fd/{compiled.fd}")}  # its memory file alone
        assert compiled.fd > 2
        env.get_template("code.html")  # compiled here: the child has not finished it
        assert "code.html" in forks["compiled"]
    with pytest.raises(ChildProcessError):
        os.waitpid(child, os.WNOHANG)  # ended with the build
    os.close(read)
    os.close(write)


def test_the_childs_memory_file_stays_clear_of_closed_standard_streams(project, forks, settled):
    kept = os.dup(0)
    os.close(0)
    try:
        env = render.make_env(project.templates, elsewhere=True)
    finally:
        os.dup2(kept, 0)
        os.close(kept)
    assert env.bytecode_cache.fd > 2
    env.get_template("code.html")
    assert forks["compiled"] == []  # the child's templates reached the build
    env.bytecode_cache.end()


def test_a_build_that_stops_before_rendering_ends_its_child(project, forks):
    shutil.rmtree(project.content)
    with pytest.raises(BuildError):
        build(project, exiting=True)
    with pytest.raises(ChildProcessError):
        os.waitpid(forks["children"][0], os.WNOHANG)


def test_a_parse_read_again_after_its_document_changed_is_not_kept_under_its_old_key(project, tmp_path, monkeypatch):
    from statusref.sources import Seen

    old = Cache(project.cache).lookup("seen", sources.shown(str(project.content / "wiki-table.md")), Seen).key
    for kept in (project.cache / "parsed").iterdir():
        kept.unlink()
    real = sources.read_found

    def edited_meanwhile(found):
        """The wiki table is edited just as the merge reads it again."""
        if found.rel == "wiki-table.md":
            edit(found.path, "|Not Found|The requested", "|Not Found|Now the requested")
        return real(found)
    monkeypatch.setattr(sources, "read_found", edited_meanwhile)
    describe_404_otherwise(project)
    assert build(project).ok
    assert not (project.cache / "parsed" / f"{old}.json").exists()
    monkeypatch.setattr(sources, "read_found", real)
    assert build(project).ok
    assert build(Config(**{**project.__dict__, "out": tmp_path / "cold", "cache": None})).ok
    assert tree_hash(project.out) == tree_hash(tmp_path / "cold")


def test_a_code_that_is_not_the_models_is_digested_by_what_it_holds(project):
    from dataclasses import replace as changed

    from statusref.merge import build_model
    from statusref.render import Pager, Settings, make_env
    from statusref.urls import Urls

    model = build_model(sources.load_all(project.content))
    pager = Pager(make_env(project.templates), Urls(), model, Settings(project.templates, Config().static))
    code = model.code(404)
    assert pager.code_digest(code) == model.digests[404]
    assert pager.code_digest(changed(code, title="Not There")) not in (model.digests[404], pager.code_digest(code))
