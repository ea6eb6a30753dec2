"""Pages: the reporting start page ("my programs this period"), the bulk-entry grid, a report with its
workflow and evidence, and the periods with the reporting settings.

Every page works without JavaScript (forms post and redirect; the grid saves all its rows in one post);
htmx saves a grid row on its own as soon as one of its fields changes, and swaps that row back.
"""

import uuid
from io import BytesIO

from flask import Blueprint, flash, g, make_response, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError

from app.core.errors import DomainError, ValidationFailed
from app.core.form_errors import field_label, form_errors, page_errors, page_message
from app.core.pages import form_uuids, paginate, wants_fragment
from app.core.program_panels import program_panels
from app.core.workbooks import received_workbook
from app.extensions import db
from app.masterplan import services as masterplans
from app.reporting import dashboard, periods, policy, presenters, publishing, reports, workbook
from app.reporting.models import (
    EDITABLE_STATUSES,
    FREQUENCIES,
    MISSING_RULES,
    PROGRESS_STATUSES,
    REPORT_STATUSES,
    ROLLUP_RULES,
    ProgressReport,
)
from app.reporting.schemas import ReportingPeriodUpdateSchema

bp = Blueprint("reporting", __name__, url_prefix="/t/<tenant>/reporting", template_folder="templates")

LABELS = {
    "frequency": {
        "monthly": _l("Monthly"),
        "quarterly": _l("Quarterly (triwulan)"),
        "semester": _l("Per semester"),
        "yearly": _l("Yearly"),
    },
    "period_status": {"planned": _l("Planned"), "open": _l("Open"), "closed": _l("Closed")},
    "report_status": {
        "draft": _l("Draft"),
        "submitted": _l("Submitted"),
        "verified": _l("Verified"),
        "returned": _l("Returned"),
    },
    "progress_status": {
        "not_started": _l("Not started"),
        "on_track": _l("On track"),
        "at_risk": _l("At risk"),
        "delayed": _l("Delayed"),
        "done": _l("Done"),
    },
    "missing_rule": {
        "as_zero": _l("A program without a verified report counts as 0 %"),
        "left_out": _l("A program without a verified report is left out"),
    },
    "rollup_rule": {
        "budget_weighted": _l("Weighted by budget"),
        "equal": _l("Equal weights"),
        "own_weights": _l("The tenant's own weights"),
    },
    # The masterplan's states and legal forms, as the masterplan pages name them (the dashboard shows them).
    "masterplan_status": {
        "draft": _l("Draft"),
        "in_review": _l("In review"),
        "endorsed": _l("Endorsed"),
        "enacted": _l("Enacted"),
        "superseded": _l("Superseded"),
    },
    "legal_type": {
        "PERWALI": _l("Perwali (mayor's regulation)"),
        "PERBUP": _l("Perbup (regent's regulation)"),
        "PERDA": _l("Perda (regional regulation)"),
        "SK": _l("SK (decree)"),
    },
}
BADGES = {
    "planned": "secondary",
    "open": "success",
    "closed": "dark",
    "draft": "secondary",
    "submitted": "info",
    "verified": "success",
    "returned": "warning",
    "not_started": "secondary",
    "on_track": "success",
    "at_risk": "warning",
    "delayed": "danger",
    "done": "primary",
    "in_review": "info",
    "endorsed": "primary",
    "enacted": "success",
    "superseded": "light",
}
GRID_FIELDS = ("progress_status", "physical_pct", "narrative", "obstacles", "follow_up")


@bp.context_processor
def _labels() -> dict:
    return {
        "labels": LABELS,
        "badges": BADGES,
        "period_label": periods.period_label,
        "progress_statuses": PROGRESS_STATUSES,
        "editable_statuses": EDITABLE_STATUSES,
        "can": lambda action, obj=None: policy.can(g.actor, action, obj),
    }


