"""The seeded demo's Kota Palopo, for tests that drive pages and jobs.

Tests that use the test client must not hold an app context open around requests (requests would share
its ``g`` and session), so every database step here opens a context of its own and closes it.
"""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from argon2 import PasswordHasher
from flask import Flask

from app.accounts import services as accounts
from app.core.auth import TENANT_ADMIN, Actor
from app.core.tenancy import tenant_context
from app.extensions import db
from app.tenants import services as tenants
from tests.factories import person
from tests.support.snapshot import DEMO


@dataclass
class DemoTenant:
    app: Flask
    slug: str
    tenant_id: uuid.UUID
    admin_id: uuid.UUID
    operator_id: uuid.UUID

    @property
    def actor(self) -> Actor:
        return Actor(user_id=self.admin_id, tenant_role=TENANT_ADMIN)

    @contextmanager
    def inside(self) -> Iterator[None]:
        """An app context of its own (a fresh session) inside this tenant."""
        with self.app.app_context(), tenant_context(self.tenant_id):
            yield

    def start(self, kind: str, **params) -> uuid.UUID:
        """Start a job as the tenant admin and commit (inline: it runs now; with Redis: it is queued)."""
        from app.jobs import services as jobs

        with self.inside():
            run = jobs.start_job(kind, actor=self.actor, **params)
            db.session.commit()
            return run.id

    def job(self, run_id: uuid.UUID) -> tuple[str, int, str | None]:
        """(status, attempts, error) of a job run as the database holds it now."""
        from app.jobs.models import JobRun

        with self.inside():
            run = db.session.get(JobRun, (self.tenant_id, uuid.UUID(str(run_id))))
            return run.status, run.attempts, run.error

    def token(self, user_id: uuid.UUID | None = None) -> dict:
        """Bearer headers for the admin (or another member) bound to this tenant."""
        with self.inside():
            _token, secret = accounts.create_api_token(
                "tests", self.tenant_id, actor=person(user_id or self.admin_id)
            )
            db.session.commit()
        return {"Authorization": f"Bearer {secret}"}


def demo_tenant(app, slug: str) -> DemoTenant:
    with app.app_context():
        tenant = tenants.find_tenant_by_slug(slug)
        admin = accounts.find_user_by_email(f"admin@{slug}.demo")
        operator = accounts.find_user_by_email(f"opd@{slug}.demo")
        return DemoTenant(app, slug, tenant.id, admin.id, operator.id)


@pytest.fixture
def palopo(app, monkeypatch) -> DemoTenant:
    """The demo seeded; Kota Palopo with its admin and OPD operator."""
    # The demo hashes seven passwords: real argon2, at its lowest cost, keeps each test quick.
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    DEMO.load(app)
    return demo_tenant(app, "kota-palopo")
