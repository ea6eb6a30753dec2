"""Refusals speak the reader's language: a page in Bahasa Indonesia shows them in Indonesian, the API
answers the same refusal in English, and a job writes its report in the language of whoever asked."""

import uuid
from io import BytesIO
from types import SimpleNamespace

import pytest
from flask import render_template_string
from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook

from app.core.errors import ValidationFailed
from app.core.tenancy import tenant_context
from app.extensions import db
from app.jobs import services as jobs
from app.masterplan import programs, versions
from app.masterplan.exchange.services import IMPORT_KIND
from tests.conftest import form_post
from tests.factories import admin_actor
from tests.masterplan.conftest import (
    Api,
    fresh_request_state,
    make_masterplan,
    page_get,
    page_login,
    page_post,
)
from tests.masterplan_exchange.conftest import create_city, enact, job_id, logged_in, upload, workbook_bytes

PROGRAM = {"code": "P-1", "name": "Ronda digital", "dimension_code": "SOC"}


@pytest.fixture
def mp(city):
    """A draft holding program P-1 (its id as ``mp.program_id``)."""
    masterplan = make_masterplan(city)
    with tenant_context(city.tenant_id):
        program = programs.create_program(masterplan.id, PROGRAM, actor=admin_actor(city))
        db.session.commit()
        return SimpleNamespace(id=masterplan.id, program_id=program.id)


def _program_form(city, masterplan) -> str:
    return f"/t/{city.slug}/masterplans/{masterplan.id}/programs/new?lang=id"


def test_a_page_in_indonesian_shows_the_refusal_in_indonesian(client, city, mp):
    page_login(client, city.admin_email)
    response = page_post(client, _program_form(city, mp), PROGRAM)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "sudah dipakai dalam masterplan ini" in page and "already used" not in page

    # A version in review is read-only: the refusal to remove its program names the status in Indonesian.
    with tenant_context(city.tenant_id):
        versions.change_status(mp.id, "in_review", actor=admin_actor(city))
        db.session.commit()
    program = f"/t/{city.slug}/masterplans/{mp.id}/programs/{mp.program_id}"
    assert page_post(client, f"{program}/delete?lang=id").status_code == 302
    shown = page_get(client, f"{program}?lang=id").get_data(as_text=True)
    assert "masterplan 1.0 berstatus dalam telaah dan hanya dapat dibaca" in shown


def test_the_api_answers_the_same_refusal_in_english(client, city, mp):
    # The reader's language choice (here ?lang=id) does not change what the API says.
    response = Api(client, city).post(f"/masterplans/{mp.id}/programs?lang=id", PROGRAM)
    assert response.status_code == 409
    body = response.get_json()
    assert body["message"] == "program P-1 exists"
    assert body["errors"] == {"code": ["already used in this masterplan"]}

    fresh_request_state()
    page_login(client, city.admin_email)
    page = page_post(client, _program_form(city, mp), PROGRAM).get_data(as_text=True)
    assert "sudah dipakai dalam masterplan ini" in page  # the page after it still in Indonesian


def test_a_refusal_quoting_what_someone_typed_is_escaped_on_pages(app):
    error = ValidationFailed.field(
        "sub_dimension_code", _l("%(sub)s is not a sub-dimension of %(dim)s", sub="<b>X</b>", dim="SOC")
    )
    template = '{% from "macros/forms.html" import form_errors %}{{ form_errors(errors) }}'
    with app.test_request_context("/?lang=id"):
        html = render_template_string(template, errors=error.errors)
    assert "&lt;b&gt;X&lt;/b&gt; bukan subdimensi dari SOC" in html and "<b>X</b>" not in html


# --- jobs: in the requester's language ------------------------------------------------------------


@pytest.fixture
def palopo(app):
    """An empty draft 2.0, with no app context held open around the client's requests."""
    city = create_city(app)
    city.masterplan_id = city.new_draft("2.0")
    return city


def test_an_import_report_names_the_problems_in_the_requesters_language(client, palopo):
    logged_in(client, palopo)
    form_post(client, "/locale", {"locale": "id", "next": palopo.url()})
    workbook = load_workbook(BytesIO(client.get(palopo.url(tail="/template.xlsx")).data))
    for column, value in ((1, "P-1"), (4, "SOC")):  # a program without its name
        workbook["Program"].cell(3, column, value)
    run_id = job_id(upload(client, palopo, workbook_bytes(workbook)))

    run, report_path = palopo.job(run_id)
    assert (run.status, run.locale) == ("failed", "id")
    assert run.message.startswith("Tidak ada yang diimpor: 1 masalah pada 1 baris.")
    report = list(load_workbook(BytesIO(report_path.read_bytes())).active.iter_rows(values_only=True))
    assert report == [
        ("Lembar", "Baris", "Kolom", "Judul kolom", "Alasan"),
        ("Program", 3, "B", "Nama Program", "Wajib diisi."),
    ]
    page = client.get(f"/t/{palopo.slug}/jobs/{run_id}").get_data(as_text=True)
    assert "Pekerjaan ini menemukan masalah dan tidak mengubah apa pun." in page


def test_a_job_refused_by_a_service_tells_the_requester_in_their_language(palopo):
    """The version was enacted after the import was asked for: the job's own check refuses it, and the
    refusal is written in the requester's language although the job runs outside any request."""
    enact(palopo, palopo.masterplan_id)
    with palopo.inside():
        run = jobs.start_job(
            IMPORT_KIND,
            actor=palopo.actor,
            locale="id",
            masterplan_id=palopo.masterplan_id,
            file_id=uuid.uuid4(),
        )
        run_id = run.id
        db.session.commit()  # outside a request, the job runs now
    run, _path = palopo.job(run_id)
    assert run.status == "failed"
    assert run.error.startswith("masterplan 2.0 berstatus ditetapkan dan hanya dapat dibaca")
