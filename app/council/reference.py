"""The national code lists the council uses, read from the reference data (app.reference): kinds of
body, positions, kinds of meeting, meeting modes and pentahelix elements.

Codes are stored on the council's rows; names are read here, in the page's language, so a corrected
name shows everywhere at once.
"""

from dataclasses import dataclass

from flask_babel import get_locale

from app.core.auth import Actor
from app.core.tenancy import current_tenant_id
from app.extensions import db
from app.reference import services as reference_data

BODY_KIND, POSITION, MEETING_KIND, MEETING_MODE, PENTAHELIX = (
    "body_type",
    "position",
    "meeting_type",
    "meeting_mode",
    "pentahelix",
)
# The lists are read once per database session (a request, a job), however many rows name a code.
SESSION_MEMO = "council.code_lists"


@dataclass(frozen=True)
class CodeEntry:
    code: str
    name_id: str
    name_en: str
    retired: bool = False

    @property
    def name(self) -> str:
        """The name in the page's language (Indonesian outside a request)."""
        try:
            english = str(get_locale()) == "en"
        except RuntimeError:
            english = False
        return self.name_en if english else self.name_id


def _lists() -> dict[str, tuple[CodeEntry, ...]]:
    memo = db.session.info.get(SESSION_MEMO)
    if memo is None:
        # Published national lists are open to everyone signed in; the council's services have already
        # checked the caller, so the tenant's system actor reads them here.
        lists = reference_data.code_lists(actor=Actor.system(current_tenant_id()))
        memo = {
            name: tuple(CodeEntry(e.code, e.name_id, e.name_en, e.retired) for e in entries.values())
            for name, entries in lists.items()
        }
        db.session.info[SESSION_MEMO] = memo
    return memo


def code_list(list_name: str) -> tuple[CodeEntry, ...]:
    """The entries of one national code list still offered, in the list's order."""
    return tuple(entry for entry in _lists().get(list_name, ()) if not entry.retired)


def codes(list_name: str) -> tuple[str, ...]:
    return tuple(entry.code for entry in code_list(list_name))


def name_of(list_name: str, code: str | None) -> str:
    """The name of ``code`` in its list (a retired entry keeps its name), or the code itself."""
    if code is None:
        return ""
    return next((entry.name for entry in _lists().get(list_name, ()) if entry.code == code), code)
