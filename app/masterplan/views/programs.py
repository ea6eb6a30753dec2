"""Pages: the program list (filtered, paginated), a program's page, and its form with strategies, OPDs,
partners, roadmap years and budget lines."""

from flask import flash, g, redirect, request, url_for
from flask_babel import gettext as _

from app.core.pages import paginate
from app.core.program_panels import program_panels
from app.extensions import db
from app.masterplan import presenters, programs
from app.masterplan.common import MasterplanRefs, get_masterplan, get_part
from app.masterplan.models import BUDGET_STATUSES, PROGRAM_STATUSES, Program
from app.masterplan.schemas import PartnerSchema, ProgramCreateSchema, ProgramSchema
from app.masterplan.views import attempt, bp, flash_outcome, page_params, render_page
from app.masterplan.views.choices import (
    code_choices,
    dimension_choices,
    labelled,
    opd_choices,
    strategy_choices,
    sub_choices,
)
from app.masterplan.views.forms import FormField, read_form, rows_from_form, uuid_arg, with_limits

PAGE_SIZE = 50
# Empty rows offered for new budget lines and partners; "Add a row" offers one more, as often as needed.
SPARE_ROWS = {"budget": 3, "partner": 2}
ROW_KINDS = {"budget": "budget_lines", "partner": "partners"}
ROW_INPUTS = {"budget": ("year", "amount", "funding_source", "status"), "partner": ("name", "sector")}


def program_filters(refs: MasterplanRefs) -> programs.ProgramFilters:
    """The filters named in the query string; unknown values simply match nothing."""
    quick = request.args.get("quick_win")
    return programs.ProgramFilters(
        dimension_code=request.args.get("dimension") or None,
        sub_dimension_code=request.args.get("sub") or None,
        opd_id=uuid_arg("opd_id"),
        funding_source=request.args.get("funding_source") or None,
        quick_win=True if quick == "1" else None,
        status=request.args.get("status") if request.args.get("status") in PROGRAM_STATUSES else None,
        search=(request.args.get("q") or "").strip()[:100] or None,
    )


def program_fields(refs: MasterplanRefs, years: list[int]) -> list[FormField]:
    strategies = sorted(refs.strategy_by_id.values(), key=lambda s: s.code)
    fields = [
        FormField(
            "code", _("Code"), required=True, width=3, help=_("Unique in this masterplan, e.g. PLP-S-01")
        ),
        FormField("name", _("Name"), required=True, width=9),
        FormField("description", _("Description"), "textarea"),
        FormField(
            "dimension_code",
            _("Dimension"),
            "select",
            dimension_choices(refs),
            width=6,
            help=_("May stay empty when the program serves a strategy: it takes the strategy's"),
        ),
        FormField("sub_dimension_code", _("Sub-dimension"), "select", sub_choices(refs), width=6),
        FormField(
            "strategy_ids",
            _("Strategies served"),
            "checkboxes",
            strategy_choices(strategies),
        ),
        FormField("program_class", _("Class"), "select", code_choices(refs, "program_class"), width=4),
        FormField("horizon", _("Horizon"), "select", code_choices(refs, "horizon"), width=4),
        FormField("status", _("Status"), "select", labelled(PROGRAM_STATUSES, "program_status"), width=4),
        FormField("quick_win", _("Quick win"), "checkbox", width=12),
        FormField("lead_opd_id", _("Lead OPD"), "select", opd_choices(refs), width=4),
        FormField("supporting_opd_ids", _("Supporting OPDs"), "checkboxes", opd_choices(refs), width=8),
        FormField("roadmap_years", _("Roadmap years"), "checkboxes", [(str(y), str(y)) for y in years]),
    ]
    return with_limits(fields, ProgramSchema())


def _lists_from_form() -> dict:
    # An amount is read by the schema, as the page's language writes it ("Rp 450.000.000", "2,5 miliar").
    budget = rows_from_form("budget", ROW_INPUTS["budget"], ("year", "amount", "funding_source"))
    return {"budget_lines": budget, "partners": rows_from_form("partner", ROW_INPUTS["partner"])}


def _years(mp, values: dict | None = None) -> list[int]:
    years = set(mp.years)
    if values:
        years |= set(values.get("roadmap_years") or [])
        years |= {b["year"] for b in values.get("budget_lines") or []}
    return sorted(years)


def _rows(lists: dict, kind: str) -> list[dict]:
    """The rows of ``kind`` to show: the filled ones and the spare empty rows; after "Add a row" every row
    as it was posted, in its place, and one more."""
    if request.method == "POST" and request.form.get("add_row") == kind:
        names = ROW_INPUTS[kind]
        columns = [request.form.getlist(f"{kind}-{name}") for name in names]
        return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=False)] + [{}]
    return list(lists.get(ROW_KINDS[kind]) or []) + [{}] * SPARE_ROWS[kind]


def _adding_row() -> bool:
    """Whether the post asks for one more row rather than to save (a button that works without JavaScript)."""
    return request.form.get("add_row") in ROW_KINDS


