"""Bad input answers 422 naming the field, never a server error: page numbers beyond any list, numbers
beyond their column, text longer than its column, NUL and other control characters. Tabs and line breaks
in long text are kept. The same bounds hold on page forms and query strings."""

from io import BytesIO

import pytest
from flask_smorest.fields import Upload
from marshmallow import fields

from app.core import bounds
from app.core.auth import SYSTEM
from app.core.tenancy import tenant_context
from app.extensions import db
from app.masterplan import versions
from app.reference import services as reference
from app.reference.models import Framework
from app.tenants import services as tenants
from tests.conftest import form_post, login
from tests.factories import PASSWORD, admin_actor, make_tenant

API = "/api/v1/t/kota-palopo"
OPD_NAME_LENGTH = 200  # opds.name is String(200)


@pytest.fixture
def city(app_ctx):
    reference.load_carried_data(actor=SYSTEM)
    db.session.commit()
    setup = make_tenant("73.73", "kota-palopo")
    framework_id = db.session.scalar(db.select(Framework.id).where(Framework.code == "KOMINFO-SC-2021"))
    with tenant_context(setup.tenant_id):
        masterplan = versions.create_masterplan(
            {
                "title": "Masterplan Smart City",
                "version_label": "1.0",
                "period_start": 2025,
                "period_end": 2029,
                "framework_id": framework_id,
            },
            actor=admin_actor(setup),
        )
        db.session.commit()
    setup.masterplan_id = masterplan.id
    return setup


def _refused(response, field: str) -> list[str]:
    assert response.status_code == 422, (response.status_code, response.get_data(as_text=True)[:300])
    errors = response.get_json()["errors"]
    assert field in errors, errors
    return errors[field]


def _opds(setup) -> list:
    with tenant_context(setup.tenant_id):
        db.session.expire_all()
        return tenants.list_opds(actor=SYSTEM)


# --- pages of lists ---------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["1e20", "99999999999999999999", str(bounds.PAGE_MAX + 1), "1.5", "²"])
def test_a_page_number_beyond_any_list_answers_422_naming_page(city, client, page):
    for path in ("/opds", "/members", f"/masterplans/{city.masterplan_id}/missions"):
        _refused(client.get(f"{API}{path}?page={page}", headers=city.headers()), "page")


def test_the_last_page_number_allowed_answers_an_empty_page(city, client):
    response = client.get(f"{API}/opds?page={bounds.PAGE_MAX}&page_size=100", headers=city.headers())
    assert response.status_code == 200 and response.get_json() == []


def test_the_spec_states_the_page_bounds(city, client):
    spec = client.get("/api/openapi.json").get_json()
    parameters = {
        p["name"]: p["schema"] for p in spec["paths"]["/api/v1/t/{tenant}/opds"]["get"]["parameters"]
    }
    assert parameters["page"]["maximum"] == bounds.PAGE_MAX and parameters["page_size"]["maximum"] == 100


@pytest.mark.parametrize("page", ["99999999999999999999", "²"])
def test_a_page_number_beyond_any_list_on_a_page_answers_422_naming_page(city, client, page):
    login(client, city.admin_email, PASSWORD)
    response = client.get(f"/t/kota-palopo/opds?page={page}&lang=en")
    assert response.status_code == 422
    assert '<span class="fw-semibold">page</span>' in response.get_data(as_text=True)


def test_huge_numbers_in_a_page_list_filter_are_no_server_error(city, client):
    login(client, city.admin_email, PASSWORD)
    base = f"/t/kota-palopo/masterplans/{city.masterplan_id}"
    for query in ("?year=2147483648", "?year=99999999999999999999"):
        assert client.get(f"{base}/action-plan{query}").status_code == 200, query
        assert client.get(f"{base}/programs{query}").status_code == 200, query
    # The masterplan's lists page like every other list: a page number beyond any list is refused.
    for query in ("?page=99999999999999999999&lang=en", "?page=²&lang=en"):
        for page in ("action-plan", "programs"):
            response = client.get(f"{base}/{page}{query}")
            assert response.status_code == 422, (page, query)
            assert '<span class="fw-semibold">page</span>' in response.get_data(as_text=True)


# --- numbers ----------------------------------------------------------------------------------------


