"""Walk every path of the OpenAPI spec as tenant B's admin against tenant A.

Tenant A and B are the demo's Kota Palopo and Kota Balikpapan, seeded by the demo command, so every
object kind the demo has is reached. A new endpoint is covered without editing this test: its ids are
discovered through A's own list endpoints; a path whose ids cannot be discovered fails the test.
"""

import re
import uuid

import pytest

from app.accounts import services as accounts
from app.extensions import db
from app.tenants import services as tenants
from tests.factories import person
from tests.support.snapshot import DEMO

A, B = "kota-palopo", "kota-balikpapan"
METHODS = ("get", "post", "put", "patch", "delete")
PARAM_RE = re.compile(r"\{([^}]+)\}")


@pytest.fixture
def world(app_ctx, client):
    DEMO.load()
    tokens = {}
    for slug in (A, B):
        tenant = tenants.find_tenant_by_slug(slug)
        admin = accounts.find_user_by_email(f"admin@{slug}.demo")
        _t, tokens[slug] = accounts.create_api_token("walk", tenant.id, actor=person(admin.id))
    db.session.commit()
    spec = client.get("/api/openapi.json").get_json()
    return {"spec": spec, "tokens": tokens}


def _auth(token):
    return {"Authorization": f"Bearer {token}", "If-Match": '"stale-or-not"'}


def _list_path(path: str) -> str | None:
    """/api/v1/t/{tenant}/opds/{opd_id} -> /api/v1/t/{tenant}/opds"""
    head, sep, tail = path.rpartition("/")
    return head if sep and PARAM_RE.fullmatch(tail) else None


def _discover_ids(client, spec, slug, token) -> dict[str, str]:
    """For every id parameter, one id of an object of tenant ``slug``, read through its list endpoint."""
    ids: dict[str, str] = {"tenant": slug}
    item_paths = sorted((p for p in spec["paths"] if PARAM_RE.search(p)), key=lambda p: p.count("/"))
    for path in item_paths:
        if not path.startswith("/api/v1/t/{tenant}"):
            continue
        last = PARAM_RE.fullmatch(path.rpartition("/")[2])
        if not last or last.group(1) in ids:
            continue
        list_path = _list_path(path)
        if list_path is None or "get" not in spec["paths"].get(list_path, {}):
            continue
        try:
            url = list_path.format(**ids)
        except KeyError:
            continue
        response = client.get(url, headers=_auth(token))
        assert response.status_code == 200, (url, response.status_code)
        items = response.get_json()
        assert items, (
            f"tenant {slug} has no data for {list_path}: extend the demo seed so the walk reaches it"
        )
        ids[last.group(1)] = items[0]["id"]
    return ids


def _tenant_paths(spec):
    for path, operations in spec["paths"].items():
        for method in METHODS:
            if method in operations:
                yield path, method


def test_every_tenant_path_answers_404_to_another_tenant(client, world):
    spec, tokens = world["spec"], world["tokens"]
    a_ids = _discover_ids(client, spec, A, tokens[A])
    checked = 0
    for path, method in _tenant_paths(spec):
        if not path.startswith("/api/v1/t/{tenant}"):
            continue
        params = PARAM_RE.findall(path)
        missing = [p for p in params if p not in a_ids]
        assert not missing, f"{path}: no id of tenant A for {missing}"
        # B's admin on A's slug and A's objects.
        url = path.format(**a_ids)
        response = client.open(url, method=method.upper(), headers=_auth(tokens[B]), json={})
        assert response.status_code == 404, (method, url, response.status_code)
        assert A not in response.get_data(as_text=True)
        # B's admin on B's own slug, naming A's objects.
        if len(params) > 1:
            url = path.format(**{**a_ids, "tenant": B})
            response = client.open(url, method=method.upper(), headers=_auth(tokens[B]), json={})
            assert response.status_code == 404, (method, url, response.status_code)
        checked += 1
    assert checked >= 10
    # Nothing of A was changed or removed by B's attempts.
    assert _discover_ids(client, spec, A, tokens[A]) == a_ids


def test_no_list_of_tenant_b_holds_data_of_tenant_a(client, world):
    spec, tokens = world["spec"], world["tokens"]
    a_ids = _discover_ids(client, spec, A, tokens[A])
    b_ids = _discover_ids(client, spec, B, tokens[B])
    a_values = {v for k, v in a_ids.items() if k != "tenant"}
    listed = 0
    for path, method in _tenant_paths(spec):
        if method != "get" or not path.startswith("/api/v1/t/{tenant}"):
            continue
        response = client.get(path.format(**b_ids), headers=_auth(tokens[B]))
        assert response.status_code == 200, path
        # Bytes: some answers are files (downloads), not text.
        body = response.get_data()
        assert not [v for v in a_values if v.encode() in body], path
        assert b"Palopo" not in body, path
        listed += 1
    assert listed >= 5


def test_a_tenant_token_reaches_no_other_tenant_and_no_platform_path(client, world):
    spec, tokens = world["spec"], world["tokens"]
    for path, method in _tenant_paths(spec):
        if path.startswith("/api/v1/t/{tenant}"):
            continue
        url = PARAM_RE.sub(lambda m: str(uuid.uuid4()), path)
        response = client.open(url, method=method.upper(), headers=_auth(tokens[B]), json={})
        assert response.status_code in (401, 404), (method, url, response.status_code)


def test_the_ministry_reads_through_its_own_paths_only(client, world):
    """A ministry admin's platform token reads released data at /api/v1/ministry/... (one audited read)
    and reaches no tenant path; a tenant's token reaches no ministry path."""
    spec, tokens = world["spec"], world["tokens"]
    ministry = accounts.create_user("direktorat@kemendagri.test", "Direktorat", "x" * 12, "ministry_admin")
    _t, ministry_token = accounts.create_api_token("walk", None, actor=person(ministry.id))
    db.session.commit()
    ministry_paths = [p for p in spec["paths"] if p.startswith("/api/v1/ministry/") and "/sso" not in p]
    assert "/api/v1/ministry/masterplans" in ministry_paths
    for path in ministry_paths:
        assert client.get(path, headers=_auth(tokens[B])).status_code in (401, 404), path
        assert client.get(path, headers=_auth(ministry_token)).status_code == 200, path
    a_ids = _discover_ids(client, spec, A, tokens[A])
    for path, method in _tenant_paths(spec):
        if path.startswith("/api/v1/t/{tenant}"):
            url = path.format(**a_ids)
            response = client.open(url, method=method.upper(), headers=_auth(ministry_token), json={})
            assert response.status_code == 404, (method, url, response.status_code)