def _form_page(mp, refs, *, values, errors, status, title, program=None):
    years = _years(mp, values)
    form = request.form if request.method == "POST" else None
    lists = _lists_from_form() if form else values
    return render_page(
        "masterplan/program_form.html",
        mp,
        "masterplan.programs",
        status,
        page_title=title,
        program=program,
        refs=refs,
        fields=program_fields(refs, years),
        values=values,
        form=form,
        errors=errors,
        budget_rows=_rows(lists, "budget"),
        partner_rows=_rows(lists, "partner"),
        partner_name_max=PartnerSchema().fields["name"].max_length,
        funding_sources=code_choices(refs, "funding_source"),
        sectors=code_choices(refs, "pentahelix"),
        budget_statuses=BUDGET_STATUSES,
        years=years,
    )


@bp.get("/<uuid:masterplan_id>/programs", endpoint="programs")
def programs_page(masterplan_id):
    mp = get_masterplan(masterplan_id, actor=g.actor)
    refs = MasterplanRefs(mp)
    filters = program_filters(refs)
    page = paginate(programs.programs_query(masterplan_id, filters, refs, actor=g.actor), per_page=PAGE_SIZE)
    return render_page(
        "masterplan/programs.html",
        mp,
        "masterplan.programs",
        refs=refs,
        programs=page.items,
        details=programs.program_details([p.id for p in page.items]),
        filters=filters,
        page=page,
        page_params=page_params(masterplan_id),
        funding_sources=code_choices(refs, "funding_source"),
        opd_choices=opd_choices(refs),
    )


@bp.route("/<uuid:masterplan_id>/programs/new", methods=["GET", "POST"])
def new_program(masterplan_id):
    mp = get_masterplan(masterplan_id, actor=g.actor)
    refs = MasterplanRefs(mp)
    errors, status = {}, 200
    if request.method == "POST" and not _adding_row():
        data, errors = read_form(
            program_fields(refs, _years(mp)), ProgramCreateSchema(), extra=_lists_from_form()
        )
        status = 422 if errors else 200
        if not errors:
            created = {}
            errors, status = attempt(
                lambda: created.update(p=programs.create_program(masterplan_id, data, actor=g.actor))
            )
            if not errors:
                flash(_("Program %(code)s added.", code=created["p"].code), "success")
                return redirect(
                    url_for("masterplan.program", masterplan_id=masterplan_id, program_id=created["p"].id)
                )
    strategy = refs.strategy_by_id.get(uuid_arg("strategy"))
    defaults = {
        "dimension_code": request.args.get("dimension"),
        "sub_dimension_code": request.args.get("sub"),
        "strategy_ids": [str(strategy.id)] if strategy else [],
        "status": "planned",
    }
    return _form_page(mp, refs, values=defaults, errors=errors, status=status, title=_("New program"))


@bp.get("/<uuid:masterplan_id>/programs/<uuid:program_id>")
def program(masterplan_id, program_id):
    mp = get_masterplan(masterplan_id, actor=g.actor)
    refs = MasterplanRefs(mp)
    row = get_part(Program, masterplan_id, program_id)
    actions = list(db.session.scalars(programs.action_items_query(masterplan_id, program_id, actor=g.actor)))
    return render_page(
        "masterplan/program.html",
        mp,
        "masterplan.programs",
        refs=refs,
        program=row,
        details=programs.program_details([row.id])[row.id],
        actions=actions,
        code_lists=refs.code_lists,
        panels=program_panels(g.actor, row.id),
    )


@bp.route("/<uuid:masterplan_id>/programs/<uuid:program_id>/edit", methods=["GET", "POST"])
def edit_program(masterplan_id, program_id):
    mp = get_masterplan(masterplan_id, actor=g.actor)
    refs = MasterplanRefs(mp)
    row = get_part(Program, masterplan_id, program_id)
    values = presenters.programs([row], refs)[0]
    values["strategy_ids"] = [str(s) for s in values["strategy_ids"]]
    values["supporting_opd_ids"] = [str(o) for o in values["supporting_opd_ids"]]
    errors, status = {}, 200
    if request.method == "POST" and not _adding_row():
        data, errors = read_form(
            program_fields(refs, _years(mp, values)), ProgramSchema(), partial=True, extra=_lists_from_form()
        )
        status = 422 if errors else 200
        if not errors:
            errors, status = attempt(
                lambda: programs.update_program(masterplan_id, program_id, data, actor=g.actor)
            )
            if not errors:
                flash(_("Program %(code)s saved.", code=row.code), "success")
                return redirect(
                    url_for("masterplan.program", masterplan_id=masterplan_id, program_id=program_id)
                )
    return _form_page(
        mp, refs, values=values, errors=errors, status=status, title=_("Edit program"), program=row
    )


@bp.post("/<uuid:masterplan_id>/programs/<uuid:program_id>/delete")
def delete_program(masterplan_id, program_id):
    errors, _status = attempt(lambda: programs.delete_program(masterplan_id, program_id, actor=g.actor))
    flash_outcome(errors, _("The program is removed."))
    if errors:
        return redirect(url_for("masterplan.program", masterplan_id=masterplan_id, program_id=program_id))
    return redirect(url_for("masterplan.programs", masterplan_id=masterplan_id))