def test_a_number_beyond_an_integer_column_answers_422_naming_the_field(city, client):
    url = f"{API}/masterplans/{city.masterplan_id}/missions"
    _refused(client.post(url, json={"number": 2147483648, "text": "Misi"}, headers=city.headers()), "number")
    saved = client.post(url, json={"number": 2147483647, "text": "Misi"}, headers=city.headers())
    assert saved.status_code == 201 and saved.get_json()["number"] == 2147483647


def test_a_fraction_in_a_whole_number_field_is_refused_not_cut(city, client):
    url = f"{API}/masterplans/{city.masterplan_id}/missions"
    _refused(client.post(url, json={"number": 1.5, "text": "Misi"}, headers=city.headers()), "number")


def test_a_query_number_beyond_its_column_answers_422_naming_it(city, client):
    url = f"{API}/masterplans/{city.masterplan_id}/action-items?year=2147483648"
    _refused(client.get(url, headers=city.headers()), "year")


def test_an_amount_beyond_any_budget_answers_422_naming_it(city, client):
    program = {"code": "P.1", "name": "Program", "dimension_code": "SOC", "budget_lines": []}
    line = {"year": 2025, "funding_source": "APBD"}
    url = f"{API}/masterplans/{city.masterplan_id}/programs"
    too_much = {**program, "budget_lines": [{**line, "amount": bounds.RUPIAH_MAX + 1}]}
    refused = _refused(client.post(url, json=too_much, headers=city.headers()), "budget_lines")
    assert "amount" in str(refused)  # the first line's amount

    enough = {**program, "budget_lines": [{**line, "amount": bounds.RUPIAH_MAX}]}
    assert client.post(url, json=enough, headers=city.headers()).status_code == 201


# --- text -------------------------------------------------------------------------------------------


def test_a_nul_in_a_name_answers_422_naming_the_field(city, client):
    response = client.post(
        f"{API}/opds", json={"code": "DISDIK", "name": "Dinas\x00 Pendidikan"}, headers=city.headers()
    )
    assert _refused(response, "name") == ["Must not contain control characters."]
    assert _opds(city) == []


@pytest.mark.parametrize("character", ["\x07", "\x1b", "\x7f", "\x85", "\ufffe"])
def test_control_characters_are_refused(city, client, character):
    response = client.post(
        f"{API}/opds", json={"code": "DISDIK", "name": f"Dinas{character}"}, headers=city.headers()
    )
    assert _refused(response, "name") == ["Must not contain control characters."]


@pytest.mark.parametrize("character", ["\t", "\n", "\r", "\u2028"])
def test_a_single_line_field_refuses_tabs_and_line_breaks(city, client, character):
    response = client.post(
        f"{API}/opds", json={"code": "DISDIK", "name": f"Dinas{character}Pendidikan"}, headers=city.headers()
    )
    assert _refused(response, "name") == ["Must be a single line, without tabs or line breaks."]


def test_tabs_and_line_breaks_in_a_narrative_are_kept(city, client):
    text = "Misi pertama:\n\t1. Layanan publik\r\n\t2. Data terbuka"
    url = f"{API}/masterplans/{city.masterplan_id}/missions"
    created = client.post(url, json={"text": text}, headers=city.headers())
    assert created.status_code == 201
    again = client.get(f"{url}/{created.get_json()['id']}", headers=city.headers())
    assert again.get_json()["text"] == text


def test_a_narrative_with_a_control_character_is_refused(city, client):
    url = f"{API}/masterplans/{city.masterplan_id}/missions"
    _refused(client.post(url, json={"text": "Misi\x00"}, headers=city.headers()), "text")


def test_text_one_character_over_its_column_is_refused_and_at_its_length_saved(city, client):
    too_long = client.post(
        f"{API}/opds", json={"code": "DISDIK", "name": "x" * (OPD_NAME_LENGTH + 1)}, headers=city.headers()
    )
    assert _refused(too_long, "name") == [f"Length must be between 1 and {OPD_NAME_LENGTH}."]
    saved = client.post(
        f"{API}/opds", json={"code": "DISDIK", "name": "x" * OPD_NAME_LENGTH}, headers=city.headers()
    )
    assert saved.status_code == 201
    assert [opd.name for opd in _opds(city)] == ["x" * OPD_NAME_LENGTH]


