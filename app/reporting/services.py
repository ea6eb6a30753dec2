"""Progress reporting's interface for other packages (the dashboard, the demo, public widgets, the
ministry): periods, reports with their workflow, the roll-up and published snapshots. Each call takes the
actor it acts or reads for; the names of the codes a report stores are here too."""

from app.reporting.models import AT_RISK, DELAYED, DONE, NOT_STARTED, ON_TRACK, PROGRESS_STATUSES, VERIFIED
from app.reporting.periods import (
    close_period,
    create_periods,
    current_period,
    get_period,
    get_settings,
    open_period,
    period_label,
    periods_query,
    reopen_period,
)
from app.reporting.publishing import get_snapshot, publish_period, snapshots_query
from app.reporting.reports import (
    add_evidence_link,
    budget_realisations,
    get_report,
    indicator_actuals,
    period_rollup,
    program_lines,
    reports_query,
    return_report,
    start_report,
    submit_report,
    update_report,
    verify_report,
)

__all__ = [
    "AT_RISK",
    "DELAYED",
    "DONE",
    "NOT_STARTED",
    "ON_TRACK",
    "PROGRESS_STATUSES",
    "VERIFIED",
    "add_evidence_link",
    "budget_realisations",
    "close_period",
    "create_periods",
    "current_period",
    "get_period",
    "get_report",
    "get_settings",
    "get_snapshot",
    "indicator_actuals",
    "open_period",
    "period_label",
    "period_rollup",
    "periods_query",
    "program_lines",
    "publish_period",
    "reopen_period",
    "reports_query",
    "return_report",
    "snapshots_query",
    "start_report",
    "submit_report",
    "update_report",
    "verify_report",
]
