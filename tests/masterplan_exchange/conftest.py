"""A city with a draft masterplan holding every part, and helpers to read workbooks, jobs and counts.

Tests that use the test client must not hold an app context open around its requests (they would share
its session), so every database step opens a context of its own (``City.inside``).
"""

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import event, func, select

from app.accounts import services as accounts
from app.core.auth import SYSTEM, TENANT_ADMIN, Actor
from app.core.tenancy import tenant_context
from app.extensions import db
from app.masterplan import analysis, goals, programs, versions
from app.masterplan.exchange.shape import INSTRUCTIONS_SHEET
from app.masterplan.models import PART_MODELS
from app.reference import services as reference
from app.reference.models import Framework
from app.tenants import services as tenants
from tests.conftest import login
from tests.factories import PASSWORD, make_tenant, person

ROOT = Path(__file__).resolve().parents[2]
JOB_RE = re.compile(r"/t/[a-z0-9-]+/jobs/([0-9a-f-]{36})")
OPDS = ("DISKOMINFO", "BAPPEDA", "DLH", "DISDIK")


@dataclass
class City:
    app: Flask
    slug: str
    tenant_id: uuid.UUID
    admin_id: uuid.UUID
    admin_email: str
    framework_id: uuid.UUID
    masterplan_id: uuid.UUID | None = None

    @property
    def actor(self) -> Actor:
        return Actor(user_id=self.admin_id, tenant_role=TENANT_ADMIN)

    @contextmanager
    def inside(self) -> Iterator[None]:
        """An app context of its own (a fresh session) inside this tenant."""
        with self.app.app_context(), tenant_context(self.tenant_id):
            yield

    def url(self, masterplan_id=None, tail: str = "") -> str:
        return f"/t/{self.slug}/masterplans/{masterplan_id or self.masterplan_id}/excel-pdf{tail}"

    def api(self, masterplan_id=None, tail: str = "") -> str:
        return f"/api/v1/t/{self.slug}/masterplans/{masterplan_id or self.masterplan_id}{tail}"

    def new_draft(self, label: str = "9.0", period=(2025, 2029)) -> uuid.UUID:
        """An empty draft following the same framework."""
        with self.inside():
            draft = versions.create_masterplan(
                {
                    "title": f"Masterplan Smart City {label}",
                    "version_label": label,
                    "period_start": period[0],
                    "period_end": period[1],
                    "framework_id": self.framework_id,
                },
                actor=self.actor,
            )
            db.session.commit()
            return draft.id

    def member(self, role: str, email: str) -> str:
        """A member with ``role``; returns the email to log in with (password PASSWORD)."""
        with self.inside():
            user = accounts.create_user(email, email.split("@")[0], PASSWORD)
            tenants.add_member(user.id, role, [], actor=self.actor)
            db.session.commit()
        return email

    def token(self) -> dict:
        with self.inside():
            _t, secret = accounts.create_api_token("tests", self.tenant_id, actor=person(self.admin_id))
            db.session.commit()
        return {"Authorization": f"Bearer {secret}"}

    def counts(self, masterplan_id) -> dict[str, int]:
        """Rows of every part table in one masterplan."""
        with self.inside():
            return {
                m.__tablename__: db.session.scalar(
                    select(func.count()).select_from(m).where(m.masterplan_id == masterplan_id)
                )
                for m in PART_MODELS
            }

    def job(self, run_id):
        """The job run as the database holds it now, with its result file's path (if any)."""
        from app.files import services as files
        from app.jobs.models import JobRun

        with self.inside():
            run = db.session.get(JobRun, (self.tenant_id, uuid.UUID(str(run_id))))
            path = None
            if run.result_file_id:
                path = files.content_path(files.get_file(run.result_file_id, actor=self.actor))
            db.session.expunge(run)
            return run, path


def create_city(app, region="73.73", slug="kota-palopo") -> City:
    with app.app_context():
        reference.load_carried_data(actor=SYSTEM)
        db.session.commit()
        setup = make_tenant(region, slug)
        framework_id = db.session.scalar(
            select(Framework.id).where(Framework.code == "KOMINFO-SC-2021").order_by(Framework.version.desc())
        )
        actor = Actor(user_id=setup.admin_id, tenant_role=TENANT_ADMIN)
        with tenant_context(setup.tenant_id):
            for code in OPDS:
                tenants.create_opd(
                    {"code": code, "name": f"Dinas {code.title()}", "acronym": code}, actor=actor
                )
            db.session.commit()
    return City(app, slug, setup.tenant_id, setup.admin_id, setup.admin_email, framework_id)


@pytest.fixture
def city(app) -> City:
    """Kota Palopo with four OPDs and a draft masterplan 2025–2029 holding every part."""
    city = create_city(app)
    city.masterplan_id = city.new_draft("2.0")
    with city.inside():
        fill_masterplan(city.masterplan_id, city.actor)
        db.session.commit()
    return city


