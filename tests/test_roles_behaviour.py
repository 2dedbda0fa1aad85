"""Documents with a role, read and merged: protocol facts, constants, vendors' codes and comparisons."""
import pytest

from statusref.merge import build_model
from statusref.model import Comparison, Constant, Fact, Meaning
from statusref.sources import parse_source

REGISTRY = b"""---
role: registry
---
| Code | Reason phrase | Reference |
| --- | --- | --- |
| 301 | Moved Permanently | RFC 9110, Section 15.4.2 |
| 451 | Unavailable For Legal Reasons | RFC 7725 |
"""


def doc(role: str, body: str, more: str = "") -> bytes:
    """A document with a role in its front matter, then its body from line 5 (or later with `more`)."""
    return f"---\nrole: {role}\n{more}---\n{body}".encode()


@pytest.mark.parametrize("role, more, body, records, problems", [
    ("facts", "", "| Code | Headers | Content | Cacheable by default | Defined in |\n|---|---|---|---|---|\n"
     "| 301 | Location, Link (rel, next) | allowed | yes | RFC 9110, Section 15.4.2 |\n| 204 | — | never | no | RFC 9110 |\n",
     [Fact(code=301, headers=("Location", "Link (rel, next)"), content=True, cacheable=True,
           origin="RFC 9110, Section 15.4.2", line=6),
      Fact(code=204, headers=(), content=False, cacheable=False, origin="RFC 9110", line=7)], []),
    ("facts", "", "| Code | Headers | Content | Cacheable | Defined in |\n|---|---|---|---|---|\n"
     "| 3O1 | - | allowed | yes | RFC 1 |\n| 302 | - | maybe | yes | RFC 1 |\n| 303 | - | never | no | |\n",
     [], [(6, "'3O1' is not a status code"), (7, "302: content must be never or allowed, and cacheable yes or no"),
          (8, "303: says nothing of where it is defined")]),
    ("facts", "", "| Status | Fields | Body | Caching | Origin |\n|---|---|---|---|---|\n| 204 | none | never | no | RFC 9110 |\n",
     [Fact(code=204, headers=(), content=False, cacheable=False, origin="RFC 9110", line=6)], []),
    ("facts", "", "| Code | Headers | Content | Cacheable | Reference |\n|---|---|---|---|---|\n| 204 | none | never | no | RFC 9110 |\n",
     [Fact(code=204, headers=(), content=False, cacheable=False, origin="RFC 9110", line=6)], []),
    ("facts", "", "| Code | Header | Content | Cached | Section |\n|---|---|---|---|---|\n| 204 | none | never | no | RFC 9110 |\n",
     [Fact(code=204, headers=(), content=False, cacheable=False, origin="RFC 9110", line=6)], []),
    ("vendor", "vendor: nginx\n", "| Code | Phrase | Means |\n|---|---|---|\n| 444 | No Response | Drops it. |\n",
     [Meaning(444, "No Response", "Drops it.", 7)], []),
    ("facts", "", "| Code | Headers |\n|---|---|\n| 301 | Location |\n", [],
     [(4, "a facts table needs a column for content, cacheable, origin")]),
    ("facts", "", "Nothing but prose about 301.\n", [],
     [(1, "no table of codes found: a facts document needs a table with a Code column")]),
    ("constants", "language: python\n", "| Code | Constant |\n|---|---|\n| 404 | `NOT_FOUND` |\n| 405 | |\n",
     [Constant(404, "NOT_FOUND", 7)], [(8, "405: no constant given")]),
    ("constants", "language: go\n", "| Status | Name | Since | Before | Note |\n|---|---|---|---|---|\n"
     "| 413 | StatusContentTooLarge | 1.22 | StatusRequestEntityTooLarge | renamed |\n",
     [Constant(413, "StatusContentTooLarge", 7, since="1.22", before="StatusRequestEntityTooLarge", note="renamed")], []),
    ("constants", "language: python\n", "| Code | Identifier | Added | Formerly | Notes |\n|---|---|---|---|---|\n"
     "| 422 | UNPROCESSABLE_CONTENT | 3.13 | UNPROCESSABLE_ENTITY | renamed |\n",
     [Constant(422, "UNPROCESSABLE_CONTENT", 7, since="3.13", before="UNPROCESSABLE_ENTITY", note="renamed")], []),
    ("constants", "", "| Code | Constant |\n|---|---|\n| 404 | NOT_FOUND |\n", [Constant(404, "NOT_FOUND", 6)],
     [(1, "a constants document needs `language:`; its constants are not shown")]),
    ("vendor", "vendor: nginx\n", "| Code | Name | Meaning |\n|---|---|---|\n| 444 | No Response | Drops it. |\n| 499 | | |\n"
     "| 497 | Only A Name | |\n| 496 | | Only a meaning. |\n",
     [Meaning(444, "No Response", "Drops it.", 7), Meaning(497, "Only A Name", "", 9), Meaning(496, "", "Only a meaning.", 10)],
     [(8, "499: neither a name nor a meaning")]),
    ("comparison", "", "# Two compared\n\nSee 301.\n\n| Code | Permanent |\n|---|---|\n| 301 | yes |\n| 302 | no |\n| 30x | ? |\n",
     [Comparison((301, 302), "Two compared", "See 301.\n\n| Code | Permanent |\n|---|---|\n| 301 | yes |\n| 302 | no |\n| 30x | ? |", 6)],
     [(12, "'30x' is not a status code")]),
    ("comparison", "", "| Code | Permanent |\n|---|---|\n| 301 | yes |\n| 3" + "0" * 100 + " | ? |\n",
     [Comparison((301,), "", "| Code | Permanent |\n|---|---|\n| 301 | yes |\n| 3" + "0" * 100 + " | ? |", 4)],
     [(7, "'3" + "0" * 58 + "…' is not a status code")]),
    ("facts", "", "| Code | Headers | Content | Cacheable | Defined in |\n|---|---|---|---|---|\n| 3" + "0" * 100
     + " | - | allowed | yes | RFC 1 |\n", [], [(6, "'3" + "0" * 58 + "…' is not a status code")]),
    ("comparison", "", "| Permanent | Kept |\n|---|---|\n| yes | 301 |\n", [],
     [(1, "a comparison needs a table with a Code column")]),
])
def test_role_documents_are_read_into_records_with_problems_at_their_lines(role, more, body, records, problems):
    parsed = parse_source("d.md", doc(role, body, more))
    assert list(parsed.records) == records
    assert [(p.line, p.message) for p in parsed.problems] == problems
    assert parsed.source.role == role


