"""Escaped sources, dropped unsafe links, atomic output and byte-identical builds."""
import os
import shutil
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from generate import generate
from helpers import BAD, ROOT, tree_hash
from statusref.site import Config, build, bundle
from statusref.writer import Writer, WriteError


@pytest.fixture
def hostile_site(tmp_path) -> Path:
    """A site built from the sources with HTML, script and unsafe links in them."""
    content = tmp_path / "content"
    content.mkdir()
    for name in ("html.md", "links.md"):
        shutil.copy(BAD / name, content / name)
    build(Config(content=content, out=tmp_path / "site"))
    return tmp_path / "site"


def test_html_in_sources_shows_as_text(hostile_site):
    page = BeautifulSoup((hostile_site / "404" / "index.html").read_text(), "html.parser")
    text = page.select_one("#d-html").find_parent("section")
    assert "<script>alert('x')</script>" in text.get_text()
    assert "<img src=x onerror=alert(1)>" in text.get_text()
    assert [s["src"] for s in page.find_all("script")] == ["../static/search.js"]
    assert not page.find_all(attrs={"onerror": True}) and not page.find("b")


def test_unsafe_links_are_dropped_but_data_images_kept(hostile_site):
    page = BeautifulSoup((hostile_site / "404" / "index.html").read_text(), "html.parser")
    section = page.select_one("#d-links").find_parent("section")
    hrefs = [a["href"] for a in section.find_all("a")]
    assert not [h for h in hrefs if h.split(":")[0].lower() in ("javascript", "vbscript", "file", "data")]
    assert "[click](javascript:alert(1))" in section.get_text()
    assert [img["src"] for img in section.find_all("img")] == ["data:image/png;base64,iVBORw0KGgo="]


def test_every_page_carries_a_strict_content_security_policy(hostile_site):
    for path in hostile_site.rglob("*.html"):
        meta = BeautifulSoup(path.read_text(), "html.parser").find("meta", attrs={"http-equiv": "Content-Security-Policy"})
        assert meta["content"].startswith("default-src 'none'; script-src 'self'; style-src 'self';"), path


def test_the_writer_refuses_to_write_a_path_twice(tmp_path):
    writer = Writer(tmp_path)
    writer.write("404/index.html", b"one")
    with pytest.raises(WriteError):
        writer.write("404/index.html", b"two")
    assert (tmp_path / "404" / "index.html").read_bytes() == b"one"


def test_a_failing_build_leaves_the_previous_site_whole(tmp_path):
    out = tmp_path / "site"
    build(Config(content=ROOT / "content", out=out))
    before = tree_hash(out)
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    (templates / "code.html").write_text("{% extends 'base.html' %}{% block main %}{{ no_such_name }}{% endblock %}")
    with pytest.raises(Exception):
        build(Config(content=ROOT / "content", out=out, templates=templates))
    strict = build(Config(content=BAD, out=out, strict=True))
    assert not strict.ok
    assert tree_hash(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site")] == [".site.lock"]


@pytest.mark.parametrize("builds_before", [1, 2])
def test_a_killed_build_leaves_the_previous_site_whole(tmp_path, builds_before):
    out = tmp_path / "site"
    for _ in range(builds_before):  # after two, the build writes into the spare the first left
        build(Config(content=ROOT / "content", out=out, cache=None))
    assert (tmp_path / ".site.spare").is_dir() == (builds_before == 2)
    before = tree_hash(out)
    big = generate(tmp_path / "big", 200)
    # The build stops itself (SIGSTOP) once it holds the lock and has begun writing; the test then kills it.
    hook = ("import os, signal, statusref.writer as w; "
            "w.Writer.write = (lambda write: lambda *a: (write(*a), os.kill(os.getpid(), signal.SIGSTOP)))(w.Writer.write)")
    command = [sys.executable, "-c", f"{hook}; from statusref.cli import main; main(['--content', {str(big)!r}, '--out', {str(out)!r}, '--no-cache'])"]
    process = subprocess.Popen(command, cwd=tmp_path)
    _, status = os.waitpid(process.pid, os.WUNTRACED)
    assert os.WIFSTOPPED(status), "the build must stop while writing"
    assert [p for p in tmp_path.glob(".site.new-*")], "the build was writing its staging folder"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert tree_hash(out) == before
    build(Config(content=ROOT / "content", out=out, cache=None))
    assert tree_hash(out) == before  # the same content again, built whole
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".site")) == [".site.lock", ".site.spare"]


def test_two_builds_are_byte_identical(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    for name in ("a", "b"):
        build(Config(content=ROOT / "content", out=tmp_path / name / "site", base_url="https://status.example/"))
        bundle(Config(content=ROOT / "content"), tmp_path / name / "site" / "bundle.zip")
    assert tree_hash(tmp_path / "a" / "site") == tree_hash(tmp_path / "b" / "site")
    assert (tmp_path / "a" / "site" / "bundle.zip").read_bytes() == (tmp_path / "b" / "site" / "bundle.zip").read_bytes()


def test_dates_honour_source_date_epoch(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    build(Config(content=ROOT / "content", out=tmp_path / "site", base_url="https://status.example/"))
    bundle(Config(content=ROOT / "content"), tmp_path / "b.zip")
    assert "Built 2023-11-14." in (tmp_path / "site" / "index.html").read_text()
    assert "<lastmod>2023-11-14</lastmod>" in (tmp_path / "site" / "sitemap.xml").read_text()
    with zipfile.ZipFile(tmp_path / "b.zip") as archive:
        assert {info.date_time for info in archive.infolist()} == {(2023, 11, 14, 22, 13, 20)}
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    build(Config(content=ROOT / "content", out=tmp_path / "site"))
    assert "Built" not in (tmp_path / "site" / "index.html").read_text()


