"""The OpenAPI document is a contract integrators can build on: valid OpenAPI 3, every operation named and
tagged, uploads as multipart bodies, one error shape for every error status, fields that can be null
declared nullable, one format per kind of value, and docs/openapi.json (committed) the same as the served
document, so that every change to the contract shows in review."""

import json
import re
from pathlib import Path

import pytest
from openapi_spec_validator import validate

from app.core.db import Base
from app.core.openapi import ERROR_STATUSES, REGENERATE, error_response_name
from tests.factories import make_tenant

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "docs" / "openapi.json"
METHODS = ("get", "put", "post", "delete", "patch")
RUPIAH_FIELDS = {"amount", "budget", "budget_total"}


@pytest.fixture(scope="module")
def document(app):
    return app.test_client().get("/api/openapi.json").get_json()


def _operations(document):
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                yield f"{method.upper()} {path}", item[method]


def _properties(document):
    """(where, name, property) for every property of every schema, nested ones and list items too."""

    def walk(where, schema):
        for name, prop in schema.get("properties", {}).items():
            yield f"{where}.{name}", name, prop
            yield from walk(f"{where}.{name}", prop)
        if isinstance(schema.get("items"), dict):
            yield from walk(f"{where}[]", schema["items"])
        if isinstance(schema.get("additionalProperties"), dict):
            yield from walk(f"{where}{{}}", schema["additionalProperties"])

    for name, schema in document["components"]["schemas"].items():
        yield from walk(name, schema)


def test_the_document_is_valid_openapi_3(document):
    assert document["openapi"].startswith("3.")
    validate(document)  # openapi-spec-validator: raises with the offending part


def test_every_operation_has_a_unique_operation_id_and_a_domain_tag(document):
    tags = {tag["name"] for tag in document["tags"]}
    seen = {}
    for where, operation in _operations(document):
        name = operation.get("operationId", "")
        assert re.fullmatch(r"[a-z]+[A-Z][A-Za-z]*", name), f"{where}: operationId {name!r}"
        assert name not in seen, f"{where} and {seen[name]} share the operationId {name}"
        seen[name] = where
        assert operation["tags"] and set(operation["tags"]) <= tags, f"{where}: tags {operation['tags']}"
    assert len(seen) >= 100
    assert {"listPrograms", "getProgram", "createOpd", "updateOpd", "deleteOpd", "uploadFile"} <= set(seen)


def test_uploads_are_multipart_request_bodies(document):
    for where, operation in _operations(document):
        for parameter in operation.get("parameters", []):
            assert "$ref" in parameter or parameter["in"] in ("query", "path", "header", "cookie"), where
    upload = document["paths"]["/api/v1/t/{tenant}/files"]["post"]["requestBody"]["content"]
    schema = document["components"]["schemas"][upload["multipart/form-data"]["schema"]["$ref"].split("/")[-1]]
    assert schema["properties"]["file"] == {"type": "string", "format": "binary"}
    assert set(schema["required"]) == {"file", "purpose"}
    signed = document["paths"]["/api/v1/t/{tenant}/masterplans/{masterplan_id}/signed-document"]["put"]
    assert list(signed["requestBody"]["content"]) == ["multipart/form-data"]


def test_every_error_status_answers_the_error_shape_the_product_sends(document):
    error = document["components"]["schemas"]["Error"]
    assert error["properties"]["code"]["type"] == "string"
    assert error["properties"]["message"]["type"] == "string"
    messages = {"type": "array", "items": {"type": "string"}}
    assert error["properties"]["errors"]["additionalProperties"] == messages
    responses = document["components"]["responses"]
    for status in ERROR_STATUSES:
        content = responses[error_response_name(status)]["content"]["application/json"]
        assert content["schema"] == {"$ref": "#/components/schemas/Error"}, status
    for where, operation in _operations(document):
        assert "default" not in operation["responses"], f"{where}: a catch-all hides undocumented statuses"
        for status, response in operation["responses"].items():
            if int(status) >= 400:
                name = error_response_name(int(status))
                assert response == {"$ref": f"#/components/responses/{name}"}, f"{where} {status}"


def test_an_error_inside_a_list_names_its_place(app_ctx, client):
    palopo = make_tenant("73.73", "kota-palopo")
    response = client.post(
        "/api/v1/t/kota-palopo/invitations",
        json={"email": "guru@palopo.go.id", "role": "viewer", "opd_ids": ["not-an-id"]},
        headers=palopo.headers(),
    )
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"opd_ids": ["0: Not a valid UUID."]}


def test_fields_that_can_be_null_are_declared_nullable(document):
    """A response schema named after a model (Masterplan, Framework, Invitation) declares nullable every
    field whose column may hold NULL: generated clients refuse a null they were not told about."""
    models = {mapper.class_.__name__: mapper.class_ for mapper in Base.registry.mappers}
    missing = []
    for name, schema in document["components"]["schemas"].items():
        model = models.get(name)
        if model is None:
            continue
        columns = model.__table__.columns
        for field, prop in schema.get("properties", {}).items():
            if field in columns and columns[field].nullable and not prop.get("nullable"):
                missing.append(f"{name}.{field}")
    assert not missing, f"may be null but not declared nullable: {missing}"


def test_one_format_per_kind_of_value(document):
    wrong = []
    for where, name, prop in _properties(document):
        kind, form = prop.get("type"), prop.get("format")
        if name.endswith("_at") and (kind, form) != ("string", "date-time"):
            wrong.append(f"{where}: an instant is an RFC 3339 date-time, not {kind}/{form}")
        if name.endswith("_date") and (kind, form) != ("string", "date"):
            wrong.append(f"{where}: a date is YYYY-MM-DD, not {kind}/{form}")
        if name in RUPIAH_FIELDS and (kind, form) != ("integer", "int64"):
            wrong.append(f"{where}: Rupiah is a whole int64 integer, not {kind}/{form}")
        if kind == "number" and form != "double":
            wrong.append(f"{where}: a decimal is a JSON number (double), not {kind}/{form}")
    assert not wrong, "\n".join(wrong)


def test_the_committed_document_is_the_served_one(document):
    committed = json.loads(COMMITTED.read_text()) if COMMITTED.exists() else {}
    if committed == document:
        return
    before, now = dict(_operations(committed)) if committed else {}, dict(_operations(document))
    changes = [f"+ {op}" for op in now.keys() - before.keys()] + [
        f"- {op}" for op in before.keys() - now.keys()
    ]
    changes += [f"~ {op}" for op in now.keys() & before.keys() if now[op] != before[op]]
    pytest.fail(
        "docs/openapi.json is not the document the API serves: the contract changed. Write it again with\n"
        f"    {REGENERATE}\n"
        "and commit it with the change, so that reviewers see what integrators will get.\n"
        + "\n".join(sorted(changes)[:40] or ["(components or document details changed)"])
    )
