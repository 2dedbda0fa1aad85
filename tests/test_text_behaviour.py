"""Text helpers: decoding bytes, wiki leftovers, names and qualifiers, sentences, macros, attribute lists."""
import pytest

from statusref.text import (clean_name, decode, drop_controls, drop_macros, drop_wiki_notes, first_sentence, macros_in, normalise,
                            shorten, split_qualifiers, strip_separator, without_attributes)


@pytest.mark.parametrize("data, result", [
    ("hello\n".encode("utf-8"), ("hello\n", 0, "")),
    ("\ufeffhello".encode("utf-8"), ("hello", 0, "")),
    (b"\xff\xfe" + "hi\n".encode("utf-16-le"), ("hi\n", 1, "encoded as UTF-16; read it, but save it as UTF-8")),
    (b"\xff\xfe" + "hi".encode("utf-16-le") + b"h", None),
    (b"one\ntwo\nthr\xe9e\n", ("one\ntwo\nthr\u00e9e\n", 3, "not UTF-8; read as Windows-1252 (Latin-1), save it as UTF-8")),
    (b"caf\xe9", ("caf\u00e9", 1, "not UTF-8; read as Windows-1252 (Latin-1), save it as UTF-8")),
    (b"a\nb\x00c", ("", 1, "binary file, not text; skipped")),
])
def test_decode(data, result):
    if result is None:  # an odd number of UTF-16 bytes
        text, line, message = decode(data)
        assert text.startswith("hi") and line == 1
        assert message == "encoded as UTF-16; read it, but save it as UTF-8; its last byte is incomplete"
    else:
        assert decode(data) == result


def test_bytes_no_codepage_reads_are_replaced_at_their_line():
    text, line, message = decode(b"ok\nok\n\x81\x8d bad\n")  # bytes Windows-1252 leaves undefined
    assert (text, line, message) == ("ok\nok\n\ufffd\ufffd bad\n", 3, "invalid UTF-8 bytes, replaced with U+FFFD")


@pytest.mark.parametrize("text, kept", [
    ("Gone [citation needed] for good [12].", "Gone for good."),
    ("No notes here.", "No notes here."),
    ("List [a] and [1234] stay", "List [a] and [1234] stay"),
    ("[3]Start and end[4]", "Start and end"),
    ("Send [403](#403-forbidden) or [404][gone] instead [5].", "Send [403](#403-forbidden) or [404][gone] instead."),
    ("Not Found[1][2] and jokes.[citation needed][6]", "Not Found and jokes."),
])
def test_wiki_notes_are_dropped(text, kept):
    assert drop_wiki_notes(text) == kept


@pytest.mark.parametrize("raw, result", [
    ("Locked (WebDAV)", ("Locked", ("WebDAV",))),
    ("**Processing** (WebDAV; RFC 2518) (deprecated)", ("Processing", ("WebDAV; RFC 2518", "deprecated"))),
    ("Deprecated", ("", ("Deprecated",))),
    ("Odd)", ("Odd)", ())),
    ("A (b) c", ("A (b) c", ())),
    ("Teapot: (unofficial)", ("Teapot", ("unofficial",))),
    ("Locked (WebDAV)(Deprecated)", ("Locked", ("WebDAV", "Deprecated"))),
])
def test_names_and_their_qualifiers(raw, result):
    assert clean_name(raw) == result


@pytest.mark.parametrize("qualifiers, flags, extensions", [
    (("Unofficial", "WebDAV"), {"unofficial"}, ["WebDAV"]),
    (("non-standard", "obsolete"), {"unofficial", "obsoleted"}, []),
    (("Experimental", "deprecated", "unused"), {"experimental", "deprecated", "unused"}, []),
])
def test_qualifiers_sort_into_flags_and_extensions(qualifiers, flags, extensions):
    assert split_qualifiers(qualifiers) == (flags, extensions)


@pytest.mark.parametrize("plain, first", [
    ("One thing. Another thing.", "One thing."),
    ("Use A vs. B here. Next.", "Use A vs. B here."),
    ("Codes, e.g. This one, vary. More.", "Codes, e.g. This one, vary."),
    ("See no. Five first. Then more.", "See no. Five first."),
    ("Errors, i.e. Timeouts, count. More.", "Errors, i.e. Timeouts, count."),
    ("Redirects, etc. And more. Last.", "Redirects, etc. And more."),
    ("Compare cf. Section 9 here. Next.", "Compare cf. Section 9 here."),
    ("About approx. Ten seconds. Next.", "About approx. Ten seconds."),
    ("Errors (e.g. Timeouts) count. More.", "Errors (e.g. Timeouts) count."),
    ("Only one sentence", "Only one sentence"),
    ("E.g. Nothing ends here. Next.", "E.g. Nothing ends here."),
    (" E.g. Nothing ends here either. Next.", " E.g. Nothing ends here either."),  # the word after a leading space
])
def test_first_sentence(plain, first):
    assert first_sentence(plain) == first


