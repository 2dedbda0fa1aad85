"""Merging sources into one model: titles, names, flags, classes, references and the problems disagreements give."""
import pytest

from statusref.merge import build_model, make_reference
from statusref.model import Reference
from statusref.sources import load_all

REGISTRY = "---\ntitle: The Registry\ntrust: 100\nrole: registry\n---\n"


def model_of(tmp_path, documents: dict[str, str]):
    content = tmp_path / "content"
    content.mkdir()
    for name, text in documents.items():
        (content / name).write_text(text)
    return build_model(load_all(content)), content


def messages(model):
    return [(p.path.rsplit("/", 1)[-1], p.line, p.message) for p in model.problems]


def test_the_registry_gives_official_names_and_codes_it_lacks_are_unofficial(tmp_path):
    model, _ = model_of(tmp_path, {
        "reg.md": REGISTRY + "- **404 Not Found**: Gone.\n",
        "other.md": "- **404 Not Found**: Missing.\n- **499 Client Closed Request**: Nginx.\n",
    })
    assert [(c.code, c.title, c.flags) for c in model.codes] == [
        (404, "Not Found", ()), (499, "Client Closed Request", ("unofficial",))]
    assert [(n.text, n.kind) for n in model.code(404).names] == [("Not Found", "official")]
    assert model.code(404).names[0].sources == ("reg", "other")
    assert model.status_class(4).codes == (404, 499)
    assert model.status_class(2).codes == ()


def test_two_registries_are_none(tmp_path):
    model, _ = model_of(tmp_path, {
        "a.md": REGISTRY + "- **200 OK**: Fine.\n",
        "b.md": REGISTRY + "- **200 OK**: Fine.\n",
        "c.md": "- **299 Odd**: Made up.\n",
    })
    message = "role: registry is claimed by 2 documents (a.md, b.md); only one may be, so none is used"
    assert [m for m in messages(model) if m[2].startswith("role:")] == [("a.md", 1, message), ("b.md", 1, message)]
    assert [(c.code, c.flags) for c in model.codes] == [(200, ()), (299, ())]
    assert not any(s.registry for s in model.sources)


def test_a_repeat_that_only_adds_a_name_is_merged(tmp_path):
    model, _ = model_of(tmp_path, {"a.md": "- **404**: Gone.\n- **404 Not Found**\n"})
    code = model.code(404)
    assert (code.title, [d.text for d in model.descriptions[404]]) == ("Not Found", ["Gone."])
    assert messages(model) == []


def test_a_repeat_with_other_text_is_a_problem(tmp_path):
    model, _ = model_of(tmp_path, {"a.md": "- **404 Not Found**: Gone.\n- **404 Not Found**: Missing.\n"})
    assert messages(model) == [("a.md", 2, "404 is given again with different text; line 1 is kept")]


@pytest.mark.parametrize("count, more", [(2, ""), (3, ""), (5, " and 2 more")])
def test_several_repeats_with_other_text_are_one_problem_per_document(tmp_path, count, more):
    text = "- **404 Not Found**: Gone.\n- **410 Gone**: For good.\n"
    text += "".join(f"- **{404 if n % 2 else 410} Again**: Other text {n}.\n" for n in range(count))
    model, _ = model_of(tmp_path, {"a.md": text})
    shown = ", ".join(f"{404 if n % 2 else 410} on line {n + 3} (first on line {1 if n % 2 else 2})" for n in range(min(count, 3)))
    assert messages(model) == [("a.md", 3, f"{count} entries give a code again with different text, and each code's "
                                           f"first entry is kept: {shown}{more} (the first is here)")]
    assert [d.text for d in model.descriptions[410]] == ["For good."]


