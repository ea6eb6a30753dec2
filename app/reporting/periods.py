"""Reporting settings and periods: how often a tenant reports, and each period's dates and state.

A period's opening and due dates are calendar dates in the tenant's zone (WIB, WITA, WIT); "today" is the
tenant's today. The tenant administrator opens a period for reports, closes (locks) it, and may reopen it
with a reason; every change is written to the audit log with the row's before and after values.
"""

import calendar
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.core import bounds
from app.core.auth import Actor
from app.core.db import utcnow
from app.core.errors import Conflict, ValidationFailed
from app.core.numbers import NumberRefused, as_decimal
from app.core.reach import one_or_404
from app.core.tenancy import current_tenant_id
from app.extensions import db
from app.masterplan import services as masterplans
from app.reporting import policy
from app.reporting.models import (
    CLOSED,
    DIMENSION_LEVEL,
    ELEMENT_LEVEL,
    FREQUENCIES,
    MISSING_RULES,
    MONTHLY,
    OPEN,
    PERIODS_PER_YEAR,
    PLANNED,
    QUARTERLY,
    ROLLUP_RULES,
    SEMESTER,
    ReportingPeriod,
    ReportingSettings,
    RollupWeight,
)
from app.tenants import services as tenants

MIN_YEAR, MAX_YEAR = 2000, 2100
# Regional governments report a quarter within ten days of its end (Permendagri 86/2017's rhythm).
DUE_AFTER_END = timedelta(days=10)
OPEN_BEFORE_END = timedelta(days=14)
REMINDER_DAYS_MAX = 60
ROMAN = ("I", "II", "III", "IV")


# --- settings -----------------------------------------------------------------------------------------


def get_settings(*, actor: Actor) -> ReportingSettings:
    """The tenant's reporting rules; the defaults (quarterly, reminders 7 days ahead) until it sets any."""
    policy.require(actor, "settings.read")
    found = db.session.scalar(select(ReportingSettings))
    return found or ReportingSettings(
        frequency=QUARTERLY, reminder_days=7, rollup_rule=ROLLUP_RULES[0], missing_rule=MISSING_RULES[0]
    )


def update_settings(data: dict, *, actor: Actor) -> ReportingSettings:
    """Change how often the tenant reports (for years without periods yet), the reminder lead time and the
    roll-up rule."""
    policy.require(actor, "settings.update")
    settings = db.session.scalar(select(ReportingSettings))
    if settings is None:
        settings = get_settings(actor=actor)
        db.session.add(settings)
    choices = {"frequency": FREQUENCIES, "rollup_rule": ROLLUP_RULES, "missing_rule": MISSING_RULES}
    for name, allowed in choices.items():
        if data.get(name) is not None:
            if data[name] not in allowed:
                raise ValidationFailed.field(name, _l("one of %(choices)s", choices=", ".join(allowed)))
            setattr(settings, name, data[name])
    if data.get("reminder_days") is not None:
        days = data["reminder_days"]
        if not isinstance(days, int) or not 0 <= days <= REMINDER_DAYS_MAX:
            raise ValidationFailed.field(
                "reminder_days", _l("a whole number of days from 0 to %(max)d", max=REMINDER_DAYS_MAX)
            )
        settings.reminder_days = days
    db.session.flush()
    return settings


# The largest weight a tenant may give (weights are relative: 1, 2, 3 or 20, 30, 50 mean the same shares).
WEIGHT_MAX = Decimal("1000000")
WEIGHT_GROUPS = {"dimensions": DIMENSION_LEVEL, "elements": ELEMENT_LEVEL}


@dataclass(frozen=True)
class RollupWeights:
    """The tenant's own roll-up weights, by dimension code and by element (sub-dimension) code."""

    dimensions: dict = field(default_factory=dict)
    elements: dict = field(default_factory=dict)


def get_rollup_weights(*, actor: Actor) -> RollupWeights:
    """The weights the tenant gave its dimensions and elements (empty until it sets any). One query."""
    policy.require(actor, "settings.read")
    found = RollupWeights()
    for level, code, weight in db.session.execute(
        select(RollupWeight.level, RollupWeight.code, RollupWeight.weight).order_by(RollupWeight.code)
    ):
        group = found.dimensions if level == DIMENSION_LEVEL else found.elements
        group[code] = _plain(Decimal(weight))
    return found


def _plain(number: Decimal) -> Decimal:
    """A stored weight without its trailing zeros: 2, 2.5 (never 2.0000 nor 1E+2)."""
    return number.quantize(Decimal(1)) if number == number.to_integral_value() else number.normalize()


