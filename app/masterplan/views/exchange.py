"""Pages: a masterplan version in Excel and PDF. Download the template, export the version to Excel or
as the official document, import a filled-in workbook into a draft. Exports and imports run as jobs;
the member is sent to the job's page, whose progress bar follows the work."""

from io import BytesIO

from flask import g, make_response, redirect, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from app.core.errors import DomainError
from app.core.form_errors import form_errors
from app.extensions import db
from app.masterplan import policy
from app.masterplan.common import get_masterplan
from app.masterplan.exchange import services
from app.masterplan.exchange.shape import SHEETS
from app.masterplan.exchange.workbook import XLSX_TYPE
from app.masterplan.views import bp, render_page


def _page(masterplan_id, status: int = 200, errors: dict | None = None):
    mp = get_masterplan(masterplan_id, actor=g.actor)
    return render_page(
        "masterplan/exchange.html",
        mp,
        "masterplan.exchange",
        status,
        sheets=SHEETS,
        errors=errors or {},
        may_import=policy.can(g.actor, "masterplan.import", mp),
    )


@bp.get("/<uuid:masterplan_id>/excel-pdf")
def exchange(masterplan_id):
    return _page(masterplan_id)


@bp.get("/<uuid:masterplan_id>/excel-pdf/template.xlsx")
def workbook_template(masterplan_id):
    data, filename = services.template_workbook(masterplan_id, actor=g.actor)
    return _download(data, filename)


def _download(data: bytes, filename: str):
    response = make_response(
        send_file(BytesIO(data), mimetype=XLSX_TYPE, as_attachment=True, download_name=filename)
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _start(masterplan_id, action):
    """Start a job and go to its page; a refusal is shown on this page with its status."""
    try:
        run = action()
        db.session.commit()
    except DomainError as error:
        messages = form_errors(error, _("This could not be started."))
        return _page(masterplan_id, error.status, messages)
    return redirect(url_for("jobs.job", job_run_id=run.id), code=303)


@bp.post("/<uuid:masterplan_id>/excel-pdf/export")
def export(masterplan_id):
    file_format = request.form.get("format", "")
    return _start(
        masterplan_id,
        lambda: services.start_export(masterplan_id, file_format, actor=g.actor, locale=str(get_locale())),
    )


@bp.post("/<uuid:masterplan_id>/excel-pdf/import")
def import_workbook(masterplan_id):
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _page(masterplan_id, 422, {"file": [_("Choose the workbook to import.")]})
    return _start(
        masterplan_id,
        lambda: services.upload_and_import(
            masterplan_id, upload.stream, upload.filename, actor=g.actor, locale=str(get_locale())
        ),
    )
