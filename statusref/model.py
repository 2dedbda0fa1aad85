"""The status-code model: frozen dataclasses, pure data, no I/O."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import KW_ONLY, dataclass, field
from functools import cached_property

FLAGS = ("deprecated", "experimental", "unused", "obsoleted", "unofficial")

# RFC 9110 section 15: the five classes, their names, sections and meanings.
CLASS_FACTS = {
    1: ("Informational", "15.2", "The request was received, continuing process."),
    2: ("Successful", "15.3", "The request was successfully received, understood, and accepted."),
    3: ("Redirection", "15.4", "Further action needs to be taken in order to complete the request."),
    4: ("Client Error", "15.5", "The request contains bad syntax or cannot be fulfilled."),
    5: ("Server Error", "15.6", "The server failed to fulfill an apparently valid request."),
}
RFC_URL = "https://www.rfc-editor.org/rfc/rfc{number}"


@dataclass(frozen=True, slots=True)
class Problem:
    """A problem found in a source, reported as `path:line: message`."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        """Format the problem the way compilers do."""
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


@dataclass(frozen=True, slots=True)
class Entry:
    """A record from a reader: a code as one source gives it: number, name, qualifiers, description, line."""

    code: int
    name: str
    qualifiers: tuple[str, ...]
    text: str
    line: int
    reference: str


@dataclass(frozen=True, slots=True)
class FormerName:
    """A name a code went by before, with where it was used."""

    code: int
    name: str
    note: str
    line: int


@dataclass(frozen=True, slots=True)
class ClassName:
    """The name a source gives a class (`## Client Errors`)."""

    digit: int
    name: str
    line: int
    text: str = ""


@dataclass(frozen=True, kw_only=True, slots=True)
class Fact:
    """What a protocol-facts document says of one code: the headers that go with it, content, caching, origin."""

    code: int
    headers: tuple[str, ...]
    content: bool
    cacheable: bool
    origin: str
    line: int


@dataclass(frozen=True, slots=True)
class Constant:
    """A language's name for one code, as a constants document gives it: since when, and what it was before."""

    code: int
    name: str
    line: int
    _: KW_ONLY
    since: str = ""
    before: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class Meaning:
    """What one vendor means by a code, as that vendor's document gives it."""

    code: int
    name: str
    text: str
    line: int


@dataclass(frozen=True, slots=True)
class Comparison:
    """A document that compares codes people confuse: the codes its first table compares, its heading and body."""

    codes: tuple[int, ...]
    title: str
    text: str
    line: int


@dataclass(frozen=True, kw_only=True, slots=True)
class Source:
    """One document in content/, with its optional metadata."""

    id: str
    path: str
    title: str
    label: str = ""  # the path as problems name it: content/ as given, then the path inside it
    link: str = ""
    trust: int = 50
    registry: bool = False
    codes: tuple[int, ...] = ()
    role: str = ""  # registry, facts, constants, vendor or comparison
    about: str = ""  # the language of a constants document, the vendor of a vendor document

    @property
    def where(self) -> str:
        """The name problems give this source: its label, else its path inside content/."""
        return self.label or self.path


@dataclass(frozen=True, slots=True)
class Description:
    """A description of a code as one source wrote it, in Markdown."""

    source: str
    line: int
    text: str


@dataclass(frozen=True, slots=True)
class Name:
    """A name a code goes by (official, title, former or other) and who used it."""

    text: str
    kind: str
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Reference:
    """The document that defines a code, with a link to it."""

    text: str
    url: str


@dataclass(frozen=True, kw_only=True, slots=True)
class Protocol:
    """The protocol facts of a code as a document gives them, with the link to where the code is defined."""

    fact: Fact
    defined_in: Reference
    source: str


@dataclass(frozen=True, kw_only=True, slots=True)
class Spelled:
    """A code's constant in one language, from a constants document."""

    language: str
    constant: Constant
    source: str


@dataclass(frozen=True, kw_only=True, slots=True)
class VendorMeaning:
    """One vendor's meaning of a code, kept apart from the registry's and other vendors'."""

    vendor: str
    name: str
    description: Description


@dataclass(frozen=True, slots=True)
class StatusCode:
    """One HTTP status code with everything the sources say about it; its descriptions are the model's, by code."""

    code: int
    title: str
    names: tuple[Name, ...] = ()
    flags: tuple[str, ...] = ()
    extension: str = ""
    summary: str = ""
    reference: Reference | None = None
    sources: tuple[str, ...] = ()  # every source that gives the code: with a name, a description or neither
    protocol: Protocol | None = None
    constants: tuple[Spelled, ...] = ()
    meanings: tuple[VendorMeaning, ...] = ()

    @property
    def class_digit(self) -> int:
        """The class a code belongs to: its first digit."""
        return self.code // 100

    @property
    def former_names(self) -> tuple[Name, ...]:
        """Names the code went by before."""
        return tuple(n for n in self.names if n.kind == "former")

    @property
    def other_names(self) -> tuple[Name, ...]:
        """Names some source uses that are neither official nor former."""
        return tuple(n for n in self.names if n.kind == "other")



@dataclass(frozen=True, slots=True)
class StatusClass:
    """One class of codes (1xx to 5xx) as RFC 9110 section 15 defines it."""

    digit: int
    name: str
    section: str
    meaning: str
    codes: tuple[int, ...] = ()
    source_names: tuple[Name, ...] = ()
    descriptions: tuple[Description, ...] = ()

    @property
    def label(self) -> str:
        """The class as people write it: 4xx."""
        return f"{self.digit}xx"

    @property
    def section_url(self) -> str:
        """The link to the class's section of RFC 9110."""
        return RFC_URL.format(number=9110) + f"#section-{self.section}"


@dataclass(frozen=True, kw_only=True, slots=True)
class Compared:
    """A comparison page: its slug, title, the codes it compares and its Markdown body, from one source."""

    slug: str
    title: str
    codes: tuple[int, ...]
    text: str
    source: str


@dataclass(frozen=True)
class Model:
    """Everything the site is built from."""

    classes: tuple[StatusClass, ...]
    codes: tuple[StatusCode, ...]
    sources: tuple[Source, ...]
    problems: tuple[Problem, ...] = field(default=())
    comparisons: tuple[Compared, ...] = ()
    said: dict[int, str] = field(default_factory=dict)  # per code, a digest of what its sources say of it
    descriptions: Mapping[int, tuple[Description, ...]] = field(default_factory=dict)  # per code, as its sources wrote them
    digests: dict[int, str] = field(default_factory=dict)  # per code, a digest of everything the code holds

    @cached_property
    def index(self) -> dict:
        """Codes, classes and sources by number, digit and id."""
        return {
            "code": {c.code: c for c in self.codes},
            "class": {c.digit: c for c in self.classes},
            "source": {s.id: s for s in self.sources},
        }

    def code(self, number: int) -> StatusCode:
        """The code with this number."""
        return self.index["code"][number]

    def status_class(self, digit: int) -> StatusClass:
        """The class with this first digit."""
        return self.index["class"][digit]

    def source(self, source_id: str) -> Source:
        """The source with this id."""
        return self.index["source"][source_id]
