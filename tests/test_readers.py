"""One test per reader shape, on small documents written in tmp_path."""
from conftest import entries, read_doc


def test_table_with_any_column_order_backticks_and_escaped_pipes(tmp_path):
    parsed, _ = read_doc(tmp_path, (
        "| Description | Reason | Status |\n"
        "|:--|:-:|--:|\n"
        "| Nothing here \\| at all. | Not Found | `404` |\n"
        "| Go away. | Forbidden | 403\n"
    ))
    found = entries(parsed)
    assert [(e.code, e.name, e.text) for e in found] == [
        (404, "Not Found", "Nothing here | at all."),
        (403, "Forbidden", "Go away."),
    ]
    assert found[0].line == 3 and found[1].line == 4
    assert parsed[0].problems == ()


def test_table_header_words_people_use(tmp_path):
    parsed, _ = read_doc(tmp_path, "| Error code | Sumarary | Explanation |\n|---|---|---|\n| 500 | Internal Server Error | Boom. |\n")
    assert [(e.code, e.name, e.text) for e in entries(parsed)] == [(500, "Internal Server Error", "Boom.")]


def test_table_class_rows_set_the_class(tmp_path):
    parsed, model = read_doc(tmp_path, (
        "| Code | Meaning | Details |\n|---|---|---|\n"
        "| 2xx | Success | |\n| 200 | OK | Fine. |\n"
        "| 4xx | Client Errors | |\n| 500 | Internal Server Error | Misplaced. |\n"
    ))
    assert [e.code for e in entries(parsed)] == [200, 500]
    assert [str(p) for p in parsed[0].problems] == [f"{tmp_path}/content/doc.md:6: 500 is under the 4xx class heading on line 5"]
    assert model.status_class(2).source_names[0].text == "Success"


def test_table_description_with_name_in_bold(tmp_path):
    parsed, _ = read_doc(tmp_path, "| Status Code | Description |\n|---|---|\n| 200 | **OK:** The request has succeeded. |\n| 204 | **No Content**: Nothing. |\n")
    assert [(e.code, e.name, e.text) for e in entries(parsed)] == [
        (200, "OK", "The request has succeeded."),
        (204, "No Content", "Nothing."),
    ]


def test_list_with_bold_lead_and_colon(tmp_path):
    parsed, _ = read_doc(tmp_path, "### 1. Informational\n- **100 Continue**: The client should continue.\n- 101 Switching Protocols: Upgrading.\n")
    assert [(e.code, e.name, e.text) for e in entries(parsed)] == [
        (100, "Continue", "The client should continue."),
        (101, "Switching Protocols", "Upgrading."),
    ]
    assert parsed[0].problems == ()


def test_list_with_text_on_the_next_line_and_nested_notes(tmp_path):
    parsed, _ = read_doc(tmp_path, (
        "## Successful Responses\n\n"
        "- **200 OK**  \n  The request succeeded:\n  - **GET**: fetched.\n  - **HEAD**: headers only.\n\n"
        "- **207 Multi-Status (WebDAV)**  \n  Many statuses.\n"
    ))
    ok, multi = entries(parsed)
    assert ok.text == "The request succeeded:\n\n- **GET**: fetched.\n- **HEAD**: headers only."
    assert (multi.name, multi.qualifiers) == ("Multi-Status", ("WebDAV",))


def test_list_with_description_in_a_nested_item(tmp_path):
    parsed, _ = read_doc(tmp_path, "- 404 Not Found\n  - The server cannot find it.\n")
    assert [(e.code, e.name, e.text) for e in entries(parsed)] == [(404, "Not Found", "The server cannot find it.")]


