"""Parts as the API shows them: framework ids become codes, a program's lists are nested.

Each function takes a page of rows and answers in a fixed number of queries, whatever the page size."""

from app.masterplan.analysis import mission_dimension_codes
from app.masterplan.common import MasterplanRefs
from app.masterplan.goals import targets_by_indicator
from app.masterplan.programs import program_details

STAMPS = ("id", "created_at", "updated_at")


def _row(obj, *names) -> dict:
    return {name: getattr(obj, name) for name in (*STAMPS, *names) if hasattr(obj, name)}


def _codes(row, refs: MasterplanRefs) -> dict:
    dim = refs.dimension_by_id.get(getattr(row, "dimension_id", None))
    sub = refs.sub_dimension_by_id.get(getattr(row, "sub_dimension_id", None))
    if dim is None and sub is not None:
        dim = refs.dimension_by_id[sub.dimension_id]
    return {"dimension_code": dim.code if dim else None, "sub_dimension_code": sub.code if sub else None}


def missions(rows, refs: MasterplanRefs) -> list[dict]:
    codes = mission_dimension_codes(refs.masterplan.id, [m.id for m in rows])
    return [{**_row(m, "number", "text"), "dimension_codes": codes[m.id]} for m in rows]


def readiness(rows, refs: MasterplanRefs) -> list[dict]:
    return [{**_row(r, "aspect", "level", "condition"), **_codes(r, refs)} for r in rows]


def gaps(rows, refs: MasterplanRefs) -> list[dict]:
    return [
        {**_row(g, "current_condition", "future_condition", "implication"), **_codes(g, refs)} for g in rows
    ]


def swot(rows, refs: MasterplanRefs) -> list[dict]:
    return [{**_row(s, "quadrant", "text"), **_codes(s, refs)} for s in rows]


def goals(rows, refs: MasterplanRefs) -> list[dict]:
    return [{**_row(g, "text"), **_codes(g, refs)} for g in rows]


INDICATOR_FIELDS = (
    "goal_id",
    "code",
    "name",
    "unit",
    "polarity",
    "accumulation",
    "baseline_value",
    "baseline_year",
    "data_source",
    "responsible_opd_id",
)


def indicators(rows, refs: MasterplanRefs) -> list[dict]:
    targets = targets_by_indicator([i.id for i in rows])
    return [
        {
            **_row(i, *INDICATOR_FIELDS),
            "targets": [{"year": y, "value": v} for y, v in sorted(targets[i.id].items())],
        }
        for i in rows
    ]


def strategies(rows, refs: MasterplanRefs) -> list[dict]:
    return [{**_row(s, "code", "text", "parent_id"), **_codes(s, refs)} for s in rows]


PROGRAM_FIELDS = (
    "code",
    "name",
    "description",
    "program_class",
    "horizon",
    "quick_win",
    "lead_opd_id",
    "status",
)


def programs(rows, refs: MasterplanRefs) -> list[dict]:
    details = program_details([p.id for p in rows])
    result = []
    for p in rows:
        d = details[p.id]
        result.append(
            {
                **_row(p, *PROGRAM_FIELDS),
                **_codes(p, refs),
                "roadmap_years": sorted(p.roadmap_years or []),
                "strategy_ids": d.strategy_ids,
                "strategy_codes": sorted(refs.strategy_by_id[s].code for s in d.strategy_ids),
                "supporting_opd_ids": d.supporting_opd_ids,
                "partners": [{"name": x.name, "sector": x.sector} for x in d.partners],
                "budget_lines": [
                    {
                        "year": b.year,
                        "amount": b.amount,
                        "funding_source": b.funding_source,
                        "status": b.status,
                    }
                    for b in d.budget_lines
                ],
                "budget_total": d.budget_total,
            }
        )
    return result


def action_items(rows, refs: MasterplanRefs) -> list[dict]:
    return [_row(a, "program_id", "year", "activity", "output", "target", "opd_id", "budget") for a in rows]