def model_of(*documents: tuple[str, bytes]):
    """The model merged from a registry and some documents."""
    return build_model([parse_source("registry.md", REGISTRY)] + [parse_source(name, data) for name, data in documents])


def test_a_code_only_vendors_give_is_named_by_them_and_flagged_unofficial():
    nginx = doc("vendor", "| Code | Name | Meaning |\n|---|---|---|\n| 499 | Client Closed Request | The client left. Then more. |\n", "vendor: nginx\n")
    esri = doc("vendor", "| Code | Name | Meaning |\n|---|---|---|\n| 499 | Token Required | No token. |\n| 451 | Redirect | Elsewhere. |\n", "vendor: Esri\n")
    model = model_of(("a-nginx.md", nginx), ("b-esri.md", esri))
    code = model.code(499)
    assert code.title == "Client Closed Request or Token Required" and code.flags == ("unofficial",)
    assert code.summary == "The client left."
    assert [(m.vendor, m.name, m.description.line) for m in code.meanings] == [("nginx", "Client Closed Request", 7), ("Esri", "Token Required", 7)]
    assert code.sources == ("a-nginx", "b-esri")
    registered = model.code(451)
    assert registered.title == "Unavailable For Legal Reasons" and registered.flags == ()
    assert [m.name for m in registered.meanings] == ["Redirect"] and "b-esri" in registered.sources
    assert [n.text for n in registered.names] == ["Unavailable For Legal Reasons"]
    assert model.problems == ()


def test_facts_of_the_most_trusted_document_win_and_unknown_codes_are_problems():
    row = "| Code | Headers | Content | Cacheable | Defined in |\n|---|---|---|---|---|\n| 301 | {} | allowed | yes | RFC 9110 |\n| 599 | - | never | no | RFC 1 |\n"
    trusted = doc("facts", row.format("Location"), "trust: 90\n")
    other = doc("facts", row.format("Refresh"))
    compare = doc("comparison", "| Code | x |\n|---|---|\n| 301 | a |\n| 308 | b |\n")
    model = model_of(("z-trusted.md", trusted), ("a-other.md", other), ("compare-moves.md", compare))
    assert model.code(301).protocol.fact.headers == ("Location",) and model.code(301).protocol.source == "z-trusted"
    assert [c.slug for c in model.comparisons] == ["moves"] and model.comparisons[0].codes == (301, 308)
    assert [(p.path, p.line, p.message) for p in model.problems] == [
        ("compare-moves.md", 4, "compares 308, which no document names"),
        ("z-trusted.md", 8, "facts for 599, which no document names"),
    ]