def test_a_long_name_is_cut_in_the_problem_that_quotes_it(tmp_path):
    long = "Page Missing " + "x " * 100
    model, _ = model_of(tmp_path, {
        "reg.md": REGISTRY + "- **404 Not Found**: Gone.\n",
        "other.md": f"- **404 {long}**: Missing.\n",
    })
    cut = "Page Missing " + " ".join(["x"] * 23) + "…"  # cut at a word, 60 characters at most
    assert messages(model) == [("other.md", 1, f"404 is named {cut!r} here but 'Not Found' in The Registry")]
    assert model.code(404).names[1].text == long.strip()


def test_one_name_given_otherwise_is_one_problem(tmp_path):
    model, _ = model_of(tmp_path, {
        "reg.md": REGISTRY + "- **404 Not Found**: Gone.\n",
        "other.md": "- **200 OK**: Fine.\n- **404 Page Missing**: Missing.\n",
    })
    assert messages(model) == [("other.md", 2, "404 is named 'Page Missing' here but 'Not Found' in The Registry")]
    assert [(n.text, n.kind, n.sources) for n in model.code(404).names] == [
        ("Not Found", "official", ("reg",)), ("Page Missing", "other", ("other",))]


@pytest.mark.parametrize("count, more", [(2, ""), (3, ""), (5, " and 2 more")])
def test_several_names_given_otherwise_are_one_problem_per_document(tmp_path, count, more):
    numbers = [400 + n for n in range(count)]
    registry = "".join(f"- **{n} Name {n}**: Text.\n" for n in numbers)
    other = "".join(f"- **{n} Other {n}**: Text.\n" for n in numbers)
    model, _ = model_of(tmp_path, {"reg.md": REGISTRY + registry, "other.md": other})
    shown = ", ".join(f"{n} 'Other {n}'" for n in numbers[:3])
    assert messages(model) == [("other.md", 1, f"{count} codes are named otherwise than in the registry or the other "
                                                f"sources: {shown}{more} (the first is here)")]


def test_a_code_known_only_by_a_former_name(tmp_path):
    model, _ = model_of(tmp_path, {
        "reg.md": REGISTRY + "- **200 OK**: Fine.\n\n## Former names\n\n| Code | Former phrase | Reference |\n"
                             "| --- | --- | --- |\n| 306 | Switch Proxy | |\n| 200 | Okay | old |\n",
    })
    assert model.code(306).title == "Switch Proxy"
    assert [(n.text, n.kind, n.sources) for n in model.code(306).names] == [("Switch Proxy", "title", ("reg",))]
    assert [(n.text, n.kind) for n in model.code(200).names] == [("OK", "official"), ("Okay", "former")]


@pytest.mark.parametrize("text, url", [
    ("RFC 9110, Section 15.5.5", "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.5"),
    ("RFC 9110 section 15", "https://www.rfc-editor.org/rfc/rfc9110#section-15"),
    ("rfc6585 Section6.5", "https://www.rfc-editor.org/rfc/rfc6585#section-6.5"),
    ("RFC 2324", "https://www.rfc-editor.org/rfc/rfc2324"),
    ("RFC 9110, Section 15.4.9XR", "https://www.rfc-editor.org/rfc/rfc9110#section-15.4.9"),  # digits and dots only
    ("Fetch Standard", ""),
    ("RFC draft", ""),
])
def test_references_link_to_the_rfc_and_its_section(text, url):
    assert make_reference(text) == Reference(text, url)
    assert make_reference("") is None


def test_a_registered_code_without_a_name_is_titled_unused_and_one_nobody_names_by_its_number(tmp_path):
    model, _ = model_of(tmp_path, {
        "reg.md": REGISTRY + "| Code | Reason phrase | Reference |\n| --- | --- | --- |\n| 306 | (Unused) | RFC 9110 |\n",
        "notes.md": "| Code | Description |\n| --- | --- |\n| 299 | Something vendors send. |\n",
    })
    assert [(c.code, c.title, c.flags) for c in model.codes] == [(299, "Status 299", ("unofficial",)), (306, "Unused", ("unused",))]
