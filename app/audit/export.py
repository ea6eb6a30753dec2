"""The audit log as an Excel workbook: what the filter shows, newest first, as the page reads it (names,
labels, times in the reader's zone), one row per entry with its changes as lines "Field: before → after".

The workbook is built in the request: the log is read in batches of names, at most ``MAX_ROWS`` newest
entries (the page says so); a write-only sheet takes about 1.4 ms an entry (6,400 entries: 9 s)."""

from io import BytesIO

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from app.audit import services
from app.audit.readable import action_label, field_name, shown_changes
from app.core import audit
from app.core.auth import Actor
from app.core.db import utcnow
from app.core.exports import append_row, xlsx_cell
from app.core.i18n import format_datetime

MAX_ROWS = 10_000
WIDTHS = {"A": 22, "B": 26, "C": 30, "D": 12, "E": 22, "F": 22, "G": 36, "H": 70}


def file_name(scope: str) -> str:
    return f"{_('audit-log')}-{scope}-{utcnow():%Y-%m-%d}.xlsx"


def audit_workbook(log: str, filters: services.AuditFilter, title: str, *, actor: Actor) -> BytesIO:
    """The filtered log of ``log`` as an XLSX file, ready to send."""
    batches = services.log_export_rows(log, filters, actor=actor, limit=MAX_ROWS)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Audit log"))
    sheet.freeze_panes = "A2"
    for column, width in WIDTHS.items():
        sheet.column_dimensions[column].width = width
    bold = Font(bold=True)
    labels = [_("Time"), _("Person"), _("Email"), _("Via"), _("Action"), _("Object type"), _("Object")]
    sheet.append([xlsx_cell(sheet, label, bold) for label in [*labels, _("Changes")]])
    wrap = Alignment(wrap_text=True, vertical="top")
    # Labels are looked up once per export, not once per row (thousands of catalogue look-ups otherwise).
    label = _Labels()
    for rows, names in batches:
        for entry, user in rows:
            changes = "\n".join(_change_lines(entry, names, label))
            # Names, emails and values are typed by people: written as text, never as a formula.
            append_row(
                sheet,
                [
                    format_datetime(entry.at),
                    user.name if user else _("System"),
                    user.email if user else "",
                    label("origin", entry.origin, _origin),
                    label("action", entry.action, action_label),
                    label("type", entry.object_type, lambda t: str(audit.object_label(t))),
                    names.title(entry) or "",
                    xlsx_cell(sheet, changes, alignment=wrap),
                ],
            )
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


class _Labels:
    """Each label made once: ``label(kind, key, make)`` is ``make(key)``, remembered."""

    def __init__(self):
        self.made: dict[tuple[str, object], str] = {}

    def __call__(self, kind: str, key, make) -> str:
        if (kind, key) not in self.made:
            self.made[(kind, key)] = make(key)
        return self.made[(kind, key)]


def _change_lines(entry, names, label: _Labels) -> list[str]:
    def named(field: str) -> str:
        return label("field", (entry.object_type, field), lambda key: field_name(*key))

    lines = []
    for field, before, after in shown_changes(entry):
        if entry.action == "update":
            lines.append(
                f"{named(field)}: {names.value(entry, field, before)} → {names.value(entry, field, after)}"
            )
        else:
            shown = names.value(entry, field, after if entry.action == "create" else before)
            lines.append(f"{named(field)}: {shown}")
    for key, value in (entry.details or {}).items():
        lines.append(f"{named(key)}: {names.value(entry, key, value)}")
    return lines


def _origin(origin: str) -> str:
    from app.audit import audit_origin

    return audit_origin(origin)
