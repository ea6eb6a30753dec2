"""What the part pages share: the fields of each part's form, and the generic edit page, remove button
and add handler."""

from dataclasses import dataclass

from flask import flash, g, redirect, request, url_for
from flask_babel import gettext as _

from app.masterplan.common import MasterplanRefs, get_masterplan, get_part
from app.masterplan.models import (
    ACCUMULATIONS,
    POLARITIES,
    READINESS_ASPECTS,
    READINESS_LEVELS,
    SWOT_QUADRANTS,
)
from app.masterplan.views import attempt, flash_outcome, render_page
from app.masterplan.views.choices import (
    dimension_choices,
    labelled,
    opd_choices,
    strategy_choices,
    sub_choices,
)
from app.masterplan.views.forms import FormField, read_form

# --- field lists -------------------------------------------------------------------------------------


def mission_fields(refs):
    return [
        FormField("number", _("Number"), "number", width=2),
        FormField("text", _("Mission (misi)"), "textarea", required=True, width=10),
        FormField("dimension_codes", _("Dimensions it serves"), "checkboxes", dimension_choices(refs)),
    ]


def readiness_fields(refs):
    return [
        FormField(
            "dimension_code", _("Dimension"), "select", dimension_choices(refs), required=True, width=4
        ),
        FormField(
            "aspect", _("Aspect"), "select", labelled(READINESS_ASPECTS, "aspect"), required=True, width=5
        ),
        FormField("level", _("Readiness"), "select", labelled(READINESS_LEVELS, "level"), width=3),
        FormField("condition", _("Condition"), "textarea", required=True),
    ]


def gap_fields(refs, dimension_code=None):
    return [
        FormField(
            "sub_dimension_code",
            _("Sub-dimension"),
            "select",
            sub_choices(refs, dimension_code),
            required=True,
        ),
        FormField(
            "current_condition", _("Current condition (kondisi saat ini)"), "textarea", required=True, width=4
        ),
        FormField("future_condition", _("Future condition (kondisi masa depan)"), "textarea", width=4),
        FormField("implication", _("Implication"), "textarea", width=4),
    ]


def swot_fields(refs):
    return [
        FormField(
            "dimension_code", _("Dimension"), "select", dimension_choices(refs), required=True, width=4
        ),
        FormField(
            "quadrant", _("Quadrant"), "select", labelled(SWOT_QUADRANTS, "quadrant"), required=True, width=8
        ),
        FormField("text", _("Text"), "textarea", required=True),
    ]


def goal_fields(refs):
    return [
        FormField("dimension_code", _("Dimension"), "select", dimension_choices(refs), width=6),
        FormField(
            "sub_dimension_code",
            _("Sub-dimension"),
            "select",
            sub_choices(refs),
            width=6,
            help=_("Leave empty for a goal of the whole dimension"),
        ),
        FormField("text", _("Goal (sasaran)"), "textarea", required=True),
    ]


def indicator_fields(refs, goal_choices, years):
    fields = [
        FormField("goal_id", _("Goal"), "select", goal_choices, required=True),
        FormField("code", _("Code"), width=3, help=_("Optional, e.g. IND-01")),
        FormField("name", _("Indicator"), required=True, width=6),
        FormField("unit", _("Unit"), required=True, width=3, help=_("e.g. kasus, %, komunitas")),
        FormField("polarity", _("Polarity"), "select", labelled(POLARITIES, "polarity"), width=4),
        FormField(
            "accumulation", _("Accumulation"), "select", labelled(ACCUMULATIONS, "accumulation"), width=4
        ),
        FormField("responsible_opd_id", _("Responsible OPD"), "select", opd_choices(refs), width=4),
        FormField("baseline_value", _("Baseline value"), "number", width=3),
        FormField("baseline_year", _("Baseline year"), "year", width=3),
        FormField("data_source", _("Data source"), width=6),
    ]
    fields += [FormField(f"target-{y}", _("Target %(year)s", year=y), "number", width=2) for y in years]
    return fields


def strategy_fields(refs, strategy=None):
    fields = [
        FormField(
            "code", _("Code"), width=3, help=_("Suggested; change it if your masterplan numbers differently")
        ),
        FormField("text", _("Strategy"), "textarea", required=True, width=9),
    ]
    if strategy is not None:  # an existing strategy may move to another place in the tree
        others = sorted(
            (s for s in refs.strategy_by_id.values() if s.id != strategy.id), key=lambda s: s.code
        )
        fields += [
            FormField(
                "dimension_code", _("Dimension"), "select", dimension_choices(refs), required=True, width=4
            ),
            FormField("sub_dimension_code", _("Sub-dimension"), "select", sub_choices(refs), width=4),
            FormField(
                "parent_id",
                _("Beneath strategy"),
                "select",
                strategy_choices(others),
                width=4,
                help=_("Empty: a strategy of its own at the top of the dimension"),
            ),
        ]
    return fields


def action_item_fields(refs, program_choices):
    return [
        FormField("program_id", _("Program"), "select", program_choices, required=True, width=6),
        FormField("year", _("Year"), "year", required=True, width=2),
        FormField("opd_id", _("OPD"), "select", opd_choices(refs), width=4),
        FormField("activity", _("Activity"), "textarea", required=True, width=6),
        FormField("output", _("Output"), "textarea", width=6),
        FormField("target", _("Target"), width=6),
        FormField("budget", _("Budget (Rp)"), "number", width=6),
    ]


# --- the generic edit page and remove button ---------------------------------------------------------


@dataclass
class PartPage:
    """How one kind of part is edited and removed on its own page."""

    model: type
    schema: type
    fields: object  # (refs, masterplan, part or None) -> list[FormField]
    present: object
    update: object
    delete: object
    back: str  # endpoint of the list page
    anchor: str = ""


def edit_part(page: PartPage, masterplan_id, part_id, title: str, data_hook=None):
    mp = get_masterplan(masterplan_id, actor=g.actor)
    refs = MasterplanRefs(mp)
    obj = get_part(page.model, masterplan_id, part_id)
    fields = page.fields(refs, mp, obj)
    errors, status = {}, 200
    back = url_for(page.back, masterplan_id=masterplan_id) + page.anchor
    if request.method == "POST":
        data, errors = read_form(fields, page.schema(), partial=True)
        if data_hook and not errors:
            errors = data_hook(data, fields)
        status = 422 if errors else 200
        if not errors:
            errors, status = attempt(lambda: page.update(masterplan_id, part_id, data, actor=g.actor))
            if not errors:
                flash(_("Saved."), "success")
                return redirect(back)
    values = page.present([obj], refs)[0]
    return render_page(
        "masterplan/part_form.html",
        mp,
        page.back,
        status,
        page_title=title,
        fields=fields,
        values=values,
        form=request.form if request.method == "POST" else None,
        errors=errors,
        back=back,
        delete_url=request.base_url + "/delete",
    )


def delete_part(page: PartPage, masterplan_id, part_id):
    errors, _status = attempt(lambda: page.delete(masterplan_id, part_id, actor=g.actor))
    flash_outcome(errors, _("Removed."))
    return redirect(url_for(page.back, masterplan_id=masterplan_id) + page.anchor)


def create_part(create, masterplan_id, fields, schema, data_hook=None) -> tuple[dict, int]:
    data, errors = read_form(fields, schema)
    if data_hook and not errors:
        errors = data_hook(data, fields)
    if errors:
        return errors, 422
    errors, status = attempt(lambda: create(masterplan_id, data, actor=g.actor))
    if not errors:
        flash(_("Added."), "success")
    return errors, status