def test_sections_headed_by_code_and_name(tmp_path):
    parsed, _ = read_doc(tmp_path, (
        "# Codes\n\n## Client errors\n\n### 404 Not Found\n\nFirst paragraph.\n\nSecond paragraph.\n\n"
        "### 410 - Gone\nIt is gone.\n"
    ))
    found = entries(parsed)
    assert [(e.code, e.name, e.line) for e in found] == [(404, "Not Found", 5), (410, "Gone", 11)]
    assert found[0].text == "First paragraph.\n\nSecond paragraph."
    assert parsed[0].problems == ()


def test_class_headings_in_every_style(tmp_path):
    text = (
        "### 1. Informational\n- **100 Continue**: Go on.\n"
        "## Client Error Responses\n- **404 Not Found**: Missing.\n"
        "## 5xx Server errors\n- **503 Service Unavailable**: Down.\n"
    )
    parsed, model = read_doc(tmp_path, text)
    assert parsed[0].problems == ()
    names = {c.digit: [n.text for n in c.source_names] for c in model.classes}
    assert names[1] == ["Informational"] and names[4] == ["Client Error Responses"] and names[5] == ["Server errors"]


def test_qualifiers_become_flags_and_wiki_leftovers_go(tmp_path):
    _, model = read_doc(tmp_path, (
        "- **102 Processing (Deprecated)**: Old. [citation needed]\n"
        "- **425 Too Early (Experimental)**: New.\n"
        "- **226 IM Used (HTTP Delta encoding)**: Delta.\n"
    ))
    assert model.code(102).flags == ("deprecated",) and model.code(102).title == "Processing"
    assert model.code(102).descriptions[0].text == "Old."
    assert "experimental" in model.code(425).flags
    assert model.code(226).extension == "HTTP Delta encoding"


def test_broken_encoding_is_repaired(tmp_path):
    _, model = read_doc(tmp_path, "- **406 Not Acceptable**: The server doesnâ€™t find it.\n")
    assert model.code(406).descriptions[0].text == "The server doesn’t find it."


def test_unregistered_code_is_kept_and_marked_unofficial(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    (content / "registry.md").write_text("---\nrole: registry\n---\n| Code | Reason phrase | Reference |\n|---|---|---|\n| 404 | Not Found | RFC 9110, Section 15.5.5 |\n")
    _, model = read_doc(tmp_path, "- **499 Client Closed Request**: nginx only.\n- **404 Not Found**: Missing.\n")
    assert model.code(499).flags == ("unofficial",) and model.code(499).reference is None
    assert "unofficial" not in model.code(404).flags
    assert model.code(404).reference.url == "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.5"


def test_source_metadata_front_matter_sidecar_and_fallbacks(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    (content / "a.md").write_text("---\ntitle: Front Title\ntrust: 70\n---\n- **200 OK**: Fine.\n")
    (content / "b.md").write_text("- **200 OK**: Good.\n")
    (content / "b.toml").write_text('title = "Beside"\nlink = "https://example.org/b"\n')
    (content / "c.md").write_text("# First Heading\n- **200 OK**: Yes.\n")
    (content / "my_notes.md").write_text("- **200 OK**: Sure.\n")
    _, model = read_doc(tmp_path, "- **204 No Content**: Empty.\n", name="d.md")
    titles = {s.id: (s.title, s.trust, s.link) for s in model.sources}
    assert titles["a"] == ("Front Title", 70, "")
    assert titles["b"] == ("Beside", 50, "https://example.org/b")
    assert titles["c"][0] == "First Heading"
    assert titles["my-notes"][0] == "My notes"
    assert model.code(200).descriptions[0].source == "a"


def test_two_sources_naming_a_code_differently(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    (content / "one.md").write_text("- **418 I'm a teapot**: Short and stout.\n")
    _, model = read_doc(tmp_path, "\n\n- **418 Teapot Error**: Coffee refused.\n", name="two.md")
    messages = [str(p) for p in model.problems]
    assert any(m.endswith("two.md:3: 418 is named 'Teapot Error' here but \"I'm a teapot\" in the other sources") for m in messages), messages
    assert [n.text for n in model.code(418).other_names] == ["Teapot Error"]
