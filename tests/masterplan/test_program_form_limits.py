"""Every text input of the program form shows how much it holds (maxlength and a hint in the page's
language), the server refuses more with 422 naming the field, and the password inputs of the invitation
and account forms carry their minimum length as a number, not as quoted text."""

from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select

from app.core.bounds import NARRATIVE_MAX
from app.core.tenancy import tenant_context
from app.extensions import db
from app.masterplan.models import Program
from app.tenants import services as tenants
from tests.factories import admin_actor
from tests.masterplan.conftest import make_masterplan, page_get, page_login, page_post


class _Attributes(HTMLParser):
    """The attributes of each input and textarea by name."""

    def __init__(self):
        super().__init__()
        self.by_name: dict[str, dict] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("input", "textarea") and attrs.get("name"):
            self.by_name.setdefault(attrs["name"], attrs)


def _attributes(page: str) -> dict[str, dict]:
    parser = _Attributes()
    parser.feed(page)
    return parser.by_name


@pytest.fixture
def form_url(client, city):
    masterplan = make_masterplan(city)
    page_login(client, city.admin_email)
    return f"/t/{city.slug}/masterplans/{masterplan.id}/programs/new"


def test_every_text_input_of_the_program_form_shows_its_limit(client, form_url):
    page = page_get(client, form_url).get_data(as_text=True)
    inputs = _attributes(page)
    assert inputs["code"]["maxlength"] == "30"
    assert inputs["name"]["maxlength"] == "300"
    assert inputs["description"]["maxlength"] == str(NARRATIVE_MAX)
    assert inputs["partner-name"]["maxlength"] == "200"
    assert "max. 10,000 characters" in page and "max. 300 characters" in page
    for name in ("code", "name", "description"):
        assert inputs[name]["aria-describedby"] == f"f-{name}-limit"
    # In Indonesian the number is grouped as Indonesians write it.
    assert "10.000" in page_get(client, form_url + "?lang=id").get_data(as_text=True)


def test_a_description_beyond_its_limit_is_refused_naming_the_field(client, city, form_url):
    too_long = "Deskripsi program. " * (NARRATIVE_MAX // 19 + 1)
    posted = {"code": "PLP-S-09", "name": "Sensor banjir", "description": too_long}
    refused = page_post(client, form_url, posted)
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "Description" in page and "10000" in page.replace(",", "").replace(".", "")
    with tenant_context(city.tenant_id):
        assert db.session.scalar(select(func.count()).select_from(Program)) == 0
    # A name beyond its column is refused the same way.
    long_name = page_post(client, form_url, {"code": "PLP-S-09", "name": "N" * 301})
    assert long_name.status_code == 422 and "Name" in long_name.get_data(as_text=True)


def test_the_invitation_form_asks_for_ten_characters_as_a_number(client, city):
    with tenant_context(city.tenant_id):
        _invitation, token = tenants.invite_member("baru@palopo.test", "viewer", actor=admin_actor(city))
        db.session.commit()
    page = page_get(client, f"/t/{city.slug}/invitations/{token}").get_data(as_text=True)
    password = _attributes(page)["password"]
    assert password["minlength"] == "10"
    assert password["autocomplete"] == "new-password"
    assert "&quot;" not in page.split('name="password"')[1].split(">")[0]


def test_the_account_forms_write_their_input_attributes_as_attributes(client, city):
    page_login(client, city.admin_email)
    page = page_get(client, "/account/password").get_data(as_text=True)
    new_password = _attributes(page)["new_password"]
    assert new_password["minlength"] == "10" and new_password["autocomplete"] == "new-password"
