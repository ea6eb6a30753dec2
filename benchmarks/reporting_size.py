#!/usr/bin/env python3
"""How progress reporting holds up at a large city's size; writes its section of docs/PERFORMANCE.md.

Generates a large tenant: the 1,000-program masterplan of benchmarks/masterplan_size.py (imported as a
workbook, as a tenant would) and 20 quarterly periods (2025–2029) with a report on every program in each:
physical progress, a status, each indicator's actual value and the budget realised per funding source;
every closed period's reports are nearly all verified, the open one holds every state. The demo is seeded
beside it, so that one run measures, each with its time and SQL statement count:

* the dashboard of the large tenant against a demo tenant's (goal: within 3×);
* the verification queue of both (the statement counts stay the same);
* rolling up a period of the large tenant (goal: under 1 s);
* saving the grid for 200 programs in one request (an OPD operator of the OPDs leading them).

Runs on a temporary SQLite database, and also on PostgreSQL:

    .venv/bin/python benchmarks/reporting_size.py                      # SQLite only
    DATABASE_URL=postgresql://user:pw@host/db .venv/bin/python benchmarks/reporting_size.py
    .venv/bin/python benchmarks/reporting_size.py --local-postgres     # a throwaway local server

With DATABASE_URL the benchmark creates a temporary database on that server (the role needs CREATEDB),
migrates it and drops it at the end; the database named in the URL is not touched.
"""

import argparse
import hashlib
import os
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from masterplan_size import (  # noqa: E402  (benchmarks/, beside this script)
    FIRST_YEAR,
    OPD_CODES,
    YEARS,
    Figure,
    Run,
    _psycopg,
    counted,
    generate_rows,
    load_average,
    machine_facts,
)
from report import write_section  # noqa: E402

SLUG, REGION = "kota-makassar", "73.71"
DEMO_SLUG = "kota-palopo"
PASSWORD = "benchmark-password-1"
GRID_ROWS = 200
SAMPLES = 5
COMPARED_SAMPLES = 11


def _roll(*parts) -> int:
    """A stable number from 0 to 99 for these parts: the same data every run."""
    return hashlib.sha256("|".join(map(str, parts)).encode()).digest()[0] * 100 // 256


# --- the generated reports ---------------------------------------------------------------------------


def _figures(code: str, year: int, number: int) -> tuple[str, Decimal]:
    """A program's status and physical progress at the end of a quarter, counted from the year's start."""
    roll = _roll(code, year)
    pct = min(Decimal(100), (Decimal(number) / 4 * Decimal(70 + roll % 35)).quantize(Decimal("0.01")))
    if roll < 10:
        return "delayed", (pct / 2).quantize(Decimal("0.01"))
    if roll < 22:
        return "at_risk", (pct * 3 / 4).quantize(Decimal("0.01"))
    return ("done" if pct >= 100 else "on_track"), pct


def _workflow(code: str, year: int, number: int, last: bool) -> str | None:
    """A report's place in the workflow: nearly all verified in a closed period; every state in the open
    one (None: not started)."""
    roll = _roll(code, year, number, "workflow")
    if not last:
        return "verified" if roll < 97 else ("returned" if roll < 99 else "submitted")
    if roll < 15:
        return None
    return "draft" if roll < 35 else "submitted" if roll < 55 else "returned" if roll < 60 else "verified"


