"""The writer on its own: files written once, unchanged files linked, sites swapped in whole, bundles replaced."""
import hashlib
import io
import json
import os
import shutil
import stat
import zipfile
from pathlib import Path

import pytest

from helpers import tree_hash
from statusref import writer as writer_module
from statusref.writer import MARKER, WRITTEN, Kept, Made, Writer, WriteError, exchange, foreign, publish, write_atomic, write_bundle, zip_bytes


def test_files_land_in_nested_folders_and_a_second_write_fails(tmp_path):
    w = Writer(tmp_path / "root")
    w.write("a/b/one.html", b"one")
    w.write("a/b/two.html", b"two")
    w.write("top.txt", b"top")
    assert (tmp_path / "root" / "a" / "b" / "one.html").read_bytes() == b"one"
    assert (tmp_path / "root" / "a" / "b" / "two.html").read_bytes() == b"two"
    assert (tmp_path / "root" / "top.txt").read_bytes() == b"top"
    with pytest.raises(WriteError, match="a/b/one.html would be written twice"):
        w.write("a/b/one.html", b"again")


@pytest.mark.parametrize("old, new, linked", [
    (b"same bytes", b"same bytes", True),
    (b"old bytes", b"new bytes", False),
    (b"short", b"shorter", False),
    (None, b"a file the previous site did not have", False),
])
def test_unchanged_files_are_linked_from_the_previous_site(tmp_path, old, new, linked):
    previous = tmp_path / "previous"
    previous.mkdir()
    if old is not None:
        (previous / "page.html").write_bytes(old)
        os.chmod(previous / "page.html", 0o644)
        os.utime(previous / "page.html", ns=(10**18, 10**18))  # an old time, which a linked file keeps
    w = Writer(tmp_path / "root", previous)
    w.write("page.html", new)
    target = tmp_path / "root" / "page.html"
    assert target.read_bytes() == new
    assert (old is not None and os.path.samefile(target, previous / "page.html")) == linked
    if old is not None:
        assert (previous / "page.html").read_bytes() == old
        assert ((previous / "page.html").stat().st_mtime_ns == 10**18) and (target.stat().st_mtime_ns == 10**18) == linked


def test_a_link_in_the_previous_site_is_not_reused(tmp_path):
    previous = tmp_path / "previous"
    previous.mkdir()
    (tmp_path / "elsewhere.txt").write_bytes(b"data")
    (previous / "page.html").symlink_to(tmp_path / "elsewhere.txt")
    Writer(tmp_path / "root", previous).write("page.html", b"data")
    target = tmp_path / "root" / "page.html"
    assert not target.is_symlink() and target.read_bytes() == b"data"
    assert not os.path.samefile(target, tmp_path / "elsewhere.txt")


@pytest.mark.parametrize("change", ["another name", "another mode"])
def test_a_previous_file_linked_from_elsewhere_or_of_another_mode_is_written_anew(tmp_path, change):
    previous = tmp_path / "previous"
    previous.mkdir()
    (previous / "page.html").write_bytes(b"data")
    os.chmod(previous / "page.html", 0o644)
    if change == "another name":
        os.link(previous / "page.html", tmp_path / "mine.html")
    else:
        os.chmod(previous / "page.html", 0o600)
    Writer(tmp_path / "root", previous).write("page.html", b"data")
    target = tmp_path / "root" / "page.html"
    assert not os.path.samefile(target, previous / "page.html")
    assert target.read_bytes() == b"data" and stat.S_IMODE(target.stat().st_mode) == 0o644


@pytest.mark.parametrize("old, linked, read", [(b"as made", True, True), (b"as mad!", False, True),
                                               (b"much longer than made", False, False), (None, False, False)])
