"""The audit log as an Excel workbook: what the filter shows, newest first, as the page reads it (names,
labels, times in the reader's zone), one row per entry with its changes as lines "Field: before → after".

The workbook is built in the request: the log is read in batches of names, at most ``MAX_ROWS`` newest
entries (the page says so), which a write-only sheet writes in seconds."""

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

MAX_ROWS = 20_000
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
    for rows, names in batches:
        for entry, user in rows:
            changes = "\n".join(_change_lines(entry, names))
            # Names, emails and values are typed by people: written as text, never as a formula.
            append_row(
                sheet,
                [
                    format_datetime(entry.at),
                    user.name if user else _("System"),
                    user.email if user else "",
                    _origin(entry.origin),
                    action_label(entry.action),
                    str(audit.object_label(entry.object_type)),
                    names.title(entry) or "",
                    xlsx_cell(sheet, changes, alignment=wrap),
                ],
            )
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def _change_lines(entry, names) -> list[str]:
    lines = []
    for field, before, after in shown_changes(entry):
        label = field_name(entry.object_type, field)
        if entry.action == "update":
            lines.append(f"{label}: {names.value(entry, field, before)} → {names.value(entry, field, after)}")
        else:
            lines.append(
                f"{label}: {names.value(entry, field, after if entry.action == 'create' else before)}"
            )
    for key, value in (entry.details or {}).items():
        lines.append(f"{field_name(entry.object_type, key)}: {names.value(entry, key, value)}")
    return lines


def _origin(origin: str) -> str:
    from app.audit import audit_origin

    return audit_origin(origin)
