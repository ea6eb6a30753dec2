#!/usr/bin/env python3
"""How the masterplan's Excel and PDF work holds up at a large city's size; writes docs/PERFORMANCE.md.

Generates a masterplan workbook with 1,000 programs (5,000 budget lines and 5,000 action items over five
years, with goals, indicators, strategies and the analysis), then measures, each with its time and SQL
statement count: the import of that workbook into an empty draft (the job, inline), the same import
again (which changes nothing), the export to Excel, the official PDF, and the overview, tree and roadmap
pages. Runs on a temporary SQLite database, and also on PostgreSQL:

    .venv/bin/python benchmarks/masterplan_size.py                      # SQLite only
    DATABASE_URL=postgresql://user:pw@host/db .venv/bin/python benchmarks/masterplan_size.py
    .venv/bin/python benchmarks/masterplan_size.py --local-postgres     # a throwaway local server

With DATABASE_URL the benchmark creates a temporary database on that server (the role needs CREATEDB),
migrates it and drops it at the end; the database named in the URL is not touched.
"""

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from report import write_section  # noqa: E402  (benchmarks/, beside this script)

FIRST_YEAR, YEARS = 2025, 5
OPD_CODES = [
    "DISKOMINFO",
    "BAPPEDA",
    "DLH",
    "DISDIK",
    "DINKES",
    "DISHUB",
    "DPMPTSP",
    "DISDUKCAPIL",
    "BPBD",
    "SATPOLPP",
    "DISPAR",
    "DISPERINDAG",
    "DINSOS",
    "DPUPR",
    "DISPERKIM",
    "BPKAD",
    "BAPENDA",
    "INSPEKTORAT",
    "KESBANGPOL",
    "DISPORA",
    "DP3A",
    "DISNAKER",
    "DKP",
    "DISPERTAN",
    "ARPUSDA",
]


@dataclass
class Figure:
    step: str
    seconds: float
    queries: int
    note: str = ""


@dataclass
class Run:
    backend: str
    version: str
    figures: list[Figure] = field(default_factory=list)
    facts: dict = field(default_factory=dict)


# --- the generated masterplan ----------------------------------------------------------------------------


