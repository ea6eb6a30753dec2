"""Reports as the API and the pages show them: with their program's code and name, the indicator rows
named, the budget rows and the evidence. A fixed number of queries per list, whatever its length."""

import uuid

from app.core.auth import Actor
from app.masterplan import services as masterplans
from app.reporting import reports
from app.reporting.models import ProgressReport, ReportingPeriod
from app.reporting.periods import period_label


def period_dict(period: ReportingPeriod) -> dict:
    columns = {c.key: getattr(period, c.key) for c in period.__table__.columns}
    return {**columns, "label": period_label(period)}


def programs_by_id(found: list[ProgressReport], actor: Actor) -> dict[uuid.UUID, masterplans.ProgramSummary]:
    """The programs of these reports, one list per masterplan version they point at."""
    programs: dict[uuid.UUID, masterplans.ProgramSummary] = {}
    for masterplan_id in {r.masterplan_id for r in found}:
        programs.update({p.id: p for p in masterplans.list_programs(masterplan_id, actor=actor)})
    return programs


def report_summaries(found: list[ProgressReport], actor: Actor) -> list[dict]:
    """Reports for a list: their own fields with the program's code and name."""
    programs = programs_by_id(found, actor)
    return [_own(r, programs.get(r.program_id)) for r in found]


def _own(report: ProgressReport, program) -> dict:
    values = {c.key: getattr(report, c.key) for c in report.__table__.columns}
    values["program_code"] = program.code if program else ""
    values["program_name"] = program.name if program else ""
    return values


def report_detail(report: ProgressReport, actor: Actor) -> dict:
    """One report whole: its fields, indicator rows with names, units and targets, budget rows, evidence."""
    detail = masterplans.get_program(report.program_id, actor=actor)
    indicators = {i.id: i for i in detail.indicators}
    values = _own(report, detail.program)
    values["indicator_actuals"] = [
        {
            "indicator_id": row.indicator_id,
            "indicator_code": indicators[row.indicator_id].code if row.indicator_id in indicators else None,
            "indicator_name": indicators[row.indicator_id].name if row.indicator_id in indicators else "",
            "unit": indicators[row.indicator_id].unit if row.indicator_id in indicators else "",
            "polarity": indicators[row.indicator_id].polarity if row.indicator_id in indicators else "",
            "target": row.target,
            "actual": row.actual,
        }
        for row in reports.indicator_actuals([report.id], actor=actor)[report.id]
    ]
    values["budget_realisations"] = [
        {"funding_source": row.funding_source, "planned": row.planned, "realised": row.realised}
        for row in reports.budget_realisations([report.id], actor=actor)[report.id]
    ]
    values["evidence"] = reports.evidence_of([report.id], actor=actor)[report.id]
    values["program"] = detail.program
    return values
