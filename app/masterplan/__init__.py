"""Smart city masterplans: versions, analysis, goals, strategies, programs, budgets."""

from flask_babel import lazy_gettext as _l

from app.core.form_errors import register_field_labels
from app.core.nav import register_nav
from app.core.paths import register_path_param
from app.masterplan.models import (
    ActionItem,
    GapAnalysis,
    Goal,
    Indicator,
    Masterplan,
    Mission,
    Program,
    ReadinessEntry,
    Strategy,
    SwotItem,
)

register_nav("tenant", "masterplan.index", _l("Masterplan"), order=20)

register_field_labels(
    {
        "code": _l("Code"),
        "name": _l("Name"),
        "text": _l("Text"),
        "title": _l("Title"),
        "description": _l("Description"),
        "version_label": _l("Version"),
        "framework_id": _l("Framework"),
        "period_start": _l("Period from (year)"),
        "period_end": _l("Period to (year)"),
        "rpjmd_start": _l("RPJMD from"),
        "rpjmd_end": _l("RPJMD to"),
        "legal_type": _l("Legal basis"),
        "legal_number": _l("Number"),
        "legal_date": _l("Date"),
        "vision": _l("Vision (visi)"),
        "dimension_code": _l("Dimension"),
        "dimension_codes": _l("Dimensions it serves"),
        "sub_dimension_code": _l("Sub-dimension"),
        "parent_id": _l("Beneath strategy"),
        "goal_id": _l("Goal"),
        "unit": _l("Unit"),
        "polarity": _l("Polarity"),
        "accumulation": _l("Accumulation"),
        "baseline_value": _l("Baseline value"),
        "baseline_year": _l("Baseline year"),
        "target-*": _l("Target %(part)s"),
        "data_source": _l("Data source"),
        "responsible_opd_id": _l("Responsible OPD"),
        "strategy_ids": _l("Strategies"),
        "program_class": _l("Class"),
        "horizon": _l("Horizon"),
        "quick_win": _l("Quick win"),
        "lead_opd_id": _l("Lead OPD"),
        "supporting_opd_ids": _l("Supporting OPDs"),
        "roadmap_years": _l("Roadmap years"),
        "budget_lines": _l("Budget"),
        "partners": _l("Partners"),
        "sector": _l("Sector"),
        "year": _l("Year"),
        "amount": _l("Amount (Rp)"),
        "funding_source": _l("Funding source"),
        "status": _l("Status"),
        "program_id": _l("Program"),
        "opd_id": _l("OPD"),
        "activity": _l("Activity"),
        "output": _l("Output"),
        "target": _l("Target"),
        "budget": _l("Budget (Rp)"),
        "level": _l("Readiness"),
        "condition": _l("Condition"),
        "current_condition": _l("Current condition"),
        "future_condition": _l("Future condition (kondisi masa depan)"),
        "implication": _l("Implication"),
        "quadrant": _l("Quadrant"),
        "number": _l("Number"),
    }
)

register_path_param("masterplan_id", Masterplan)
register_path_param("mission_id", Mission)
register_path_param("readiness_id", ReadinessEntry)
register_path_param("gap_id", GapAnalysis)
register_path_param("swot_item_id", SwotItem)
register_path_param("goal_id", Goal)
register_path_param("indicator_id", Indicator)
register_path_param("strategy_id", Strategy)
register_path_param("program_id", Program)
register_path_param("action_item_id", ActionItem)


# Stored codes that read as words on the audit pages: (object type, column, views.LABELS group).
AUDITED_CODES = (
    ("Masterplan", "status", "status"),
    ("Masterplan", "legal_type", "legal_type"),
    ("ReadinessEntry", "aspect", "aspect"),
    ("ReadinessEntry", "level", "level"),
    ("SwotItem", "quadrant", "quadrant"),
    ("Indicator", "polarity", "polarity"),
    ("Indicator", "accumulation", "accumulation"),
    ("Program", "status", "program_status"),
    ("BudgetLine", "status", "budget_status"),
)


def _register_audit_labels() -> None:
    """How the masterplan's objects, and the codes they store, read on the audit pages."""
    from app.core.audit import register_object_label, register_value_label
    from app.masterplan.views import LABELS

    for object_type, column, group in AUDITED_CODES:
        register_value_label(object_type, column, lambda code, group=group: LABELS[group].get(code, code))

    for object_type, label in {
        "Masterplan": _l("Masterplan version"),
        "Mission": _l("Mission"),
        "MissionDimension": _l("Mission's dimension"),
        "ReadinessEntry": _l("Readiness entry"),
        "GapAnalysis": _l("Gap analysis"),
        "SwotItem": _l("SWOT item"),
        "Goal": _l("Goal"),
        "Indicator": _l("Indicator"),
        "IndicatorTarget": _l("Indicator target"),
        "Strategy": _l("Strategy"),
        "Program": _l("Program"),
        "ProgramStrategy": _l("Program's strategy"),
        "ProgramOpd": _l("Program's supporting OPD"),
        "ProgramPartner": _l("Program partner"),
        "BudgetLine": _l("Budget line"),
        "ActionItem": _l("Action plan item"),
    }.items():
        register_object_label(object_type, label)


def _register_landing() -> None:
    """An OPD operator starts on their OPD's programs; a tenant without a masterplan starts by making one."""
    from flask import url_for

    from app.core.auth import OPD_OPERATOR, PLANNER, TENANT_ADMIN
    from app.core.landing import FirstStep, register_first_step, register_start_page
    from app.masterplan import versions
    from app.tenants import services as tenants

    def operator_programs(actor):
        current = versions.current_masterplan(actor=actor)
        if current is None:
            return None
        own = [o for o in tenants.list_opds(actor=actor) if o.id in actor.opd_ids]
        # The list filters by one OPD: an operator of several starts on the first by code.
        first = own[0].id if own else None
        return url_for("masterplan.programs", masterplan_id=current.id, opd_id=first)

    register_start_page("tenant", (OPD_OPERATOR,), operator_programs, order=50)
    register_first_step(
        FirstStep(
            "masterplan",
            _l("Create the masterplan"),
            _l("Start a draft from the national framework, or import a workbook your team filled in."),
            lambda: url_for("masterplan.index"),
            lambda actor: versions.current_masterplan(actor=actor) is not None,
            (TENANT_ADMIN, PLANNER),
            order=40,
            essential=True,
        )
    )


def init_app(app) -> None:
    from app.core.api import register_api
    from app.files.services import register_owner
    from app.masterplan import api, exchange, legal, programs, views
    from app.tenants.services import register_opd_reference

    exchange.init_app(app)  # adds pages to views.bp: before it is registered
    app.register_blueprint(views.bp)
    register_api(app, *api.blueprints)
    views.init_app(app)
    register_opd_reference(programs.opd_references)
    register_owner(legal.OWNER_TYPE, legal.can_read)
    _register_audit_labels()
    _register_landing()
