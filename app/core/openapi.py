"""How the API describes itself: the OpenAPI document integrators generate their clients from.

- One error shape, ``Error``, documented once and referenced for every status the product answers, each
  operation listing the statuses it can answer (no catch-all ``default``), so a response that the document
  does not describe is a bug that schemathesis finds.
- An ``operationId`` for every operation, made from the MethodView's name and the HTTP method
  (``Programs.get`` → ``listPrograms``, ``ProgramById.patch`` → ``updateProgram``); a view may name one
  itself with ``@blp.doc(operationId=...)``. They are checked unique when the API is registered.
- One tag per domain (the blueprint's package), described by the package's docstring.
- Uploads as a ``multipart/form-data`` request body holding the form fields and the file together
  (``@blp.arguments(Schema, location="multipart")``).
- One format per kind of value: dates ``YYYY-MM-DD``, instants RFC 3339 in UTC, decimals JSON numbers,
  Rupiah whole JSON integers (``int64``).

The document is committed as docs/openapi.json; tests/api/test_openapi_document.py fails when the served
one differs and says how to write it again.
"""

import http
import sys
from datetime import UTC, datetime

import flask_smorest
from apispec import BasePlugin
from flask_smorest.utils import prepare_response
from marshmallow import Schema, fields, validate
from webargs.flaskparser import FlaskParser

from app.core.db import as_utc
from app.core.errors import CODES

REGENERATE = ".venv/bin/flask --app app:create_app openapi write docs/openapi.json"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
INT32_MAX = 2**31 - 1

API_DESCRIPTION = """\
The Kota Cerdas API: tenants' masterplans, OPDs, members, files and jobs, and the platform's reference data.
Tenant operations live under `/api/v1/t/{tenant}` and take a bearer token bound to that tenant.

Formats: dates are `YYYY-MM-DD`; instants are RFC 3339 date-times in UTC (`2025-03-01T02:30:00+00:00`);
decimals are JSON numbers; Rupiah amounts are whole Rupiah as JSON integers (int64, never a string or a
float). Lists are paged with `page` and `page_size` (20 by default, 100 at most) and answer the
`X-Pagination` header. Changes to existing objects need `If-Match` with the object's `ETag`: 428 without
it, 412 when someone changed the object since. Every error answers the `Error` shape.

Versioning, deprecation and limits: docs/API.md."""

# Every status the product answers with the error shape, and when. The response components are named after
# the error codes (UNPROCESSABLE_ENTITY for unprocessable_entity), not after Python's HTTPStatus names,
# which differ between Python versions (3.13 renamed 413 and 422) and would change the document.
ERROR_STATUSES = {
    400: "The request cannot be read, e.g. a body that is not valid JSON.",
    401: "No bearer token, or one that is unknown, expired or revoked.",
    403: "The token's user lacks the role this needs (code `forbidden`), or the tenant is suspended "
    "(code `tenant_suspended`).",
    404: "Nothing here within the caller's reach: an unknown id, another tenant's object and a tenant the "
    "token is not bound to all look the same.",
    409: "The object's state does not allow this, e.g. a masterplan that is no longer a draft, or an object "
    "still in use.",
    412: "`If-Match` names an ETag that is no longer current: someone changed the object since it was read. "
    "Read it again and repeat the change.",
    413: "The body or the file is larger than allowed: 25 MB per request unless the operator set "
    "`UPLOAD_MAX_BYTES`, and less for some purposes (10 MB for an import).",
    415: "The body's media type is not the one the operation takes.",
    422: "Invalid input: `errors` names each field (of the body, the query string or the path) with its "
    "messages.",
    428: "The change needs an `If-Match` header holding the object's ETag.",
    429: "Too many attempts; `Retry-After` says how many seconds to wait.",
    503: "A service this needs does not answer (e.g. a tenant's identity provider); try again later.",
}


def error_response_name(status: int) -> str:
    return CODES[status].upper()


class ErrorSchema(Schema):
    """The body of every error (``app.core.errors.api_error``)."""

    code = fields.String(
        required=True,
        metadata={
            "description": "What went wrong, for programs: the status's code (not_found, conflict, "
            "precondition_failed, unprocessable_entity, ...) or a more precise one (tenant_suspended, "
            "sso_refused)",
            "example": "unprocessable_entity",
        },
    )
    message = fields.String(
        required=True,
        metadata={
            "description": "What went wrong, for people, in English",
            "example": "Some fields need attention",
        },
    )
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={
            "description": "For invalid input: each field's name and its messages. A message about a part "
            "of a list or mapping starts with the part's place, e.g. `0.amount: ...`",
            "example": {"name": ["Missing data for required field."]},
        },
    )


