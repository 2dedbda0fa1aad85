"""The cache on its own: values saved by one build are read back by the next, checked, signed, and nothing else kept."""
import json
import os

import pytest

from helpers import tree_hash

from statusref import cache as cache_module
from statusref.cache import MAX_FILE, Cache, read_plain, signing_key, version
from statusref.model import Name, Reference, StatusCode
from statusref.render import Rendered
from statusref.writer import MARKER


@pytest.fixture(autouse=True)
def own_key(tmp_path, monkeypatch):
    """Each test signs with a key of its own, made under its own XDG_CACHE_HOME."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))


CODES = [
    StatusCode(code=418, title="I'm a teapot"),
    StatusCode(code=404, title="Not Found", names=(Name("Not Found", "official", ("rfc9110",)),),
               flags=("deprecated",), summary="Gone missing.",
               reference=Reference("RFC 9110", "https://www.rfc-editor.org/rfc/rfc9110")),
]


def opened(folder, heard):
    """A cache on `folder` whose warnings go into `heard`."""
    return Cache(folder, warn=heard.append)


def never():
    raise AssertionError("made again although the cache held it")


@pytest.mark.parametrize("value", CODES, ids=["plain", "nested and optional"])
def test_a_value_saved_by_one_build_is_read_back_by_the_next(tmp_path, value):
    heard = []
    first = opened(tmp_path / "cache", heard)
    assert first.get("parsed", "k1", lambda: value, StatusCode) == value
    first.get("html", "h1", lambda: Rendered("<p>hi</p>", (404,), ("w",)), Rendered)
    first.save()
    second = opened(tmp_path / "cache", heard)
    assert second.get("parsed", "k1", never, StatusCode) == value
    assert second.get("html", "h1", never, Rendered) == Rendered("<p>hi</p>", (404,), ("w",))
    assert heard == []


def test_saving_keeps_only_what_the_build_used(tmp_path):
    heard = []
    folder = tmp_path / "cache"
    first = opened(folder, heard)
    first.get("parsed", "old", lambda: CODES[0], StatusCode)
    first.get("parsed", "kept", lambda: CODES[1], StatusCode)
    first.save()
    (folder / ".html.lines.123.tmp").write_bytes(b"half a file")
    (folder / "parsed" / "notes.txt").write_text("not the cache's")
    second = opened(folder, heard)
    second.get("parsed", "kept", never, StatusCode)
    second.get("html", "h", lambda: Rendered("x", (), ()), Rendered)
    second.get("html", "h2", lambda: Rendered("y", (), ()), Rendered)
    second.save()
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert files == [MARKER, ".store.lock", "html.lines", "parsed/kept.json", "parsed/notes.txt", "version"]
    third = opened(folder, heard)  # a pack's unused lines are dropped and the others written as they were read
    third.get("html", "h2", never, Rendered)
    before = (folder / "html.lines").read_bytes().split(b"\n")[2]
    third.save()
    assert (folder / "html.lines").read_bytes().split(b"\n")[1:] == [before] and before.startswith(b'["h2",')
    assert opened(folder, heard).get("html", "h", lambda: "made", Rendered) == "made"
    assert heard == []


def test_a_line_of_a_pack_of_another_shape_is_made_again_and_the_others_kept(tmp_path):
    heard = []
    folder = tmp_path / "cache"
    first = opened(folder, heard)
    first.get("html", "a", lambda: Rendered("x", (), ()), Rendered)
    first.get("html", "b", lambda: Rendered("y", (404,), ()), Rendered)
    first.save()
    second = opened(folder, heard)
    assert second.get("html", "a", lambda: "made", StatusCode) == "made"  # read back as what it is not
    assert second.get("html", "b", never, Rendered) == Rendered("y", (404,), ())
    second.save()
    assert len(heard) == 1 and heard[0].startswith(f"warning: cache file {folder / 'html.lines'} is unreadable")
    assert opened(folder, heard).get("html", "b", never, Rendered) == Rendered("y", (404,), ())


def test_a_cache_with_only_descriptions_is_written(tmp_path):
    heard = []
    first = opened(tmp_path / "cache", heard)
    first.get("html", "h", lambda: Rendered("<b>x</b>", (200,), ()), Rendered)
    first.save()
    assert opened(tmp_path / "cache", heard).get("html", "h", never, Rendered) == Rendered("<b>x</b>", (200,), ())
    assert heard == []


def test_files_are_signed_json(tmp_path):
    cache = opened(tmp_path / "cache", [])
    cache.get("parsed", "k", lambda: CODES[0], StatusCode)
    cache.save()
    signature, body = (tmp_path / "cache" / "parsed" / "k.json").read_bytes().split(b"\n", 1)
    assert len(signature) == 64 and body.startswith(b"[418,") and b'"I\'m a teapot"' in body
    (tmp_path / "cache" / "parsed" / "k.json").write_bytes(b"0" * 64 + b"\n" + body)
    heard = []
    assert opened(tmp_path / "cache", heard).get("parsed", "k", lambda: "again", StatusCode) == "again"
    assert heard == [f"warning: cache file {tmp_path / 'cache' / 'parsed' / 'k.json'} is unreadable, "
                     "of another shape or not signed here; it is made again"]


def test_a_foreign_folder_gives_one_warning_and_is_left_alone(tmp_path):
    folder = tmp_path / "cache"
    folder.mkdir()
    (folder / "thesis.tex").write_text("mine")
    heard = []
    cache = opened(folder, heard)
    assert cache.get("parsed", "k", lambda: "made", StatusCode) == "made"
    cache.save()
    assert heard == [f"warning: cache {folder} holds files this program did not make; building without a cache"]
    assert sorted(p.name for p in folder.iterdir()) == ["thesis.tex"]


@pytest.mark.parametrize("stamp, marker, warned", [
    ("an older version", True, True),
    ("an older version", False, False),  # a cache of the first version, before the marker: started quietly
    (None, True, False),
])
def test_a_cache_of_another_version_starts_afresh(tmp_path, stamp, marker, warned):
    folder = tmp_path / "cache"
    (folder / "parsed").mkdir(parents=True)
    (folder / "parsed" / "old.pickle").write_text("x")
    if marker:  # a marked cache is this program's: its JSON goes too, and a stranger's file stays
        (folder / "parsed" / "old.json").write_text("{}")
        (folder / "parsed" / "keep.txt").write_text("not the cache's")
    (folder / "jinja").mkdir()
    (folder / "jinja" / "__jinja2_page.cache").write_text("compiled code of the first version")
    (folder / "html.pickle").write_text("pickled HTML of the first version")
    if stamp is not None:
        (folder / "version").write_text(stamp)
    if marker:
        (folder / MARKER).write_text("made by statusref")
    heard = []
    opened(folder, heard)
    expected = f"warning: cache {folder} was made by another version of the program; starting it afresh"
    assert heard == ([expected] if warned else [])
    assert sorted(p.name for p in (folder / "parsed").iterdir()) == ["keep.txt"] if marker else not (folder / "parsed").exists()
    assert not (folder / "jinja").exists()  # the first version's compiled templates are code: never left behind
    assert not (folder / "html.pickle").exists()
    assert (folder / "version").read_text() == version()
    assert (folder / MARKER).is_file()


@pytest.mark.parametrize("sub, name", [("parsed", "mine.json"), ("parsed", "notes.txt"), ("jinja", "page.html"),
                                       ("", "jinja")])
def test_a_folder_only_named_like_a_first_version_cache_is_left_alone(tmp_path, sub, name):
    folder = tmp_path / "cache"
    (folder / sub).mkdir(parents=True, exist_ok=True)
    (folder / sub / name).write_text("the user's")  # a file named like one of the cache's folders, or in one
    (folder / "parsed").mkdir(exist_ok=True)
    (folder / "parsed" / "old.pickle").write_text("x")
    (folder / "version").write_text("the user's too")
    before = tree_hash(folder)
    heard = []
    opened(folder, heard).save()
    assert heard == [f"warning: cache {folder} holds files this program did not make; building without a cache"]
    assert tree_hash(folder) == before


def test_the_version_follows_the_program_and_not_the_templates(tmp_path, monkeypatch):
    program = tmp_path / "program"
    program.mkdir()
    (program / "module.py").write_text("one")
    monkeypatch.setattr(cache_module, "PACKAGE", program)
    first = version()
    assert version() == first and len(first) == 64
    (program / "module.py").write_text("two")
    assert version() != first
    second = version()
    (program / os.fsdecode(b"caf\xe9.txt")).write_text("a name that is not UTF-8")
    assert version() != second


def test_read_plain_refuses_files_past_the_limit(tmp_path):
    path = tmp_path / "big.json"
    path.write_bytes(b"12345")
    assert read_plain(path, 5) == b"12345"
    with pytest.raises(ValueError, match="at most 4 bytes"):
        read_plain(path, 4)
    assert read_plain(tmp_path / "missing.json") is None
    with open(path, "r+b") as handle:
        handle.truncate(MAX_FILE)
    assert len(read_plain(path)) == MAX_FILE
    with open(path, "r+b") as handle:
        handle.truncate(64 * 1024 * 1024 + 1)
    with pytest.raises(ValueError):
        read_plain(path)


def test_a_key_file_this_program_did_not_make_is_refused(tmp_path):
    key = signing_key()
    assert len(key) == 32 and signing_key() == key
    path = tmp_path / "xdg" / "statusref" / "key"
    for bad in (b"short", b"k" * 65):
        path.write_bytes(bad)
        with pytest.raises((OSError, ValueError)):
            signing_key()
    path.write_bytes(b"k" * 64)
    assert signing_key() == b"k" * 64
    os.unlink(path)
    assert len(signing_key()) == 32


@pytest.mark.parametrize("value, expected", [
    (["Constant", 404, "Not Found", 3, "", "", ""], "Constant(code=404, name='Not Found', line=3, since='', before='', note='')"),
    (["Comparison", [301], "T", "x", 2], "Comparison(codes=(301,), title='T', text='x', line=2)"),
    (["Fact", 404, ["Vary"], True, False, "RFC 9110", 7],
     "Fact(code=404, headers=('Vary',), content=True, cacheable=False, origin='RFC 9110', line=7)"),
    (["Comparison", [301], "T", "x"], ValueError),  # a field short
    (["Comparison", ["301"], "T", "x", 2], ValueError),  # a code that is text
    (["ClassName", "4", "Client", 1, ""], ValueError),
    (["Fact", 404, ["Vary"], 1, False, "RFC 9110", 7], ValueError),  # a number where a yes or no belongs
    (["Constant", True, "Not Found", 3, "", "", ""], ValueError),  # a yes or no where a number belongs
    (["Parsed", 404], ValueError),  # a class that is no record of a source
    ([404, "Not Found", 3, "", "", ""], ValueError),  # no class named
    ({"code": 404, "name": "Not Found"}, ValueError),
    ([], ValueError),
    (None, ValueError),
])
def test_records_read_back_must_fit_one_of_their_kinds(value, expected):
    from statusref.cache import decode
    from statusref.sources import Parsed
    import typing

    record_kind = typing.get_args(typing.get_type_hints(Parsed)["records"])[0]
    if expected is ValueError:
        with pytest.raises(ValueError):
            decode(value, record_kind)
    else:
        assert repr(decode(value, record_kind)) == expected


def test_every_kind_the_cache_keeps_reads_back_as_it_was_written():
    from statusref.cache import decode, encode
    from statusref.merge import Merged, Written, build_model
    from statusref.render import Described, Noted
    from statusref.sources import Outline, Parsed, outline, parse_source

    parsed = parse_source("a.md", "| Code | Name | Description |\n|---|---|---|\n| 404 | Not Found | Gone. |\n"
                                  "| 404 | Missing | Other text. |\n".encode())
    kept = outline(parsed, "k")
    model = build_model([parsed])
    merged = Merged(model.codes[0], (), "d")
    described = Described("d", (404,), (Noted("a", 3, "a warning"),), ("h",), ("a",), ("gone",))
    written = Written(model.descriptions[404])
    for value, kind in ((parsed, Parsed), (kept, Outline), (merged, Merged), (described, Described), (written, Written),
                        (model.codes[0], StatusCode)):
        assert decode(json.loads(encode(value)), kind) == value
    assert kept.repeats and [code for code, _ in kept.named()] == [404]


def test_a_store_saved_alone_is_written_and_the_other_left_pending(tmp_path):
    heard = []
    cache = opened(tmp_path / "cache", heard)
    cache.get("parsed", "k", lambda: CODES[0], StatusCode)
    cache.get("html", "h", lambda: Rendered("<p>a</p>", (), ()), Rendered)
    cache.save(True, ("parsed",))
    assert (tmp_path / "cache" / "parsed" / "k.json").is_file() and not (tmp_path / "cache" / "html.json").exists()
    assert cache.get("parsed", "k", never, StatusCode) == CODES[0]
    cache.save(True, ("html",))
    assert opened(tmp_path / "cache", heard).get("html", "h", never, Rendered) == Rendered("<p>a</p>", (), ())
    assert heard == []


def test_a_cache_no_later_build_will_ask_forgets_what_it_saved(tmp_path):
    cache = opened(tmp_path / "cache", [])
    cache.get("parsed", "k", lambda: CODES[0], StatusCode)
    cache.get("html", "h", lambda: Rendered("<p>a</p>", (), ()), Rendered)
    cache.save(keep=False)
    assert all(values == {} for values in cache.values.values()) and {"parsed", "html", "outline", "code"} <= cache.values.keys()
    assert cache.get("parsed", "k", never, StatusCode) == CODES[0]  # read back from disk


def test_a_kept_cache_answers_from_memory(tmp_path):
    cache = opened(tmp_path / "cache", [])
    cache.get("parsed", "k", lambda: CODES[0], StatusCode)
    cache.save()
    (tmp_path / "cache" / "parsed" / "k.json").unlink()
    assert cache.get("parsed", "k", never, StatusCode) == CODES[0]


def test_a_union_of_records_reads_into_the_record_it_names_and_else_into_the_first_that_fits():
    from dataclasses import dataclass

    from statusref.cache import decode, encoder

    @dataclass(frozen=True)
    class Number:
        value: int

    @dataclass(frozen=True)
    class Word:
        value: str

    assert decode(["Number", 3], Number | Word) == Number(3)
    assert decode(["Word", "three"], Number | Word) == Word("three")
    assert decode([["Word", "x"], None], tuple[Number | Word | None, ...]) == (Word("x"), None)
    assert encoder(tuple[Number | Word | None, ...])((Word("x"), None)) == [["Word", "x"], None]
    assert decode([3], Number | None) == Number(3) and decode(None, Number | None) is None
    assert decode("three", int | str) == "three"
    for value, kind in ((["Number", 3, 1], Number | Word), (["Word", 3], Number | Word), (["Other", 3], Number | Word),
                        (None, Number | Word), ({"value": "3"}, dict[str, int]), (["Number", 1.5], Number | Word),
                        ([1.5], Number | None), (1.5, int | str)):
        with pytest.raises(ValueError):
            decode(value, kind)


@pytest.mark.parametrize("value, kind", [(1.5, float), (b"x", bytes), (1, float), ("1", int), (True, int), (0, bool)])
def test_a_plain_value_reads_back_only_as_its_own_kind(value, kind):
    from statusref.cache import decode

    with pytest.raises(ValueError, match=f"not a {kind.__name__}"):
        decode(value, kind)
    assert decode(None, type(None)) is None and decode(False, bool) is False and decode("s", str) == "s"


def test_a_key_keeps_its_parts_apart():
    from statusref.cache import cache_key

    assert cache_key("ab", "c") != cache_key("a", "bc")
    assert cache_key("ab", "c") == cache_key("ab", b"c")


@pytest.mark.parametrize("kept", [True, False])
def test_a_run_given_a_cache_keeps_it_for_the_next_and_a_run_without_one_forgets(tmp_path, monkeypatch, kept):
    from statusref import site
    from statusref.config import Config

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home"))
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "codes.md").write_text("- **404 Not Found**: Gone.\n")
    config = Config(content=tmp_path / "content", out=tmp_path / "site", cache=tmp_path / "cache")
    made = []
    monkeypatch.setattr(site, "Cache", lambda *args: made.append(Cache(*args)) or made[-1])
    given = Cache(config.cache) if kept else None
    assert site.run(config, site.Folder(config.out), given).ok
    cache = given or made[0]
    assert bool(cache.values["parsed"]) is kept and bool(cache.values["html"]) is kept


def test_a_cache_another_build_started_afresh_meanwhile_is_not_cleared_again(tmp_path, monkeypatch):
    folder, done = tmp_path / "cache", []
    real = cache_module.locked

    def another_build_first(path, *rest):
        """Before this build takes the lock, another one starts the cache afresh and keeps a value in it."""
        if not done:
            done.append(1)
            other = opened(folder, [])
            other.get("parsed", "k", lambda: CODES[1], StatusCode)
            other.save()
        return real(path, *rest)

    monkeypatch.setattr(cache_module, "locked", another_build_first)
    heard = []
    mine = opened(folder, heard)  # it found no version, then waited for the lock
    assert done and mine.get("parsed", "k", never, StatusCode) == CODES[1] and heard == []


def test_an_outline_names_its_codes_in_order_with_their_digests_and_knows_the_last():
    from statusref.sources import outline, parse_source

    kept = outline(parse_source("a.md", b"- **500 Oops**: Broken.\n- **404 Not Found**: Gone.\n- **99x**: no code.\n"), "k")
    named = kept.named()
    assert [code for code, _ in named] == [404, 500] and kept.last() == 500
    assert all(len(digest) == 24 and int(digest, 16) >= 0 for _, digest in named) and named[0][1] != named[1][1]


def test_saving_a_store_leaves_the_temporary_files_of_the_cache_folders_other_files_alone(tmp_path):
    folder = tmp_path / "cache"
    cache = opened(folder, [])
    cache.get("html", "h", lambda: Rendered("x", (), ()), Rendered)
    others = [folder / ".pages.json.abc.tmp", folder / ".last-build.json.abc.tmp"]  # being written by a site's build
    for path in others + [folder / ".html.lines.dead.tmp"]:
        path.write_bytes(b"half")
    cache.save()
    assert all(path.exists() for path in others) and not (folder / ".html.lines.dead.tmp").exists()


def test_a_pack_larger_than_a_cache_file_may_be_is_read_back(tmp_path, monkeypatch):
    monkeypatch.setattr(cache_module, "MAX_FILE", 1000)
    first = opened(tmp_path / "cache", [])
    first.get("html", "h", lambda: Rendered("x" * 5000, (), ()), Rendered)
    first.save()
    heard = []
    assert opened(tmp_path / "cache", heard).get("html", "h", never, Rendered).html == "x" * 5000 and heard == []
