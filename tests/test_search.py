"""Search ranking, table-driven: what people type -> what must come first, or be among the first results.

The ranking functions of static/search.js run in Node on the built site's search data."""
import json
import shutil
import subprocess

import pytest

from helpers import ROOT

# query, the expected first result (or None), results that must be among the first eight (a code, or a page's address)
QUERIES = [
    ("404", "404", []),
    ("404 not found", "404", []),
    ("http 404", "404", []),
    ("error 404", "404", []),
    ("not found", "404", []),
    ("teapot", "418", []),
    ("im a teapot", "418", []),
    ("I'm a teapot", "418", []),
    ("redirect", None, ["301", "302", "303", "307", "308"]),
    ("permanent redirect", "308", ["301"]),
    ("moved permanently", "301", []),
    ("see other", "303", []),
    ("gateway", None, ["502", "504"]),
    ("bad gateway", "502", []),
    ("gateway timeout", "504", []),
    ("timeout", None, ["408", "504"]),
    ("payload too large", "413", []),
    ("request entity too large", "413", []),
    ("Request-URI", "414", []),
    ("uri too long", "414", []),
    ("client error", "4xx", ["400", "401"]),
    ("server error", "5xx", ["500"]),
    ("5xx", "5xx", ["500"]),
    ("informational", "1xx", ["100"]),
    ("unauthorized", "401", []),
    ("forbidden", "403", []),
    ("too many requests", "429", []),
    ("created", "201", []),
    ("no content", "204", []),
    ("ok", "200", []),
    ("continue", "100", []),
    ("precondition", None, ["412", "428"]),
    ("unprocessable", "422", []),
    ("legal reasons", "451", []),
    ("not modified", "304", []),
    ("webdav", None, ["207", "423"]),
    ("switch proxy", "306", []),
    ("40", None, ["400", "401", "402", "403", "404"]),
    ("client closed request", "499", []),
    ("enhance your calm", "420", []),
    ("cloudflare", None, ["520", "521", "522"]),
    ("HTTP_NOT_FOUND", "404", []),
    ("StatusTeapot", "418", []),
    ("redirects compared", "compare/redirects/", []),
    ("gateway", None, ["502", "504", "compare/gateways/"]),
]


@pytest.fixture(scope="module")
def ranked(site) -> dict:
    """Every query's results, codes in order, from Node running the site's own search script."""
    node = shutil.which("node")
    assert node, "tests/run installs Node.js"
    script = (
        "global.window = {}; require(process.argv[1]); const S = require(process.argv[2]);"
        "const e = S.prepare(window.STATUS_CODES); const out = {};"
        "for (const q of JSON.parse(process.argv[3])) out[q] = S.rank(e, q).map(r => String(r.c || r.u));"
        "console.log(JSON.stringify(out));"
    )
    queries = json.dumps([q for q, _, _ in QUERIES] + ["zzzz", "", "   "])
    result = subprocess.run([node, "-e", script, str(site / "static" / "search-index.js"), str(ROOT / "static" / "search.js"), queries],
                            capture_output=True, text=True, check=True, timeout=60)
    return json.loads(result.stdout)


@pytest.mark.parametrize("query, first, among", QUERIES, ids=[q for q, _, _ in QUERIES])
def test_people_find_what_they_type(ranked, query, first, among):
    found = ranked[query]
    if first:
        assert found[:1] == [first], found[:5]
    assert set(among) <= set(found[:8]), found[:8]


def test_nothing_matches_nonsense_or_nothing(ranked):
    assert ranked["zzzz"] == [] and ranked[""] == [] and ranked["   "] == []