class ArgumentsParser(FlaskParser):
    """webargs' parser with a ``multipart`` location: the form fields and the files of one multipart body,
    read by one schema, so that OpenAPI 3 describes them as one ``multipart/form-data`` request body."""

    __location_map__ = {**FlaskParser.__location_map__, "multipart": "load_multipart"}
    # Unknown fields are refused, as in every body.
    DEFAULT_UNKNOWN_BY_LOCATION = {**FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION, "multipart": None}

    def load_multipart(self, req, schema):
        from werkzeug.datastructures import CombinedMultiDict

        return self._makeproxy(CombinedMultiDict([req.form, req.files]), schema)


def operation_id(view_name: str, method: str, *, lists: bool) -> str:
    """``Programs`` GET (paginated) → listPrograms, POST → createProgram; ``ProgramById`` GET →
    getProgram, PATCH → updateProgram, PUT → replaceProgram, DELETE → deleteProgram."""
    noun = view_name.removesuffix("ById")
    if method == "get":
        return ("list" if lists else "get") + noun
    verb = {"post": "create", "put": "replace", "patch": "update", "delete": "delete"}[method]
    return verb + singular(noun)


def singular(noun: str) -> str:
    if noun.endswith("ies"):
        return noun[:-3] + "y"
    if noun.endswith("s") and not noun.endswith(("ss", "us", "is")):
        return noun[:-1]
    return noun


def plural(noun: str) -> str:
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    # Readiness: a mass noun, listed as it is.
    return noun if noun.endswith("ss") else noun + "s"


def domain_of(blueprint) -> str:
    """The domain a blueprint belongs to: its package under app/ (``app.masterplan.exchange.api`` →
    masterplan)."""
    parts = blueprint.import_name.split(".")
    return parts[1] if len(parts) > 2 and parts[0] == "app" else blueprint.name


def domain_description(domain: str) -> str:
    package = sys.modules.get(f"app.{domain}")
    doc = (package.__doc__ or "") if package else ""
    return doc.strip().split("\n\n")[0].replace("\n", " ")


def error_statuses(method: str, operation: dict) -> set[int]:
    """The error statuses an operation can answer, by what it is. Every one needs a token (401) and a role
    in a tenant that is not suspended (403), answers 404 for what is out of the caller's reach (an object,
    a tenant, the ministry area) and refuses a query string holding control characters (422); a body may
    be unreadable (400) or too large (413); a change may conflict with the object's state (409)."""
    statuses = {401, 403, 404, 422}
    if "requestBody" in operation:
        statuses |= {400, 413}
    if method != "get":
        statuses.add(409)
    return statuses


def utc_isoformat(value: datetime) -> str:
    return as_utc(value).astimezone(UTC).isoformat()


def dump_instants_in_utc(schema, seen: set | None = None) -> None:
    """Make every DateTime field of ``schema`` (a class or an instance, nested schemas included) write
    RFC 3339 in UTC with its offset: 2025-03-01T02:30:00+00:00. SQLite hands stored instants back without
    a zone and PostgreSQL in the session's; the document promises one format. The declared fields change
    too, which later instances copy, so an ETag checked with a fresh instance matches the one sent."""
    seen = set() if seen is None else seen
    if id(schema) in seen:
        return
    seen.add(id(schema))
    schema_class = schema if isinstance(schema, type) else type(schema)
    groups = [schema_class._declared_fields] + ([] if schema is schema_class else [schema.fields])
    for group in groups:
        for field in group.values():
            _instants_in_utc(field, seen)


def _instants_in_utc(field, seen: set) -> None:
    if isinstance(field, fields.DateTime) and field.format in (None, "iso", "iso8601"):
        field.SERIALIZATION_FUNCS = {
            **field.SERIALIZATION_FUNCS,
            "iso": utc_isoformat,
            "iso8601": utc_isoformat,
        }
    elif isinstance(field, fields.Nested) and (
        isinstance(field.nested, Schema)
        or (isinstance(field.nested, type) and issubclass(field.nested, Schema))
    ):
        dump_instants_in_utc(field.nested, seen)
    elif isinstance(field, fields.List):
        _instants_in_utc(field.inner, seen)
    elif isinstance(field, fields.Dict) and field.value_field is not None:
        _instants_in_utc(field.value_field, seen)


class ContractPlugin(BasePlugin):
    """Completes each operation's responses with the error statuses it can answer, all in the one error
    shape, sorted by status."""

    def operation_helper(self, path=None, operations=None, **kwargs):
        for method, operation in (operations or {}).items():
            if method not in METHODS:
                continue
            responses = {str(status): response for status, response in operation.get("responses", {}).items()}
            for status in error_statuses(method, operation) | {int(s) for s in responses}:
                if status in ERROR_STATUSES and isinstance(responses.get(str(status), ""), str):
                    responses[str(status)] = error_response_name(status)
            operation["responses"] = dict(sorted(responses.items()))