def _weight(name: str, value) -> Decimal | None:
    """A weight as given (a JSON number, or text as the page's language writes it); None when left empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    message = _l("a number from 0 to %(max)s", max=f"{WEIGHT_MAX:,.0f}".replace(",", "."))
    if not isinstance(value, int | float | str | Decimal):
        raise ValidationFailed.field(name, message)
    try:
        number = as_decimal(value)
    except NumberRefused as refused:
        raise ValidationFailed.field(name, refused.message) from None
    if not 0 <= number <= WEIGHT_MAX:
        raise ValidationFailed.field(name, message)
    return number.quantize(Decimal("0.0001"))


def set_rollup_weights(data: dict, *, actor: Actor) -> RollupWeights:
    """Replace the tenant's own weights: ``{"dimensions": {code: weight}, "elements": {code: weight}}``; a
    code left out or empty has no weight. Codes are those of the current masterplan's framework; a
    negative weight, a non-number or an unknown code is refused (422, naming it) and nothing is written."""
    policy.require(actor, "settings.update")
    current = masterplans.current_masterplan(actor=actor)
    known = {
        "dimensions": {d.code for d in current.dimensions} if current else set(),
        "elements": {s.code for d in current.dimensions for s in d.sub_dimensions} if current else set(),
    }
    # An element-less dimension rolls its programs up as one element under the dimension's own code.
    if current:
        known["elements"] |= {d.code for d in current.dimensions if not d.sub_dimensions}
    wanted: dict[tuple[str, str], Decimal] = {}
    for group, level in WEIGHT_GROUPS.items():
        given = data.get(group) or {}
        if not isinstance(given, dict):
            raise ValidationFailed.field(group, _l("weights by code"))
        for code, value in given.items():
            name = f"{group}.{code}"
            if code not in known[group]:
                raise ValidationFailed.field(name, _l("not a code of this masterplan's framework"))
            weight = _weight(name, value)
            if weight is not None:
                wanted[(level, code)] = weight
    stored = {(w.level, w.code): w for w in db.session.scalars(select(RollupWeight))}
    for key, row in stored.items():
        if key not in wanted:
            db.session.delete(row)
    for (level, code), weight in wanted.items():
        row = stored.get((level, code))
        if row is None:
            db.session.add(RollupWeight(level=level, code=code, weight=weight))
        elif Decimal(row.weight) != weight:
            row.weight = weight
    db.session.flush()
    return get_rollup_weights(actor=actor)


# --- dates ---------------------------------------------------------------------------------------------


def tenant_today(*, actor: Actor) -> date:
    """Today's date in the tenant's zone: a period due "today" in Palopo (WITA) is due until midnight WITA."""
    tenant = tenants.get_tenant(current_tenant_id(), actor=actor)
    return datetime.now(ZoneInfo(tenant.timezone)).date()


def period_span(year: int, frequency: str, number: int) -> tuple[date, date]:
    """The first and last day a period covers: Triwulan II 2025 is 1 April to 30 June 2025."""
    months = 12 // PERIODS_PER_YEAR[frequency]
    first_month = (number - 1) * months + 1
    last_month = first_month + months - 1
    return date(year, first_month, 1), date(year, last_month, calendar.monthrange(year, last_month)[1])


def period_label(period: ReportingPeriod) -> str:
    """How people name a period: Triwulan II 2025, Semester I 2025, Maret 2025, Tahun 2025."""
    if period.frequency == QUARTERLY:
        return _("Quarter %(number)s %(year)s", number=ROMAN[period.number - 1], year=period.year)
    if period.frequency == SEMESTER:
        return _("Semester %(number)s %(year)s", number=ROMAN[period.number - 1], year=period.year)
    if period.frequency == MONTHLY:
        from app.core.i18n import format_date

        return format_date(period.starts_on, "MMMM y")
    return _("Year %(year)s", year=period.year)


def is_overdue(period: ReportingPeriod, today: date) -> bool:
    return period.status == OPEN and today > period.due_on


# --- reading -------------------------------------------------------------------------------------------


def periods_query(year: int | None = None, status: str | None = None, *, actor: Actor):
    """The tenant's periods, newest first, optionally of one year or state."""
    policy.require(actor, "period.read")
    stmt = select(ReportingPeriod).order_by(ReportingPeriod.starts_on.desc(), ReportingPeriod.ends_on.desc())
    if year is not None:
        stmt = stmt.where(ReportingPeriod.year == year)
    if status is not None:
        stmt = stmt.where(ReportingPeriod.status == status)
    return stmt