def test_a_kept_file_is_linked_only_if_the_previous_site_holds_its_bytes(tmp_path, monkeypatch, old, linked, read):
    previous = tmp_path / "previous"
    previous.mkdir()
    if old is not None:
        (previous / "page.html").write_bytes(old)
        os.chmod(previous / "page.html", 0o644)
    made, reads = [], []
    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: reads.append(self) or real(self))
    kept = Kept(Made(digest="digest", sha=hashlib.sha256(b"as made").hexdigest(), size=len(b"as made")), lambda: made.append(1) or b"as made")
    Writer(tmp_path / "root", previous).write("page.html", kept)
    target = tmp_path / "root" / "page.html"
    assert target.read_bytes() == b"as made"
    assert (old is not None and os.path.samefile(target, previous / "page.html")) == linked
    assert made == ([] if linked else [1])
    assert (previous / "page.html" in reads) == read  # a file of another size is never read


def test_a_published_site_is_readable_by_all_whatever_the_umask(tmp_path):
    before = os.umask(0o077)
    try:
        publish([("index.html", b"home"), ("compare/a/index.html", b"page")], tmp_path / "site")
    finally:
        os.umask(before)
    modes = {p.relative_to(tmp_path).as_posix(): stat.S_IMODE(p.stat().st_mode) for p in (tmp_path / "site").rglob("*")}
    assert modes == {"site/index.html": 0o644, "site/compare": 0o755, "site/compare/a": 0o755,
                     "site/compare/a/index.html": 0o644, f"site/{MARKER}": 0o644, f"site/{WRITTEN}": 0o644}
    assert stat.S_IMODE((tmp_path / "site").stat().st_mode) == 0o755


def test_files_are_written_readable_by_all_whatever_the_umask(tmp_path):
    before = os.umask(0o077)
    try:
        Writer(tmp_path / "root").write("page.html", b"data")
    finally:
        os.umask(before)
    assert stat.S_IMODE((tmp_path / "root" / "page.html").stat().st_mode) == 0o644


def first_version_site(folder: Path, api: object, extra: tuple[str, ...] = ()) -> Path:
    """A folder as the first version of the program left it: pages, class pages, its API file, no marker."""
    for name in ("404", "4xx", "200", *extra):
        (folder / name).mkdir(parents=True)
        (folder / name / "index.html").write_text(f"page {name}")
    (folder / "index.html").write_text("home")
    (folder / "api").mkdir()
    (folder / "api" / "codes.json").write_text(api if isinstance(api, str) else json.dumps(api))
    return folder


GOOD_API = {"version": 1, "codes": [{"code": 404, "url": "404/"}]}


@pytest.mark.parametrize("api, extra, replaced", [
    (GOOD_API, (), True),
    ({"version": 2, "codes": [{"code": 404, "url": "404/"}]}, (), False),
    ({"version": 1, "codes": []}, (), False),
    ({"version": 1, "codes": [{"code": 404}]}, (), False),
    ([{"version": 1}], (), False),
    ('{"version": 1, "codes": [', (), False),
    (GOOD_API, ("photos",), False),
    (GOOD_API, ("6xx",), False),
])
def test_a_first_version_site_is_replaced_and_nothing_else(tmp_path, api, extra, replaced):
    out = first_version_site(tmp_path / "site", api, extra)
    if replaced:
        publish([("index.html", b"new home")], out)
        assert (out / "index.html").read_bytes() == b"new home"
        assert not (out / "404").exists() and (out / MARKER).is_file()
    else:
        with pytest.raises(WriteError, match="holds files this program did not make"):
            publish([("index.html", b"new home")], out)
        assert (out / "index.html").read_text() == "home" and not (out / MARKER).exists()


def test_an_oversized_api_file_is_not_a_first_version_site(tmp_path):
    out = first_version_site(tmp_path / "site", GOOD_API)
    padded = json.dumps(GOOD_API) + " " * (1 << 20)
    (out / "api" / "codes.json").write_text(padded)
    with pytest.raises(WriteError, match="holds files this program did not make"):
        publish([("index.html", b"new")], out)