def generate_rows(refs, programs: int, seed: int = 2025) -> dict[str, list[list]]:
    """A plausible large masterplan in the workbook's rows: every part, spread over every sub-dimension."""
    rng = random.Random(seed)
    years = list(range(FIRST_YEAR, FIRST_YEAR + YEARS))
    dims, subs = refs.dimensions, refs.sub_dimensions
    sources = ["APBD", "APBD", "APBD", "APBN", "DAK", "CSR", "KPBU", "HIBAH"]
    rows: dict[str, list[list]] = {
        "missions": [["VISI", None, "Kota cerdas yang melayani dan berdaya saing", None]]
    }
    for n, dim in enumerate(dims, start=1):
        rows["missions"].append(["MISI", n, f"Misi {n}: mewujudkan {dim.name_id} yang inklusif", dim.code])
    rows["readiness"] = [
        [d.code, aspect, rng.choice(["LOW", "MEDIUM", "HIGH"]), f"Kondisi {aspect.lower()} {d.name_id}"]
        for d in dims
        for aspect in ("STRUKTUR", "INFRASTRUKTUR", "SUPRASTRUKTUR")
    ]
    rows["gaps"] = [
        [i + 1, s.code, f"Kondisi saat ini {s.name_id} ({k})", f"Kondisi masa depan {s.name_id}", "Implikasi"]
        for i, (s, k) in enumerate((s, k) for s in subs for k in (1, 2))
    ]
    rows["swot"] = [
        [i + 1, d.code, q, f"Butir {q} {d.name_id} {k}"]
        for i, (d, q, k) in enumerate((d, q, k) for d in dims for q in "SWOT" for k in (1, 2))
    ]
    rows["goals"] = [
        [i + 1, None, s.code, f"Sasaran {k} {s.name_id}"]
        for i, (s, k) in enumerate((s, k) for s in subs for k in (1, 2, 3))
    ]
    rows["indicators"] = []
    for goal_no in range(1, len(rows["goals"]) + 1):
        for k in (1, 2):
            base = rng.randint(10, 500)
            targets = [round(base * (1 + 0.08 * (y - FIRST_YEAR + 1)), 1) for y in years]
            rows["indicators"].append(
                [
                    len(rows["indicators"]) + 1,
                    goal_no,
                    f"IND-{goal_no:03d}-{k}",
                    f"Indikator {k} sasaran {goal_no}",
                    "unit",
                    "higher_better",
                    "annual",
                    base,
                    FIRST_YEAR - 1,
                    "BPS",
                    rng.choice(OPD_CODES),
                    *targets,
                ]
            )
    rows["strategies"], children = [], {}
    for s in subs:
        dim = refs.dimension_by_id[s.dimension_id]
        top = f"{refs.strategy_prefix(dim)}.{s.position + 1}"
        rows["strategies"].append([top, None, s.code, None, f"Strategi {s.name_id}"])
        children[s.code] = [f"{top}.{k}" for k in (1, 2, 3)]
        rows["strategies"] += [[c, None, s.code, top, f"Strategi turunan {c}"] for c in children[s.code]]
    rows["programs"], rows["budget"], rows["partners"], rows["actions"] = [], [], [], []
    classes, horizons = (
        ["SUPRASTRUKTUR", "INFRASTRUKTUR", "STRUKTUR", "INFOSTRUKTUR"],
        ["PENDEK", "MENENGAH", "PANJANG"],
    )
    for n in range(1, programs + 1):
        sub = subs[(n - 1) % len(subs)]
        code = f"{refs.strategy_prefix(refs.dimension_by_id[sub.dimension_id])}-{n:04d}"
        first = rng.choice(years[:3])
        active = list(range(first, min(first + rng.randint(2, 5), years[-1] + 1)))
        support = rng.sample(OPD_CODES, rng.randint(0, 2))
        rows["programs"].append(
            [
                code,
                f"Program pengembangan {n} {sub.name_id}",
                f"Deskripsi program {n}",
                None,
                sub.code,
                rng.choice(classes),
                rng.choice(horizons),
                "Ya" if n % 20 == 0 else "Tidak",
                rng.choice(OPD_CODES),
                ", ".join(support),
                ", ".join(rng.sample(children[sub.code], rng.randint(1, 2))),
                ", ".join(str(y) for y in active),
                "planned",
            ]
        )
        for y in years:
            amount = rng.randint(5, 250) * 10_000_000
            rows["budget"].append(
                [code, y, rng.choice(sources), amount, "indicative" if y > first else "allocated"]
            )
            rows["actions"].append(
                [
                    len(rows["actions"]) + 1,
                    code,
                    y,
                    f"Kegiatan {y} program {n}",
                    "Keluaran kegiatan",
                    "1 paket",
                    rng.choice(OPD_CODES),
                    amount // 2,
                ]
            )
        if n % 3 == 0:
            rows["partners"].append(
                [code, f"Mitra {n}", rng.choice(["AKADEMISI", "BISNIS", "KOMUNITAS", "MEDIA"])]
            )
    return rows


# --- measuring ----------------------------------------------------------------------------------------------


@contextmanager
def counted(app, figures: list[Figure], step: str, note: str = ""):
    """Time the block and count the SQL statements it sends."""
    from sqlalchemy import event

    from app.extensions import db

    statements = []

    def record(*_args):
        statements.append(1)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    start = time.perf_counter()
    figure = Figure(step, 0.0, 0, note)
    try:
        yield figure
    finally:
        figure.seconds = time.perf_counter() - start
        event.remove(engine, "before_cursor_execute", record)
        figure.queries = len(statements)
        figures.append(figure)


