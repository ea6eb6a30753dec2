"""Responses match the OpenAPI document: schemathesis' response checks over every operation.

Every operation of /api/openapi.json is called with requests schemathesis generates from the document,
valid and invalid ones, with the fuzzing test's set-up (tests/api/test_schemathesis.py): Kota Palopo of
the seeded demo as the tenant, the administrator who may read each part of the API, and real objects of
the demo in the path, so operations answer with their data rather than 404. Each answer must match the
document: its status is one the operation documents (status_code_conformance), its body matches that
status's schema (response_schema_conformance), its media type is the documented one
(content_type_conformance) and the documented headers are there and well formed
(response_headers_conformance).

Changes carry the current ETag of the object they change, so they are saved rather than refused; removals
run last, the deepest first. Few examples per operation, derandomized: the run is quick and repeatable.
It runs on SQLite too, where stored instants come back without their zone.
"""

import time

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.test_schemathesis import DemoApi, _in_order, demo_api_values  # noqa: F401 - fixture
from tests.support.demo import palopo  # noqa: F401 - fixture

CHECKS = [
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
]
EXAMPLES_PER_OPERATION = 6


def test_every_response_matches_the_document(app, demo_api_values):  # noqa: F811 - fixture
    demo = demo_api_values
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    readable = {path for path, item in schema.raw_schema["paths"].items() if "get" in item}
    client = app.test_client()
    started, failures, answers = time.monotonic(), [], {}
    for operation in _in_order(schema):
        answers[operation.label] = _check(operation, demo, client, readable, failures)
    calls = sum(len(statuses) for statuses in answers.values())
    print(f"\nconformance: {len(answers)} operations, {calls} requests, {time.monotonic() - started:.0f} s")
    assert len(answers) >= 100
    assert not failures, "responses that differ from the document:\n" + "\n".join(sorted(set(failures)))
    unread = [label for label, statuses in answers.items() if label.startswith("GET") and 200 not in statuses]
    assert not unread, f"reads that never answered 200 with the demo's objects: {unread}"


def _check(operation, demo: DemoApi, client, readable: set[str], failures: list[str]) -> list[int]:
    """Valid and invalid requests (schemathesis' positive and negative modes) to one operation, every
    answer checked against the document; the statuses it answered."""
    fixed = {"path_parameters": demo.path_values(operation.path), "headers": demo.headers_for(operation.path)}
    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE, **fixed),
        operation.as_strategy(GenerationMode.NEGATIVE, **fixed),
    )
    statuses = []

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
        if case.method.upper() in ("PATCH", "PUT", "DELETE"):
            headers.update(_if_match(client, case, headers, readable))
        try:
            response = case.call(headers=headers)
        except Exception as error:  # noqa: BLE001 - the test app re-raises what would be a 500
            failures.append(f"{operation.label} -> 500: server error: {error!r}"[:300])
            return
        statuses.append(response.status_code)
        try:
            case.validate_response(response, checks=CHECKS)
        except FailureGroup as group:
            for failure in group.exceptions:
                detail = failure.message.strip().splitlines()[0] if failure.message.strip() else ""
                failures.append(f"{operation.label} -> {response.status_code}: {failure.title}: {detail}")

    check()
    return statuses


def _if_match(client, case, headers, readable: set[str]) -> dict:
    """The current ETag of the object the change is about: the item itself, or the object a sub-resource
    without reads of its own belongs to (a masterplan's signed document)."""
    path = case.formatted_path
    if case.operation.path not in readable:
        path = path.rsplit("/", 1)[0]
    current = client.get(path, headers=headers)
    return {"If-Match": current.headers["ETag"]} if "ETag" in current.headers else {}
