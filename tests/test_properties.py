"""Property-based tests: random and mutated Markdown never escapes the readers but as reported problems."""
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from statusref.merge import build_model
from statusref.model import Problem
from statusref.sources import parse_source

CONTENT = Path(__file__).resolve().parent.parent / "content"
REAL = [p.read_bytes() for p in sorted(CONTENT.glob("*.md"))]
PIECES = ["|", "||", "\\|", "`", "**", "__", "- ", "  - ", "# ", "### ", "1xx", "404", "600", "4xx", "---", ":", "(", ")", "\n", "\r\n", "<script>", "[x](javascript:1)", "\ufeff", "\x00", "â€™", "    "]


def check(data: bytes) -> None:
    """Read one document and merge it: only Problems may come out, each naming the file and a line."""
    parsed = parse_source("fuzz.md", data)
    model = build_model([parsed])
    for problem in model.problems:
        assert isinstance(problem, Problem) and problem.path == "fuzz.md" and problem.line >= 0
        assert str(problem).startswith("fuzz.md")
    for code in model.codes:
        assert 100 <= code.code <= 599


@st.composite
def mutated(draw) -> bytes:
    """A real source with lines dropped, repeated, swapped, cut, or spliced with Markdown pieces."""
    lines = draw(st.sampled_from(REAL)).split(b"\n")
    for _ in range(draw(st.integers(1, 8))):
        index = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["drop", "repeat", "swap", "cut", "splice", "bytes"]))
        if action == "drop" and len(lines) > 1:
            lines.pop(index)
        elif action == "repeat":
            lines.insert(index, lines[index])
        elif action == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[index], lines[other] = lines[other], lines[index]
        elif action == "cut":
            lines[index] = lines[index][: draw(st.integers(0, max(len(lines[index]), 1)))]
        elif action == "splice":
            at = draw(st.integers(0, len(lines[index])))
            piece = draw(st.sampled_from(PIECES)).encode("utf-8")
            lines[index] = lines[index][:at] + piece + lines[index][at:]
        else:
            lines[index] += draw(st.binary(max_size=8))
    return b"\n".join(lines)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_real_sources(data):
    check(data)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES) | st.text(max_size=12), max_size=40).map("".join))
def test_random_markdown_from_pieces(text):
    check(text.encode("utf-8", errors="surrogatepass"))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes(data):
    check(data)