def test_a_users_folder_is_refused_and_left_alone(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("my notes")
    with pytest.raises(WriteError, match=f"holds files this program did not make \\(no {MARKER}\\)"):
        publish([("index.html", b"site")], out)
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


def test_the_marker_says_who_made_the_folder(tmp_path):
    out = tmp_path / "site"
    publish([("index.html", b"home")], out)
    text = (out / MARKER).read_text()
    assert "statusref" in text and "replace" in text


@pytest.mark.parametrize("can_exchange", [True, False])
def test_a_rebuild_replaces_the_site_whole(tmp_path, monkeypatch, can_exchange):
    if not can_exchange:  # a C library without renameat2, as on musl or an old glibc
        monkeypatch.setattr(writer_module.ctypes, "CDLL", lambda *args, **kwargs: object())
    out = tmp_path / "site"
    publish([("index.html", b"first"), ("gone.html", b"only in the first")], out)
    seen = []
    publish([("index.html", b"second"), ("a/new.html", b"new")], out,
            published=lambda stamps: seen.append((out / "index.html").read_bytes()))
    assert seen == [b"second"]
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == sorted([
        MARKER, WRITTEN, "a/new.html", "index.html"])
    assert json.loads((out / WRITTEN).read_text()) == ["a/new.html", "index.html"]
    assert (out / "index.html").read_bytes() == b"second"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site.lock", ".site.spare", "site"]
    spare = tmp_path / ".site.spare"  # the first site, kept for the next build to write into
    assert (spare / "index.html").read_bytes() == b"first" and (spare / "gone.html").exists()
    publish([("index.html", b"second"), ("b/c/d.html", b"deep")], out)
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == sorted([
        MARKER, WRITTEN, "b", "b/c", "b/c/d.html", "index.html"])
    assert (out / "index.html").read_bytes() == b"second" and (out / "b/c/d.html").read_bytes() == b"deep"
    assert sorted(p.relative_to(spare).as_posix() for p in spare.rglob("*")) == sorted([
        MARKER, WRITTEN, "a", "a/new.html", "index.html"])
    assert os.path.samefile(out / "index.html", spare / "index.html")  # unchanged: one file, in both


def test_exchange_swaps_two_folders(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "f").write_text("from a")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "f").write_text("from b")
    assert exchange(tmp_path / "a", tmp_path / "b") is True
    assert (tmp_path / "a" / "f").read_text() == "from b" and (tmp_path / "b" / "f").read_text() == "from a"
    with pytest.raises(FileNotFoundError):  # not a call that is missing: no fallback that moves the site away
        exchange(tmp_path / "gone", tmp_path / "b")
    assert (tmp_path / "b" / "f").read_text() == "from a"


def test_a_bundle_is_written_into_missing_folders_and_replaced(tmp_path):
    target = tmp_path / "deep" / "er" / "ref.zip"
    first = zip_bytes([("index.html", b"one")], "ref", (2020, 1, 2, 3, 4, 6))
    write_bundle(target, first)
    assert target.read_bytes() == first
    second = zip_bytes([("index.html", b"two")], "ref", (2020, 1, 2, 3, 4, 6))
    write_bundle(target, second)
    assert zipfile.ZipFile(target).read("ref/index.html") == b"two"
    assert sorted(p.name for p in target.parent.iterdir()) == [".ref.zip.lock", "ref.zip"]


def test_write_atomic_leaves_only_the_file(tmp_path):
    path = tmp_path / "x" / "data.bin"
    write_atomic(path, b"\x00bytes\xff")
    write_atomic(path, b"again")
    assert path.read_bytes() == b"again"
    assert [p.name for p in path.parent.iterdir()] == ["data.bin"]
    assert path.stat().st_mode & 0o777 == 0o644


@pytest.mark.parametrize("listed", [b"not json", b'{"a": 1}', b'["index.html", 3]', b"[" * 100_000 + b"]" * 100_000,
                                    "link", "folder"])