@pytest.mark.parametrize("length, shortened", [(160, False), (161, True)])
def test_a_first_sentence_is_cut_at_a_word_from_160_characters(length, shortened):
    plain = "a " * ((length - 1) // 2) + "b" * (2 - length % 2)
    assert len(plain) == length
    assert first_sentence(plain) == (("a " * 79).rstrip() + "…" if shortened else plain)


@pytest.mark.parametrize("text, result", [
    (" : text", "text"),
    ("- text", "text"),
    ("\u2014 text", "text"),
    ("text: more", "text: more"),
    ("", ""),
])
def test_strip_separator(text, result):
    assert strip_separator(text) == result


@pytest.mark.parametrize("text, result", [
    ("see {{HTTPStatus(404)}} and {% raw %}the end", ("see 404 and the end", 2)),
    ("{{deprecated_inline}} Gone", (" (Deprecated) Gone", 1)),
    ("a {{ cssxref(\"color\") }} b", ("a color b", 1)),
    ("{{< ref x >}} plain", (" plain", 1)),
    ("no macros {here", ("no macros {here", 0)),
])
def test_macros_in(text, result):
    assert macros_in(text) == result


def test_drop_macros_counts_them_and_names_the_first_line():
    text = "Intro\n\nUse {{HTTPStatus(404)}} or {{HTTPStatus(410)}}.\n`{{kept}}` here\n```\n{{also kept}}\n```\nEnd {% x %}"
    kept, count, first = drop_macros(text)
    assert (count, first) == (3, 3)
    assert kept == "Intro\n\nUse 404 or 410.\n`{{kept}}` here\n```\n{{also kept}}\n```\nEnd "


@pytest.mark.parametrize("fence", ["```", "~~~"])
def test_macros_in_fenced_code_of_either_kind_are_kept(fence):
    text = f"Before\n{fence}\n{{{{kept}}}} {{% also %}}\n{fence}\nAfter {{{{HTTPStatus(404)}}}}"
    assert drop_macros(text) == (text.replace("{{HTTPStatus(404)}}", "404"), 1, 5)


@pytest.mark.parametrize("text", ["Write {%} as it is", "A lone {{} stays", "Braces {} and %}{% stay"])
def test_marks_that_close_nothing_are_no_macros(text):
    assert drop_macros(text) == (text, 0, 0)


@pytest.mark.parametrize("text, result", [
    ("The \ufb01le is gone, \uff11\uff12 times, cafe\u0301.", "The \ufb01le is gone, \uff11\uff12 times, cafe\u0301."),
    ("Line one\r\nLine two\rthree", "Line one\nLine two\nthree"),
    ("The server doesn\u00e2\u20ac\u2122t know.", "The server doesn\u2019t know."),
])
def test_only_text_showing_mojibake_is_repaired(text, result):
    assert normalise(text) == result


@pytest.mark.parametrize("macro, words", [
    ("{{deprecated_inline}}", " (Deprecated)"), ("{{experimental_inline}}", " (Experimental)"),
    ("{{non-standard_inline}}", " (Non-standard)"),
])
def test_flag_macros_become_the_flag_they_stand_for(macro, words):
    assert drop_macros(f"- 418 I'm a teapot{macro}: text")[0] == f"- 418 I'm a teapot{words}: text"


@pytest.mark.parametrize("text, result", [
    ("Title {#id}", "Title"),
    ("Title {: .cls}  ", "Title"),
    ("{#only}", ""),
    ("a{#id}", "a{#id}"),
    ("Title {x}", "Title {x}"),
    ("#1 item}", "#1 item}"),
    ("Plain", "Plain"),
])
def test_without_attributes(text, result):
    assert without_attributes(text) == result


@pytest.mark.parametrize("text, limit, result", [
    ("short", 10, "short"),
    ("exactly10!", 10, "exactly10!"),
    ("aaaa bbb cccc", 10, "aaaa bbb…"),
    ("aaaa bbbb, cc dd", 13, "aaaa bbbb…"),
])
def test_shorten(text, limit, result):
    assert shorten(text, limit) == result
    assert len(shorten(text, limit)) <= limit


@pytest.mark.parametrize("text, kept, line", [
    ("plain\ttext\nand\fa form feed\n", "plain\ttext\nand\fa form feed\n", 0),
    ("one\ntwo\x1b[1m\x07\n\x00three\x7f\x9f\x0b", "one\ntwo[1m\nthree", 2),
    ("\x08", "", 1),
    ("\xa0no-break space and \u2028 stay", "\xa0no-break space and \u2028 stay", 0),
])
def test_controls_html_cannot_show_are_dropped_from_the_first_line_on(text, kept, line):
    assert drop_controls(text) == (kept, line)


@pytest.mark.parametrize("text, shown", [
    ('In {{RFC("2518")}} and {{rfc(9110, "Not Found", "15.5.5")}}.', "In RFC 2518 and RFC 9110."),
    ('{{RFC("draft")}} gone', " gone"),
])
def test_an_rfc_macro_shows_the_rfc_it_names(text, shown):
    assert drop_macros(text)[0] == shown


def test_banner_macros_give_their_flags():
    from statusref.text import header_flags

    assert header_flags("{{HTTPSidebar}}{{Deprecated_Header}}\n{{SeeCompatTable}}") == ("deprecated", "experimental")
    assert header_flags("{{deprecated_inline}} only") == ()
