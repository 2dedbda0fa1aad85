"""Source metadata: YAML (`---`) or TOML (`+++`) front matter, or a TOML file beside the source, one schema for all.

Keys: `title` (text), `link` (an http or https URL), `trust` (a whole number from 0 to 100), `role` (one of ROLES),
`code` (the one code a document is about, 100 to 599), `language` (of a constants document, one of LANGUAGES) and
`vendor` (of a vendor document: text) and `status` (of a document about one code: deprecated, experimental or
non-standard, as MDN writes it).
Other keys are ignored. A bad value is a problem at its line, and the default is used.
"""
from __future__ import annotations

import functools

from .model import Problem
from .text import drop_controls, one_line
from .urls import is_web_url

DELIMITERS = {"---": "yaml", "+++": "toml"}
ROLES = ("registry", "facts", "constants", "vendor", "comparison")
LANGUAGES = ("python", "java", "node", "go", "dotnet", "rust")
STATUS_FLAGS = ("deprecated", "experimental", "non-standard")
SHALLOW = 512  # characters of metadata, which nest at most 256 levels: far from what the YAML and TOML readers'
# recursion can take, whatever the stack they are called on; longer metadata is read on a stack of its own


def read_meta(label: str, text: str, sidecar: bytes) -> tuple[dict, str, list[Problem]]:
    """Checked metadata from the sidecar and the front matter, the text with its front matter blanked, problems."""
    problems: list[Problem] = []
    meta: dict = {}
    if sidecar:
        where = label.rsplit(".", 1)[0] + ".toml"
        source = sidecar.decode("utf-8", "replace")
        meta = checked(where, parse(where, "toml", source, 0, problems), source.split("\n"), 0, problems)
    lines = text.split("\n")
    end = closing_line(lines)
    if end:
        kind, body = DELIMITERS[lines[0].rstrip()], "\n".join(lines[1:end])
        data = parse(label, kind, body, 1, problems)
        for key, value in checked(label, data, lines[1:end], 1, problems).items():
            meta.setdefault(key, value)
        text = "\n" * (end + 1) + "\n".join(lines[end + 1 :])
    return meta, text, problems


def closing_line(lines: list[str]) -> int:
    """The index of the line closing front matter that opens the text, or 0 if it has none."""
    opening = lines[0].rstrip() if lines else ""
    if opening not in DELIMITERS:
        return 0
    for index in range(1, len(lines)):
        if lines[index].rstrip() in (opening, "..." if opening == "---" else opening):
            inside = [line for line in lines[1:index] if line.strip()]
            looks_like_keys = not inside or ":" in inside[0] or "=" in inside[0] or inside[0].lstrip().startswith("#")
            return index if looks_like_keys else 0
    return 0


def parse(label: str, kind: str, body: str, offset: int, problems: list[Problem]) -> dict:
    """Front matter or a sidecar as a mapping; a syntax error is a problem at its line."""
    reader = parse_yaml if kind == "yaml" else parse_toml
    try:
        data = reader(body) if len(body) <= SHALLOW else on_a_new_stack(reader, body)
    except SyntaxError as err:
        problems.append(Problem(label, (err.lineno or 1) + offset, f"cannot read metadata: {err.msg}"))
        return {}
    if data is None:  # front matter with nothing in it
        return {}
    if not isinstance(data, dict):
        problems.append(Problem(label, 1 + offset, "metadata is not a list of `key: value` lines; ignored"))
        return {}
    return data


def on_a_new_stack(reader, body: str):
    """`reader(body)` run on a thread of its own, where it has the same room to recurse wherever the build calls it
    from (a worker's stack is deeper): deeply nested metadata is then refused, or read, alike every time."""
    import threading

    outcome: list = []
    thread = threading.Thread(target=lambda: outcome.append(outcome_of(reader, body)))
    try:
        thread.start()
    except RuntimeError:  # no thread can start (a tight memory or task limit)
        return reader(body)
    thread.join()
    value, error = outcome[0]
    if error is not None:
        raise error
    return value


def outcome_of(reader, body: str) -> tuple:
    """What `reader(body)` returns or raises, as (value, None) or (None, error)."""
    try:
        return reader(body), None
    except Exception as err:  # noqa: BLE001 - raised again by the caller, on the build's own thread
        return None, err


@functools.cache
def yaml_loader():
    """PyYAML's safe loader without merge keys (`<<: *anchor`): merges that build on merges grow with the square
    of the input."""
    import yaml

    class Loader(yaml.SafeLoader):
        """The safe loader, refusing merge keys."""

        def flatten_mapping(self, node):
            """Refuse a mapping that merges another in."""
            for key, _ in node.value:
                if key.tag == "tag:yaml.org,2002:merge":
                    raise yaml.constructor.ConstructorError(None, None, "merge keys (<<) are not read", key.start_mark)
            super().flatten_mapping(node)

    return Loader