def generate_reports(app, tenant_id, actor, masterplan_id) -> dict:
    """Write every period's reports of the large tenant in batches (a report per program and period with
    its indicator actuals and budget realisations), as the services would leave them."""
    from sqlalchemy import insert

    from app.core.db import new_id, utcnow
    from app.core.tenancy import tenant_context
    from app.extensions import db
    from app.masterplan import services as masterplans
    from app.reporting import services as reporting
    from app.reporting.models import BudgetRealisation, IndicatorActual, ProgressReport

    with app.app_context(), tenant_context(tenant_id):
        created = []
        for year in range(FIRST_YEAR, FIRST_YEAR + YEARS):
            created += reporting.create_periods(year, actor=actor)
        for period in created:
            reporting.open_period(period.id, actor=actor)
            if period is not created[-1]:
                reporting.close_period(period.id, actor=actor)
        db.session.commit()
        periods = [(p.id, p.year, p.number) for p in created]
        programs = masterplans.list_programs(masterplan_id, actor=actor)
        details = {p.id: masterplans.get_program(p.id, actor=actor) for p in programs}
        counts = {"reports": 0, "actuals": 0, "budget": 0, "verified": 0}
        now = utcnow()
        for index, (period_id, year, number) in enumerate(periods):
            reports, actuals, budget = [], [], []
            for program in programs:
                state = _workflow(program.code, year, number, index == len(periods) - 1)
                if state is None:
                    continue
                status, pct = _figures(program.code, year, number)
                report_id = new_id()
                reports.append(
                    {
                        "tenant_id": tenant_id,
                        "id": report_id,
                        "period_id": period_id,
                        "masterplan_id": masterplan_id,
                        "program_id": program.id,
                        "opd_id": program.lead_opd_id,
                        "status": state,
                        "progress_status": status,
                        "physical_pct": pct,
                        "narrative": f"Pelaksanaan {program.name} sampai akhir triwulan {number} {year}.",
                        "submitted_at": now if state != "draft" else None,
                        "verified_at": now if state == "verified" else None,
                        "return_comment": "Lengkapi bukti dukung." if state == "returned" else None,
                    }
                )
                counts["verified"] += state == "verified"
                detail = details[program.id]
                for indicator in detail.indicators:
                    target = indicator.target(year)
                    actuals.append(
                        {
                            "tenant_id": tenant_id,
                            "report_id": report_id,
                            "indicator_id": indicator.id,
                            "target": None if target is None else Decimal(str(target)),
                            "actual": None
                            if target is None
                            else (Decimal(str(target)) * pct / 100).quantize(Decimal("0.01")),
                        }
                    )
                planned: dict[str, int] = {}
                for line in detail.budget:
                    if line.year == year:
                        planned[line.funding_source] = planned.get(line.funding_source, 0) + line.amount
                for source, amount in planned.items():
                    budget.append(
                        {
                            "tenant_id": tenant_id,
                            "report_id": report_id,
                            "funding_source": source,
                            "planned": amount,
                            "realised": int(amount * pct / 100 * Decimal("0.9")),
                        }
                    )
            for model, rows in (
                (ProgressReport, reports),
                (IndicatorActual, actuals),
                (BudgetRealisation, budget),
            ):
                for start in range(0, len(rows), 2000):
                    db.session.execute(insert(model), rows[start : start + 2000])
            db.session.commit()
            counts["reports"] += len(reports)
            counts["actuals"] += len(actuals)
            counts["budget"] += len(budget)
        counts["periods"] = len(periods)
        counts["programs"] = len(programs)
        counts["open_period_id"] = periods[-1][0]
        counts["closed_period_id"] = periods[-2][0]
        return counts


def grid_operator(app, tenant_id, admin_actor, open_period_id) -> tuple[str, list[uuid.UUID]]:
    """An OPD operator of as many OPDs as lead 200 programs still to report in the open period, and those
    programs' ids (the rows they save in one go)."""
    from sqlalchemy import select

    from app.accounts import services as accounts
    from app.core.tenancy import tenant_context
    from app.extensions import db
    from app.masterplan import services as masterplans
    from app.reporting.models import ProgressReport

    with app.app_context(), tenant_context(tenant_id):
        current = masterplans.current_masterplan(actor=admin_actor)
        programs = masterplans.list_programs(current.id, actor=admin_actor)
        done = set(
            db.session.scalars(
                select(ProgressReport.program_id).where(
                    ProgressReport.period_id == open_period_id,
                    ProgressReport.status.in_(("submitted", "verified")),
                )
            )
        )
        by_opd: dict[uuid.UUID, list] = {}
        for program in programs:
            if program.id not in done and program.lead_opd_id is not None:
                by_opd.setdefault(program.lead_opd_id, []).append(program.id)
        chosen, rows = [], []
        for opd_id, ids in sorted(by_opd.items(), key=lambda item: -len(item[1])):
            if len(rows) >= GRID_ROWS:
                break
            chosen.append(opd_id)
            rows += ids
        from app.tenants import services as tenants

        email = "operator@bench.test"
        user = accounts.create_user(email, "Operator OPD", PASSWORD)
        tenants.add_member(user.id, "opd_operator", chosen, actor=admin_actor)
        db.session.commit()
        return email, rows[:GRID_ROWS]