def benchmark(database_url: str, owner_url: str, app_role: str | None, programs: int, backend: str) -> Run:
    from flask_babel import force_locale
    from flask_migrate import upgrade
    from sqlalchemy import select, text

    from app import create_app
    from app.accounts import services as accounts
    from app.core.auth import SYSTEM, TENANT_ADMIN, Actor
    from app.core.tenancy import tenant_context
    from app.extensions import db
    from app.files import services as files
    from app.jobs.models import JobRun
    from app.masterplan import versions
    from app.masterplan.common import MasterplanRefs
    from app.masterplan.exchange import services as exchange
    from app.masterplan.exchange.workbook import build_workbook
    from app.reference import services as reference
    from app.reference.models import Framework
    from app.tenants import services as tenants

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
    password = "benchmark-password-1"
    with app.app_context():
        upgrade()
        version = db.session.execute(
            text("select sqlite_version()" if backend == "SQLite" else "show server_version")
        )
        run = Run(backend, version.scalar())
        reference.load_carried_data(actor=SYSTEM)
        tenant = tenants.create_tenant(actor=SYSTEM, region_code="64.71", slug="kota-balikpapan")
        admin = accounts.create_user("admin@bench.test", "Admin", password)
        tenants.seed_tenant_admin(tenant, admin, actor=SYSTEM)
        db.session.commit()
        actor = Actor(user_id=admin.id, tenant_role=TENANT_ADMIN)
        framework_id = db.session.scalar(select(Framework.id).where(Framework.code == "KOMINFO-SC-2021"))
        with tenant_context(tenant.id):
            for code in OPD_CODES:
                tenants.create_opd(
                    {"code": code, "name": f"Dinas {code.title()}", "acronym": code}, actor=actor
                )
            header = {
                "title": "Masterplan Smart City Kota Balikpapan",
                "period_start": FIRST_YEAR,
                "period_end": FIRST_YEAR + YEARS - 1,
                "framework_id": framework_id,
            }
            draft = versions.create_masterplan({**header, "version_label": "3.0"}, actor=actor)
            db.session.commit()
            refs = MasterplanRefs(draft)
            rows = generate_rows(refs, programs)
            with force_locale("id"):
                workbook = build_workbook(draft, refs, tenant.name, rows=rows)
            stored = files.store_upload(
                BytesIO(workbook), "masterplan-1000.xlsx", purpose="import", actor=actor
            )
            db.session.commit()
            run.facts.update(
                workbook_bytes=len(workbook),
                rows={key: len(value) for key, value in rows.items()},
                tenant_id=tenant.id,
                masterplan_id=draft.id,
            )
            stored_id, draft_id = stored.id, draft.id

    def job(step: str, kind_start, note: str = "") -> JobRun:
        """Start a job and let it run inline (it runs when the starting transaction commits)."""
        with app.app_context(), tenant_context(run.facts["tenant_id"]):
            with counted(app, run.figures, step, note):
                started = kind_start()
                db.session.commit()
            db.session.expire_all()  # the job ran in a session of its own: read what it wrote
            finished = db.session.get(JobRun, (run.facts["tenant_id"], started.id))
            if finished.status != "succeeded":
                raise RuntimeError(f"{step}: {finished.status}: {finished.error}")
            return finished

    def result(finished: JobRun) -> bytes:
        with app.app_context(), tenant_context(run.facts["tenant_id"]):
            return files.content_path(files.get_file(finished.result_file_id, actor=actor)).read_bytes()

    first = job(
        "Import of the workbook into an empty draft (job)",
        lambda: exchange.start_import(draft_id, stored_id, actor=actor),
    )
    run.facts["import_message"] = first.message
    again = job(
        "The same import again: nothing changes (job)",
        lambda: exchange.start_import(draft_id, stored_id, actor=actor),
    )
    run.facts["reimport_message"] = again.message
    exported = job("Export to Excel (job)", lambda: exchange.start_export(draft_id, "xlsx", actor=actor))
    run.figures[-1].note = f"{len(result(exported)) / 1e6:.1f} MB"
    pdf_run = job(
        "Official document as PDF (job)", lambda: exchange.start_export(draft_id, "pdf", actor=actor)
    )
    pdf = result(pdf_run)
    from pypdf import PdfReader

    run.figures[-1].note = f"{len(PdfReader(BytesIO(pdf)).pages)} pages, {len(pdf) / 1e6:.1f} MB"

    client = app.test_client()
    client.post("/login", data={"email": "admin@bench.test", "password": password})
    base = f"/t/kota-balikpapan/masterplans/{draft_id}"
    for step, path in (("Overview page", ""), ("Tree page", "/tree"), ("Roadmap page", "/roadmap")):
        assert client.get(base + path).status_code == 200  # warm: templates compiled, caches filled
        samples = []
        for _ in range(3):
            measured: list[Figure] = []
            with counted(app, measured, step):
                response = client.get(base + path)
            assert response.status_code == 200, response.status_code
            samples.append(measured[0])
        size = len(response.data) / 1e3
        run.figures.append(
            Figure(
                step,
                statistics.median(s.seconds for s in samples),
                samples[-1].queries,
                f"median of 3; {size:,.0f} kB of HTML",
            )
        )
    with app.app_context():
        db.engine.dispose()
    return run


# --- databases ----------------------------------------------------------------------------------------------


def sqlite_run(programs: int) -> Run:
    folder = tempfile.mkdtemp(prefix="kc-bench-sqlite-")
    url = f"sqlite:///{folder}/benchmark.db"
    return benchmark(url, url, None, programs, "SQLite")


