"""Progress reporting's interface for other packages (the dashboard, public widgets, the ministry): the
tenant's periods and the state of their reports. Each call takes the actor it reads for."""

from app.reporting.periods import current_period, get_period, get_settings, period_label, periods_query
from app.reporting.reports import get_report, program_lines, reports_query

__all__ = [
    "current_period",
    "get_period",
    "get_report",
    "get_settings",
    "period_label",
    "periods_query",
    "program_lines",
    "reports_query",
]