# --- measuring ----------------------------------------------------------------------------------------------


def page_figure(app, client, step: str, path: str, note: str = "") -> Figure:
    """The median time of a page over a few warm requests, with its statement count and size."""
    assert client.get(path).status_code == 200, path  # warm: templates compiled, caches filled
    samples = []
    for _ in range(SAMPLES):
        measured: list[Figure] = []
        with counted(app, measured, step):
            response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        samples.append(measured[0])
    size = len(response.data) / 1e3
    return Figure(
        step,
        statistics.median(s.seconds for s in samples),
        samples[-1].queries,
        f"median of {SAMPLES}; {size:,.0f} kB of HTML" + (f"; {note}" if note else ""),
    )


@dataclass
class PageFigure(Figure):
    cpu: float = 0.0


def compared_pages(app, *pages) -> list[PageFigure]:
    """Pages measured in turns (one request of each, then again), so that other work on a shared machine
    weighs on each alike: the median wall time and this process's processor time of each, its statements
    and size."""
    for _step, client, path in pages:
        assert client.get(path).status_code == 200, path  # warm: templates compiled, caches filled
    walls: list[list[float]] = [[] for _ in pages]
    cpus: list[list[float]] = [[] for _ in pages]
    counts, sizes = [0] * len(pages), [0] * len(pages)
    for _ in range(COMPARED_SAMPLES):
        for index, (step, client, path) in enumerate(pages):
            measured: list[Figure] = []
            cpu = time.process_time()
            with counted(app, measured, step):
                response = client.get(path)
            cpus[index].append(time.process_time() - cpu)
            assert response.status_code == 200, (path, response.status_code)
            walls[index].append(measured[0].seconds)
            counts[index], sizes[index] = measured[0].queries, len(response.data) / 1e3
    return [
        PageFigure(
            step,
            statistics.median(walls[index]),
            counts[index],
            f"median of {COMPARED_SAMPLES}, taken in turns with the other tenant's; "
            f"{sizes[index]:,.0f} kB of HTML",
            statistics.median(cpus[index]),
        )
        for index, (step, _client, _path) in enumerate(pages)
    ]


