"""Fuzz the whole API with schemathesis: whatever a client sends, no request answers a server error.

Every operation in the OpenAPI spec is tried (tenant, platform and, as they are added, ministry parts: the
test walks the spec), with Kota Palopo of the seeded demo as the tenant and real objects of the demo as
path parameters, so bodies and query strings reach the services and the database instead of stopping at
a 404. Tenant paths use a bearer token of Palopo's administrator; the others the token of the platform's
administrator or of a ministry administrator, whichever reads the list the path belongs to.
Edits carry the object's current ETag so they get past ``If-Match`` and are really saved; removals run
last. What the fuzzer writes is emptied with every other table after the test.

Only the ``not_a_server_error`` check runs here. The number of examples per operation is small and the
generation derandomized, so the run is quick (about a minute and a half on two cores) and repeatable.
PostgreSQL only: it is where a NUL or an overflowing number fails, and the SQLite run is the quick lane.
"""

import re
import time
from dataclasses import dataclass, field

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from app.accounts import services as accounts
from app.core.auth import MINISTRY_ADMIN
from app.demo import PLATFORM_ADMIN_EMAIL
from app.extensions import db
from tests.factories import person
from tests.support.demo import DemoTenant, palopo  # noqa: F401 - fixture

# Platform operations on one tenant (rename, suspend) act on another demo tenant, so Palopo stays open.
OTHER_TENANT = "kota-balikpapan"
MINISTRY_ADMIN_EMAIL = "admin@kementerian.test"
TENANT_PATH = "/api/v1/t/{tenant}"
PARAM_RE = re.compile(r"\{([^}]+)\}")
EXAMPLES_PER_OPERATION = 25


@dataclass
class DemoApi:
    """What each request needs: a token for its part of the API and an object for each path parameter."""

    tenant: DemoTenant
    tenant_headers: dict
    platform_headers: dict
    ministry_headers: dict
    # A list outside the tenants (no parameter in its path) -> the headers of the administrator who reads it.
    admin_of: dict[str, dict] = field(default_factory=dict)
    # (list path, parameter) -> the id of a demo object listed there, e.g.
    # ("/api/v1/t/{tenant}/masterplans", "masterplan_id") -> "0190..."
    ids: dict[tuple[str, str], str] = field(default_factory=dict)

    def headers_for(self, path: str) -> dict:
        if path.startswith(TENANT_PATH):
            return self.tenant_headers
        lists = [p for p in self.admin_of if path == p or path.startswith(f"{p}/")]
        return self.admin_of[max(lists, key=len)] if lists else self.platform_headers

    def path_values(self, path: str) -> dict[str, str]:
        values = {}
        for match in PARAM_RE.finditer(path):
            name = match.group(1)
            if name == "tenant":
                values[name] = self.tenant.slug
            elif (key := (path[: match.start() - 1], name)) in self.ids:
                values[name] = self.ids[key]
        return values


@pytest.fixture
def demo_api_values(app, palopo):  # noqa: F811 - fixture
    with app.app_context():
        platform_admin = accounts.find_user_by_email(PLATFORM_ADMIN_EMAIL)
        _t, platform_secret = accounts.create_api_token("fuzz", None, actor=person(platform_admin.id))
        ministry_admin = accounts.create_user(
            MINISTRY_ADMIN_EMAIL, "Admin Kementerian", platform_role=MINISTRY_ADMIN
        )
        _t, ministry_secret = accounts.create_api_token("fuzz", None, actor=person(ministry_admin.id))
        db.session.commit()
    demo = DemoApi(
        palopo,
        palopo.token(),
        {"Authorization": f"Bearer {platform_secret}"},
        {"Authorization": f"Bearer {ministry_secret}"},
    )
    client = app.test_client()
    spec = client.get("/api/openapi.json").get_json()
    _choose_admins(client, spec, demo)
    _discover_ids(client, spec, demo)
    return demo


