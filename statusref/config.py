"""What a build is asked to do: a light module, so that the command line can decide without heavy imports."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def shipped(name: str) -> Path:
    """A folder shipped with the program: inside the installed package, else beside it in a checkout."""
    inside = PACKAGE / name
    return inside if inside.is_dir() else PACKAGE.parent / name


@dataclass(frozen=True)
class Config:
    """Everything a build needs to know."""

    content: Path = Path("content")
    out: Path = Path("site")
    templates: Path = shipped("templates")
    static: Path = shipped("static")
    base_url: str = ""
    strict: bool = False
    cache: Path | None = Path(".cache/statusref")
