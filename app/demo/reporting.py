"""Demo progress reports: two years of quarterly periods (2025 and 2026) for each demo tenant's current
masterplan, so that the pages show something real, written through the reporting services.

Every quarter up to the third of 2026 is closed with its reports verified; a few were returned once and
fixed, a few came in after the due date, and some programs stand at risk or delayed. The fourth quarter
of 2026 is open: some reports verified, some waiting for the secretariat, one returned with a comment,
some drafts and some not started. Each year's last quarter and the latest closed one are published. The
figures are invented but plausible: physical progress grows over the year, budget realisation follows
it. Seeding is skipped for a tenant that has periods already; the demo's history mails nobody.
"""

import hashlib
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

from app.core.auth import Actor
from app.core.mail import discard_unsent
from app.extensions import db
from app.masterplan import services as masterplans
from app.reporting import services as reporting

YEARS = (2025, 2026)
OPEN_PERIOD = (2026, 4)


def _roll(*parts) -> int:
    """A stable number from 0 to 99 for these parts: the same demo every time it is seeded."""
    return hashlib.sha256("|".join(map(str, parts)).encode()).digest()[0] * 100 // 256


def seed_reports(actor: Actor) -> None:
    """Seed the demo periods and reports of the current tenant (inside its tenant context)."""
    if db.session.scalar(reporting.periods_query(actor=actor).limit(1)) is not None:
        return
    current = masterplans.current_masterplan(actor=actor)
    if current is None:
        return
    programs = masterplans.list_programs(current.id, actor=actor)
    for year in YEARS:
        for period in reporting.create_periods(year, actor=actor):
            if (period.year, period.number) > OPEN_PERIOD:
                continue
            reporting.open_period(period.id, actor=actor)
            for program in programs:
                if (period.year, period.number) == OPEN_PERIOD:
                    _current_report(period, program, actor)
                else:
                    _past_report(period, program, actor)
            if (period.year, period.number) < OPEN_PERIOD:
                reporting.close_period(period.id, actor=actor)
                period.opened_at = _at(period.opens_on)
                period.closed_at = _at(period.due_on + timedelta(days=5))
                if period.number == 4 or (period.year, period.number) == (2026, 3):
                    reporting.publish_period(period.id, actor=actor)
    db.session.flush()
    discard_unsent()  # the demo's reports were never handed in by anyone: nobody is told


def _at(day) -> datetime:
    return datetime.combine(day, time(2, 0), tzinfo=UTC)


def _figures(period, code: str, program_years=()) -> tuple[str, Decimal]:
    """A program's status and physical progress at the end of a quarter."""
    roll = _roll(code, period.year)
    share = Decimal(period.number) / 4
    if program_years and period.year > max(program_years):
        return reporting.DONE, Decimal(100)
    if program_years and period.year < min(program_years):
        return reporting.NOT_STARTED, Decimal(0)
    pct = min(Decimal(100), (share * Decimal(70 + roll % 35)).quantize(Decimal("0.01")))
    if roll < 12:
        return reporting.DELAYED, (pct * Decimal("0.5")).quantize(Decimal("0.01"))
    if roll < 25:
        return reporting.AT_RISK, (pct * Decimal("0.75")).quantize(Decimal("0.01"))
    if pct >= 100:
        return reporting.DONE, Decimal(100)
    return (reporting.ON_TRACK if pct > 0 else reporting.NOT_STARTED), pct


def _write(period, program, actor: Actor):
    """Start the report and fill it in: figures, narrative, indicators and budget in line with progress."""
    status, pct = _figures(period, program.code, program.years)
    report = reporting.start_report(period.id, program.id, actor=actor)
    share = pct / 100
    data = {
        "progress_status": status,
        "physical_pct": pct,
        "narrative": f"Pelaksanaan {program.name} sampai akhir triwulan {period.number} {period.year}.",
        "indicator_actuals": [
            {
                "indicator_id": row.indicator_id,
                "actual": (
                    row.target * Decimal(str(0.6 + _roll(program.code, row.indicator_id) / 250)) * share
                ).quantize(Decimal("0.01")),
            }
            for row in reporting.indicator_actuals([report.id], actor=actor)[report.id]
            if row.target is not None
        ],
        "budget_realisations": [
            {"funding_source": row.funding_source, "realised": int(row.planned * share * Decimal("0.9"))}
            for row in reporting.budget_realisations([report.id], actor=actor)[report.id]
        ],
    }
    if status in (reporting.AT_RISK, reporting.DELAYED):
        data["obstacles"] = "Pengadaan barang dan jasa terlambat; anggaran perubahan belum disahkan."
        data["follow_up"] = "Koordinasi dengan Bappeda dan bagian pengadaan; jadwal ulang kegiatan."
    reporting.update_report(report.id, data, actor=actor)
    reporting.add_evidence_link(
        report.id,
        f"https://smartcity.example.go.id/laporan/{period.year}/tw{period.number}/{program.code}",
        f"Dokumentasi kegiatan TW {period.number} {period.year}",
        actor=actor,
    )
    return report


def _past_report(period, program, actor: Actor) -> None:
    report = _write(period, program, actor)
    roll = _roll(program.code, period.year, period.number)
    reporting.submit_report(report.id, actor=actor)
    submitted = _at(period.due_on + timedelta(days=4 if roll < 15 else -3))  # a few came in late
    if roll > 90:
        # Returned once for a missing figure, then fixed and verified.
        reporting.return_report(report.id, "Lengkapi realisasi anggaran per sumber dana.", actor=actor)
        reporting.submit_report(report.id, actor=actor)
        report.returned_at = submitted + timedelta(days=1)
        submitted += timedelta(days=2)
    reporting.verify_report(report.id, actor=actor)
    report.submitted_at, report.verified_at = submitted, submitted + timedelta(days=2)


def _current_report(period, program, actor: Actor) -> None:
    """The open quarter: a mix of every state."""
    roll = _roll(program.code, "current")
    if roll < 20:
        return  # not started yet
    report = _write(period, program, actor)
    if roll < 40:
        return  # a draft
    reporting.submit_report(report.id, actor=actor)
    if roll < 65:
        return  # waiting for the secretariat
    if roll < 75:
        reporting.return_report(
            report.id, "Foto kegiatan belum ada dan capaian indikator belum diisi lengkap.", actor=actor
        )
        return
    reporting.verify_report(report.id, actor=actor)
