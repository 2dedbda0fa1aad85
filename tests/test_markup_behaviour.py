"""Descriptions as HTML: raw HTML shown as text with a warning, unsafe links refused, known codes linked."""
import pytest
from markdown_it import MarkdownIt
from mdit_py_plugins.deflist import deflist_plugin

from statusref.markup import markdown, plain_text, render_description

KNOWN = frozenset({200, 404, 410})


def render(text, code=200):
    return render_description(text, code, KNOWN, lambda n: f"/{n}/")


@pytest.mark.parametrize("text, html, mentions, warnings", [
    ("Plain words.", "<p>Plain words.</p>\n", (), ()),
    ("See [the spec](https://example.com/spec).", '<p>See <a href="https://example.com/spec">the spec</a>.</p>\n', (), ()),
    ("Mail [us](mailto:a@example.com).", '<p>Mail <a href="mailto:a@example.com">us</a>.</p>\n', (), ()),
    ("Like 404 but not 418.", '<p>Like <a href="/404/" class="code-ref">404</a> but not 418.</p>\n', (404,), ()),
    ("Itself: 200.", "<p>Itself: 200.</p>\n", (), ()),
    ("See [Gone](#410-gone).", '<p>See <a href="/410/" class="code-ref">Gone</a>.</p>\n', (410,), ()),
    ("See [me](#200-ok) and [x](other.html).", "<p>See me and x.</p>\n", (), ()),
    ("Not 404 in `code 404` or [404 link](https://e.com/404).",
     '<p>Not <a href="/404/" class="code-ref">404</a> in <code>code 404</code> or '
     '<a href="https://e.com/404">404 link</a>.</p>\n', (404,), ()),
    ("Some *emph* and **strong** 410.",
     '<p>Some <em>emph</em> and <strong>strong</strong> <a href="/410/" class="code-ref">410</a>.</p>\n', (410,), ()),
    ("A <cite>Book</cite> here.", "<p>A Book here.</p>\n", (), ("raw HTML <cite> is dropped; the text inside it is kept",)),
    ("A <span class=x>bit</span>.", "<p>A bit.</p>\n", (), ("raw HTML <span> is dropped; the text inside it is kept",)),
    ("Run <script>x()</script>.", "<p>Run &lt;script&gt;x()&lt;/script&gt;.</p>\n", (),
     ("raw HTML <script> is shown as text, not run",)),
    ("a <!-- note --> b", "<p>a &lt;!-- note --&gt; b</p>\n", (), ("raw HTML <!-- is shown as text, not run",)),
    ("Click [me](javascript:alert(1)).", "<p>Click [me](javascript:alert(1)).</p>\n", (),
     ("unsafe javascript: link is dropped and shown as text",)),
    ("Text with attributes {#anchor}", "<p>Text with attributes</p>\n", (), ()),
    ("First.\n\n{: .note}\n\nSecond.", "<p>First.</p>\n<p>Second.</p>\n", (), ()),
    ("| Code | Note |\n| --- | --- |\n| 418 | a {#x} |",
     "<table>\n<thead>\n<tr>\n<th>Code</th>\n<th>Note</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>418</td>\n"
     "<td>a {#x}</td>\n</tr>\n</tbody>\n</table>\n", (), ()),
    ("#\n\nText.", "<h1></h1>\n<p>Text.</p>\n", (), ()),
    ("| a | b |\n| ---: | :---: |\n| 1 | 2 |",  # classes: the pages' policy refuses style attributes
     '<table>\n<thead>\n<tr>\n<th class="align-right">a</th>\n<th class="align-center">b</th>\n</tr>\n</thead>\n<tbody>\n'
     '<tr>\n<td class="align-right">1</td>\n<td class="align-center">2</td>\n</tr>\n</tbody>\n</table>\n', (), ()),
    ("> [!NOTE]\n> Browsers show their own page.", "<blockquote>\n<p><strong>Note:</strong> Browsers show their own page.</p>\n</blockquote>\n", (), ()),
    ("> [!warning] Careful.", "<blockquote>\n<p><strong>Warning:</strong> Careful.</p>\n</blockquote>\n", (), ()),
    ("> [!odd] Kept.", "<blockquote>\n<p>[!odd] Kept.</p>\n</blockquote>\n", (), ()),
    ("Intro.\n\n## Specifications\n\n## Browser compatibility\n\n## See also\n\n- More.",
     "<p>Intro.</p>\n<h2>See also</h2>\n<ul>\n<li>More.</li>\n</ul>\n", (), ()),
    ("## Outer\n\n### Inner\n\nText.", "<h2>Outer</h2>\n<h3>Inner</h3>\n<p>Text.</p>\n", (), ()),
    ("See ![the *flow*](https://e.com/f.png) and ![map](map.png).", "<p>See the flow and map.</p>\n", (),
     ("image https://e.com/f.png is not shown (pages load no image from elsewhere); its words are kept",
      "image map.png is not shown (pages load no image from elsewhere); its words are kept")),
])
def test_render_description(text, html, mentions, warnings):
    assert render(text) == (html, mentions, warnings)


STOCK = MarkdownIt("js-default").use(deflist_plugin)


@pytest.mark.parametrize("text", [
    "[a [b](c) d](e)",
    "[a [b](c) d](e) and [f](g)",
    "[[x](y)](z) [[x](y)](z)",
    "![a [b](c) d](e)",
    "[a [b] c](d) [a [b](c)",
    "[x [y [z](1)](2)](3) [x]",
    "[one [two](t) three [four](f)](o)",
])
def test_nested_link_labels_parse_as_stock_markdown_it(text):
    assert markdown().render(text) == STOCK.render(text)


@pytest.mark.parametrize("text, plain", [
    ("Some *emph* and `code` [link](x) <b>b</b>.\n\nSecond paragraph.", "Some emph and code link b."),
    ("Line one\nline two ![an image](i.png)", "Line one line two an image"),
    ("Broken with spaces  \nand with a backslash\\\nhere.", "Broken with spaces and with a backslash here."),
])
def test_plain_text(text, plain):
    assert plain_text(text) == plain


@pytest.mark.parametrize("text", ["[" * 400 + "[a](u)" + "]" * 400, "[x" * 400 + "[a](u)" + "]" * 400, "[" * 400 + "![a](u)" * 400])
def test_runs_of_brackets_around_links_take_a_step_or_so_per_character(text, monkeypatch):
    import markdown_it.parser_inline

    steps = []
    real = markdown_it.parser_inline.ParserInline.skipToken
    monkeypatch.setattr(markdown_it.parser_inline.ParserInline, "skipToken", lambda self, state: steps.append(1) or real(self, state))
    markdown().render(text)
    assert 0 < len(steps) <= len(text)  # counted, not timed: a walk that forgot what it learnt takes 10 to 50 times more
