"""Inviting an OPD operator requires choosing their OPDs, on the members page and through the API: an
operator bound to no OPD could report for none."""

import pytest

from tests.conftest import form_post, login
from tests.factories import PASSWORD, add_opd, make_tenant

API = "/api/v1/t/kota-palopo/invitations"


@pytest.fixture
def palopo(app_ctx):
    setup = make_tenant("73.73", "kota-palopo")
    setup.opd = add_opd(setup, "DISDIK", "Dinas Pendidikan")
    return setup


def test_the_members_page_refuses_an_opd_operator_without_opds(app, palopo):
    client = app.test_client()
    with client.session_transaction() as session:
        session["locale"] = "en"
    login(client, palopo.admin_email, PASSWORD)
    refused = form_post(
        client, "/t/kota-palopo/members/invite", {"email": "op@palopo.go.id", "role": "opd_operator"}
    )
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Choose the OPDs this operator reports for." in html
    assert 'value="op@palopo.go.id"' in html  # the form keeps what was typed
    invited = form_post(
        client,
        "/t/kota-palopo/members/invite",
        {"email": "op@palopo.go.id", "role": "opd_operator", "opd_ids": str(palopo.opd.id)},
    )
    assert invited.status_code == 302
    page = client.get("/t/kota-palopo/members").get_data(as_text=True)
    assert "op@palopo.go.id" in page and "DISDIK" in page.split('id="invitations"')[1]


def test_the_api_refuses_an_opd_operator_without_opds_on_the_field(client, palopo):
    refused = client.post(
        API, json={"email": "op@palopo.go.id", "role": "opd_operator"}, headers=palopo.headers()
    )
    assert refused.status_code == 422
    assert refused.get_json()["errors"] == {"opd_ids": ["Choose the OPDs this operator reports for."]}
    viewer = client.post(API, json={"email": "staf@palopo.go.id", "role": "viewer"}, headers=palopo.headers())
    assert viewer.status_code == 201
    operator = client.post(
        API,
        json={"email": "op@palopo.go.id", "role": "opd_operator", "opd_ids": [str(palopo.opd.id)]},
        headers=palopo.headers(),
    )
    assert operator.status_code == 201 and operator.get_json()["opd_ids"] == [str(palopo.opd.id)]