def get_period(period_id: uuid.UUID, *, actor: Actor) -> ReportingPeriod:
    period = find_period(period_id)
    policy.require(actor, "period.read", period)
    return period


def find_period(period_id: uuid.UUID) -> ReportingPeriod:
    """The period with this id (404 when the tenant has none), for services that check their actor."""
    return one_or_404(select(ReportingPeriod).where(ReportingPeriod.id == period_id))


def current_period(*, actor: Actor) -> ReportingPeriod | None:
    """The period operators report on now: the open one that started last (None when none is open)."""
    policy.require(actor, "period.read")
    return db.session.scalar(
        select(ReportingPeriod)
        .where(ReportingPeriod.status == OPEN)
        .order_by(ReportingPeriod.starts_on.desc())
        .limit(1)
    )


# --- writing -------------------------------------------------------------------------------------------


def create_periods(year: int, *, actor: Actor) -> list[ReportingPeriod]:
    """Plan a year's periods at the tenant's frequency (four quarters by default), each opening two weeks
    before it ends and due ten days after; the dates can be changed before it opens."""
    policy.require(actor, "period.manage")
    if not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationFailed.field(
            "year", _l("a year between %(first)d and %(last)d", first=MIN_YEAR, last=MAX_YEAR)
        )
    if db.session.scalar(select(ReportingPeriod.id).where(ReportingPeriod.year == year).limit(1)):
        raise Conflict(
            _l("the periods of %(year)d are planned already", year=year),
            {"year": [_l("the periods of %(year)d are planned already", year=year)]},
        )
    frequency = get_settings(actor=actor).frequency
    periods = []
    for number in range(1, PERIODS_PER_YEAR[frequency] + 1):
        starts, ends = period_span(year, frequency, number)
        period = ReportingPeriod(
            year=year,
            frequency=frequency,
            number=number,
            starts_on=starts,
            ends_on=ends,
            opens_on=max(starts, ends - OPEN_BEFORE_END),
            due_on=ends + DUE_AFTER_END,
            status=PLANNED,
        )
        db.session.add(period)
        periods.append(period)
    db.session.flush()
    return periods


def update_period(period_id: uuid.UUID, data: dict, *, actor: Actor) -> ReportingPeriod:
    """Move a period's opening or due date (dates in the tenant's zone); the due date is never before the
    opening date, nor the opening date before the period starts."""
    period = find_period(period_id)
    policy.require(actor, "period.manage", period)
    opens_on = data.get("opens_on") or period.opens_on
    due_on = data.get("due_on") or period.due_on
    if opens_on < period.starts_on:
        raise ValidationFailed.field("opens_on", _l("not before the period starts"))
    if due_on < opens_on:
        raise ValidationFailed.field("due_on", _l("not before the opening date"))
    period.opens_on, period.due_on = opens_on, due_on
    db.session.flush()
    return period


def open_period(period_id: uuid.UUID, *, actor: Actor) -> ReportingPeriod:
    """Open a planned period: its OPDs can write and submit their reports."""
    period = _for_transition(period_id, actor, PLANNED, _l("only a planned period can be opened"))
    period.status, period.opened_at = OPEN, utcnow()
    db.session.flush()
    return period


def close_period(period_id: uuid.UUID, *, actor: Actor) -> ReportingPeriod:
    """Close (lock) an open period: its reports can no longer be written, submitted or verified."""
    period = _for_transition(period_id, actor, OPEN, _l("only an open period can be closed"))
    period.status, period.closed_at = CLOSED, utcnow()
    db.session.flush()
    return period


def reopen_period(period_id: uuid.UUID, reason: str | None, *, actor: Actor) -> ReportingPeriod:
    """Reopen a closed period, saying why (the audit log keeps the reason with who and when)."""
    period = find_period(period_id)
    policy.require(actor, "period.manage", period)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed.field("reason", _l("say why the period is reopened"))
    if len(reason) > 500:
        raise ValidationFailed.field("reason", _l("at most %(count)d characters", count=500))
    if (problem := bounds.text_problem(reason)) is not None:
        raise ValidationFailed.field("reason", problem)
    _ensure_status(period, CLOSED, _l("only a closed period can be reopened"))
    period.status, period.reopened_at, period.reopen_reason = OPEN, utcnow(), reason
    db.session.flush()
    return period


def _for_transition(period_id: uuid.UUID, actor: Actor, status: str, refusal) -> ReportingPeriod:
    period = find_period(period_id)
    policy.require(actor, "period.manage", period)
    _ensure_status(period, status, refusal)
    return period


def _ensure_status(period: ReportingPeriod, status: str, refusal) -> None:
    if period.status != status:
        raise Conflict(refusal)