def _choose_admins(client, spec, demo: DemoApi) -> None:
    """Outside the tenants, each list goes to the administrator who may read it: the platform's, or the
    ministry's (the ministry's area of tenants' released data)."""
    for path, operations in spec["paths"].items():
        if "get" in operations and not path.startswith(TENANT_PATH) and not PARAM_RE.search(path):
            for headers in (demo.platform_headers, demo.ministry_headers):
                if client.get(path, headers=headers).status_code == 200:
                    demo.admin_of[path] = headers
                    break


def _discover_ids(client, spec, demo: DemoApi) -> None:
    """For each path parameter, an object of the demo read from the list the parameter indexes."""
    item_paths = sorted((p for p in spec["paths"] if PARAM_RE.search(p)), key=lambda p: p.count("/"))
    for path in item_paths:
        for match in PARAM_RE.finditer(path):
            name, list_path = match.group(1), path[: match.start() - 1]
            if name == "tenant" or (list_path, name) in demo.ids:
                continue
            if "get" not in spec["paths"].get(list_path, {}):
                continue
            url = list_path.format(**demo.path_values(list_path))
            response = client.get(url, headers=demo.headers_for(list_path))
            assert response.status_code == 200, (url, response.status_code)
            item = _pick(response.get_json(), demo)
            assert item, f"the demo has nothing at {list_path}: extend the seed so the fuzzer reaches it"
            # An x_id parameter takes the item's id; a named one (list_name) the item's field of that name.
            demo.ids[(list_path, name)] = item["id"] if name.endswith("_id") else item[name]


def _pick(items: list[dict], demo: DemoApi) -> dict | None:
    """The object to fuzz, a draft where there is one (a draft masterplan takes edits to its parts).
    Never the administrator's own membership (a role change would lock the token out), and among the
    tenants only the other demo tenant (a suspension would close Palopo)."""
    admin_id = str(demo.tenant.admin_id)
    usable = [
        item
        for item in items
        if item.get("user_id") != admin_id and item.get("slug", OTHER_TENANT) == OTHER_TENANT
    ]
    drafts = [item for item in usable if "draft" in (item.get("status"), item.get("state"))]
    return (drafts or usable or [None])[0]


def _in_order(schema) -> list:
    """The operations in the spec's order, removals last and the deepest first (a mission before its
    masterplan), so every operation meets the demo's objects still in place."""
    operations = [result.ok() for result in schema.get_all_operations()]
    return sorted(
        operations,
        key=lambda op: (
            op.method.upper() == "DELETE",
            -op.path.count("/") if op.method.upper() == "DELETE" else 0,
        ),
    )


@pytest.mark.postgres
def test_no_input_answers_a_server_error(app, demo_api_values, subtests):
    demo = demo_api_values
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    started, answers = time.monotonic(), {}
    for operation in _in_order(schema):
        with subtests.test(msg=operation.label):
            answers[operation.label] = _fuzz(operation, demo, app.test_client())
    print(f"\nschemathesis: {len(answers)} operations in {time.monotonic() - started:.0f} s")
    assert len(answers) >= 100
    # The walk reached the demo's objects: every read answered at least once (not 404 throughout).
    unread = [label for label, codes in answers.items() if label.startswith("GET ") and 200 not in codes]
    assert not unread


def _fuzz(operation, demo: DemoApi, client) -> set[int]:
    """Valid and invalid requests (schemathesis' positive and negative modes) to one operation; the status
    codes it answered."""
    fixed = {"path_parameters": demo.path_values(operation.path), "headers": demo.headers_for(operation.path)}
    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE, **fixed),
        operation.as_strategy(GenerationMode.NEGATIVE, **fixed),
    )

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases)
    def check(case):
        headers = dict(demo.headers_for(operation.path))
        if case.method.upper() in ("PATCH", "PUT"):
            # The object's current ETag, so the edit is saved rather than refused as stale.
            current = client.get(case.formatted_path, headers=headers)
            if "ETag" in current.headers:
                headers["If-Match"] = current.headers["ETag"]
        response = case.call(headers=headers)
        codes.add(response.status_code)
        case.validate_response(response, checks=[not_a_server_error])

    codes: set[int] = set()
    check()
    return codes
