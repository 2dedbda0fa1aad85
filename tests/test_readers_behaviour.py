"""The Markdown readers: tables, lists, groups, definition lists and headings give entries, class names and problems."""
import pytest

from statusref.model import ClassName, Entry
from statusref.readers import read_markdown


def read(text):
    records, problems, heading = read_markdown("doc.md", text)
    return records, [(p.line, p.message) for p in problems], heading


def test_a_table_with_a_references_column():
    records, problems, _ = read("# Codes\n\n| Code | Name | References |\n| --- | --- | --- |\n"
                                "| 404 | Not Found | RFC 9110 |\n| 423 | Locked (WebDAV) | RFC 4918 |\n")
    assert records == [Entry(404, "Not Found", (), "", 5, "RFC 9110"), Entry(423, "Locked", ("WebDAV",), "", 6, "RFC 4918")]
    assert problems == []


def test_unassigned_rows_and_ranges_are_no_entries():
    records, problems, _ = read("| Code | Name | Reference |\n| --- | --- | --- |\n| 200 | OK | RFC 9110 |\n"
                                "| 209-225 | Unassigned | |\n| 427 | Unassigned | |\n")
    assert [(r.code, r.name) for r in records] == [(200, "OK")]
    assert problems == []


def test_a_table_without_a_separator_row_is_a_problem_at_its_first_line():
    records, problems, _ = read("Intro.\n\n| 404 | Not Found |\n| 410 | Gone |\n")
    assert records == []
    assert problems == [(3, "looks like a table but has no separator row (| --- | --- |) under its header; not read")]


def test_blocks_keep_their_lines():
    text = "# Codes\n\nSome words.\n\n- **200 OK**: Fine.\n- **201 Created**: Made.\n\n## More\n\n- **404 Not Found**: Gone.\n"
    records, problems, heading = read(text)
    assert [(r.code, r.line) for r in records] == [(200, 5), (201, 6), (404, 10)]
    assert heading == "Codes" and problems == []


def test_a_heading_with_a_code_that_is_not_one_is_a_problem():
    records, problems, _ = read("# Codes\n\n## 40A Odd\n\n- **404 Not Found**: Gone.\n")
    assert problems == [(3, "cannot read status code '40A': a code is three digits, 100 to 599")]
    assert [r.code for r in records] == [404]


@pytest.mark.parametrize("item, problems", [
    ("- **40A Odd**: text", [(1, "cannot read status code '40A': a code is three digits, 100 to 599")]),
    ("- 4 things to know", []),
    ("- **4" + "0" * 100 + " Odd**: text", [(1, "4" + "0" * 58 + "… is not a status code: codes run from 100 to 599")]),
    ("- **40A" + "B" * 100 + " Odd**: text", [(1, "cannot read status code '40A" + "B" * 56 + "…': a code is three digits, 100 to 599")]),
])
def test_a_list_item_led_by_a_code_that_is_not_one_is_a_problem_but_a_count_is_not(item, problems):
    records, found, _ = read(f"{item}\n- **404 Not Found**: Gone.\n")
    assert [r.code for r in records] == [404]
    assert found == problems


def test_an_entry_with_neither_name_nor_text_is_a_problem():
    records, problems, _ = read("- **200 OK**: Fine.\n- **404**\n")
    assert problems == [(2, "404 has neither a name nor a description")]
    assert records[1] == Entry(404, "", (), "", 2, "")


def test_a_group_item_gives_its_class_name_and_the_entries_under_it():
    records, problems, _ = read("- 4xx - Client errors\n  - **404 Not Found**: Gone.\n  - **410 Gone**: For good.\n")
    assert records == [ClassName(4, "Client errors", 1), Entry(404, "Not Found", (), "Gone.", 2, ""),
                       Entry(410, "Gone", (), "For good.", 3, "")]
    assert problems == []


@pytest.mark.parametrize("heading, digit", [("Informational responses", 1), ("Success", 2), ("Redirection messages", 3),
                                            ("Client error responses", 4), ("Server errors", 5), ("Other codes", None),
                                            ("Client-side errors", 4), ("1. Informational", 1), ("Server Response Codes", None),
                                            ("Site Health: Server Setup and Hosting", None), ("A field guide for API clients", None),
                                            ("Talking to servers", None), ("Errors caused by the client", 4),
                                            ("Client Failures", 4), ("Most common server errors", 5), ("Errores del cliente", 4)])