def _attempt(action):
    """Run a service call and commit; on a refusal, roll back and answer the form's errors and status."""
    try:
        result = action()
        db.session.commit()
        return result, {}, 200
    except DomainError as error:
        return None, form_errors(error), error.status


def _flash_errors(errors: dict) -> None:
    flash(
        "; ".join(
            page_message(m) if name == "_" else f"{field_label(name)}: {page_message(m)}"
            for name, messages in errors.items()
            for m in messages
        ),
        "danger",
    )


def dashboard_panel(actor) -> dict | None:
    """The progress panels of the tenant's dashboard (drawn by ``reporting/_dashboard.html``), for a member
    who reads the periods; the labels travel with them, as the dashboard is the tenants package's page."""
    board = dashboard.progress_dashboard(actor=actor)
    if board is None:
        return None
    return {"board": board, "labels": LABELS, "badges": BADGES, "period_label": periods.period_label}


# --- the start page ------------------------------------------------------------------------------------


@bp.get("/")
def index():
    """My programs this period, with what each one still lacks; the secretariat sees the queue too."""
    period = periods.current_period(actor=g.actor)
    opd_id = _uuid_arg("opd_id")
    only_missing = request.args.get("missing") == "1"
    lines = reports.program_lines(period, actor=g.actor, opd_id=opd_id) if period else []
    if only_missing:
        # Still to come: no report yet, a draft, or returned to the OPD (the dashboard counts these).
        lines = [line for line in lines if line.report is None or line.report.status in EDITABLE_STATUSES]
    today = periods.tenant_today(actor=g.actor)
    queue = []
    if period is not None and policy.can(g.actor, "report.verify"):
        waiting = list(
            db.session.scalars(reports.reports_query(period.id, status="submitted", actor=g.actor))
        )
        queue = presenters.report_summaries(waiting, g.actor)
    return render_template(
        "reporting/index.html",
        period=period,
        lines=lines,
        queue=queue,
        today=today,
        overdue=period is not None and periods.is_overdue(period, today),
        complete=sum(1 for line in lines if line.report is not None and not line.missing),
        submitted=sum(
            1 for line in lines if line.report is not None and line.report.status not in EDITABLE_STATUSES
        ),
        filters={"opd": _opd(opd_id), "missing": only_missing},
    )


# --- the bulk-entry grid -------------------------------------------------------------------------------


def _grid_rows(period, errors=None, form=None) -> list[dict]:
    return [
        {"line": line, "errors": (errors or {}).get(line.program.id, {}), "form": form}
        for line in reports.program_lines(period, actor=g.actor)
    ]


def _row_values(form, program_id: uuid.UUID) -> dict | None:
    """A grid row's posted values, or None when the row was not in the form (a locked report)."""
    prefix = f"row-{program_id}-"
    if f"{prefix}present" not in form:
        return None
    return {name: form.get(prefix + name, "") for name in GRID_FIELDS}


def _save_row(period_id, program_id, values: dict) -> None:
    report = reports.start_report(period_id, program_id, actor=g.actor)
    reports.update_report(report.id, values, actor=g.actor)


def _row_changed(report: ProgressReport | None, values: dict) -> bool:
    """Whether a posted row says anything new (an untouched empty row starts no report)."""
    if report is None:
        return any((v or "").strip() for v in values.values())
    return True


@bp.route("/periods/<uuid:period_id>/grid", methods=["GET", "POST"])
def grid(period_id):
    """Every program of mine in one table: status, physical progress, narrative, obstacles, follow-up.
    Without JavaScript the whole table posts at once and is saved all or nothing."""
    period = periods.get_period(period_id, actor=g.actor)
    errors: dict = {}
    status = 200
    if request.method == "POST":
        saved = 0
        for line in reports.program_lines(period, actor=g.actor):
            values = _row_values(request.form, line.program.id)
            if values is None or not _row_changed(line.report, values):
                continue
            try:
                _save_row(period.id, line.program.id, values)
                saved += 1
            except DomainError as error:
                if error.status in (403, 404):
                    raise
                errors[line.program.id] = error.errors or {"_": [error.message]}
        if errors:
            db.session.rollback()
            status = 422
            flash(_("Nothing was saved: correct the rows marked below."), "danger")
        else:
            db.session.commit()
            flash(ngettext("%(num)d row saved.", "%(num)d rows saved.", saved), "success")
            return redirect(url_for("reporting.grid", period_id=period.id))
    return _grid_page(period, errors, status)