def test_a_list_of_what_was_written_that_cannot_be_read_stops_the_build(tmp_path, listed):
    out = tmp_path / "site"
    publish([("index.html", b"first")], out)
    (out / WRITTEN).unlink()
    if listed == "link":
        (tmp_path / "list.json").write_text('["index.html"]')
        (out / WRITTEN).symlink_to(tmp_path / "list.json")
    elif listed == "folder":
        (out / WRITTEN).mkdir()
    else:
        (out / WRITTEN).write_bytes(listed)
    before = tree_hash(out)
    with pytest.raises(WriteError, match=r"holds a list of what its last build wrote \(\.statusref-files\) that cannot be read"):
        publish([("index.html", b"second")], out)
    assert tree_hash(out) == before


def test_a_site_of_an_earlier_version_without_the_list_keeps_names_this_program_never_writes(tmp_path):
    out = tmp_path / "site"
    publish([("index.html", b"first"), ("404/index.html", b"gone"), ("static/style.css", b"a{}"),
             ("compare/301-302/index.html", b"compared")], out)
    (out / WRITTEN).unlink()
    (out / "404" / "old.html").write_text("under a folder of ours: an earlier build's, for all anyone knows")
    assert foreign(out) == []
    (out / "CNAME").write_text("status.example")
    (out / "4xx").symlink_to(tmp_path)
    assert foreign(out) == ["4xx", "CNAME"]
    (out / "CNAME").unlink()
    (out / "4xx").unlink()
    publish([("index.html", b"second")], out)
    assert sorted(p.name for p in out.iterdir()) == sorted([MARKER, WRITTEN, "index.html"])


def test_a_link_anywhere_in_a_site_is_not_the_builds(tmp_path):
    out = tmp_path / "site"
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "style.css").write_text("a{}")
    publish([("index.html", b"x"), ("static/style.css", b"a{}"), ("404/index.html", b"gone")], out)
    for path in ("static", "404/index.html"):
        target = out / path
        shutil.rmtree(target) if target.is_dir() else target.unlink()
        target.symlink_to(mine if path == "static" else mine / "style.css")
    (out / "dangling").symlink_to(tmp_path / "nowhere")
    assert foreign(out) == ["404/index.html", "dangling", "static"]
    with pytest.raises(WriteError):
        publish([("index.html", b"x"), ("static/style.css", b"a{}")], out)
    assert (mine / "style.css").stat().st_nlink == 1 and (mine / "style.css").read_text() == "a{}"


def test_a_previous_file_reached_through_a_link_is_never_linked_into_the_new_site(tmp_path):
    previous, mine, new = tmp_path / "old", tmp_path / "mine", tmp_path / "new"
    (previous).mkdir()
    mine.mkdir()
    new.mkdir()
    (mine / "style.css").write_bytes(b"a{}")
    (previous / "static").symlink_to(mine)
    Writer(new, previous).write("static/style.css", b"a{}")
    assert (mine / "style.css").stat().st_nlink == 1 and (new / "static" / "style.css").read_bytes() == b"a{}"


def test_names_in_the_refusal_are_escaped_and_cut(tmp_path):
    out = tmp_path / "site"
    publish([("index.html", b"x")], out)
    (out / "line\nerror: fake").write_text("x")
    (out / ("long" * 30)).write_text("x")
    (out / "bell\x07").write_text("x")
    with pytest.raises(WriteError) as refused:
        publish([("index.html", b"y")], out)
    message = str(refused.value)
    assert "\n" not in message and "\x07" not in message
    assert "bell\\x07, line\\x0aerror: fake, " + "long" * 14 + "lon…)" in message  # escaped as file names are elsewhere


