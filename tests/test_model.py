"""Facts of the model built from the real content/."""
import re
from dataclasses import fields

import pytest

from helpers import CONTENT, SHARED, entries
from statusref.sources import load_all

REGISTRY = SHARED / "reference" / "iana-http-status-codes.md"
REGISTERED = {
    100: "Continue", 101: "Switching Protocols", 102: "Processing", 103: "Early Hints", 200: "OK", 201: "Created",
    202: "Accepted", 203: "Non-Authoritative Information", 204: "No Content", 205: "Reset Content",
    206: "Partial Content", 207: "Multi-Status", 208: "Already Reported", 226: "IM Used", 300: "Multiple Choices",
    301: "Moved Permanently", 302: "Found", 303: "See Other", 304: "Not Modified", 305: "Use Proxy",
    306: None, 307: "Temporary Redirect", 308: "Permanent Redirect", 400: "Bad Request", 401: "Unauthorized",
    402: "Payment Required", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed", 406: "Not Acceptable",
    407: "Proxy Authentication Required", 408: "Request Timeout", 409: "Conflict", 410: "Gone",
    411: "Length Required", 412: "Precondition Failed", 413: "Content Too Large", 414: "URI Too Long",
    415: "Unsupported Media Type", 416: "Range Not Satisfiable", 417: "Expectation Failed", 418: None,
    421: "Misdirected Request", 422: "Unprocessable Content", 423: "Locked", 424: "Failed Dependency",
    425: "Too Early", 426: "Upgrade Required", 428: "Precondition Required", 429: "Too Many Requests",
    431: "Request Header Fields Too Large", 451: "Unavailable For Legal Reasons", 500: "Internal Server Error",
    501: "Not Implemented", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout",
    505: "HTTP Version Not Supported", 506: "Variant Also Negotiates", 507: "Insufficient Storage",
    508: "Loop Detected", 510: "Not Extended", 511: "Network Authentication Required",
}


def test_the_62_source_codes_plus_511(model):
    described = {e.code for e in entries([p for p in load_all(CONTENT) if not p.source.registry])}
    assert len(described) == 62
    assert {c.code for c in model.codes if "unofficial" not in c.flags} == described | {511} == set(REGISTERED)
    vendors = {c.code for c in model.codes if "unofficial" in c.flags}
    assert vendors and all(model.source(s).role in ("vendor", "constants") for n in vendors for s in model.code(n).sources)


def test_every_registered_code_has_its_official_phrase(model):
    for number, phrase in REGISTERED.items():
        code = model.code(number)
        assert code.reference is not None and "unofficial" not in code.flags
        if phrase:
            assert code.title == phrase
            assert code.names[0].kind == "official" and "iana-registry" in code.names[0].sources


def test_413_former_name_and_who_used_it(model):
    former = {n.text: n.sources for n in model.code(413).former_names}
    assert "wiki-table" in former["Request Entity Too Large"]
    assert "Payload Too Large" in former
    assert model.code(413).title == "Content Too Large"


def test_unused_codes_keep_the_name_their_sources_give(model):
    teapot = model.code(418)
    assert teapot.title == "I'm a teapot" and "unused" in teapot.flags
    assert "response-status-codes" in teapot.names[0].sources


def test_flags_from_qualifiers_and_registry(model):
    assert "deprecated" in model.code(102).flags
    assert "experimental" in model.code(425).flags
    assert "obsoleted" in model.code(510).flags
    assert "unused" in model.code(306).flags
    assert model.code(207).extension == "WebDAV" and model.code(226).extension == "HTTP Delta encoding"
    assert all("(" not in c.title for c in model.codes)


def test_511_is_in_the_model_without_descriptions(model):
    code = model.code(511)
    assert code.title == "Network Authentication Required" and model.descriptions[511] == ()
    assert code.reference.url == "https://www.rfc-editor.org/rfc/rfc6585"


def test_200_keeps_its_method_notes(model):
    text = next(d.text for d in model.descriptions[200] if d.source == "response-status-codes")
    for method in ("GET", "HEAD", "PUT or POST", "TRACE"):
        assert f"- **{method}**:" in text


