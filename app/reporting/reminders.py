"""Reminders to OPD operators about the reports of an open period: ``reminder_days`` before its due date
(the tenant administrator's setting) and again once it is overdue.

An operator is reminded when one of their OPDs' programs has no report with the secretariat yet (none,
a draft or a returned one); the mail lists those programs. One reminder per operator, period and kind,
however often the job runs.
"""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.core.auth import Actor
from app.core.reminders import Claim
from app.extensions import db
from app.masterplan import services as masterplans
from app.reporting import notices
from app.reporting.models import OPEN, SUBMITTED, VERIFIED, ProgressReport, ReportingPeriod
from app.reporting.periods import get_settings
from app.tenants import services as tenants

DUE_SOON, OVERDUE = "due_soon", "overdue"
LABEL = _l("progress reports")


def reminder_kind(period: ReportingPeriod, today: date, lead_days: int) -> str | None:
    """Which reminder an open period calls for today: due soon within ``lead_days`` of its due date
    (the due date included), overdue after it, none before."""
    if today > period.due_on:
        return OVERDUE
    if (period.due_on - today).days <= lead_days:
        return DUE_SOON
    return None


def send_reminders(actor: Actor, today: date, claim: Claim) -> int:
    """Queue this tenant's report reminders for ``today``; returns how many operators are reminded."""
    lead_days = get_settings(actor=actor).reminder_days
    periods = [
        (period, kind)
        for period in db.session.scalars(select(ReportingPeriod).where(ReportingPeriod.status == OPEN))
        if (kind := reminder_kind(period, today, lead_days)) is not None
    ]
    current = masterplans.current_masterplan(actor=actor)
    if not periods or current is None:
        return 0
    programs = masterplans.list_programs(current.id, actor=actor)
    handed_in = _handed_in([period.id for period, _kind in periods])
    sent = 0
    for user, opd_ids in tenants.opd_operators(actor=actor):
        if not user.is_active:
            continue
        for period, kind in periods:
            pending = [p for p in programs if p.lead_opd_id in opd_ids and (period.id, p.id) not in handed_in]
            if pending and claim(f"progress-reminder:{period.id}:{user.id}:{kind}"):
                notices.reminder(user, period, kind, pending, actor=actor)
                sent += 1
    return sent


def _handed_in(period_ids: list) -> set:
    """(period, program) of the reports with the secretariat or verified."""
    rows = db.session.execute(
        select(ProgressReport.period_id, ProgressReport.program_id).where(
            ProgressReport.period_id.in_(period_ids), ProgressReport.status.in_((SUBMITTED, VERIFIED))
        )
    )
    return {(period_id, program_id) for period_id, program_id in rows}