def test_a_name_that_is_not_utf8_is_listed_and_read_back(tmp_path):
    out = tmp_path / "site"
    name = os.fsdecode(b"bad\xffname.css")
    publish([("index.html", b"x"), (f"static/{name}", b"a{}")], out)
    assert json.loads((out / WRITTEN).read_text(encoding="ascii")) == ["index.html", f"static/{name}"]
    assert foreign(out) == []
    publish([("index.html", b"y")], out)


def test_a_file_added_while_the_new_site_is_written_stops_the_swap(tmp_path):
    out = tmp_path / "site"
    publish([("index.html", b"first")], out)
    before = tree_hash(out)

    def files():
        """One file, then a user's file appears in the old site."""
        yield "index.html", b"second"
        (out / "CNAME").write_text("status.example")

    with pytest.raises(WriteError, match=r"holds files the last build did not write \(CNAME\)"):
        publish(files(), out)
    (out / "CNAME").unlink()
    assert tree_hash(out) == before and sorted(p.name for p in tmp_path.iterdir()) == [".site.lock", "site"]


def test_more_than_three_added_files_are_counted(tmp_path):
    out = tmp_path / "site"
    publish([("a/index.html", b"x")], out)
    for name in ("b", "c", "d", "e", "f"):
        (out / "a" / name).write_text(name)
    assert foreign(out) == ["a/b", "a/c", "a/d", "a/e", "a/f"]
    with pytest.raises(WriteError, match=r"\(a/b, a/c, a/d and 2 more\): not replacing it"):
        publish([("a/index.html", b"y")], out)


def test_files_in_a_bundle_unpack_readable_by_all_and_writable_by_their_owner():
    data = zip_bytes([("index.html", b"x"), ("static/app.js", b"y")], "site", (1980, 1, 1, 0, 0, 0))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert [(i.filename, i.external_attr >> 16) for i in archive.infolist()] == [
            ("site/index.html", 0o644), ("site/static/app.js", 0o644)]


def test_a_write_that_fails_leaves_no_temporary_file(tmp_path, monkeypatch):
    path = tmp_path / "data.bin"
    path.write_bytes(b"old")

    def refused(*args):
        """Fail as a full disk or a vanished folder would, at the last step."""
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writer_module.os, "replace", refused)
    with pytest.raises(OSError):
        write_atomic(path, b"new")
    assert [p.name for p in tmp_path.iterdir()] == ["data.bin"] and path.read_bytes() == b"old"


def spare_and_previous(tmp_path: Path, previous_bytes: bytes, spare: str) -> tuple[Path, Path]:
    """A previous site holding page.html, and a spare holding page.html as `spare` says: the previous site's very
    file, a file of its own with the old bytes, or a folder."""
    previous, root = tmp_path / "previous", tmp_path / "root"
    previous.mkdir()
    root.mkdir()
    (previous / "page.html").write_bytes(previous_bytes)
    os.chmod(previous / "page.html", 0o644)
    if spare == "the same file":
        os.link(previous / "page.html", root / "page.html")
    elif spare == "a file of its own":
        (root / "page.html").write_bytes(b"older bytes")
    else:
        (root / "page.html").mkdir()
        (root / "page.html" / "inside.html").write_bytes(b"x")
    return previous, root