def test_a_class_is_known_by_its_word(heading, digit):
    from statusref.readers import class_of

    assert class_of(heading) == digit
    assert class_of(heading.upper()) == digit


@pytest.mark.parametrize("lead, digit", [("400-499", 4), ("400 - 499", 4), ("4xx", 4), ("100 to 199", 1), ("500–599", 5)])
def test_a_range_within_one_class_names_that_class(lead, digit):
    records, problems, _ = read(f"- {lead} - Errors\n  - **{digit}04 Some Name**: Text.\n")
    assert records == [ClassName(digit, "Errors", 1), Entry(digit * 100 + 4, "Some Name", (), "Text.", 2, "")]
    assert problems == []


@pytest.mark.parametrize("lead", ["1xx-5xx", "100-599", "400 to 599"])
def test_a_range_over_several_classes_names_none(lead):
    records, problems, _ = read(f"- {lead} - Every code\n  - **404 Not Found**: Gone.\n")
    assert records == [Entry(404, "Not Found", (), "Gone.", 2, "")]
    assert problems == []


@pytest.mark.parametrize("under, text", [("- : The page is gone.", "The page is gone."), ("- A page that is gone.", "A page that is gone."),
                                         ("- ~ Gone for now.", "Gone for now."), ("- :x", ":x")])
def test_a_one_item_list_under_an_entry_is_its_description_without_a_definition_mark(under, text):
    records, problems, _ = read(f"- 404 Not Found\n\n  {under}\n")
    assert records == [Entry(404, "Not Found", (), text, 1, "")]
    assert problems == []


def test_an_item_with_more_paragraphs_keeps_them_all():
    records, problems, _ = read("- **404 Not Found**: Gone.\n\n  More text.\n\n- **410 Gone**: For good.\n")
    assert [(r.code, r.text) for r in records] == [(404, "Gone.\n\nMore text."), (410, "For good.")]
    assert problems == []


def test_a_definition_list():
    records, problems, _ = read("404 Not Found\n: The page is gone.\n\n410 Gone\n: For good.\n")
    assert [(r.code, r.name, r.text, r.line) for r in records] == [
        (404, "Not Found", "The page is gone.", 1), (410, "Gone", "For good.", 4)]
    assert problems == []


def test_a_header_naming_two_roles_takes_the_one_still_free():
    records, problems, _ = read("| Code | Name | Notes | References and notes |\n| --- | --- | --- | --- |\n"
                                "| 404 | Not Found | Gone. | RFC 9110 |\n")
    assert records == [Entry(404, "Not Found", (), "Gone.", 3, "RFC 9110")]
    assert problems == []


@pytest.mark.parametrize("header", ["Constant name", "Enum name", "Symbol name", "Identifier name", "Constants name"])
def test_a_constant_column_named_so_is_not_the_name_column(header):
    records, problems, _ = read(f"| Code | {header} | Reason phrase |\n| --- | --- | --- |\n| 404 | NOT_FOUND | Not Found |\n")
    assert records == [Entry(404, "Not Found", (), "", 3, "")]
    assert problems == []


def test_a_misspelt_header_plays_only_its_likeliest_role():
    records, problems, _ = read("| Code | Cdoe Nmae | Descripton |\n| --- | --- | --- |\n| 404 | Not Found | Gone. |\n")
    assert records == [Entry(404, "", (), "Gone.", 3, "")]


@pytest.mark.parametrize("table, names", [
    ("| Value | Description |\n| --- | --- |\n| 404 | Not Found |\n| 451 | Unavailable For Legal Reasons |\n| 418 | (Unused) |\n",
     {404: ("Not Found", ""), 451: ("Unavailable For Legal Reasons", ""), 418: ("", "")}),
    ("| Code | Description |\n| --- | --- |\n| 200 | The call worked |\n| 404 | Nothing here |\n",
     {200: ("", "The call worked"), 404: ("", "Nothing here")}),  # sentences, though short: descriptions
    ("| Code | Status | Description |\n| --- | --- | --- |\n| 200 | OK | It worked. |\n| 404 | Not Found | Gone. |\n",
     {200: ("OK", "It worked."), 404: ("Not Found", "Gone.")}),
    ("| Code | Status | Description |\n| --- | --- | --- |\n| 200 | Planned | a |\n| 201 | Implemented | b |\n| 202 | Rejected | c |\n",
     {200: ("", "a"), 201: ("", "b"), 202: ("", "c")}),  # states, each one word: no names
    ("| Value | Description |\n| --- | --- |\n| 301 | Permanent |\n| 302 | Temporary |\n",
     {301: ("", "Permanent"), 302: ("", "Temporary")}),
])
def test_a_description_column_of_names_and_a_status_column_give_names(table, names):
    records, problems, _ = read(table)
    assert {r.code: (r.name, r.text) for r in records} == names
    assert problems == []