def formats2properties(self, field, **kwargs) -> dict:
    """apispec attribute function: one documented format per kind of number. Whole Rupiah (and any whole
    number past 32 bits) is an int64 integer; decimals are JSON numbers (double), never strings."""
    if isinstance(field, fields.Integer):
        ranges = [v.max for v in field.validators if isinstance(v, validate.Range) and v.max is not None]
        if ranges and max(ranges) > INT32_MAX:
            return {"format": "int64"}
    if isinstance(field, fields.Float | fields.Decimal) and not getattr(field, "as_string", False):
        return {"type": "number", "format": "double"}
    return {}


class DocumentedApi:
    """flask-smorest's Api with the project's contract (mixed into ``app.core.api.Api``)."""

    ERROR_SCHEMA = ErrorSchema
    # Each operation lists its own error statuses (ContractPlugin): no catch-all that hides a mistake.
    DEFAULT_ERROR_RESPONSE_NAME = None

    def _init_spec(self, *, extra_plugins=None, **kwargs):
        self._domain_tags = set()
        kwargs.setdefault("info", {"description": API_DESCRIPTION})
        super()._init_spec(extra_plugins=[*(extra_plugins or ()), ContractPlugin()], **kwargs)
        self.ma_plugin.converter.add_attribute_function(formats2properties)

    def _register_responses(self):
        """The error statuses the product answers, documented always (not only once referenced); other
        statuses lazily, as flask-smorest does."""
        ours = set()
        for status, description in ERROR_STATUSES.items():
            response = {"description": description, "schema": self.ERROR_SCHEMA}
            prepare_response(response, self.spec, self.DEFAULT_RESPONSE_CONTENT_TYPE)
            self.spec.components.response(error_response_name(status), response)
            ours.add(error_response_name(status))
        for status in http.HTTPStatus:
            if status.name in ours:
                continue
            response = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, self.DEFAULT_RESPONSE_CONTENT_TYPE)
            self.spec.components.response(status.name, response, lazy=True)

    def _register_pagination_header(self):
        # The header holds JSON text, which a header's ``schema`` (a simple-style value) cannot describe.
        from flask_smorest.pagination import PaginationMetadataSchema

        self.spec.components.header(
            "PAGINATION",
            {
                "description": "This page's place in the list, as JSON: `{"
                '"total": 25, "total_pages": 3, "first_page": 1, "last_page": 3, "page": 1, "next_page": 2}`',
                "required": True,
                "content": {"application/json": {"schema": PaginationMetadataSchema}},
            },
            lazy=True,
        )

    def register_blueprint(self, blp, *, parameters=None, **options):
        """flask-smorest's registration, with the blueprint's domain as the tag of its operations."""
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)
        blp.register_views_in_doc(self, self._app, self.spec, name=name, parameters=parameters)
        domain = domain_of(blp)
        if domain not in self._domain_tags:
            self._domain_tags.add(domain)
            self.spec.tag({"name": domain, "description": domain_description(domain)})


class DocumentedBlueprint:
    """flask-smorest's Blueprint naming its operations and tagging them with its domain (mixed into
    ``app.core.api.Blueprint``)."""

    ARGUMENTS_PARSER = ArgumentsParser()
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {
        **flask_smorest.Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
        "multipart": "multipart/form-data",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._prepare_doc_cbks.append(self._prepare_operation_id_doc)

    def response(self, status_code, schema=None, **kwargs):
        """flask-smorest's response, with every instant the schema dumps written in UTC with its offset."""
        if isinstance(schema, Schema) or (isinstance(schema, type) and issubclass(schema, Schema)):
            dump_instants_in_utc(schema)
        return super().response(status_code, schema, **kwargs)

    def _store_endpoint_docs(self, endpoint, obj, parameters, tags, **options):
        super()._store_endpoint_docs(endpoint, obj, parameters, tags or [domain_of(self)], **options)
        for method, doc in self._docs[endpoint].items():
            if method in METHODS:
                doc["operation_id"] = operation_id(obj.__name__, method, lists="pagination" in doc)

    @staticmethod
    def _prepare_operation_id_doc(doc, doc_info, **kwargs):
        doc["operationId"] = doc_info["operation_id"]
        return doc


def check_operation_ids(spec: dict) -> None:
    """Refuse to start when an operation has no operationId or shares one: generated clients name their
    functions after them."""
    seen: dict[str, str] = {}
    for path, operations in spec.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            where = f"{method.upper()} {path}"
            name = operation.get("operationId")
            if not name:
                raise RuntimeError(f"{where} has no operationId")
            if name in seen:
                raise RuntimeError(
                    f"{where} and {seen[name]} share the operationId {name!r}: "
                    "rename a view or give one @blp.doc(operationId=...)"
                )
            seen[name] = where