def benchmark(database_url: str, owner_url: str, app_role: str | None, programs: int, backend: str) -> Run:
    from argon2 import PasswordHasher
    from flask_babel import force_locale
    from flask_migrate import upgrade
    from sqlalchemy import select, text

    from app import create_app
    from app.accounts import services as accounts
    from app.core.auth import SYSTEM, TENANT_ADMIN, Actor
    from app.core.tenancy import tenant_context
    from app.demo import DEMO_PASSWORD, seed_demo
    from app.extensions import db
    from app.files import services as files
    from app.jobs.models import JobRun
    from app.masterplan import versions
    from app.masterplan.common import MasterplanRefs
    from app.masterplan.exchange import services as exchange
    from app.masterplan.exchange.workbook import build_workbook
    from app.reference.models import Framework
    from app.reporting import periods as reporting_periods
    from app.reporting import reports as reporting_reports
    from app.tenants import services as tenants

    # Argon2 at its lowest cost: the demo's accounts are hashed in seconds, logins measure nothing here.
    accounts._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    instance = tempfile.mkdtemp(prefix="kc-bench-")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "DATABASE_OWNER_URL": owner_url,
            "DATABASE_APP_ROLE": app_role,
            "INSTANCE_DIR": instance,
            "REDIS_URL": None,
            "SECRET_KEY": "benchmark",
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "JOBS_MAIL_AFTER_SECONDS": 10**6,
        }
    )
    started = time.perf_counter()
    with app.app_context():
        upgrade()
        version = db.session.execute(
            text("select sqlite_version()" if backend == "SQLite" else "show server_version")
        )
        run = Run(backend, version.scalar())
        seed_demo()
        tenant = tenants.create_tenant(actor=SYSTEM, region_code=REGION, slug=SLUG)
        admin = accounts.create_user("admin@bench.test", "Admin", PASSWORD)
        tenants.seed_tenant_admin(tenant, admin, actor=SYSTEM)
        db.session.commit()
        actor = Actor(user_id=admin.id, tenant_role=TENANT_ADMIN)
        framework_id = db.session.scalar(select(Framework.id).where(Framework.code == "KOMINFO-SC-2021"))
        with tenant_context(tenant.id):
            for code in OPD_CODES:
                tenants.create_opd(
                    {"code": code, "name": f"Dinas {code.title()}", "acronym": code}, actor=actor
                )
            draft = versions.create_masterplan(
                {
                    "title": "Masterplan Smart City Kota Makassar",
                    "period_start": FIRST_YEAR,
                    "period_end": FIRST_YEAR + YEARS - 1,
                    "framework_id": framework_id,
                    "version_label": "1.0",
                },
                actor=actor,
            )
            db.session.commit()
            refs = MasterplanRefs(draft)
            with force_locale("id"):
                workbook = build_workbook(draft, refs, tenant.name, rows=generate_rows(refs, programs))
            stored = files.store_upload(BytesIO(workbook), "masterplan.xlsx", purpose="import", actor=actor)
            db.session.commit()
            tenant_id, draft_id, stored_id = tenant.id, draft.id, stored.id
    with app.app_context(), tenant_context(tenant_id):
        job = exchange.start_import(draft_id, stored_id, actor=actor)
        db.session.commit()
        db.session.expire_all()
        finished = db.session.get(JobRun, (tenant_id, job.id))
        if finished.status != "succeeded":
            raise RuntimeError(f"import: {finished.status}: {finished.error}")
        # Enacted, as a plan the city reports on is.
        for status in ("in_review", "endorsed"):
            versions.change_status(draft_id, status, actor=actor)
        legal = {"legal_type": "PERWALI", "legal_number": "12 Tahun 2025", "legal_date": date(2025, 1, 15)}
        versions.change_status(draft_id, "enacted", actor=actor, legal=legal)
        db.session.commit()
    run.facts.update(generate_reports(app, tenant_id, actor, draft_id))
    operator_email, grid_programs = grid_operator(app, tenant_id, actor, run.facts["open_period_id"])
    run.facts["setup_seconds"] = time.perf_counter() - started
    print(f"{backend}: data ready in {run.facts['setup_seconds']:.0f} s: {run.facts}", flush=True)

    large = app.test_client()
    large.post("/login", data={"email": "admin@bench.test", "password": PASSWORD})
    demo = app.test_client()
    demo.post("/login", data={"email": f"admin@{DEMO_SLUG}.demo", "password": DEMO_PASSWORD})
    with app.app_context():
        demo_tenant = tenants.find_tenant_by_slug(DEMO_SLUG)
        demo_actor = Actor(
            user_id=accounts.find_user_by_email(f"admin@{DEMO_SLUG}.demo").id, tenant_role=TENANT_ADMIN
        )
        with tenant_context(demo_tenant.id):
            demo_open = reporting_periods.current_period(actor=demo_actor).id
            demo_programs = len(
                reporting_reports.program_lines(
                    reporting_periods.current_period(actor=demo_actor), actor=demo_actor
                )
            )
    run.facts["demo_programs"] = demo_programs

    demo_board, large_board = compared_pages(
        app,
        ("Dashboard, demo tenant (Kota Palopo)", demo, f"/t/{DEMO_SLUG}/"),
        ("Dashboard, large tenant", large, f"/t/{SLUG}/"),
    )
    run.figures += [demo_board, large_board]
    run.facts["ratio"] = large_board.seconds / demo_board.seconds
    run.facts["cpu_ratio"] = large_board.cpu / demo_board.cpu
    run.figures.append(
        page_figure(
            app,
            demo,
            "Verification queue, demo tenant",
            f"/t/{DEMO_SLUG}/reporting/periods/{demo_open}/queue",
        )
    )
    run.figures.append(
        page_figure(
            app,
            large,
            "Verification queue, large tenant",
            f"/t/{SLUG}/reporting/periods/{run.facts['open_period_id']}/queue",
        )
    )
    with app.app_context(), tenant_context(tenant_id):
        for step, period_id in (
            ("Roll-up of a closed period, large tenant", run.facts["closed_period_id"]),
            ("Roll-up of the open period, large tenant", run.facts["open_period_id"]),
        ):
            period = reporting_periods.get_period(period_id, actor=actor)
            samples = []
            for _ in range(SAMPLES):
                measured: list[Figure] = []
                with counted(app, measured, step):
                    tree = reporting_reports.period_rollup(period, actor=actor)
                samples.append(measured[0])
                db.session.expire_all()
            run.figures.append(
                Figure(
                    step,
                    statistics.median(s.seconds for s in samples),
                    samples[-1].queries,
                    f"median of {SAMPLES}; {tree.counted:,} programs counted, whole masterplan "
                    f"{tree.rounded} %",
                )
            )
    run.figures.append(
        page_figure(
            app,
            large,
            "Roll-up page of the closed period, large tenant",
            f"/t/{SLUG}/reporting/periods/{run.facts['closed_period_id']}/rollup",
        )
    )
    operator = app.test_client()
    operator.post("/login", data={"email": operator_email, "password": PASSWORD})
    grid = f"/t/{SLUG}/reporting/periods/{run.facts['open_period_id']}/grid"
    form = {}
    for n, program_id in enumerate(grid_programs):
        prefix = f"row-{program_id}-"
        form.update(
            {
                f"{prefix}present": "1",
                f"{prefix}progress_status": "on_track",
                f"{prefix}physical_pct": f"{40 + n % 50},5",
                f"{prefix}narrative": "Kegiatan berjalan sesuai rencana.",
                f"{prefix}obstacles": "",
                f"{prefix}follow_up": "",
            }
        )
    measured: list[Figure] = []
    with counted(app, measured, f"Saving the grid for {len(grid_programs)} programs (one request)"):
        response = operator.post(grid, data=form)
    assert response.status_code == 302, response.status_code
    measured[0].note = f"an OPD operator of the OPDs leading them; {len(form):,} form fields"
    run.figures += measured
    with app.app_context():
        db.engine.dispose()
    return run