def test_a_narrative_over_its_bound_is_refused(city, client):
    url = f"{API}/masterplans/{city.masterplan_id}/missions"
    _refused(
        client.post(url, json={"text": "x" * (bounds.NARRATIVE_MAX + 1)}, headers=city.headers()), "text"
    )


# --- page forms and query strings -------------------------------------------------------------------


def test_a_page_form_refuses_a_nul_and_an_over_long_name_naming_the_field(city, client):
    login(client, city.admin_email, PASSWORD)
    for name in ("Dinas\x00 Pendidikan", "x" * (OPD_NAME_LENGTH + 1)):
        response = form_post(client, "/t/kota-palopo/opds", {"code": "DISDIK", "name": name})
        assert response.status_code == 422
        assert '<span class="fw-semibold">Nama</span>' in response.get_data(as_text=True)
    assert _opds(city) == []


def test_an_opd_edit_on_its_page_refuses_a_tab_in_the_name(city, client):
    login(client, city.admin_email, PASSWORD)
    assert (
        form_post(client, "/t/kota-palopo/opds", {"code": "DISDIK", "name": "Dinas Pendidikan"}).status_code
        == 302
    )
    opd = _opds(city)[0]
    response = form_post(
        client, f"/t/kota-palopo/opds/{opd.id}/edit", {"code": "DISDIK", "name": "Dinas\tPendidikan"}
    )
    assert response.status_code == 422
    assert [o.name for o in _opds(city)] == ["Dinas Pendidikan"]


def test_a_nul_in_a_query_string_answers_422_naming_it(city, client):
    login(client, city.admin_email, PASSWORD)
    response = client.get("/t/kota-palopo/opds?q=dinas%00")
    assert response.status_code == 422 and '<span class="fw-semibold">q</span>' in response.get_data(
        as_text=True
    )
    _refused(
        client.get(f"{API}/masterplans/{city.masterplan_id}/programs?q=a%00", headers=city.headers()), "q"
    )


def test_a_control_character_in_a_path_names_nothing(city, client):
    assert client.get("/api/v1/t/kota%00palopo/opds", headers=city.headers()).status_code == 404
    login(client, city.admin_email, PASSWORD)
    assert client.get("/t/kota-palopo%00/opds").status_code == 404


@pytest.mark.parametrize("masterplan_id", ["not-a-uuid", "99999999999999999999", "%00"])
def test_a_malformed_id_in_a_path_names_nothing(city, client, masterplan_id):
    # No route takes it, so no tenant is resolved and the tenant-bound token opens nothing (401).
    response = client.get(f"{API}/masterplans/{masterplan_id}/missions", headers=city.headers())
    assert response.status_code in (401, 404)
    login(client, city.admin_email, PASSWORD)
    assert client.get(f"/t/kota-palopo/masterplans/{masterplan_id}/programs").status_code == 404


def test_a_date_filter_at_the_end_of_the_calendar_answers_422_naming_it(city, client):
    for name, day in (("until", "9999-12-31"), ("since", "0001-01-01")):
        _refused(client.get(f"{API}/audit-entries?{name}={day}", headers=city.headers()), name)
    assert (
        client.get(
            f"{API}/audit-entries?since=1900-01-01&until=2999-12-31", headers=city.headers()
        ).status_code
        == 200
    )


def test_a_meeting_at_the_end_of_the_calendar_or_with_a_bad_link_answers_422_naming_it(city, client):
    meeting = {"kind": "RAKOR", "title": "Rapat", "mode": "DARING", "ends_at": "2026-05-04T11:00:00"}
    for name, value in (
        ("starts_at", "9999-12-31T09:00:00"),
        ("starts_at", "0001-01-01T09:00:00+08:00"),
        ("online_link", "javascript:alert(1)"),
        ("online_link", "https://meet.example/" + "a" * 500),
    ):
        body = {"starts_at": "2026-05-04T09:00:00", **meeting, name: value}
        _refused(client.post(f"{API}/council/meetings", json=body, headers=city.headers()), name)


def test_a_malformed_id_in_a_query_string_answers_422(city, client):
    url = f"{API}/masterplans/{city.masterplan_id}/comparison?against=99999999999999999999"
    _refused(client.get(url, headers=city.headers()), "against")


