"""The national code lists the council uses, from the carried reference data (app/data/frameworks.yaml):
kinds of body, positions, kinds of meeting, meeting modes and pentahelix elements.

Codes are stored on the council's rows; names are read here, in the page's language, so a corrected
name shows everywhere at once.
"""

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from flask_babel import get_locale

REFERENCE_FILE = Path(__file__).resolve().parent.parent / "data" / "frameworks.yaml"
BODY_KIND, POSITION, MEETING_KIND, MEETING_MODE, PENTAHELIX = (
    "body_type",
    "position",
    "meeting_type",
    "meeting_mode",
    "pentahelix",
)


@dataclass(frozen=True)
class CodeEntry:
    code: str
    name_id: str
    name_en: str

    @property
    def name(self) -> str:
        """The name in the page's language (Indonesian outside a request)."""
        try:
            english = str(get_locale()) == "en"
        except RuntimeError:
            english = False
        return self.name_en if english else self.name_id


@lru_cache(maxsize=1)
def _lists() -> dict[str, tuple[CodeEntry, ...]]:
    data = yaml.safe_load(REFERENCE_FILE.read_text(encoding="utf-8"))["code_lists"]
    return {
        name: tuple(CodeEntry(e["code"], e["name"]["id"], e["name"]["en"]) for e in entries)
        for name, entries in data.items()
        if all(isinstance(e, dict) for e in entries)
    }


def code_list(list_name: str) -> tuple[CodeEntry, ...]:
    """The entries of one national code list, in the file's order."""
    return _lists()[list_name]


def codes(list_name: str) -> tuple[str, ...]:
    return tuple(entry.code for entry in code_list(list_name))


def name_of(list_name: str, code: str | None) -> str:
    """The name of ``code`` in its list, or the code itself when the list has no such entry."""
    if code is None:
        return ""
    return next((entry.name for entry in code_list(list_name) if entry.code == code), code)
