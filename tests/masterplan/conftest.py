"""Masterplan test set-up: the reference frameworks, a city with OPDs, and short API helpers."""

import pytest
from flask import g
from flask_babel import refresh
from sqlalchemy import select

from app.core.auth import SYSTEM
from app.core.tenancy import tenant_context
from app.extensions import db
from app.masterplan import versions
from app.reference import services as reference_data
from app.reference.models import Framework
from tests.conftest import csrf_token, login
from tests.factories import PASSWORD, add_opd, admin_actor, make_tenant


@pytest.fixture
def reference(app_ctx):
    """The frameworks and code lists of app/data (the tables are emptied after each test)."""
    reference_data.load_carried_data(actor=SYSTEM)
    db.session.commit()


@pytest.fixture
def city(reference):
    setup = make_tenant("73.73", "kota-palopo")
    for code in ("DISKOMINFO", "BAPPEDA", "DLH"):
        add_opd(setup, code)
    return setup


@pytest.fixture
def other_city(reference):
    setup = make_tenant("64.71", "kota-balikpapan")
    add_opd(setup, "DISKOMINFO")
    return setup


def kominfo_id():
    return db.session.scalar(select(Framework.id).where(Framework.code == "KOMINFO-SC-2021"))


def make_masterplan(setup, **values):
    """A draft masterplan of ``setup``'s tenant following the Kominfo framework, committed."""
    data = {
        "title": "Masterplan Smart City",
        "version_label": "1.0",
        "period_start": 2025,
        "period_end": 2029,
        "framework_id": kominfo_id(),
        **values,
    }
    with tenant_context(setup.tenant_id):
        masterplan = versions.create_masterplan(data, actor=admin_actor(setup))
        db.session.commit()
        return masterplan


class Api:
    """Calls to /api/v1/t/<slug>/... as the tenant admin's bearer token."""

    def __init__(self, client, setup):
        self.client, self.setup = client, setup

    def url(self, path: str) -> str:
        return f"/api/v1/t/{self.setup.slug}{path}"

    def get(self, path, **kwargs):
        return self.client.get(self.url(path), headers=self.setup.headers(), **kwargs)

    def post(self, path, json=None):
        return self.client.post(self.url(path), json=json or {}, headers=self.setup.headers())

    def patch(self, path, json, etag=None):
        etag = etag or self.get(path).headers["ETag"]
        return self.client.patch(
            self.url(path), json=json, headers={**self.setup.headers(), "If-Match": etag}
        )

    def delete(self, path, etag=None):
        etag = etag or self.get(path).headers["ETag"]
        return self.client.delete(self.url(path), headers={**self.setup.headers(), "If-Match": etag})


@pytest.fixture
def api(client, city):
    return Api(client, city)


def fresh_request_state() -> None:
    """Tests here hold an app context open, and requests share it (and its ``g``): drop what Flask-WTF and
    Flask-Babel cache there, as a new request in production would start without it."""
    g.pop("csrf_token", None)
    refresh()


def page_get(client, url: str, **kwargs):
    fresh_request_state()
    return client.get(url, **kwargs)


def page_post(client, url: str, data: dict | None = None, **kwargs):
    """Post a page form with a valid CSRF token, as a browser would."""
    fresh_request_state()
    data = dict(data or {})
    data.setdefault("csrf_token", csrf_token(client, "/account/tokens"))
    return client.post(url, data=data, **kwargs)


def page_login(client, email: str, password: str = PASSWORD):
    fresh_request_state()
    return login(client, email, password)


@pytest.fixture(autouse=True)
def _english_pages(app, monkeypatch):
    """These tests read the masterplan pages' English wording; the language switch is tested in
    tests/core."""
    monkeypatch.setitem(app.config, "BABEL_DEFAULT_LOCALE", "en")
