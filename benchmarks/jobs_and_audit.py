"""Figures for the shared machinery: what the audit capture costs per write, how long the members export
takes for a large tenant, and how the audit page behaves with a long log. Writes docs/benchmarks/.

    .venv/bin/python benchmarks/jobs_and_audit.py      # embedded default: SQLite in a temp folder
    # PostgreSQL: the same with DATABASE_URL, DATABASE_OWNER_URL and DATABASE_APP_ROLE set
"""

import os
import platform
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import event, func, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MEMBERS = 1000
OPDS = 500
ROUNDS = 5


def _app():
    from flask_migrate import upgrade

    from app import create_app

    folder = tempfile.mkdtemp(prefix="kc-bench-")
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/bench.db"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "DATABASE_OWNER_URL": os.environ.get("DATABASE_OWNER_URL") or url,
            "DATABASE_APP_ROLE": os.environ.get("DATABASE_APP_ROLE"),
            "INSTANCE_DIR": folder,
            "REDIS_URL": None,
            "SECRET_KEY": "bench",
        }
    )
    with app.app_context():
        upgrade()
    return app


class Statements:
    def __init__(self, engine):
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *args):
        self.count += 1


def _tenant(app):
    from app.accounts import services as accounts
    from app.core.auth import SYSTEM, TENANT_ADMIN, Actor
    from app.extensions import db
    from app.tenants import services as tenants

    with app.app_context():
        tenant = tenants.create_tenant(actor=SYSTEM, region_code="64.71", slug="kota-balikpapan")
        admin = accounts.create_user("admin@bench.id", "Admin", "bench-password-long")
        tenants.seed_tenant_admin(tenant, admin, actor=SYSTEM)
        db.session.commit()
        return tenant.id, Actor(user_id=admin.id, tenant_role=TENANT_ADMIN)


def _create_opds(tenants, actor, prefix: str, count: int) -> float:
    started = time.perf_counter()
    for number in range(count):
        tenants.create_opd({"code": f"{prefix}{number:04}", "name": f"Dinas {number}"}, actor=actor)
    return time.perf_counter() - started