def test_a_list_of_other_numbers_is_no_list_of_codes_though_some_are_codes():
    records, problems, _ = read("- 22: SSH\n- 80: HTTP\n- 443: HTTPS\n- 3389: RDP\n\n## Codes\n\n- 200: OK\n- 404: Not Found\n- 600: Odd\n")
    assert [r.code for r in records] == [200, 404]
    assert problems == [(10, "600 is not a status code: codes run from 100 to 599")]


@pytest.mark.parametrize("text, entries", [
    ("| Status code | Description |\n| --- | --- |\n| `404 Not Found` | No such resource. |\n| 200 OK | Fine. |\n",
     [(404, "Not Found", "No such resource."), (200, "OK", "Fine.")]),
    ("| Código | Significado |\n| --- | --- |\n| `200` ✅ | OK |\n| 404 | No encontrado |\n", [(200, "OK", ""), (404, "No encontrado", "")]),
    ("| Código | Nombre | Descripción |\n| --- | --- | --- |\n| 201 | Creado | Se creó. |\n", [(201, "Creado", "Se creó.")]),
    ("### 404 [Not Found](https://e.example/404)\n\nGone.\n", [(404, "Not Found", "Gone.")]),
    ("### 404 Not Found [edit](https://e.example/edit)\n\nGone.\n", [(404, "Not Found", "Gone.")]),
])
def test_a_code_cell_with_its_name_headers_in_other_languages_and_a_linked_name(text, entries):
    records, problems, _ = read(text)
    assert [(r.code, r.name, r.text) for r in records] == entries
    assert problems == []


@pytest.mark.parametrize("text, entries, problems", [
    ("| Code | Status | Name |\n| --- | --- | --- |\n| 200 | Stable | OK |\n| 404 | Stable | Not Found |\n",
     [(200, "OK", ""), (404, "Not Found", "")], []),  # a status column beside a name column is no name
    ("| Code | Status | Notes |\n| --- | --- | --- |\n| 200 | Done | x |\n| 201 | Done | y |\n| 301 | Todo | z |\n",
     [(200, "", "x"), (201, "", "y"), (301, "", "z")], []),  # states repeat: no names
    ("| Informational | Success | Client | Server |\n| --- | --- | --- | --- |\n| 100 Continue | 200 OK | 404 Not Found | 500 Oops |\n",
     [(100, "Continue", ""), (200, "OK", ""), (404, "Not Found", ""), (500, "Oops", "")], []),
    ("| Code | Name |\n| --- | --- |\n| 404 or 410 | Gone |\n| 200 | OK |\n",
     [(200, "OK", "")], [(3, "cannot read status code '404 or 410': a code is three digits, 100 to 599")]),
    ("| Status Code | Description |\n| --- | --- |\n| 400 | Invalid Email Address |\n| 401 | Token Expired |\n",
     [(400, "", "Invalid Email Address"), (401, "", "Token Expired")], []),  # only the registry's `Value` column makes names
    ("- 400: Bad Request\n- 401: Unauthorized\n- 1001: Token gone\n- 1002: Quota used\n",
     [(400, "Bad Request", ""), (401, "Unauthorized", "")],
     [(3, "1001 is not a status code: codes run from 100 to 599"), (4, "1002 is not a status code: codes run from 100 to 599")]),
    ("- 1996: version 1.0\n- 1997: version 1.1\n- 2015: version 2\n", [], []),  # years
    ("+ Response 200 (application/json)\n\n        {}\n\n+ Response 404\n", [], []),  # API Blueprint
    ("- HTTP 404 errors in the crawl report need fixing.\n- HTTP 500 pages hurt.\n", [], []),
    ("### 404 [¶](#404)\n\nGone.\n\n### 418 [link](https://e.example)\n\nTea.\n", [(404, "", "Gone."), (418, "", "Tea.")], []),
])
def test_what_the_lead_and_column_rules_leave_alone(text, entries, problems):
    records, found, _ = read(text)
    assert [(r.code, r.name, r.text) for r in records if isinstance(r, Entry)] == entries
    assert found == problems


