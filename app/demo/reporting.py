"""Demo progress reports: two years of quarterly periods (2025 and 2026) for each demo tenant's current
masterplan, so that the pages show something real.

Every quarter up to the third of 2026 is closed with its reports verified; a few were returned once and
fixed, a few came in after the due date, and some programs stand at risk or delayed. The fourth quarter
of 2026 is open: some reports verified, some waiting for the secretariat, one returned with a comment,
some drafts and some not started. The figures are invented but plausible: physical progress grows over
the year, budget realisation follows it. Seeding is skipped for a tenant that has periods already.
"""

import hashlib
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select

from app.core.auth import Actor
from app.extensions import db
from app.masterplan import services as masterplans
from app.reporting import periods, publishing, reports
from app.reporting.models import (
    AT_RISK,
    DELAYED,
    DONE,
    NOT_STARTED,
    ON_TRACK,
    VERIFIED,
    BudgetRealisation,
    Evidence,
    IndicatorActual,
    ReportingPeriod,
)

YEARS = (2025, 2026)
OPEN_PERIOD = (2026, 4)


def _roll(*parts) -> int:
    """A stable number from 0 to 99 for these parts: the same demo every time it is seeded."""
    return hashlib.sha256("|".join(map(str, parts)).encode()).digest()[0] * 100 // 256


def seed_reports(actor: Actor) -> None:
    """Seed the demo periods and reports of the current tenant (inside its tenant context)."""
    if db.session.scalar(select(ReportingPeriod.id).limit(1)) is not None:
        return
    current = masterplans.current_masterplan(actor=actor)
    if current is None:
        return
    programs = masterplans.list_programs(current.id, actor=actor)
    details = {p.id: masterplans.get_program(p.id, actor=actor) for p in programs}
    for year in YEARS:
        for period in periods.create_periods(year, actor=actor):
            if (period.year, period.number) > OPEN_PERIOD:
                continue
            periods.open_period(period.id, actor=actor)
            for program in programs:
                if (period.year, period.number) == OPEN_PERIOD:
                    _current_report(period, program, actor)
                else:
                    _past_report(period, details[program.id], actor)
            if (period.year, period.number) < OPEN_PERIOD:
                periods.close_period(period.id, actor=actor)
                period.opened_at = _at(period.opens_on)
                period.closed_at = _at(period.due_on + timedelta(days=5))
                if period.number == 4 or (period.year, period.number) == (2026, 3):
                    # The year's end and the last closed quarter are published.
                    publishing.publish_period(period.id, actor=actor)
    db.session.flush()
    # The demo's own history mails nobody.
    db.session.info.pop("reporting_outbox", None)


def _at(day) -> datetime:
    return datetime.combine(day, time(2, 0), tzinfo=UTC)


def _figures(period: ReportingPeriod, code: str, program_years=()) -> tuple[str, Decimal]:
    """A program's status and physical progress at the end of a quarter."""
    roll = _roll(code, period.year)
    share = Decimal(period.number) / 4
    if program_years and period.year > max(program_years):
        return DONE, Decimal(100)
    if program_years and period.year < min(program_years):
        return NOT_STARTED, Decimal(0)
    pct = min(Decimal(100), (share * Decimal(70 + roll % 35)).quantize(Decimal("0.01")))
    if roll < 12:
        return DELAYED, (pct * Decimal("0.5")).quantize(Decimal("0.01"))
    if roll < 25:
        return AT_RISK, (pct * Decimal("0.75")).quantize(Decimal("0.01"))
    if pct >= 100:
        return DONE, Decimal(100)
    return (ON_TRACK if pct > 0 else NOT_STARTED), pct


def _write(period: ReportingPeriod, program, actor: Actor):
    status, pct = _figures(period, program.code, program.years)
    report = reports.start_report(period.id, program.id, actor=actor)
    report.progress_status, report.physical_pct = status, pct
    report.narrative = f"Pelaksanaan {program.name} sampai akhir triwulan {period.number} {period.year}."
    if status in (AT_RISK, DELAYED):
        report.obstacles = "Pengadaan barang dan jasa terlambat; anggaran perubahan belum disahkan."
        report.follow_up = "Koordinasi dengan Bappeda dan bagian pengadaan; jadwal ulang kegiatan."
    return report, pct


def _fill_rows(report, pct: Decimal, code: str) -> None:
    """Indicator actuals and budget realisation in line with the physical progress."""
    share = pct / 100
    for row in db.session.scalars(select(IndicatorActual).where(IndicatorActual.report_id == report.id)):
        if row.target is not None:
            row.actual = (
                row.target * Decimal(str(0.6 + _roll(code, row.indicator_id) / 250)) * share
            ).quantize(Decimal("0.01"))
    for row in db.session.scalars(select(BudgetRealisation).where(BudgetRealisation.report_id == report.id)):
        row.realised = int(row.planned * share * Decimal("0.9"))


def _past_report(period: ReportingPeriod, detail, actor: Actor) -> None:
    program = detail.program
    report, pct = _write(period, program, actor)
    _fill_rows(report, pct, program.code)
    db.session.add(
        Evidence(
            report_id=report.id,
            url=f"https://smartcity.example.go.id/laporan/{period.year}/tw{period.number}/{program.code}",
            title=f"Dokumentasi kegiatan TW {period.number} {period.year}",
            added_by=actor.user_id,
        )
    )
    roll = _roll(program.code, period.year, period.number)
    late = roll < 15
    submitted = _at(period.due_on + timedelta(days=4 if late else -3))
    if roll > 90:
        # Returned once for a missing figure, then fixed and verified.
        report.returned_at, report.returned_by = submitted + timedelta(days=1), actor.user_id
        report.return_comment = "Lengkapi realisasi anggaran per sumber dana."
        submitted += timedelta(days=2)
    report.status = VERIFIED
    report.submitted_at, report.submitted_by = submitted, actor.user_id
    report.verified_at, report.verified_by = submitted + timedelta(days=2), actor.user_id


def _current_report(period: ReportingPeriod, program, actor: Actor) -> None:
    """The open quarter: a mix of every state, through the workflow's own services."""
    roll = _roll(program.code, "current")
    if roll < 20:
        return  # not started yet
    report, pct = _write(period, program, actor)
    _fill_rows(report, pct, program.code)
    db.session.add(
        Evidence(
            report_id=report.id,
            url=f"https://smartcity.example.go.id/laporan/{period.year}/tw{period.number}/{program.code}",
            title=f"Dokumentasi kegiatan TW {period.number} {period.year}",
            added_by=actor.user_id,
        )
    )
    db.session.flush()
    if roll < 40:
        return  # a draft
    reports.submit_report(report.id, actor=actor)
    if roll < 65:
        return  # waiting for the secretariat
    if roll < 75:
        reports.return_report(
            report.id, "Foto kegiatan belum ada dan capaian indikator belum diisi lengkap.", actor=actor
        )
        return
    reports.verify_report(report.id, actor=actor)
