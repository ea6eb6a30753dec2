"""Pages for masterplans (tenant).

Every page works with JavaScript off (links navigate, forms post and redirect); htmx makes the tree's
navigation and inline edits quicker. Only tenant admins and planners see editing controls, and only on
a draft version.
"""

from flask import Blueprint, Flask, flash, g, redirect, render_template, request
from flask_babel import format_decimal, get_locale
from flask_babel import lazy_gettext as _l

from app.core.errors import DomainError
from app.core.form_errors import field_label, form_errors, page_message
from app.core.i18n import format_date
from app.extensions import db
from app.masterplan import policy
from app.masterplan.models import DRAFT, Masterplan

bp = Blueprint("masterplan", __name__, url_prefix="/t/<tenant>/masterplans", template_folder="../templates")

LABELS = {
    "status": {
        "draft": _l("Draft"),
        "in_review": _l("In review"),
        "endorsed": _l("Endorsed"),
        "enacted": _l("Enacted"),
        "superseded": _l("Superseded"),
    },
    "aspect": {
        "STRUKTUR": _l("Struktur: people, budget, governance"),
        "INFRASTRUKTUR": _l("Infrastruktur: physical, digital, social"),
        "SUPRASTRUKTUR": _l("Suprastruktur: policy, institutions"),
    },
    "level": {"LOW": _l("Low"), "MEDIUM": _l("Medium"), "HIGH": _l("High")},
    "quadrant": {
        "S": _l("Strengths (kekuatan)"),
        "W": _l("Weaknesses (kelemahan)"),
        "O": _l("Opportunities (peluang)"),
        "T": _l("Threats (ancaman)"),
    },
    "polarity": {
        "higher_better": _l("Higher is better"),
        "lower_better": _l("Lower is better"),
        "neutral": _l("Neutral"),
    },
    "accumulation": {"cumulative": _l("Cumulative"), "annual": _l("Annual"), "fixed": _l("Fixed")},
    "program_status": {
        "proposed": _l("Proposed"),
        "planned": _l("Planned"),
        "in_progress": _l("In progress"),
        "operational": _l("Operational"),
        "delayed": _l("Delayed"),
        "completed": _l("Completed"),
        "cancelled": _l("Cancelled"),
    },
    "budget_status": {"indicative": _l("Indicative"), "allocated": _l("Allocated")},
    "legal_type": {
        "PERWALI": _l("Perwali (mayor's regulation)"),
        "PERBUP": _l("Perbup (regent's regulation)"),
        "PERDA": _l("Perda (regional regulation)"),
        "SK": _l("SK (decree)"),
    },
}
STATUS_BADGES = {
    "draft": "secondary",
    "in_review": "info",
    "endorsed": "primary",
    "enacted": "success",
    "superseded": "light",
}
TABS = (
    ("masterplan.overview", _l("Overview")),
    ("masterplan.tree", _l("Tree")),
    ("masterplan.vision", _l("Vision & missions")),
    ("masterplan.analysis", _l("Analysis")),
    ("masterplan.goals", _l("Goals & indicators")),
    ("masterplan.strategies", _l("Strategies")),
    ("masterplan.programs", _l("Programs")),
    ("masterplan.action_plan", _l("Action plan")),
    ("masterplan.roadmap", _l("Roadmap")),
    ("masterplan.budget", _l("Budget")),
    ("masterplan.compare", _l("Compare")),
    ("masterplan.exchange", _l("Excel & PDF")),
)


def localized_name(obj) -> str:
    """A reference entry's name in the page's language (Indonesian by default)."""
    if obj is None:
        return ""
    return obj.name_en if str(get_locale()) == "en" and obj.name_en else obj.name_id


def render_page(template: str, masterplan: Masterplan, tab: str, status: int = 200, **context):
    """A page of one masterplan version, with its tabs and what the caller may do on it."""
    editor = policy.can(g.actor, "masterplan.update", masterplan)
    return render_template(
        template,
        mp=masterplan,
        tab=tab,
        tabs=TABS,
        editor=editor,
        editable=editor and masterplan.status == DRAFT,
        **context,
    ), status


def page_params(masterplan_id) -> dict:
    """What a link to another page of a version's list keeps: the version and the filters (not the page)."""
    return {"masterplan_id": masterplan_id, **{k: v for k, v in request.args.items() if k != "page"}}


def attempt(action) -> tuple[dict, int]:
    """Run a service call and commit. On a domain error, roll back and return the errors to show on the
    form with the status to answer (422 invalid, 409 conflict); unreachable objects and refusals raise."""
    try:
        action()
        db.session.commit()
        return {}, 200
    except DomainError as error:
        return form_errors(error), error.status


def flash_outcome(errors: dict, success: str) -> None:
    if errors:
        # Each message with its field's label; lazy messages are rendered here (str.join takes only text).
        flash(
            "; ".join(
                page_message(m) if field == "_" else f"{field_label(field)}: {page_message(m)}"
                for field, messages in errors.items()
                for m in messages
            ),
            "danger",
        )
    else:
        flash(success, "success")


def redirect_to(url: str):
    return redirect(url)


@bp.context_processor
def _labels() -> dict:
    from app.masterplan.views.forms import form_values

    return {"labels": LABELS, "status_badges": STATUS_BADGES, "form_values": form_values}


def format_figure(value) -> str:
    """An indicator value as people write it: 230, 12,5 (id) or 12.5 (en), no trailing zeros."""
    return "–" if value is None else format_decimal(value, format="#,##0.####")


def legal_basis(masterplan) -> str:
    """A version's legal basis as people read it: Perwali (Peraturan Wali Kota) 23 Tahun 2025 · 30 Jun
    2025; empty before it is enacted."""
    if masterplan is None or not masterplan.legal_number:
        return ""
    kind = LABELS["legal_type"].get(masterplan.legal_type) if masterplan.legal_type else None
    text = " ".join(str(part) for part in (kind or masterplan.legal_type, masterplan.legal_number) if part)
    return f"{text} · {format_date(masterplan.legal_date)}" if masterplan.legal_date else text


def init_app(app: Flask) -> None:
    app.jinja_env.filters["figure"] = format_figure
    app.jinja_env.filters["legal_basis"] = legal_basis


# Route modules register on the blueprints above.
from app.masterplan.views import (  # noqa: E402, F401
    action_plan,
    analysis,
    goals,
    programs,
    reports,
    strategies,
    versions,
)