def read_yaml(body: str):
    """One YAML document through the safe loader without merge keys, as `yaml.safe_load` reads it."""
    return yaml_loader()(body).get_single_data()


def parse_yaml(body: str):
    """YAML read safely: plain data only, never objects."""
    import yaml

    try:
        return read_yaml(body)
    except yaml.MarkedYAMLError as err:
        if "\t" in body:  # tabs where YAML wants spaces, as other YAML readers (Hugo's) forgive
            return parse_yaml(body.replace("\t", "  "))
        mark = err.problem_mark or err.context_mark
        raise SyntaxError(str(err.problem or err.context), ("", (mark.line + 1) if mark else 1, 0, "")) from None
    except (yaml.YAMLError, RecursionError, ValueError) as err:
        raise SyntaxError(f"{type(err).__name__}: {str(err)[:80]}", ("", 1, 0, "")) from None


def parse_toml(body: str) -> dict:
    """TOML read with the standard library."""
    import tomllib

    try:
        return tomllib.loads(body)
    except (tomllib.TOMLDecodeError, RecursionError, ValueError) as err:
        head, found, tail = str(err).rpartition("(at line ")
        number = tail.split(",", 1)[0]
        line = int(number) if found and number.isascii() and number.isdigit() else 1
        raise SyntaxError(head.strip() if found else tail, ("", line, 0, "")) from None


def checked(label: str, data: dict, lines: list[str], offset: int, problems: list[Problem]) -> dict:
    """The known keys whose values are valid; a problem at the key's line for each that is not."""
    result = {}
    for key, check in CHECKS.items():
        if key in data:
            value, message = check(data[key])
            if message:
                problems.append(Problem(label, key_line(lines, key) + offset, f"{key}: {message}; ignored"))
            else:
                result[key] = value
    return result


def key_line(lines: list[str], key: str) -> int:
    """The 1-based line where a key is set, or 1 if it cannot be found."""
    for number, line in enumerate(lines, start=1):
        rest = line.lstrip()
        if rest.startswith(key) and rest[len(key) :].lstrip()[:1] in (":", "="):
            return number
    return 1


def shown(value) -> str:
    """A value as a problem quotes it: short, and never built whole from a large value."""
    if isinstance(value, (list, dict)):
        return f"a {'list' if isinstance(value, list) else 'mapping'} of {len(value)}"
    if isinstance(value, int) and not -10**12 < value < 10**12:
        return "a very large number"
    text = repr(value[:60] if isinstance(value, str) else value) if isinstance(value, (str, int, float, bool)) else type(value).__name__
    return text if len(text) <= 60 else text[:57] + "..."


def is_text(value) -> bool:
    """Whether a value is text that can be written as UTF-8: YAML's escapes can make a lone surrogate (`"\\uD800"`)."""
    if not isinstance(value, str):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_title(value) -> tuple[str, str]:
    """A title is text on one line."""
    text = " ".join(one_line(drop_controls(value)[0]).split()) if is_text(value) else ""
    if text:
        return text, ""
    return "", f"must be text, not {shown(value)}"


def check_link(value) -> tuple[str, str]:
    """A link is an absolute http or https URL."""
    text = value.strip() if is_text(value) else ""
    if is_web_url(text):
        return text, ""
    return "", f"must be an http or https URL, not {shown(value)}"


def check_trust(value) -> tuple[int, str]:
    """Trust is a whole number from 0 to 100."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 100:
        return value, ""
    return 50, f"must be a whole number from 0 to 100, not {shown(value)}"


def check_code(value) -> tuple[int, str]:
    """The code a one-code document is about: a whole number from 100 to 599."""
    number = value if isinstance(value, int) and not isinstance(value, bool) else None
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        number = int(value)
    if number is not None and 100 <= number <= 599:
        return number, ""
    return 0, f"must be a status code from 100 to 599, not {shown(value)}"


def check_role(value) -> tuple[str, str]:
    """A role says how a document is read: one of ROLES."""
    return one_of(value, ROLES, "role")


def check_language(value) -> tuple[str, str]:
    """The language of a constants document: one of LANGUAGES."""
    return one_of(value, LANGUAGES, "language")


def one_of(value, allowed: tuple[str, ...], what: str) -> tuple[str, str]:
    """A value that must be one of a few words, in any case."""
    word = value.strip().casefold() if isinstance(value, str) else None
    if word in allowed:
        return word, ""
    return "", f"the {what} is one of {', '.join(allowed)}, not {shown(value)}"


def check_status(value) -> tuple[tuple[str, ...], str]:
    """A page's status as MDN writes it (`status: [deprecated]`): the flags among its words; any other value, which
    other sites' front matter may give the key, says nothing and is no mistake."""
    words = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return tuple(w.strip().casefold() for w in words if is_text(w) and w.strip().casefold() in STATUS_FLAGS), ""


CHECKS = {
    "title": check_title, "link": check_link, "trust": check_trust, "role": check_role, "code": check_code,
    "language": check_language, "vendor": check_title, "status": check_status,
}