def test_a_line_break_in_a_cell_stays_a_line_break():
    from statusref.markup import render_description

    records, problems, _ = read("| Code | Name | Description |\n| --- | --- | --- |\n| 409 | Conflict | Changed first.<br/>Fetch it again. |\n")
    assert problems == [] and records[0].text == "Changed first.\\\nFetch it again."
    assert render_description(records[0].text, 409, frozenset(), str)[0] == "<p>Changed first.<br>\nFetch it again.</p>\n"


@pytest.mark.parametrize("text, entry", [
    ("### 305 Use Proxy **Deprecated**\n\nOld.\n", (305, "Use Proxy", ("Deprecated",))),
    ("- 308 Permanent Redirect `experimental`: new.\n", (308, "Permanent Redirect", ("experimental",))),
    ("- 102 Processing ⚠️ Deprecated - slow.\n", (102, "Processing", ("Deprecated",))),
    ("- 306 Unused: reserved.\n", (306, "", ("Unused",))),  # a flag word alone is a flag, as before
    ("- 410 Gone (Obsolete) Deprecated: x.\n", (410, "Gone", ("Obsolete", "Deprecated"))),
])
def test_a_flag_written_after_a_name_as_a_badge_is_a_flag(text, entry):
    records, problems, _ = read(text)
    assert [(r.code, r.name, r.qualifiers) for r in records] == [entry] and problems == []


@pytest.mark.parametrize("text, problems", [
    ("<details>\n<summary>418 I'm a teapot</summary>\nShort.\n</details>\n",
     [(2, "a line of raw HTML looks like an entry, but HTML is not read: write codes as a Markdown table, list or headings")]),
    ("<table>\n<tr><td>404</td><td>Not Found</td></tr>\n<tr><td>410</td><td>Gone</td></tr>\n</table>\n",
     [(2, "2 lines of raw HTML look like entries (the first is here), but HTML is not read: write codes as a Markdown table, list or headings")]),
    ("<p align=center><img src=logo.png></p>\n", []),
])
def test_entries_in_raw_html_are_one_warning_saying_so(text, problems):
    records, found, _ = read(text)
    assert records == [] and found == problems


@pytest.mark.parametrize("heading", ["### 301/308", "### [301/308](#301308)", "### 301/308 Permanent moves"])
def test_a_heading_of_codes_joined_by_a_slash_gives_each_the_text(heading):
    records, problems, _ = read(f"{heading}\n\nThe page has moved for good.\n\n### 404 Not Found\n\nGone.\n")
    assert [(r.code, r.name, r.text) for r in records] == [(301, "", "The page has moved for good."),
                                                          (308, "", "The page has moved for good."), (404, "Not Found", "Gone.")]
    assert problems == []