@pytest.mark.parametrize("spare, new, left, linked", [
    ("the same file", b"unchanged", True, True),
    ("the same file", b"changed", False, False),
    ("a file of its own", b"unchanged", False, True),
    ("a file of its own", b"changed", False, False),
    ("a folder", b"unchanged", False, True),
])
def test_a_spare_keeps_the_previous_sites_very_file_and_replaces_anything_else(tmp_path, monkeypatch, spare, new, left, linked):
    previous, root = spare_and_previous(tmp_path, b"unchanged", spare)
    removed = []
    remove = writer_module.remove_entry
    monkeypatch.setattr(writer_module, "remove_entry", lambda path: removed.append(path) or remove(path))
    w = Writer(root, previous, frozenset({"page.html", "page.html/inside.html", "gone.html"}))
    w.write("page.html", new)
    target = root / "page.html"
    assert target.read_bytes() == new and (previous / "page.html").read_bytes() == b"unchanged"  # never written in place
    assert os.path.samefile(target, previous / "page.html") == linked
    assert removed == ([] if left else [target])
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_a_spare_holding_a_file_where_a_folder_belongs_has_it_replaced(tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    (root / "a").write_bytes(b"a file once")
    w = Writer(root, None, frozenset({"a"}))
    w.write("a/b.html", b"deep")
    w.write("a/c.html", b"deeper")  # the folder made for the first is not taken for the old file
    w.clear_rest()  # nor once every file is written
    assert (root / "a" / "b.html").read_bytes() == b"deep" and (root / "a" / "c.html").read_bytes() == b"deeper"


def test_what_a_spare_held_and_no_build_wrote_is_cleared_with_the_folders_left_empty(tmp_path):
    root = tmp_path / "root"
    for path in ("keep/one.html", "gone/deep/two.html", "half/three.html", "half/four.html", "top.html"):
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(b"old")
    (root / MARKER).write_bytes(b"marker")
    held = frozenset({"keep/one.html", "gone/deep/two.html", "half/three.html", "half/four.html", "top.html"})
    w = Writer(root, None, held)
    w.write("keep/one.html", b"new")
    w.write("half/three.html", b"new")
    w.clear_rest()
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*")) == [
        MARKER, "half", "half/three.html", "keep", "keep/one.html"]


@pytest.mark.parametrize("planted", ["a file of the user's", "a link", "a link as the spare", "no list"])
def test_a_spare_holding_what_no_build_wrote_is_left_alone_and_the_old_site_removed(tmp_path, planted):
    out, spare = tmp_path / "site", tmp_path / ".site.spare"
    publish([("index.html", b"first")], out)
    publish([("index.html", b"second")], out)
    assert (spare / "index.html").read_bytes() == b"first"
    if planted == "a file of the user's":
        (spare / "notes.txt").write_text("mine")
    elif planted == "a link":
        (spare / "sub").symlink_to(tmp_path)
    elif planted == "a link as the spare":
        shutil.rmtree(spare)
        (tmp_path / "mine").mkdir()
        spare.symlink_to(tmp_path / "mine")
    else:
        (spare / WRITTEN).unlink()
    before = sorted(p.relative_to(tmp_path).as_posix() for p in spare.rglob("*"))
    publish([("index.html", b"third")], out)
    assert (out / "index.html").read_bytes() == b"third"
    assert sorted(p.relative_to(tmp_path).as_posix() for p in spare.rglob("*")) == before  # untouched
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "mine") == [".site.lock", ".site.spare", "site"]


@pytest.mark.parametrize("touched, read, linked", [(False, False, True), (True, True, False)])
def test_a_kept_file_left_as_its_stats_say_is_linked_without_being_read(tmp_path, monkeypatch, touched, read, linked):
    from statusref.writer import stamp

    previous = tmp_path / "previous"
    previous.mkdir()
    page = previous / "page.html"
    page.write_bytes(b"as made")
    os.chmod(page, 0o644)
    made = Made(digest="d", sha=hashlib.sha256(b"as made").hexdigest(), size=7, stamp=stamp(page.lstat()))
    if touched:  # edited in place to other bytes of the same size, its modification time put back
        times = page.stat()
        page.write_bytes(b"as mad!")
        os.utime(page, ns=(times.st_atime_ns, times.st_mtime_ns))
    reads = []
    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: reads.append(self) or real(self))
    w = Writer(tmp_path / "root", previous)
    w.write("page.html", Kept(made, lambda: b"as made"))
    target = tmp_path / "root" / "page.html"
    assert target.read_bytes() == b"as made" and os.path.samefile(target, page) == linked
    assert (page in reads) == read
    assert w.stamps == {"page.html": stamp(target.lstat())}


