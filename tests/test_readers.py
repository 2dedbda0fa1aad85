"""The readers, table-driven: each shape of document -> the codes, names, descriptions and problems it gives."""
import pytest

from helpers import entries, read_doc

# name, document, expected (code, name, description) entries, expected problems as (line, message)
SHAPES = [
    (
        "table in any column order, backticks, escaped pipes",
        "| Description | Reason | Status |\n|:--|:-:|--:|\n| Nothing here \\| at all. | Not Found | `404` |\n| Go away. | Forbidden | 403\n",
        [(404, "Not Found", "Nothing here | at all."), (403, "Forbidden", "Go away.")],
        [],
    ),
    (
        "table header words people use, with a typo",
        "| Error code | Sumarary | Explanation |\n|---|---|---|\n| 500 | Internal Server Error | Boom. |\n",
        [(500, "Internal Server Error", "Boom.")],
        [],
    ),
    (
        "table with the name in bold at the start of the description",
        "| Status Code | Description |\n|---|---|\n| 200 | **OK:** The request has succeeded. |\n| 204 | **No Content**: Nothing. |\n",
        [(200, "OK", "The request has succeeded."), (204, "No Content", "Nothing.")],
        [],
    ),
    (
        "table class rows set the class",
        "| Code | Meaning | Details |\n|---|---|---|\n| 2xx | Success | |\n| 200 | OK | Fine. |\n| 4xx | Client Errors | |\n| 500 | Internal Server Error | Misplaced. |\n",
        [(200, "OK", "Fine."), (500, "Internal Server Error", "Misplaced.")],
        [(6, "500 is under the 4xx class heading on line 5")],
    ),
    (
        "bullets with a bold lead and a colon",
        "### 1. Informational\n- **100 Continue**: The client should continue.\n- 101 Switching Protocols: Upgrading.\n",
        [(100, "Continue", "The client should continue."), (101, "Switching Protocols", "Upgrading.")],
        [],
    ),
    (
        "bullets with a dash, a colon and backticks",
        "- 404 - Not Found - Nothing here.\n- `410` Gone: Went away.\n- **403** Forbidden: No entry.\n",
        [(404, "Not Found", "Nothing here."), (410, "Gone", "Went away."), (403, "Forbidden", "No entry.")],
        [],
    ),
    (
        "bullets with the text on the next line and nested notes",
        "## Successful Responses\n\n- **200 OK**  \n  The request succeeded:\n  - **GET**: fetched.\n  - **HEAD**: headers only.\n\n"
        "- **207 Multi-Status (WebDAV)**  \n  Many statuses.\n",
        [(200, "OK", "The request succeeded:\n\n- **GET**: fetched.\n- **HEAD**: headers only."), (207, "Multi-Status", "Many statuses.")],
        [],
    ),
    (
        "bullet with its description in a nested item",
        "- 404 Not Found\n  - The server cannot find it.\n",
        [(404, "Not Found", "The server cannot find it.")],
        [],
    ),
    (
        "headings of code and name followed by paragraphs",
        "# Codes\n\n## Client errors\n\n### 404 Not Found\n\nFirst paragraph.\n\nSecond paragraph.\n\n### 410 - Gone\nIt is gone.\n",
        [(404, "Not Found", "First paragraph.\n\nSecond paragraph."), (410, "Gone", "It is gone.")],
        [],
    ),
    (
        "wiki leftovers and runs of spaces are dropped",
        "- **102 Processing**: Old   and    slow. [citation needed]\n- **103 Early Hints**: Hints.[12] Early.\n",
        [(102, "Processing", "Old and slow."), (103, "Early Hints", "Hints. Early.")],
        [],
    ),
    (
        "broken encoding is repaired",
        "- **406 Not Acceptable**: The server doesnâ€™t find it.\n",
        [(406, "Not Acceptable", "The server doesn’t find it.")],
        [],
    ),
    (
        "prose that looks like entries is reported, not read",
        "Intro.\n`500`: broken\nThe year 2024 was long.\n\n-410 Gone: old.\n",
        [],
        [(2, "2 lines look like entries (the first is here) but not in a table, list or heading; not read")],
    ),
    (
        "codes out of range and class labels are named",
        "| Code | Name | Description |\n|---|---|---|\n| 600 | Too Big | No. |\n| 4xx | Teapots | Not a class. |\n| 40A | Broken | Typo. |\n"
        "| 104-199 | Unassigned | |\n| 427 | *Unassigned* | |\n",
        [],
        [(3, "600 is not a status code: codes run from 100 to 599"),
         (4, "4xx is a class, not a status code; a class row has a class name and no description"),
         (5, "cannot read status code '40A': a code is three digits, 100 to 599")],
    ),
]