def _psycopg(url: str) -> str:
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


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


def machine_facts() -> dict:
    import openpyxl
    import sqlalchemy
    import weasyprint

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown"
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kb / 1024 / 1024:.0f} GB"
    except (OSError, ValueError, IndexError):
        pass
    return {
        "CPU": cpu,
        "Cores available": str(
            len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        ),
        "Memory": memory,
        "System": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "Libraries": f"SQLAlchemy {sqlalchemy.__version__}, openpyxl {openpyxl.__version__}, "
        f"WeasyPrint {weasyprint.__version__}",
    }


def load_average() -> str:
    try:
        return " / ".join(f"{v:.1f}" for v in os.getloadavg())
    except OSError:
        return "unknown"


def write_report(runs: list[Run], facts: dict, loads: tuple[str, str], programs: int, path: Path) -> None:
    rows = runs[0].facts["rows"]
    lines = [
        "## Masterplan Excel and PDF at a large city's size",
        "",
        f"Written by `benchmarks/masterplan_size.py` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. Run it "
        "again after changing the import, the exports, the document or the masterplan pages, and commit the "
        "new figures.",
        "",
        "### The masterplan",
        "",
        f"A generated workbook of {programs:,} programs over the 6 dimensions and 18 sub-dimensions of the "
        f"Kominfo framework, {FIRST_YEAR}–{FIRST_YEAR + YEARS - 1}: {rows['budget']:,} budget lines and "
        f"{rows['actions']:,} action items (one of each per program and year), {rows['goals']} goals with "
        f"{rows['indicators']} indicators and their yearly targets, {rows['strategies']} strategies (two "
        f"levels), {rows['partners']} partners, and the analysis (readiness, {rows['gaps']} gaps, "
        f"{rows['swot']} SWOT lines), vision and missions: {runs[0].facts['workbook_bytes'] / 1e6:.1f} MB.",
        "",
        "Each step runs as members run it: the jobs inline (as without Redis), the pages through the app "
        "with a logged-in tenant admin. Queries are the statements handed to the database driver, including "
        "the job's own bookkeeping, the audit log and, on PostgreSQL, the per-transaction tenant setting for "
        "row-level security; many rows inserted into one table go as one batched statement (executemany).",
        "",
        "### Figures",
        "",
        "| Step | " + " | ".join(f"{r.backend} time | {r.backend} queries" for r in runs) + " | Note |",
        "|---|" + "---:|---:|" * len(runs) + "---|",
    ]
    for index, figure in enumerate(runs[0].figures):
        cells = []
        for r in runs:
            f = r.figures[index]
            cells.append(f"{f.seconds:,.2f} s | {f.queries:,}")
        notes = "; ".join(dict.fromkeys(r.figures[index].note for r in runs if r.figures[index].note))
        lines.append(f"| {figure.step} | " + " | ".join(cells) + f" | {notes} |")
    lines += [
        "",
        f"Import outcome: “{runs[0].facts['import_message']}” Again: “{runs[0].facts['reimport_message']}”",
        "",
        "The statement counts do not grow with the masterplan: the import reads the masterplan once (one "
        "query per table), checks every row in memory, inserts the new rows of each table in one batch and "
        "updates only the rows whose values differ; the exports and the pages read each table once. The "
        "PDF's time is WeasyPrint laying out the pages (about a third of a second per page here); it runs as "
        "a background job, well within the job timeout (JOBS_TIMEOUT_SECONDS, 30 minutes by default).",
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
    write_section(path, "benchmarks/masterplan_size.py", "\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--programs", type=int, default=1000)
    parser.add_argument("--local-postgres", action="store_true", help="also run on a throwaway local server")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "PERFORMANCE.md")
    args = parser.parse_args()
    start_load = load_average()
    runs = [sqlite_run(args.programs)]
    print(f"SQLite done: {[(f.step, round(f.seconds, 2), f.queries) for f in runs[0].figures]}", flush=True)
    if os.environ.get("DATABASE_URL"):
        runs.append(postgres_run(os.environ["DATABASE_URL"], args.programs))
    elif args.local_postgres:
        runs.append(local_postgres_run(args.programs))
    write_report(runs, machine_facts(), (start_load, load_average()), args.programs, args.output)
    print(f"Wrote {args.output}")


if __name__ == "__main__":
    main()