@pytest.mark.parametrize("listed", [["{victim}"], ["../notes.txt"], [""], ["."], ["{victim}/a.txt", "..", "/"]])
def test_a_spare_whose_list_names_what_it_does_not_hold_touches_nothing_else(tmp_path, listed):
    victim, notes = tmp_path / "victim", tmp_path / "notes.txt"
    victim.mkdir()
    (victim / "a.txt").write_text("precious")
    notes.write_text("mine")
    out, spare = tmp_path / "site", tmp_path / ".site.spare"
    publish([("index.html", b"first")], out)
    spare.mkdir()
    (spare / MARKER).write_bytes(writer_module.MARKER_TEXT)
    (spare / WRITTEN).write_text(json.dumps([p.format(victim=victim) for p in listed]))
    publish([("index.html", b"second"), ("a/b.html", b"deep")], out)
    publish([("index.html", b"third")], out)
    assert (victim / "a.txt").read_text() == "precious" and notes.read_text() == "mine"
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == sorted([MARKER, WRITTEN, "index.html"])
    assert (out / "index.html").read_bytes() == b"third"


def test_a_spare_with_a_folder_that_cannot_be_read_is_left_alone(tmp_path, monkeypatch):
    out, spare = tmp_path / "site", tmp_path / ".site.spare"
    publish([("index.html", b"first"), ("a/page.html", b"page")], out)
    publish([("index.html", b"second"), ("a/page.html", b"page")], out)
    (spare / "a" / "mine.txt").write_text("mine")
    real = os.scandir
    monkeypatch.setattr(writer_module.os, "scandir", lambda path: (_ for _ in ()).throw(PermissionError(13, "denied"))
                        if str(path) == str(spare / "a") else real(path))
    publish([("index.html", b"third"), ("a/page.html", b"page")], out)
    monkeypatch.undo()
    assert (spare / "a" / "mine.txt").read_text() == "mine" and (out / "index.html").read_bytes() == b"third"


@pytest.mark.parametrize("kind", ["a file where a folder was written", "a folder where a file was written"])
def test_a_site_holding_one_kind_of_entry_where_the_build_wrote_the_other_is_refused(tmp_path, kind):
    out = tmp_path / "site"
    publish([("index.html", b"home"), ("static/style.css", b"css")], out)
    if kind == "a file where a folder was written":
        shutil.rmtree(out / "static")
        (out / "static").write_text("my notes")
        named = "static"
    else:
        (out / "index.html").unlink()
        (out / "index.html").mkdir()
        (out / "index.html" / "mine.txt").write_text("my notes")
        named = "index.html"
    with pytest.raises(WriteError, match=f"holds files the last build did not write \\({named}\\)"):
        publish([("index.html", b"home"), ("static/style.css", b"css")], out)
    assert "my notes" in ((out / "static").read_text() if named == "static" else (out / "index.html" / "mine.txt").read_text())


def test_a_folder_of_the_site_that_cannot_be_read_is_not_taken_for_the_builds(tmp_path, monkeypatch):
    out = tmp_path / "site"
    publish([("index.html", b"home"), ("404/index.html", b"gone")], out)
    real = os.scandir
    monkeypatch.setattr(writer_module.os, "scandir", lambda path: (_ for _ in ()).throw(PermissionError(13, "denied"))
                        if str(path) == str(out / "404") else real(path))
    assert foreign(out) == ["404"]


def test_a_lock_that_cannot_be_made_says_why_without_blaming_a_link(tmp_path, monkeypatch):
    import errno

    from statusref import writer

    def read_only(*args, **kwargs):
        """Open as on a read-only file system."""
        raise OSError(errno.EROFS, "Read-only file system")
    monkeypatch.setattr(writer.os, "open", read_only)
    with pytest.raises(writer.WriteError) as caught:
        with writer.locked(tmp_path / "site"):
            pass
    assert str(caught.value) == f"{tmp_path / '.site.lock'} cannot be used as a lock (Read-only file system)"