@pytest.mark.parametrize("document, expected, problems", [s[1:] for s in SHAPES], ids=[s[0] for s in SHAPES])
def test_each_shape_gives_its_entries(tmp_path, document, expected, problems):
    parsed, _ = read_doc(tmp_path, document)
    assert [(e.code, e.name, e.text) for e in entries(parsed)] == expected
    path = tmp_path / "content" / "doc.md"
    assert sorted(str(p) for p in parsed[0].problems) == sorted(f"{path}:{line}: {message}" for line, message in problems)


def test_entry_lines_are_where_each_entry_starts(tmp_path):
    parsed, _ = read_doc(tmp_path, "# Codes\n\n- **200 OK**: Fine.\n\n\n- **204 No Content**: Empty.\n\n### 404 Not Found\nGone.\n")
    assert [e.line for e in entries(parsed)] == [3, 6, 8]


def test_class_headings_in_every_style(tmp_path):
    text = (
        "### 1. Informational\n- **100 Continue**: Go on.\n"
        "## Client Error Responses\n- **404 Not Found**: Missing.\n"
        "## 5xx Server errors\n- **503 Service Unavailable**: Down.\n"
        "## 2xx - Success\n- **200 OK**: Fine.\n"
    )
    parsed, model = read_doc(tmp_path, text)
    assert parsed[0].problems == ()
    names = {c.digit: [n.text for n in c.source_names] for c in model.classes}
    assert names == {1: ["Informational"], 2: ["Success"], 3: [], 4: ["Client Error Responses"], 5: ["Server errors"]}


def test_qualifiers_become_flags_and_extensions(tmp_path):
    _, model = read_doc(tmp_path, (
        "- **102 Processing (Deprecated)**: Old.\n"
        "- **425 Too Early (Experimental)**: New.\n"
        "- **226 IM Used (HTTP Delta encoding)**: Delta.\n"
        "- **423 Locked (WebDAV) (obsolete)**: Shut.\n"
    ))
    assert (model.code(102).flags, model.code(102).title) == (("deprecated",), "Processing")
    assert model.code(425).flags == ("experimental",)
    assert model.code(226).extension == "HTTP Delta encoding"
    assert (model.code(423).title, model.code(423).flags, model.code(423).extension) == ("Locked", ("obsoleted",), "WebDAV")


def test_unregistered_code_is_kept_and_marked_unofficial(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    (content / "registry.md").write_text("---\nrole: registry\n---\n| Code | Reason phrase | Reference |\n|---|---|---|\n| 404 | Not Found | RFC 9110, Section 15.5.5 |\n")
    _, model = read_doc(tmp_path, "- **499 Client Closed Request**: nginx only.\n- **404 Not Found**: Missing.\n")
    assert model.code(499).flags == ("unofficial",) and model.code(499).reference is None
    assert "unofficial" not in model.code(404).flags
    assert model.code(404).reference.url == "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.5"


def test_two_sources_naming_a_code_differently(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    (content / "one.md").write_text("- **418 I'm a teapot**: Short and stout.\n")
    _, model = read_doc(tmp_path, "\n\n- **418 Teapot Error**: Coffee refused.\n", name="two.md")
    assert [str(p) for p in model.problems] == [f"{content / 'two.md'}:3: 418 is named 'Teapot Error' here but \"I'm a teapot\" in the other sources"]
    assert [n.text for n in model.code(418).other_names] == ["Teapot Error"]
