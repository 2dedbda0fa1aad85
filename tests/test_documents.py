"""Documents as people publish them (tests/documents, written in our own words after real ones): each gives
the codes, names and descriptions in expected.json and only the warnings it lists; all of them built together
with the registry give no false codes and credit every code to each document that defines it."""
import json
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from helpers import CONTENT, ROOT, run_cli
from statusref.markup import plain_text
from statusref.merge import build_model
from statusref.model import Entry
from statusref.site import Config, check
from statusref.sources import load_all

DOCUMENTS = ROOT / "tests" / "documents"
EXPECTED = json.loads((DOCUMENTS / "expected.json").read_text(encoding="utf-8"))


def read_one(tmp_path: Path, name: str):
    """One fixture alone in a content folder: its parsed form and every problem a check finds."""
    content = tmp_path / "content"
    target = content / name
    target.parent.mkdir(parents=True)
    shutil.copy(DOCUMENTS / name, target)
    return load_all(content)[0], check(Config(content=content, cache=None)).problems


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_document_gives_its_codes_names_and_descriptions(tmp_path, name):
    expected = EXPECTED[name]
    parsed, problems = read_one(tmp_path, name)
    entries = {r.code: r for r in parsed.records if isinstance(r, Entry)}
    assert sorted(entries) == sorted(int(c) for c in expected["codes"])
    assert {c: entries[int(c)].name for c in expected["codes"]} == {c: n or "" for c, n in expected["codes"].items()}
    for code, beginning in expected["descriptions"].items():
        assert plain_text(entries[int(code)].text).startswith(beginning), (code, entries[int(code)].text[:80])
    for code, qualifiers in expected.get("qualifiers", {}).items():
        assert list(entries[int(code)].qualifiers) == qualifiers, code
    assert not set(entries) & set(expected["not_codes"])
    allowed = expected["warnings"]
    assert len(problems) <= max(1, len(allowed)), [str(p) for p in problems]
    for problem in problems:
        assert any(fragment in problem.message for fragment in allowed), str(problem)


@pytest.fixture(scope="module")
def mixed(tmp_path_factory) -> Path:
    """Every fixture and the registry in one content folder, built."""
    root = tmp_path_factory.mktemp("mixed")
    shutil.copytree(DOCUMENTS, root / "content", ignore=shutil.ignore_patterns("*.json"))
    shutil.copy(CONTENT / "iana-registry.md", root / "content")
    result = run_cli("--content", "content", "--out", "site", "--no-cache", cwd=root)
    assert result.returncode == 0 and "Traceback" not in result.stderr
    (root / "stderr.txt").write_text(result.stderr)
    return root


def test_mixed_build_has_no_false_codes_and_credits_every_document(mixed):
    model = build_model(load_all(mixed / "content"))
    registered = {e.code for p in load_all(mixed / "content") if p.source.registry for e in p.records if isinstance(e, Entry)}
    defined = {int(code) for expected in EXPECTED.values() for code in expected["codes"]}
    assert {c.code for c in model.codes} == registered | defined
    api = {c["code"]: c for c in json.loads((mixed / "site" / "api" / "codes.json").read_text())["codes"]}
    ids = {s.path: s.id for s in model.sources}
    for name, expected in EXPECTED.items():
        for code in expected["codes"]:
            assert ids[name] in api[int(code)]["sources"], (name, code)
            page = BeautifulSoup((mixed / "site" / code / "index.html").read_text(), "html.parser")
            assert f"../sources/#{ids[name]}" in [a["href"] for a in page.select("dd.sources a")], (name, code)


def test_mixed_build_warns_at_most_once_per_kind_of_trouble_in_a_document(mixed):
    lines = (mixed / "stderr.txt").read_text().splitlines()
    for name, expected in EXPECTED.items():
        mine = [line for line in lines if line.startswith(f"content/{name}:")]
        assert len(mine) <= max(1, len(expected["warnings"])) + 1, mine


def test_no_markup_leaks_onto_pages(mixed):
    for page in (mixed / "site").rglob("*.html"):
        text = BeautifulSoup(page.read_text(), "html.parser").select_one("main").get_text()
        assert "{{" not in text and "{%" not in text and "<em>" not in text and "{#" not in text, page


def test_anchor_links_lead_to_code_pages(mixed):
    page = BeautifulSoup((mixed / "site" / "400" / "index.html").read_text(), "html.parser")
    hrefs = [a["href"] for a in page.select("section.description a")]
    assert not [h for h in hrefs if h.startswith("#") or h.startswith("/en-US")]


def test_unofficial_codes_never_point_to_the_registry(mixed):
    page = BeautifulSoup((mixed / "site" / "499" / "index.html").read_text(), "html.parser")
    text = page.select_one("main").get_text(" ", strip=True)
    assert "Unofficial" in text and "registry" not in text.split("What the sources say")[1]
