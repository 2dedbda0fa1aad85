"""Leads: the code and name at the start of a heading, item, row or line."""
import pytest

from statusref.leads import (bold_lead, class_label, drop_marker, entry_like, is_code, parse_lead, plain_lead,
                             range_lead, split_lead)


@pytest.mark.parametrize("token, code, label", [
    ("404", True, None),
    ("4xx", False, 4),
    ("1XX", False, 1),
    ("6xx", False, None),
    ("4x", False, None),
    ("4xxx", False, None),
    ("099", False, None),
    ("600", False, None),
    ("४०४", False, None),
])
def test_codes_and_class_labels(token, code, label):
    assert is_code(token) is code
    assert class_label(token) == label


@pytest.mark.parametrize("text, lead", [
    ("404 Not Found", ("404", "Not Found")),
    ("404: Not Found", ("404", "Not Found")),
    ("404:Not Found", ("404", "Not Found")),
    ("`404` - Not Found", ("404", "Not Found")),
    ("404 - Not Found", ("404", "Not Found")),
    ("404 \u2014 Not Found", ("404", "Not Found")),
    ("404 -> Not Found", ("404", "Not Found")),
    ("404 \u2192 Not Found", ("404", "Not Found")),
    ("404", ("404", "")),
    ("404abc", ("404abc", "")),
    ("404`x", None),
    ("Not Found", None),
])
def test_parse_lead(text, lead):
    assert parse_lead(text) == lead


@pytest.mark.parametrize("content, result", [
    ("404 Not Found: The page is gone.", ("404 Not Found", "The page is gone.")),
    ("404: Not Found - The page is gone.", ("404 Not Found", "The page is gone.")),
    ("404: The page is gone.", ("404", "The page is gone.")),
    ("**404 Not Found**: The page is gone.", ("404 Not Found", "The page is gone.")),
    ("**404** Not Found: The page is gone.", ("404 Not Found", "The page is gone.")),
    ("Not Found - The page is gone.", ("Not Found", "The page is gone.")),
])
def test_split_lead(content, result):
    assert split_lead(content) == result


@pytest.mark.parametrize("text, result", [
    ("**404 Not Found**: gone", ("404 Not Found", ": gone")),
    ("__404__ rest", ("404", " rest")),
    ("**404 never closed", None),
    ("404 plain", None),
])
def test_bold_lead(text, result):
    assert bold_lead(text) == result


@pytest.mark.parametrize("content, result", [
    ("Foo: bar", ("Foo", ": bar")),
    ("Foo:", ("Foo", ":")),
    ("Foo:bar baz", ("Foo:bar baz", "")),
    ("Foo - bar", ("Foo", " - bar")),
    ("Foo -", ("Foo -", "")),
    ("Foo - ", ("Foo", " - ")),
    ("Foo-bar baz", ("Foo-bar baz", "")),
    ("Foo bar\nnext: line", ("Foo bar", "\nnext: line")),
])
def test_plain_lead(content, result):
    assert plain_lead(content) == result


@pytest.mark.parametrize("text, result", [
    ("- item", "item"),
    ("12. item", "item"),
    ("3) item", "item"),
    (". x", ". x"),
    ("12.5 percent", "12.5 percent"),
    ("plain", "plain"),
    ("XX) not a number", "XX) not a number"),
])
def test_drop_marker(text, result):
    assert drop_marker(text) == result


@pytest.mark.parametrize("line, code", [
    ("404 | Not Found", "404"),
    ("`404`: gone", "404"),
    ("| `404` | Not Found", "404"),
    ("40A: odd", "40A"),
    ("404: gone", "404"),
    ("404 Not Found", "404"),
    ("404 not found", ""),
    ("40 | Forty", "40"),
    ("4 | Four", ""),
    ("Not a code", ""),
])
def test_entry_like(line, code):
    assert entry_like(line) == code


@pytest.mark.parametrize("text, is_range", [
    ("100 - 199", True),
    ("1xx-5xx", True),
    ("104 to 199", True),
    ("104-199\u00a0Unassigned", True),
    ("200 range", True),
    ("416 Range Not Satisfiable", False),
    ("100 - abc", False),
    ("404 Not Found", False),
    ("Not Found", False),
    ("**400**-**499**", True),
    ("300 X-300 header", False),
])
def test_range_lead(text, is_range):
    assert range_lead(text) is is_range


@pytest.mark.parametrize("text, lead", [
    ("✅ 200 OK", ("200", "OK")),
    ("💥 500 Internal Server Error", ("500", "Internal Server Error")),
    ("HTTP 401 Unauthorized", ("401", "Unauthorized")),
    ("Error 403: Forbidden", ("403", "Forbidden")),
    ("🔍 Status 404 - Not Found", ("404", "Not Found")),
    ("HTTP/1.1 404 Not Found", ("404", "Not Found")),
    ("HTTP status code 429 Too Many Requests", ("429", "Too Many Requests")),
    ("✅ `200` OK", ("200", "OK")),
    ("Status codes to know", None),  # the words alone lead with no code
    ("🔥 2024 news", None),  # a symbol before a number that is no code stays: no lead
    ("🔥 2024 News", None),
    ("Status 2024", None),
    ("HTTP 4xx", None),
])
def test_emoji_and_words_before_a_code_are_left_out_of_its_lead(text, lead):
    assert parse_lead(text, words=True) == lead


@pytest.mark.parametrize("text, words, lead", [
    ("HTTP 401 Unauthorized", False, None),  # an item: words before a code make prose (`- HTTP 404 errors in...`)
    ("✅ 200 OK", False, ("200", "OK")),  # but emoji are left out everywhere
    ("HTTP 404 errors in the crawl report", True, None),  # no name follows the words as a name does
    ("Response 200 (application/json)", True, None),  # an API Blueprint response
    ("HTTP 404", True, ("404", "")),
])
def test_words_before_a_code_are_left_out_only_where_asked_and_before_a_name(text, words, lead):
    assert parse_lead(text, words=words) == lead


@pytest.mark.parametrize("name, kept", [("I'm a teapot 🫖", "I'm a teapot"), ("⚠️ Gone", "Gone"), ("Not Found", "Not Found"),
                                        ("Café", "Café"), ("🫖", "")])
def test_emoji_around_a_name_are_left_out(name, kept):
    from statusref.leads import undecorated_name

    assert undecorated_name(name) == kept


@pytest.mark.parametrize("item, split", [
    ("100 Continue → send the body now.", ("100 Continue", "send the body now.")),
    ("404 Not Found -> nothing here", ("404 Not Found", "nothing here")),
    ("500 Internal Server Error => it broke", ("500 Internal Server Error", "it broke")),
    ("**200 OK** → it worked.", ("200 OK", "it worked.")),
    ("302 Found->x", ("302 Found->x", "")),  # an arrow without spaces is no separator
    ("301 Moved Permanently (POST → GET) → it moved.", ("301 Moved Permanently (POST → GET)", "it moved.")),
])
def test_an_arrow_separates_a_lead_from_its_description(item, split):
    assert split_lead(item) == split