def test_one_description_per_source_that_mentions_a_code(model):
    parsed = load_all(CONTENT)
    for code in model.codes:
        expected = sorted(p.source.id for p in parsed if not p.source.registry and code.code in {e.code for e in entries([p])})
        assert sorted(d.source for d in model.descriptions[code.code]) == expected, code.code
        assert all(d.line > 0 and d.text for d in model.descriptions[code.code])


def test_no_mojibake_or_wiki_leftovers_anywhere(model):
    text = repr(model)
    assert "â€" not in text and "[citation needed]" not in text and "Ã" not in text


def test_classes_follow_rfc_9110(model):
    assert [(c.label, c.name, c.section) for c in model.classes] == [
        ("1xx", "Informational", "15.2"), ("2xx", "Successful", "15.3"), ("3xx", "Redirection", "15.4"),
        ("4xx", "Client Error", "15.5"), ("5xx", "Server Error", "15.6"),
    ]
    assert sum(len(c.codes) for c in model.classes) == len(model.codes) > 63


def test_real_content_reads_without_problems(model):
    assert model.problems == ()


def test_sources_in_content_are_the_originals_unchanged():
    originals = SHARED / "sources"
    assert originals.is_dir(), "the original sources are in ../shared/sources beside this checkout"
    mine = {p.read_bytes() for p in CONTENT.glob("*.md")}
    for original in originals.glob("0*"):
        assert original.read_bytes() in mine, original.name


def test_registry_document_matches_the_reference(model):
    assert REGISTRY.is_file(), "the registry reference is in ../shared/reference beside this checkout"
    rows = re.findall(r"^\| (\d{3}) \| ([^|]+?) \|", REGISTRY.read_text(), re.M)
    assert len(rows) == 63
    for number, phrase in rows:
        if "(" not in phrase:
            assert model.code(int(number)).title == phrase


@pytest.mark.parametrize("name, least", [("model", 16), ("sources", 3), ("render", 2), ("site", 1)])
def test_the_model_and_what_stages_hand_on_are_immutable(name, least):
    import dataclasses
    import importlib

    module = importlib.import_module(f"statusref.{name}")
    kinds = [k for k in vars(module).values() if isinstance(k, type) and dataclasses.is_dataclass(k) and k.__module__ == module.__name__]
    assert len(kinds) >= least
    for kind in kinds:
        values = {f.name: None for f in dataclasses.fields(kind)}
        one = kind(**values)
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(one, dataclasses.fields(kind)[0].name, 1)


def test_each_class_says_what_rfc_9110_says_it_means(model):
    meanings = [c.meaning for c in model.classes]
    assert meanings == [
        "The request was received, continuing process.",
        "The request was successfully received, understood, and accepted.",
        "Further action needs to be taken in order to complete the request.",
        "The request contains bad syntax or cannot be fulfilled.",
        "The server failed to fulfill an apparently valid request.",
    ]


def test_records_with_fields_easy_to_swap_are_built_by_keyword_only():
    from statusref.model import Compared, Constant, Description, Fact, Protocol, Reference, Source, Spelled, VendorMeaning

    fact = Fact(code=204, headers=(), content=False, cacheable=True, origin="RFC 9110", line=3)
    for kind, values in [
        (Fact, (204, (), False, True, "RFC 9110", 3)),
        (Compared, ("a", "b", (301,), "x", "c")),
        (Source, ("id", "path.md", "Title")),
        (Protocol, (fact, Reference("RFC 9110", ""), "facts")),
        (Spelled, ("python", Constant(204, "NO_CONTENT", 1), "py")),
        (VendorMeaning, ("nginx", "No Response", Description("n", 1, "x"))),
    ]:
        with pytest.raises(TypeError):
            kind(*values)
        assert kind(**dict(zip([f.name for f in fields(kind)], values)))
    with pytest.raises(TypeError):
        Constant(413, "CONTENT_TOO_LARGE", 1, "3.13")
    assert Constant(413, "CONTENT_TOO_LARGE", 1, since="3.13").since == "3.13"