@pytest.mark.parametrize("text, entries, problems", [
    ("| No | HTTP Status | Message |\n| --- | --- | --- |\n| 1 | 200 | OK |\n| 4 | 404 | Not Found |\n",
     [(200, "OK", ""), (404, "Not Found", "")], []),  # `No` is a row number, not a typo of a name word
    ("| Test case | Status | Notes |\n| --- | --- | --- |\n| Login | ✅ 200 | fine |\n| Logout | ❌ 401 | odd |\n", [], []),
    ("| Status | Note |\n|---|---|\n| 408 | Retry later |\n| 429 | Honour Retry-After |\n", [(408, "", "Retry later"),
     (429, "", "Honour Retry-After")], []),
    ("| Cdoe | Nmae |\n|---|---|\n| 200 | OK |\n", [(200, "OK", "")], []),  # typos of English headers are forgiven
    ("| Home | Code | Name |\n|---|---|---|\n| x | 200 | OK |\n", [(200, "OK", "")], []),  # but not near-misses of `nome`
    ("- 200 -> OK (e.g. GET -> HEAD)\n- 410 -> Gone (see 404 -> 410)\n", [(200, "OK", "e.g. GET -> HEAD"), (410, "Gone", "see 404 -> 410")], []),
    ("| Setting | Value | Description |\n| --- | --- | --- |\n| Upload | 500 MB | Largest file |\n", [], []),
    ("- 302 Found (POST -> GET in practice)\n- 303 See Other (any method -> GET)\n", [(302, "Found", ""), (303, "See Other", "any method -> GET")], []),
    ("- 3 retries, then give up\n- 30 seconds max backoff\n- 429 Too Many Requests: honour Retry-After\n- 503 Service Unavailable: wait\n",
     [(429, "Too Many Requests", "honour Retry-After"), (503, "Service Unavailable", "wait")],
     [(2, "30 is not a status code: codes run from 100 to 599")]),  # `3` is a count, as before
    ("- 🕐 100 requests per minute\n- 📦 500 MB per upload\n", [], []),
    ("## 🚀 100 Days of Uptime\n\nThanks.\n\n## ⭐ 500 Stars on GitHub\n\nWow.\n", [], []),
    ("## Error 403 When Uploading Files\n\nCheck the bucket policy.\n", [], []),  # one such heading: a tutorial's
    ("## Error 403 When Uploading Files\n\nCheck it.\n\n## Status 200 But Empty Body\n\nPurge.\n\n## HTTP 404 Errors\n\nx\n", [], []),
    ("## 404 Not Found\n\nNothing here.\n\n### Error 404 Examples\n\nA typo.\n\n### HTTP 404 Pages in Nginx\n\nUse try_files.\n",
     [(404, "Not Found", "Nothing here.\n\n### Error 404 Examples\n\nA typo.\n\n### HTTP 404 Pages in Nginx\n\nUse try_files.")], []),
    ("### 410 [MDN](https://e.example)\n\nGone.\n\n### 411 [RFC 9110 §15.5.12](https://e.example)\n\nLength.\n",
     [(410, "", "Gone."), (411, "", "Length.")], []),
    ("| Code | Name | Description |\n| --- | --- | --- |\n| 4XX | 4XX Errors | The client's fault. |\n| 404 | Not Found | Gone. |\n",
     [(404, "Not Found", "Gone.")], []),
    ("## Client\n\n- 404 Not Found: x\n\n## Server\n\n- 503 Service Unavailable: y\n- 404 Not Found: z\n", [(404, "Not Found", "x"),
     (503, "Service Unavailable", "y"), (404, "Not Found", "z")], [(8, "404 is under the 5xx class heading on line 5")]),
])
def test_what_the_rules_for_real_shapes_still_leave_alone(text, entries, problems):
    """Each case was read this way before the rules for real shapes came, and is still."""
    records, found, _ = read(text)
    assert [(r.code, r.name, r.text) for r in records if isinstance(r, Entry)] == entries
    assert [p for p in found if "given again" not in p[1]] == problems


@pytest.mark.parametrize("cell, text", [
    ("Never put `<br>` in an id.", "Never put `<br>` in an id."),
    ("Token expired.<br>", "Token expired."),
    ("One.<br>Two.<BR/>Three.", "One.\\\nTwo.\\\nThree."),
])
def test_a_break_in_a_cell_is_a_line_break_but_in_code_or_at_its_end(cell, text):
    from statusref.readers import cell_breaks

    assert cell_breaks(cell) == text


def test_a_flag_given_twice_is_kept_once_as_first_written():
    from statusref.readers import entry_of

    assert entry_of(102, "Processing (Deprecated) (WebDAV) (deprecated)", "x", 1).qualifiers == ("Deprecated", "WebDAV")


OTHER_HEADERS = {  # Spanish, Portuguese, French, German and Italian header words, as tables in those languages use them
    "code": ("Código", "Codigo", "Estado", "Statuscode", "Codice"),
    "name": ("Nombre", "Significado", "Nome", "Nom", "Signification", "Bedeutung", "Significato", "Mensaje", "Mensagem"),
    "description": ("Descripción", "Descripcion", "Descrição", "Descricao", "Beschreibung", "Descrizione", "Explicación"),
}


def other_language_tables():
    """A table for each header word of another language, in the column its role gives it."""
    shapes = {"code": "| {} | Name | Notes |", "name": "| Code | {} | Notes |", "description": "| Code | Name | {} |"}
    return [(shapes[role].format(word), role) for role, words in OTHER_HEADERS.items() for word in words]


@pytest.mark.parametrize("header, role", other_language_tables())
def test_each_header_word_of_another_language_plays_its_role(header, role):
    records, problems, _ = read(f"{header}\n| --- | --- | --- |\n| 404 | Not Found | Gone. |\n")
    assert [(r.code, r.name, r.text) for r in records] == [(404, "Not Found", "Gone.")] and problems == []
