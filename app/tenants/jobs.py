"""Jobs of the tenants domain: the members list as an Excel workbook."""

from io import BytesIO

from flask import g
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.styles import Font

from app.core.auth import TENANT_ADMIN, Actor
from app.core.db import utcnow
from app.core.exports import append_row, xlsx_cell
from app.core.job_progress import report_progress
from app.core.jobs import JobResult, job_kind
from app.extensions import db
from app.files.services import store_job_result
from app.tenants import services
from app.tenants.models import Membership

# Members are read in batches; progress is reported after each.
BATCH = 200


@job_kind("members_export", label=_l("Members to Excel"), roles=(TENANT_ADMIN,), retries=2, startable=True)
def export_members(*, actor: Actor) -> JobResult:
    """Every member with role, OPDs and joining date, one row each; nothing is written but the file,
    so a failed attempt can simply run again."""
    total = services.member_count(actor=actor)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Members"))
    sheet.freeze_panes = "A2"
    sheet.column_dimensions["A"].width = 32
    sheet.column_dimensions["B"].width = 36
    sheet.column_dimensions["C"].width = 16
    sheet.column_dimensions["D"].width = 30
    sheet.column_dimensions["E"].width = 20
    bold = Font(bold=True)
    labels = [_("Name"), _("Email"), _("Role"), _("OPDs"), _("Member since")]
    sheet.append([xlsx_cell(sheet, label, bold) for label in labels])
    done = 0
    for offset in range(0, max(total, 1), BATCH):
        page = services.members_query(actor=actor).order_by(Membership.id).limit(BATCH).offset(offset)
        rows = db.session.execute(page).all()
        opds = services.opds_by_membership([m.id for m, _u in rows], actor=actor)
        for membership, user in rows:
            codes = ", ".join(o.acronym or o.code for o in opds[membership.id])
            # Names and emails are typed by people: written as text, never as a formula.
            append_row(
                sheet, [user.name, user.email, membership.role, codes, format_datetime(membership.created_at)]
            )
        done += len(rows)
        report_progress(
            90 * done // max(total, 1), _("%(done)s of %(total)s members written", done=done, total=total)
        )
    report_progress(95, _("Saving the workbook"))
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    stored = store_job_result(buffer, f"{_('members')}-{g.tenant.slug}-{utcnow():%Y-%m-%d}.xlsx")
    return JobResult(file=stored, message=_("%(count)s members exported.", count=total))