def fill_masterplan(masterplan_id, actor: Actor, programs_count: int = 3) -> None:
    """Every part of a masterplan, written through the services: what a planner would enter."""
    opd = {o.code: o.id for o in tenants.list_opds(actor=SYSTEM)}
    mid = masterplan_id
    analysis.set_vision(mid, "Palopo kota cerdas yang melayani, terbuka dan berdaya saing", actor=actor)
    analysis.create_mission(
        mid, {"number": 1, "text": "Tata kelola yang cerdas", "dimension_codes": ["GOV"]}, actor=actor
    )
    analysis.create_mission(
        mid,
        {"number": 2, "text": "Masyarakat yang terhubung", "dimension_codes": ["SOC", "ECO"]},
        actor=actor,
    )
    for dim, aspect, level, text in (
        ("SOC", "STRUKTUR", "MEDIUM", "17 perguruan tinggi dan forum masyarakat aktif"),
        ("SOC", "INFRASTRUKTUR", "LOW", "Sistem keamanan masih terbagi"),
        ("GOV", "SUPRASTRUKTUR", "HIGH", "RPJMD memuat kebijakan Smart City"),
    ):
        analysis.create_readiness(
            mid, {"dimension_code": dim, "aspect": aspect, "level": level, "condition": text}, actor=actor
        )
    analysis.create_gap(
        mid,
        {
            "sub_dimension_code": "SOC.3",
            "current_condition": "Tindak kriminal 230 kasus (2019)",
            "future_condition": "Keamanan terjamin",
            "implication": "Sistem keamanan terpadu",
        },
        actor=actor,
    )
    analysis.create_gap(
        mid, {"sub_dimension_code": "GOV.1", "current_condition": "Layanan tersebar"}, actor=actor
    )
    for dim, quadrant, text in (
        ("SOC", "S", "Forum aktif"),
        ("SOC", "T", "Hoaks"),
        ("GOV", "O", "Dana pusat"),
    ):
        analysis.create_swot_item(
            mid, {"dimension_code": dim, "quadrant": quadrant, "text": text}, actor=actor
        )
    goal = goals.create_goal(
        mid, {"sub_dimension_code": "SOC.3", "text": "Masyarakat merasa aman"}, actor=actor
    )
    other = goals.create_goal(
        mid, {"dimension_code": "GOV", "text": "Layanan publik satu pintu"}, actor=actor
    )
    goals.create_indicator(
        mid,
        {
            "goal_id": goal.id,
            "code": "IND-01",
            "name": "Tindak kriminal tertangani",
            "unit": "kasus",
            "polarity": "lower_better",
            "accumulation": "annual",
            "baseline_value": 230,
            "baseline_year": 2019,
            "data_source": "Polres",
            "responsible_opd_id": opd["DISKOMINFO"],
            "targets": [{"year": 2025, "value": 210}, {"year": 2026, "value": 200.5}],
        },
        actor=actor,
    )
    goals.create_indicator(
        mid,
        {
            "goal_id": other.id,
            "name": "Layanan terhubung",
            "unit": "layanan",
            "targets": [{"year": 2029, "value": 50}],
        },
        actor=actor,
    )
    s1 = programs.create_strategy(
        mid, {"sub_dimension_code": "SOC.3", "code": "S.3", "text": "Keamanan terpadu"}, actor=actor
    )
    s11 = programs.create_strategy(
        mid, {"parent_id": s1.id, "code": "S.3.1", "text": "CCTV terintegrasi"}, actor=actor
    )
    g1 = programs.create_strategy(
        mid, {"dimension_code": "GOV", "code": "G.1", "text": "Satu data"}, actor=actor
    )
    for n in range(1, programs_count + 1):
        programs.create_program(
            mid,
            {
                "code": f"PLP-{n:02d}",
                "name": f"Layanan Darurat Terpadu 112 tahap {n}" if n == 1 else f"Program pengembangan {n}",
                "description": "Integrasi CCTV ke command center" if n == 1 else None,
                "sub_dimension_code": "SOC.3" if n % 2 else "GOV.1",
                "strategy_ids": [s11.id] if n % 2 else [g1.id],
                "program_class": "INFRASTRUKTUR",
                "horizon": "MENENGAH",
                "quick_win": n == 1,
                "lead_opd_id": opd["DISKOMINFO"],
                "supporting_opd_ids": [opd["BAPPEDA"], opd["DLH"]] if n == 1 else [],
                "partners": [{"name": "Universitas Andi Djemma", "sector": "AKADEMISI"}] if n == 1 else [],
                "roadmap_years": [2025, 2026, 2027],
                "budget_lines": [
                    {"year": 2025, "amount": 1_250_000_000, "funding_source": "APBD", "status": "allocated"},
                    {"year": 2026, "amount": 300_000_000 * n, "funding_source": "DAK"},
                ],
                "status": "planned",
            },
            actor=actor,
        )
    first = programs.programs_query(mid, actor=SYSTEM)
    program_id = db.session.scalars(first).first().id
    for year, activity in ((2025, "Integrasi CCTV ke command center 112"), (2026, "Pelatihan operator 112")):
        programs.create_action_item(
            mid,
            {
                "program_id": program_id,
                "year": year,
                "activity": activity,
                "output": "Operator siap",
                "target": "12 orang",
                "opd_id": opd["DISKOMINFO"],
                "budget": 80_000_000,
            },
            actor=actor,
        )


