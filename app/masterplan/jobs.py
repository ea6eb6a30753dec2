"""Jobs of the masterplan domain: import from Excel, export to Excel, the official PDF document.

Each reads the masterplan whole (one query per table). The import writes everything in the job's one
transaction or nothing, so a failed attempt may simply run again; the exports write only their file.
"""

import uuid
from io import BytesIO

from flask import current_app, g, has_request_context, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from app.core.audit import record_event
from app.core.auth import Actor
from app.core.errors import NotFound
from app.core.i18n import format_number
from app.core.job_progress import report_progress
from app.core.jobs import JobFailed, JobResult, job_kind
from app.files import services as files
from app.files.services import store_job_result
from app.masterplan import policy
from app.masterplan.common import open_draft
from app.masterplan.content import load_content
from app.masterplan.exchange import document as documents
from app.masterplan.exchange.importer import ImportCheck
from app.masterplan.exchange.reading import UnreadableWorkbook, read_workbook, report_workbook
from app.masterplan.exchange.services import (
    DOCUMENT_KIND,
    EXPORT_ROLES,
    IMPORT_KIND,
    IMPORT_ROLES,
    WORKBOOK_KIND,
    file_stem,
)
from app.masterplan.exchange.shape import SHEET_BY_KEY
from app.masterplan.exchange.workbook import build_workbook


@job_kind(IMPORT_KIND, label=_l("Masterplan import from Excel"), roles=IMPORT_ROLES, retries=1)
def import_workbook(*, actor: Actor, masterplan_id: str, file_id: str) -> JobResult:
    """Check every row of the uploaded workbook; write them all, or nothing and a report of every problem."""
    report_progress(2, _("Reading the workbook"))
    masterplan = open_draft(uuid.UUID(masterplan_id), "masterplan.import", actor=actor)
    try:
        stored = files.get_file(uuid.UUID(file_id), actor=actor)
    except NotFound:
        raise JobFailed(_("The uploaded file is no longer there: upload it again.")) from None
    try:
        sheets, problems, language = read_workbook(files.content_path(stored))
    except UnreadableWorkbook as error:
        raise JobFailed(str(error)) from None
    report_progress(20, _("Checking every row"))
    content = load_content(masterplan.id, actor=actor)
    check = ImportCheck(content, sheets, problems, language)
    if not check.check():
        report_progress(80, _("Writing the report of problems"))
        report = store_job_result(
            BytesIO(report_workbook(check.problems)),
            f"laporan-impor-{file_stem(masterplan, actor=actor)}.xlsx",
        )
        problems, rows = len(check.problems), len({(p.sheet, p.row) for p in check.problems})
        return JobResult(
            file=report,
            refused=True,
            url=_page_path("masterplan.exchange", tenant=g.tenant.slug, masterplan_id=masterplan.id),
            message=_(
                "Nothing was imported: %(problems)s in %(rows)s. Correct them (see the report) and import "
                "the file again.",
                problems=ngettext(
                    "%(count)s problem", "%(count)s problems", problems, count=format_number(problems)
                ),
                rows=ngettext("%(count)s row", "%(count)s rows", rows, count=format_number(rows)),
            ),
        )
    report_progress(60, _("Writing the masterplan"))
    outcome = check.write()
    created = sum(o.created for o in outcome.values())
    updated = format_number(sum(o.updated for o in outcome.values()))
    unchanged = format_number(sum(o.unchanged for o in outcome.values()))
    record_event(
        "masterplan.imported",
        object_type="Masterplan",
        object_id=str(masterplan.id),
        details={
            "file": stored.filename,
            "sha256": stored.sha256,
            "sheets": {SHEET_BY_KEY[k].title: vars(o) for k, o in outcome.items()},
        },
    )
    return JobResult(
        url=_page_path("masterplan.overview", tenant=g.tenant.slug, masterplan_id=masterplan.id),
        message=ngettext(
            "Imported: %(created)s row added, %(updated)s changed, %(unchanged)s already as in the file.",
            "Imported: %(created)s rows added, %(updated)s changed, %(unchanged)s already as in the file.",
            created,
            created=format_number(created),
            updated=updated,
            unchanged=unchanged,
        ),
    )


@job_kind(WORKBOOK_KIND, label=_l("Masterplan to Excel"), roles=EXPORT_ROLES, retries=1)
def export_workbook(*, actor: Actor, masterplan_id: str) -> JobResult:
    """The whole masterplan in the template's shape, ready to edit and import again."""
    policy.require(actor, "masterplan.export")
    report_progress(5, _("Reading the masterplan"))
    content = load_content(uuid.UUID(masterplan_id), actor=actor)
    masterplan = content.masterplan

    def on_sheet(index: int, total: int, title: str) -> None:
        report_progress(10 + 80 * index // total, _("Writing sheet %(name)s", name=title))

    data = build_workbook(masterplan, content.refs, g.tenant.name, content, on_sheet)
    stored = store_job_result(BytesIO(data), f"{file_stem(masterplan, actor=actor)}.xlsx")
    record_event(
        "masterplan.exported",
        object_type="Masterplan",
        object_id=str(masterplan.id),
        details={"format": "xlsx"},
    )
    return JobResult(
        file=stored, message=_("Masterplan %(version)s exported to Excel.", version=masterplan.version_label)
    )


@job_kind(DOCUMENT_KIND, label=_l("Masterplan document (PDF)"), roles=EXPORT_ROLES, retries=1)
def build_document(*, actor: Actor, masterplan_id: str) -> JobResult:
    """The official document in Bahasa Indonesia, as a PDF."""
    policy.require(actor, "masterplan.export")
    report_progress(5, _("Reading the masterplan"))
    content = load_content(uuid.UUID(masterplan_id), actor=actor)
    masterplan = content.masterplan
    document = documents.build_document(content, g.tenant)
    steps = {"layout": _("Laying out the pages"), "write": _("Writing the PDF")}
    pdf = documents.render_pdf(document, lambda percent, step: report_progress(percent, steps[step]))
    stored = store_job_result(BytesIO(pdf), f"{file_stem(masterplan, actor=actor)}.pdf")
    record_event(
        "masterplan.exported",
        object_type="Masterplan",
        object_id=str(masterplan.id),
        details={"format": "pdf"},
    )
    return JobResult(
        file=stored,
        message=_("The document of masterplan %(version)s is ready.", version=masterplan.version_label),
    )


def _page_path(endpoint: str, **values) -> str:
    """A link to a page, from a request or from a job (which has no request to build it from)."""
    if has_request_context():
        return url_for(endpoint, **values)
    return current_app.url_map.bind("localhost").build(endpoint, values)