def _grid_page(period, errors=None, status=200, problems=None, refusal=None):
    return render_template(
        "reporting/grid.html",
        period=period,
        rows=_grid_rows(period, errors, request.form if errors else None),
        problems=problems or [],
        refusal=refusal,
        opds=masterplans.list_opds(actor=g.actor) if policy.can(g.actor, "report.verify") else [],
    ), status


def _xlsx(data: bytes, filename: str):
    response = make_response(
        send_file(BytesIO(data), mimetype=workbook.XLSX_TYPE, as_attachment=True, download_name=filename)
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/periods/<uuid:period_id>/workbook.xlsx")
def period_workbook(period_id):
    """The period's reports as an Excel workbook (mine, or one OPD's) to fill in and upload back."""
    data, filename = workbook.period_workbook(
        period_id, actor=g.actor, opd_id=_uuid_arg("opd_id"), language=str(get_locale())
    )
    return _xlsx(data, filename)


@bp.post("/periods/<uuid:period_id>/workbook")
def upload_workbook(period_id):
    """Upload a filled-in workbook: applied whole, or nothing and every wrong cell listed above the form."""
    period = periods.get_period(period_id, actor=g.actor)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _grid_page(period, status=422, refusal=_("Choose the filled-in workbook (.xlsx) to upload."))
    try:
        with received_workbook(upload.stream, workbook.MAX_UPLOAD_BYTES) as path:
            outcome = workbook.import_workbook(period.id, path, actor=g.actor)
        db.session.commit()
    except workbook.WorkbookRefused as refused:
        db.session.rollback()
        return _grid_page(period, status=422, refusal=refused.message, problems=refused.problems)
    except DomainError as error:
        db.session.rollback()
        if error.status in (403, 404):
            raise
        message = "; ".join(page_message(m) for messages in error.errors.values() for m in messages)
        return _grid_page(period, status=error.status, refusal=message or page_message(error.message))
    flash(
        _(
            "The workbook is imported: %(started)s reports started, %(updated)s changed, %(unchanged)s "
            "unchanged.",
            started=outcome.started,
            updated=outcome.updated,
            unchanged=outcome.unchanged,
        ),
        "success",
    )
    return redirect(url_for("reporting.grid", period_id=period.id))


@bp.post("/periods/<uuid:period_id>/grid/<uuid:program_id>")
def grid_row(period_id, program_id):
    """Save one row of the grid (htmx) and answer the row again; 422 with its errors."""
    period = periods.get_period(period_id, actor=g.actor)
    values = _row_values(request.form, program_id) or {}
    _result, errors, status = _attempt(lambda: _save_row(period.id, program_id, values))
    line = next(
        (li for li in reports.program_lines(period, actor=g.actor) if li.program.id == program_id), None
    )
    if line is None:
        raise ValidationFailed.field("program_id", _l("not one of your programs in this period"))
    if not wants_fragment(f"grid-row-{program_id}"):
        if errors:
            _flash_errors(errors)
        return redirect(url_for("reporting.grid", period_id=period.id) + f"#grid-row-{program_id}")
    row = {"line": line, "errors": errors, "form": request.form if errors else None, "saved": not errors}
    return render_template("reporting/_grid_row.html", period=period, row=row), status


# --- one report ----------------------------------------------------------------------------------------


@bp.post("/periods/<uuid:period_id>/programs/<uuid:program_id>/report")
def start(period_id, program_id):
    """Start (or open) a program's report for the period."""
    report, errors, _status = _attempt(lambda: reports.start_report(period_id, program_id, actor=g.actor))
    if errors:
        _flash_errors(errors)
        return redirect(url_for("reporting.index"))
    return redirect(url_for("reporting.report", report_id=report.id))


def _report_page(report_id, errors=None, form=None, status=200):
    report = reports.get_report(report_id, actor=g.actor)
    period = periods.find_period(report.period_id)
    detail = presenters.report_detail(report, g.actor)
    files = {}
    for evidence in detail["evidence"]:
        if evidence.stored_file_id is not None:
            from app.files import services as file_services

            files[evidence.id] = file_services.get_file(evidence.stored_file_id, actor=g.actor)
    editable = (
        policy.can(g.actor, "report.write", report)
        and report.status in EDITABLE_STATUSES
        and period.status == "open"
    )
    return render_template(
        "reporting/report.html",
        report=report,
        period=period,
        detail=detail,
        files=files,
        editable=editable,
        verifiable=policy.can(g.actor, "report.verify", report)
        and report.status == "submitted"
        and period.status == "open",
        panels=program_panels(g.actor, report.program_id),
        errors=errors or {},
        form=form,
    ), status


@bp.route("/reports/<uuid:report_id>", methods=["GET", "POST"])
def report(report_id):
    """A report whole: its figures against the year's targets and plan, its evidence and its workflow."""
    if request.method == "GET":
        return _report_page(report_id)
    form = request.form
    data = {name: form.get(name, "") for name in GRID_FIELDS}
    data["indicator_actuals"] = [
        {"indicator_id": key.removeprefix("actual-"), "actual": value}
        for key, value in form.items()
        if key.startswith("actual-")
    ]
    data["budget_realisations"] = [
        {"funding_source": key.removeprefix("realised-"), "realised": value}
        for key, value in form.items()
        if key.startswith("realised-")
    ]
    action = form.get("action", "save")

    def run():
        reports.update_report(report_id, data, actor=g.actor)
        if action == "submit":
            reports.submit_report(report_id, actor=g.actor)

    _result, errors, status = _attempt(run)
    if errors:
        return _report_page(report_id, errors, form, status)
    flash(
        _("The report is submitted to the secretariat.") if action == "submit" else _("The report is saved."),
        "success",
    )
    return redirect(url_for("reporting.report", report_id=report_id))


@bp.post("/reports/<uuid:report_id>/decision")
def decide(report_id):
    """Verify a submitted report, or return it to its OPD with a comment."""
    if request.form.get("action") == "return":
        call = lambda: reports.return_report(report_id, request.form.get("comment"), actor=g.actor)  # noqa: E731
        done = _("The report is returned to its OPD.")
    else:
        call = lambda: reports.verify_report(report_id, actor=g.actor)  # noqa: E731
        done = _("The report is verified.")
    _result, errors, status = _attempt(call)
    if errors:
        return _report_page(report_id, errors, request.form, status)
    flash(done, "success")
    return redirect(url_for("reporting.report", report_id=report_id))


@bp.post("/reports/<uuid:report_id>/evidence")
def add_evidence(report_id):
    """Attach an uploaded file or a link to a report."""
    form = request.form
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        call = lambda: reports.add_evidence_file(  # noqa: E731
            report_id, upload.stream, upload.filename, form.get("title"), actor=g.actor
        )
    else:
        call = lambda: reports.add_evidence_link(report_id, form.get("url"), form.get("title"), actor=g.actor)  # noqa: E731
    _result, errors, status = _attempt(call)
    if errors:
        return _report_page(report_id, errors, form, status)
    flash(_("The evidence is added."), "success")
    return redirect(url_for("reporting.report", report_id=report_id) + "#evidence")


@bp.post("/reports/<uuid:report_id>/evidence/<uuid:evidence_id>/delete")
def remove_evidence(report_id, evidence_id):
    _result, errors, _status = _attempt(
        lambda: reports.remove_evidence(report_id, evidence_id, actor=g.actor)
    )
    if errors:
        _flash_errors(errors)
    else:
        flash(_("The evidence is removed."), "success")
    return redirect(url_for("reporting.report", report_id=report_id) + "#evidence")


# --- periods and settings ------------------------------------------------------------------------------


@bp.route("/periods", methods=["GET", "POST"])
def period_list():
    """The periods, newest first; the tenant administrator plans a year, opens, closes and reopens them."""
    errors, status = {}, 200
    if request.method == "POST":
        year = request.form.get("year", "").strip()
        _result, errors, status = _attempt(
            lambda: periods.create_periods(int(year) if year.isdigit() else -1, actor=g.actor)
        )
        if not errors:
            flash(_("The periods of %(year)s are planned.", year=year), "success")
            return redirect(url_for("reporting.period_list"))
    return _periods_page(errors, status)


def _periods_page(errors: dict, status: int):
    """The periods page with the settings and the tenant's own roll-up weights (for the administrator)."""
    page = paginate(periods.periods_query(actor=g.actor), per_page=24)
    weighing = policy.can(g.actor, "settings.update")
    current = masterplans.current_masterplan(actor=g.actor) if weighing else None
    english = str(get_locale()) == "en"
    weight_labels = {}
    for dim in current.dimensions if current else ():
        weight_labels[f"dimensions.{dim.code}"] = _(
            "Weight of %(name)s", name=dim.name_en if english else dim.name_id
        )
        for sub in dim.sub_dimensions:
            weight_labels[f"elements.{sub.code}"] = _(
                "Weight of %(name)s", name=sub.name_en if english else sub.name_id
            )
    return render_template(
        "reporting/periods.html",
        page=page,
        settings=periods.get_settings(actor=g.actor),
        frequencies=FREQUENCIES,
        rollup_rules=ROLLUP_RULES,
        missing_rules=MISSING_RULES,
        today=periods.tenant_today(actor=g.actor),
        errors=errors,
        form=request.form,
        dimensions=current.dimensions if current else (),
        weights=periods.get_rollup_weights(actor=g.actor) if weighing else None,
        weight_labels=weight_labels,
        english=english,
    ), status


@bp.post("/settings/weights")
def rollup_weights():
    """Save the tenant's own roll-up weights; a bad one answers the page again with the field marked."""
    data = {"dimensions": {}, "elements": {}}
    for name, value in request.form.items():
        group, _dot, code = name.partition(".")
        if group in data and code:
            data[group][code] = value
    _result, errors, status = _attempt(lambda: periods.set_rollup_weights(data, actor=g.actor))
    if errors:
        return _periods_page(errors, status)
    flash(_("The roll-up weights are saved."), "success")
    return redirect(url_for("reporting.period_list") + "#weights")


@bp.post("/settings")
def settings():
    form = request.form
    days = form.get("reminder_days", "").strip()
    data = {
        "frequency": form.get("frequency") or None,
        "rollup_rule": form.get("rollup_rule") or None,
        "missing_rule": form.get("missing_rule") or None,
        "reminder_days": int(days) if days.isdigit() and len(days) < 4 else (days or None),
    }
    _result, errors, _status = _attempt(lambda: periods.update_settings(data, actor=g.actor))
    if errors:
        _flash_errors(errors)
    else:
        flash(_("The reporting settings are saved."), "success")
    return redirect(url_for("reporting.period_list"))


@bp.route("/periods/<uuid:period_id>", methods=["GET", "POST"])
def period(period_id):
    """A period: its dates (the administrator moves them), its state and its reports by status."""
    errors, status = {}, 200
    if request.method == "POST":
        raw = {k: v for k in ("opens_on", "due_on") if (v := request.form.get(k, "").strip())}

        def run():
            try:
                values = ReportingPeriodUpdateSchema().load(raw)
            except ValidationError as error:
                raise ValidationFailed(errors=page_errors(error.messages)) from None
            return periods.update_period(period_id, values, actor=g.actor)

        _result, errors, status = _attempt(run)
        if not errors:
            flash(_("The dates are saved."), "success")
            return redirect(url_for("reporting.period", period_id=period_id))
    found = periods.get_period(period_id, actor=g.actor)
    status_filter = request.args.get("status") if request.args.get("status") in REPORT_STATUSES else None
    filters = _report_filters(found)
    page = paginate(
        reports.reports_query(
            found.id,
            status=status_filter,
            opd_id=filters["opd_id"],
            progress_status=filters["progress"],
            program_ids=filters["program_ids"],
            funding_source=filters["source"],
            actor=g.actor,
        ),
        per_page=50,
    )
    snapshots = list(db.session.scalars(publishing.snapshots_query(found.id, actor=g.actor)))
    return render_template(
        "reporting/period.html",
        period=found,
        snapshots=snapshots,
        superseded=publishing.superseded_ids(snapshots),
        page=page,
        rows=presenters.report_summaries(list(page.items), g.actor),
        status_filter=status_filter,
        filters=filters,
        params={k: v for k, v in filters["params"].items() if v},
        today=periods.tenant_today(actor=g.actor),
        errors=errors,
        form=request.form,
    ), status


@bp.post("/periods/<uuid:period_id>/transition")
def period_transition(period_id):
    action = request.form.get("action")
    steps = {
        "open": (lambda: periods.open_period(period_id, actor=g.actor), _("The period is open for reports.")),
        "close": (lambda: periods.close_period(period_id, actor=g.actor), _("The period is closed.")),
        "reopen": (
            lambda: periods.reopen_period(period_id, request.form.get("reason"), actor=g.actor),
            _("The period is open again."),
        ),
    }
    if action not in steps:
        raise ValidationFailed.field("action", _l("one of %(choices)s", choices="open, close, reopen"))
    call, done = steps[action]
    _result, errors, _status = _attempt(call)
    if errors:
        _flash_errors(errors)
    else:
        flash(done, "success")
    if request.form.get("back") == "list":
        return redirect(url_for("reporting.period_list"))
    return redirect(url_for("reporting.period", period_id=period_id))


# --- the verification queue ----------------------------------------------------------------------------


@bp.route("/periods/<uuid:period_id>/queue", methods=["GET", "POST"])
def queue(period_id):
    """The secretariat's queue: filter by OPD, dimension and status; verify or return several reports at
    once with one comment; each beside how the program stood the period before."""
    period = periods.get_period(period_id, actor=g.actor)
    policy.require(g.actor, "report.verify")
    errors, status = {}, 200
    if request.method == "POST":
        chosen = form_uuids("report_id")
        action = request.form.get("action")
        decided, errors, status = _attempt(
            lambda: reports.decide_reports(chosen, action, request.form.get("comment"), actor=g.actor)
        )
        if not errors:
            message = (
                ngettext("%(num)d report verified.", "%(num)d reports verified.", len(decided))
                if action == "verify"
                else ngettext("%(num)d report returned.", "%(num)d reports returned.", len(decided))
            )
            flash(message, "success")
            return redirect(url_for("reporting.queue", period_id=period.id, **request.args))
    opd_id = _uuid_arg("opd_id")
    dimension = request.args.get("dimension", "").strip() or None
    wanted = request.args.get("status", "submitted")
    wanted = wanted if wanted in REPORT_STATUSES else None
    current = masterplans.current_masterplan(actor=g.actor)
    return render_template(
        "reporting/queue.html",
        period=period,
        lines=reports.verification_queue(
            period, actor=g.actor, opd_id=opd_id, dimension_code=dimension, status=wanted
        ),
        opds=masterplans.list_opds(actor=g.actor),
        dimensions=current.dimensions if current else (),
        filters={"opd_id": opd_id, "dimension": dimension, "status": wanted},
        errors=errors,
        form=request.form,
    ), status


def _opd(opd_id: uuid.UUID | None):
    """The OPD a list is filtered by, for its heading (None when no filter or no such OPD)."""
    if opd_id is None:
        return None
    return next((opd for opd in masterplans.list_opds(actor=g.actor) if opd.id == opd_id), None)


def _report_filters(period) -> dict:
    """A period's report list filters from the query string: OPD, dimension, program status and funding
    source (the dashboard's figures link here), each named for the page's heading."""
    opd_id = _uuid_arg("opd_id")
    progress = request.args.get("progress")
    progress = progress if progress in PROGRESS_STATUSES else None
    source = request.args.get("source", "").strip()[:40] or None
    dimension = request.args.get("dimension", "").strip()[:20] or None
    program_ids = None
    if dimension:
        masterplan_ids = db.session.scalars(
            reports.reports_query(period.id, actor=g.actor)
            .with_only_columns(ProgressReport.masterplan_id)
            .distinct()
            .order_by(None)
        )
        program_ids = [
            p.id
            for masterplan_id in list(masterplan_ids)
            for p in masterplans.list_programs(masterplan_id, actor=g.actor)
            if p.dimension_code == dimension
        ]
    return {
        "opd_id": opd_id,
        "opd": _opd(opd_id),
        "progress": progress,
        "source": source,
        "dimension": dimension,
        "program_ids": program_ids,
        "params": {
            "status": request.args.get("status") if request.args.get("status") in REPORT_STATUSES else None,
            "opd_id": opd_id,
            "progress": progress,
            "source": source,
            "dimension": dimension,
        },
    }


def _uuid_arg(name: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.args.get(name, ""))
    except ValueError:
        return None


# --- the roll-up ---------------------------------------------------------------------------------------


@bp.get("/periods/<uuid:period_id>/rollup")
def rollup(period_id):
    """Verified progress rolled up to sub-dimensions, dimensions and the whole masterplan, with the rule
    stated and every level's arithmetic shown."""
    period = periods.get_period(period_id, actor=g.actor)
    tree = reports.period_rollup(period, actor=g.actor)
    current = masterplans.current_masterplan(actor=g.actor)
    names = {}
    for dim in current.dimensions if current else ():
        names[dim.code] = dim.name_en if str(get_locale()) == "en" else dim.name_id
        for sub in dim.sub_dimensions:
            names[sub.code] = sub.name_en if str(get_locale()) == "en" else sub.name_id
    dimensions = tree.children if tree is not None else []
    return render_template(
        "reporting/rollup.html",
        period=period,
        tree=tree,
        names=names,
        chart_labels=[names.get(d.key, d.key) for d in dimensions],
        chart_values=[float(d.rounded) if d.rounded is not None else 0 for d in dimensions],
        settings=periods.get_settings(actor=g.actor),
    )


@bp.get("/periods/<uuid:period_id>/rollup.xlsx")
def rollup_workbook(period_id):
    """The roll-up as an Excel workbook: each level with its progress, weight and contribution."""
    data, filename = workbook.rollup_workbook(period_id, actor=g.actor, language=str(get_locale()))
    return _xlsx(data, filename)


@bp.post("/periods/<uuid:period_id>/publish")
def publish(period_id):
    """Publish the period's verified progress as a new snapshot (a correction supersedes the earlier one)."""
    snapshot, errors, _status = _attempt(lambda: publishing.publish_period(period_id, actor=g.actor))
    if errors:
        _flash_errors(errors)
    else:
        flash(_("Published as version %(version)s.", version=snapshot.version), "success")
    return redirect(url_for("reporting.period", period_id=period_id) + "#published")