# --- workbooks --------------------------------------------------------------------------------------------


def sheet_values(data: bytes, *, skip=(INSTRUCTIONS_SHEET,)) -> dict[str, list[tuple]]:
    """Every sheet's cell values, row by row (the instructions sheet names the version and date)."""
    workbook = load_workbook(BytesIO(data), read_only=True)
    try:
        return {
            ws.title: [tuple(row) for row in ws.iter_rows(values_only=True)]
            for ws in workbook.worksheets
            if ws.title not in skip
        }
    finally:
        workbook.close()


def workbook_bytes(workbook) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def job_id(response) -> str:
    """The job run a page sent the member to. Without Redis the job runs once the response is sent
    (closed), so the page can follow it: closing it here runs the job."""
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    response.close()
    return JOB_RE.search(response.headers["Location"]).group(1)


def upload(client, city: City, data: bytes, masterplan_id=None, filename="masterplan.xlsx"):
    return client.post(
        city.url(masterplan_id, "/import"),
        data={"file": (BytesIO(data), filename), "csrf_token": csrf(client, city.url(masterplan_id))},
        content_type="multipart/form-data",
    )


def csrf(client, page: str) -> str:
    from tests.conftest import CSRF_RE

    return CSRF_RE.search(client.get(page).get_data(as_text=True)).group(1)


def export_xlsx(client, city: City, masterplan_id=None) -> bytes:
    """Export a version through its page (an inline job) and download the result."""
    response = client.post(
        city.url(masterplan_id, "/export"),
        data={"format": "xlsx", "csrf_token": csrf(client, city.url(masterplan_id))},
    )
    run, path = city.job(job_id(response))
    assert run.status == "succeeded", run.error
    return path.read_bytes()


def logged_in(client, city: City):
    login(client, city.admin_email, PASSWORD)
    return client


# --- counting statements ------------------------------------------------------------------------------------


@contextmanager
def count_queries(app) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def wait_for(predicate, timeout: float = 30.0, what: str = "condition"):
    """Poll ``predicate`` until it returns something truthy; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


# --- a real rq worker -------------------------------------------------------------------------------------


class Worker:
    """rq's own ``rq worker`` command with the Procfile's worker class, on a queue of its own, running the
    real app built from the environment as in production."""

    def __init__(self, database, instance_dir, redis_url, queue):
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "DATABASE_URL": database["app"],
            "KC_INSTANCE_DIR": instance_dir,
            "REDIS_URL": redis_url,
            "SECRET_KEY": "test-secret",
            "JOBS_QUEUE": queue,
            "JOBS_MAIL_AFTER_SECONDS": "3600",
        }
        command = [sys.executable, "-m", "tests.support.rq_worker", "worker", "--url", redis_url]
        command += ["--worker-class", "app.jobs.worker.Worker", "--logging_level", "WARNING", queue]
        self.process = subprocess.Popen(command, env=env, cwd=ROOT)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def rq_worker(app, database, instance_dir, redis_server, monkeypatch):
    """The test app enqueueing to a queue that one real worker process serves."""
    queue = f"test-import-{uuid.uuid4().hex[:8]}"
    monkeypatch.setitem(app.config, "REDIS_URL", redis_server.url)
    monkeypatch.setitem(app.config, "JOBS_QUEUE", queue)
    app.extensions.pop("kc_redis", None)
    worker = Worker(database, instance_dir, redis_server.url, queue)
    yield worker
    worker.stop()
    app.extensions.pop("kc_redis", None)


def enact(city: City, masterplan_id) -> None:
    with city.inside():
        for status in ("in_review", "endorsed"):
            versions.change_status(masterplan_id, status, actor=city.actor)
        legal = {"legal_type": "PERWALI", "legal_number": "23 Tahun 2025", "legal_date": date(2025, 3, 1)}
        versions.change_status(masterplan_id, "enacted", actor=city.actor, legal=legal)
        db.session.commit()


@pytest.fixture(autouse=True)
def _english_pages(app, monkeypatch):
    """These tests read the job pages' English wording; the document itself is in Bahasa Indonesia
    whatever the language, and the language switch is tested in tests/core."""
    monkeypatch.setitem(app.config, "BABEL_DEFAULT_LOCALE", "en")