# --- databases ----------------------------------------------------------------------------------------------


def sqlite_run(programs: int) -> Run:
    folder = tempfile.mkdtemp(prefix="kc-bench-sqlite-")
    url = f"sqlite:///{folder}/benchmark.db"
    return benchmark(url, url, None, programs, "SQLite")


def postgres_run(url: str, programs: int) -> Run:
    """On a temporary database of the server ``url`` names, dropped afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    server = make_url(_psycopg(url))
    name = f"kc_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        target = server.set(database=name).render_as_string(hide_password=False)
        return benchmark(target, target, None, programs, "PostgreSQL")
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def local_postgres_run(programs: int) -> Run:
    """On a throwaway local server (the Debian binaries the tests use), the app as a role without
    ownership or BYPASSRLS, as in production."""
    from tests.support.services import start_postgres

    server = start_postgres()
    try:
        run = benchmark(server.app_url, server.owner_url, "kc_app", programs, "PostgreSQL")
        run.facts["server"] = "local throwaway server (fsync off), the app connecting as a role under RLS"
        return run
    finally:
        server.stop()


# --- the report --------------------------------------------------------------------------------------------


def write_report(runs: list[Run], facts: dict, loads: tuple[str, str], path: Path) -> None:
    first = runs[0].facts
    lines = [
        "## Progress reporting at a large city's size",
        "",
        f"Written by `benchmarks/reporting_size.py` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. Run it again "
        "after changing the dashboard, the verification queue, the roll-up or the grid, and commit the new "
        "figures.",
        "",
        "### The data",
        "",
        f"A large tenant with the {first['programs']:,}-program masterplan of "
        "`benchmarks/masterplan_size.py` "
        f"(imported from its workbook) and {first['periods']} quarterly periods ({FIRST_YEAR}–"
        f"{FIRST_YEAR + YEARS - 1}), the last one open: {first['reports']:,} progress reports "
        f"({first['verified']:,} verified; every closed period nearly all verified, the open one in every "
        f"state), {first['actuals']:,} indicator actuals and {first['budget']:,} budget realisations. Beside "
        "it, in the same database, the three demo tenants; Kota Palopo has "
        f"{first['demo_programs']} programs and eight quarters of reports (2025–2026).",
        "",
        "Pages are requested through the app by a logged-in tenant administrator (the grid by an OPD "
        "operator), warm, the median of five; the roll-up is the service the roll-up page, the dashboard and "
        "publishing call. Queries are the statements handed to the database driver, including, on "
        "PostgreSQL, the per-transaction tenant setting for row-level security.",
        "",
        "### Figures",
        "",
        "| Step | " + " | ".join(f"{r.backend} time | {r.backend} queries" for r in runs) + " | Note |",
        "|---|" + "---:|---:|" * len(runs) + "---|",
    ]
    for index, figure in enumerate(runs[0].figures):
        cells = [f"{r.figures[index].seconds:,.3f} s | {r.figures[index].queries:,}" for r in runs]
        notes = "; ".join(dict.fromkeys(r.figures[index].note for r in runs if r.figures[index].note))
        lines.append(f"| {figure.step} | " + " | ".join(cells) + f" | {notes} |")
    lines += ["", "### Against the goals", ""]
    for r in runs:
        by_step = {f.step: f for f in r.figures}
        closed = by_step["Roll-up of a closed period, large tenant"]
        boards = (by_step["Dashboard, demo tenant (Kota Palopo)"], by_step["Dashboard, large tenant"])
        queues = (by_step["Verification queue, demo tenant"], by_step["Verification queue, large tenant"])
        lines.append(
            f"- {r.backend}: the large tenant's dashboard takes {r.facts['ratio']:.1f}× the demo tenant's "
            f"time ({r.facts['cpu_ratio']:.1f}× its processor time; goal: within 3×), with "
            f"{boards[1].queries} statements against {boards[0].queries}; the "
            f"verification queue {queues[1].queries} against {queues[0].queries}; rolling up a closed period "
            f"of 1,000 programs takes {closed.seconds:.2f} s (goal: under 1 s)."
        )
    lines += [
        "",
        "The statement counts do not grow with the tenant. The dashboard reads the reports of the latest "
        "period with verified reports and of the current one in one query, their budget rows in another and "
        "the masterplan's budget of the programs without a report in a third, and rolls up in memory with "
        "the function the roll-up page uses. The trend's other periods are closed: rolled up against an "
        "enacted version their figure cannot change until the period is reopened, the rule changes or "
        "another version is enacted, so each process keeps it after the first view; it keeps an enacted "
        "version's programs too (reading only the OPDs' names again). The queue reads the period's "
        "reports, their programs and the previous period's verified reports once each. The grid saves "
        "each of its rows through the report services in the one request, all or nothing. (The demo "
        "tenant's dashboard sends one statement more than the large tenant's: the council's panel names "
        "the kind of its upcoming meeting, and the large tenant has no meeting.)",
        "",
        "### Machine",
        "",
        "| | |",
        "|---|---|",
    ]
    lines += [f"| {k} | {v} |" for k, v in facts.items()]
    lines += [
        f"| {r.backend} | {r.version}{' · ' + r.facts['server'] if r.facts.get('server') else ''} |"
        for r in runs
    ]
    lines += [
        f"| Load average (1/5/15 min) at start and end | {loads[0]} → {loads[1]} |",
        "",
        "The machine was shared with other work while this ran (see the load average): the times are upper "
        "bounds; the statement counts are exact.",
        "",
    ]
    write_section(path, "benchmarks/reporting_size.py", "\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--programs", type=int, default=1000)
    parser.add_argument("--local-postgres", action="store_true", help="also run on a throwaway local server")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "PERFORMANCE.md")
    args = parser.parse_args()
    start_load = load_average()
    runs = [sqlite_run(args.programs)]
    print(f"SQLite done: {[(f.step, round(f.seconds, 3), f.queries) for f in runs[0].figures]}", flush=True)
    if os.environ.get("DATABASE_URL"):
        runs.append(postgres_run(os.environ["DATABASE_URL"], args.programs))
    elif args.local_postgres:
        runs.append(local_postgres_run(args.programs))
    if len(runs) > 1:
        print(f"PostgreSQL done: {[(f.step, round(f.seconds, 3), f.queries) for f in runs[1].figures]}")
    write_report(runs, machine_facts(), (start_load, load_average()), args.output)
    print(f"Wrote {args.output}")


if __name__ == "__main__":
    main()