# --- an imported workbook keeps to the same bounds ---------------------------------------------------


def test_an_imported_workbook_with_an_overflowing_number_and_a_broken_name_imports_nothing(app, client):
    from openpyxl import load_workbook

    from tests.masterplan_exchange.conftest import create_city, job_id, logged_in, upload, workbook_bytes

    city = create_city(app)
    city.masterplan_id = city.new_draft("2.0")
    before = city.counts(city.masterplan_id)
    logged_in(client, city)
    workbook = load_workbook(BytesIO(client.get(city.url(tail="/template.xlsx")).data))
    for column, value in enumerate(["MISI", 2147483648, "Misi yang terlalu bernomor"], start=1):
        workbook["Visi dan Misi"].cell(3, column, value)
    for column, value in enumerate(["P-1", "Bank\nsampah", None, "SOC"], start=1):
        workbook["Program"].cell(3, column, value)

    run, report = city.job(job_id(upload(client, city, workbook_bytes(workbook))))
    assert run.status == "failed" and run.attempts == 1  # refused as a whole, not a crash retried
    rows = list(load_workbook(BytesIO(report.read_bytes())).active.iter_rows(min_row=2, values_only=True))
    assert {(sheet, row, column) for sheet, row, column, _title, _reason in rows} == {
        ("Visi dan Misi", 3, "B"),
        ("Program", 3, "B"),
    }
    assert city.counts(city.masterplan_id) == before


# --- every field the API reads is bounded -----------------------------------------------------------


def _loaded_schemas(app):
    """Every schema the API loads a request with: bodies, query strings, forms and pagination."""
    for view in app.view_functions.values():
        view_class = getattr(view, "view_class", None)
        methods = [
            getattr(view_class, m)
            for m in ("get", "post", "put", "patch", "delete")
            if hasattr(view_class, m)
        ]
        for method in methods if view_class else [view]:
            doc = getattr(method, "_apidoc", {})
            for parameters in doc.get("arguments", {}).get("parameters", []):
                yield parameters["schema"]
            if "pagination" in doc:
                yield doc["pagination"]["parameters"]["schema"]


# A field type the API reads and the bounded type that must stand in for it (most specific first).
BOUNDED = [
    (fields.Email, bounds.Email),
    (fields.Url, bounds.Url),
    (fields.String, bounds.BoundedText),
    (fields.Integer, bounds.Integer),
    (fields.Decimal, bounds.Numeric),
    (fields.Date, bounds.Date),
    (fields.DateTime, bounds.DateTime),
]
HARMLESS = (fields.UUID, fields.Boolean, fields.Float, Upload)


def _unbounded(field, name: str):
    if field.dump_only:
        return
    if isinstance(field, fields.Nested):
        for inner, nested in field.schema.fields.items():
            yield from _unbounded(nested, f"{name}.{inner}")
    elif isinstance(field, fields.List):
        yield from _unbounded(field.inner, f"{name}[]")
    elif isinstance(field, fields.Dict):
        yield from _unbounded(field.key_field, f"{name}{{key}}")
        yield from _unbounded(field.value_field, f"{name}{{value}}")
    elif not isinstance(field, HARMLESS):
        bounded = next((b for base, b in BOUNDED if isinstance(field, base)), None)
        if bounded is None or not isinstance(field, bounded):
            yield f"{name} ({type(field).__name__})"


def test_every_field_the_api_reads_is_bounded(app):
    unbounded = set()
    for schema in _loaded_schemas(app):
        schema = schema() if isinstance(schema, type) else schema
        for name, field in schema.fields.items():
            unbounded.update(f"{type(schema).__name__}.{path}" for path in _unbounded(field, name))
    assert not unbounded, (
        f"use app.core.bounds fields (Line, Narrative, Email, Integer, Rupiah): {sorted(unbounded)}"
    )


def test_a_numeric_field_holds_what_its_column_holds():
    percent = bounds.Numeric(5, 2)
    assert percent.deserialize("999.99") == bounds.Decimal("999.99")
    assert percent.deserialize("12.500") == bounds.Decimal("12.5")
    for value in ("1000", "-1000", "1.005", "NaN", "1e400"):
        with pytest.raises(bounds.ValidationError):
            percent.deserialize(value)