def bench_audit_writes(app, tenant_id, actor) -> dict:
    """Per write, with and without the capture (switched off here only, to measure it)."""
    from app.core import audit
    from app.core.audit import acting_as
    from app.core.tenancy import tenant_context
    from app.extensions import db
    from app.tenants import services as tenants
    from app.tenants.models import Opd

    with app.app_context(), tenant_context(tenant_id), acting_as(actor.user_id, "cli"):
        statements = Statements(db.engine)
        tables, without, with_audit = dict(audit._tables), [], []
        # Interleaved rounds, medians: the session and tables grow as the rounds go on.
        for round_ in range(ROUNDS):
            audit._tables.clear()
            without.append(_create_opds(tenants, actor, f"R{round_}-", OPDS // ROUNDS) / (OPDS // ROUNDS))
            db.session.commit()
            audit._tables.update(tables)
            before = statements.count
            with_audit.append(_create_opds(tenants, actor, f"A{round_}-", OPDS // ROUNDS) / (OPDS // ROUNDS))
            per_create = (statements.count - before) / (OPDS // ROUNDS)
            db.session.commit()
        for number in range(100):
            db.session.add(Opd(code=f"BATCH{number:03}", name=f"Dinas {number}"))
        seen: list[str] = []
        event.listen(db.engine, "before_cursor_execute", lambda c, cur, stmt, *a: seen.append(stmt))
        db.session.flush()
        db.session.commit()
    audit_inserts = sum(1 for stmt in seen if stmt.lstrip().upper().startswith("INSERT INTO AUDIT_ENTRIES"))
    return {
        "opds": OPDS,
        "ms_without": round(statistics.median(without) * 1000, 2),
        "ms_with": round(statistics.median(with_audit) * 1000, 2),
        "statements_per_create": round(per_create, 1),
        "audit_inserts_for_100_in_one_flush": audit_inserts,
    }


def bench_export(app, tenant_id, actor) -> dict:
    from app.accounts import services as accounts
    from app.core.tenancy import tenant_context
    from app.extensions import db
    from app.jobs import services as jobs
    from app.jobs.models import JobRun
    from app.tenants import services as tenants

    with app.app_context(), tenant_context(tenant_id):
        for number in range(MEMBERS):
            user = accounts.create_user(f"pegawai{number}@bench.id", f"Pegawai {number}")
            tenants.add_member(user.id, "viewer", actor=actor)
        db.session.commit()
        run = jobs.start_job("members_export", actor=actor)
        started = time.perf_counter()
        db.session.commit()  # inline: the export runs as this commit ends
        elapsed = time.perf_counter() - started
        db.session.expire_all()
        run = db.session.get(JobRun, (tenant_id, run.id))
        from app.files.models import StoredFile

        size = db.session.scalar(select(StoredFile.size).where(StoredFile.id == run.result_file_id))
    return {
        "members": MEMBERS + 1,
        "status": run.status,
        "export_s": round(elapsed, 2),
        "xlsx_kb": size // 1024,
    }


def bench_audit_page(app, tenant_id) -> dict:
    from app.audit.models import AuditEntry
    from app.core.tenancy import tenant_context
    from app.extensions import db

    with app.app_context(), tenant_context(tenant_id):
        entries = db.session.scalar(select(func.count()).select_from(AuditEntry))
    client = app.test_client()
    token = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', token).group(1)
    client.post(
        "/login", data={"email": "admin@bench.id", "password": "bench-password-long", "csrf_token": csrf}
    )
    with app.app_context():
        from app.extensions import db as _db

        statements = Statements(_db.engine)
    client.get("/t/kota-balikpapan/audit")  # templates compiled, connections open
    timings = []
    for query in ("", "?object_type=Membership", "?page=20"):
        before = statements.count
        started = time.perf_counter()
        assert client.get(f"/t/kota-balikpapan/audit{query}").status_code == 200
        timings.append(
            (query or "(no filter)", round((time.perf_counter() - started) * 1000), statements.count - before)
        )
    return {"entries": entries, "pages": timings}


def main() -> None:
    app = _app()
    tenant_id, actor = _tenant(app)
    audit = bench_audit_writes(app, tenant_id, actor)
    export = bench_export(app, tenant_id, actor)
    page = bench_audit_page(app, tenant_id)
    backend = app.config["SQLALCHEMY_DATABASE_URI"].split(":", 1)[0]
    lines = [
        f"# Jobs and audit: measured figures ({backend})",
        "",
        f"Machine: {platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} cores.",
        "Produced by `benchmarks/jobs_and_audit.py`; run it again after changing the machinery.",
        "",
        "## Audit capture",
        f"- Creating an OPD through the service (it flushes each time), {audit['opds']} times in "
        f"interleaved rounds: median {audit['ms_without']} ms each without the capture, "
        f"{audit['ms_with']} ms with it; "
        f"{audit['statements_per_create']} statements per create, one of them the audit INSERT.",
        f"- 100 OPDs added and flushed at once: {audit['audit_inserts_for_100_in_one_flush']} "
        "INSERT for their 100 audit entries.",
        "",
        "## Members export (inline)",
        f"- {export['members']} members to XLSX: {export['export_s']} s, {export['xlsx_kb']} KB, "
        f"status {export['status']}.",
        "",
        "## Audit page",
        f"- {page['entries']} entries in the tenant's log.",
        "",
        "| query | ms | SQL statements |",
        "|---|---|---|",
        *[f"| {q} | {ms} | {n} |" for q, ms, n in page["pages"]],
        "",
    ]
    target = ROOT / "docs" / "benchmarks" / f"jobs-and-audit-{backend.split('+')[0]}.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
