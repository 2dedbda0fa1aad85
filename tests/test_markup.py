"""statusref.markup: same HTML as stock markdown-it, without its slow link-label walks."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
import markdown_it.helpers
from markdown_it import MarkdownIt

from statusref.markup import markdown

STOCK = MarkdownIt("js-default")
OURS = markdown()

PIECES = [
    "[", "]", "(", ")", "![", "x", " ", "\n", "`", "<", ">", "\\", '"', "'", "*",
    "http://a.b", "[a]: /u", "\n\n", "[a]", "](u)", "&amp;", "_",
]

CASES = [
    "[a [b] c](u)",
    "[a [b](v) c](u)",
    "[![img](i.png)](u)",
    "![a [b] c](i.png)",
    "![a [b](u) c](i.png)",
    "[x][y]\n\n[y]: /why",
    "[x][]\n\n[x]: /ex",
    "[x]\n\n[x]: /ex 'title'",
    "[x][y] [y][x]\n\n[x]: /a\n[y]: /b",
    "[[x]][y]\n\n[y]: /why",
    "[[[[foo]()",
    "[[[[foo]](u)",
    "[foo `]` bar](u)",
    "`[` [a](u) `]`",
    "[a <http://x.y/]> b](u)",
    "<http://a.b/[x]> [c](d)",
    "\\[a](u)",
    "[a\\]](u)",
    "[a\\[b](u)",
    "[a](u) [b] [c](v) [[d]] e]",
    "[" * 101 + "foo]()",
    "[" * 99 + "foo" + "]" * 99 + "(u)",
    "[a\nb](u)\n\nc [d\n\n[e](f)",
    "*[a*](u) [b *c](v)*",
]

PATHOLOGICAL = {
    "open": "[" * 100_000,
    "lines of 99": ("[" * 99 + "\n") * 1000,
    "bracket a": "[a" * 50_000,
    "image opens": "![" * 50_000,
    "opens then closes": "[" * 50_000 + "]" * 50_000,
    "empty links": "[](" * 33_000,
    "labels": "[x]" * 33_000,
}


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=60).map("".join))
def test_same_output_as_stock(text):
    """Any mix of link syntax renders exactly as stock markdown-it renders it."""
    assert OURS.render(text) == STOCK.render(text)


@pytest.mark.parametrize("text", CASES)
def test_hand_written_cases_match_stock(text):
    """Nested links, images, references, code spans, autolinks and escapes render as stock."""
    assert OURS.render(text) == STOCK.render(text)


@pytest.mark.parametrize("name", PATHOLOGICAL)
def test_small_pathological_inputs_match_stock(name):
    """A 5 KB cut of each pathological shape renders exactly as stock."""
    text = PATHOLOGICAL[name][:5000]
    assert OURS.render(text) == STOCK.render(text)


@pytest.mark.parametrize("name", PATHOLOGICAL)
def test_pathological_inputs_keep_their_brackets(name):
    """Each 100 KB pathological input renders, its brackets left as text."""
    text = PATHOLOGICAL[name]
    html = markdown().render(text)
    for bracket in "[]()!":
        assert html.count(bracket) == text.count(bracket)
    assert html.startswith("<p>" + text[:300])
    assert html.rstrip().endswith(text.rstrip()[-300:] + "</p>")


def test_helpers_are_replaced_per_instance():
    """markdown() swaps the helpers of its own instance only, not markdown-it's module."""
    md = markdown()
    assert md.helpers is not markdown_it.helpers
    assert markdown_it.helpers.parseLinkLabel.__module__ == "markdown_it.helpers.parse_link_label"
    assert MarkdownIt("js-default").helpers is markdown_it.helpers
    assert md.helpers.parseLinkDestination is markdown_it.helpers.parseLinkDestination
    assert md.helpers.parseLinkTitle is markdown_it.helpers.parseLinkTitle


@pytest.mark.parametrize("text", ["[a [b](c) d]", "[x [y [z](1)](2)]", "[[a](b)]"])
def test_a_label_walked_with_nesting_is_not_believed_by_a_walk_without(text):
    """A label holding a link closes for an image (nesting allowed) but not for a link: what the first walk learned
    must not answer the second, whichever comes first."""
    from markdown_it import helpers
    from markdown_it.rules_inline import StateInline

    from statusref.markup import parse_link_label

    for order in ((False, True), (True, False)):
        ours, stock = StateInline(text, OURS, {}, []), StateInline(text, STOCK, {}, [])
        for nested in order:
            assert parse_link_label(ours, 0, nested) == helpers.parseLinkLabel(stock, 0, nested), (order, nested)
