"""The program form takes any number of budget lines and partners: "Add a budget row" brings the form
back with one more empty row, keeping what was typed, without JavaScript and without saving."""

import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select

from app.core.tenancy import tenant_context
from app.extensions import db
from app.masterplan.models import BudgetLine, Program
from tests.masterplan.conftest import make_masterplan, page_get, page_login, page_post

YEARS = ["2025", "2026", "2027", "2028", "2029", "2029"]
AMOUNTS = ["100.000.000", "200.000.000", "300.000.000", "400.000.000", "500.000.000", "600.000.000"]
SOURCES = ["APBD", "APBN", "DAK", "APBD", "CSR", "KPBU"]


class _Inputs(HTMLParser):
    """The values of the named inputs and selected options of a page, in order."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, list[str]] = {}
        self._select = None
        self._selected_text = False  # an option without a value attribute is worth its text

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name"):
            self.values.setdefault(attrs["name"], []).append(attrs.get("value") or "")
        elif tag == "select":
            self._select = attrs.get("name")
            self.values.setdefault(self._select, []).append("")
        elif tag == "option" and self._select and "selected" in attrs:
            self.values[self._select][-1] = attrs.get("value") or ""
            self._selected_text = "value" not in attrs

    def handle_data(self, data):
        if self._selected_text:
            self.values[self._select][-1] = data.strip()
            self._selected_text = False

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def _inputs(page: str) -> dict[str, list[str]]:
    parser = _Inputs()
    parser.feed(page)
    return parser.values


@pytest.fixture
def form_url(client, city):
    masterplan = make_masterplan(city)
    page_login(client, city.admin_email)
    return f"/t/{city.slug}/masterplans/{masterplan.id}/programs/new"


def _rows(n: int) -> dict:
    return {
        "budget-year": YEARS[:n],
        "budget-amount": AMOUNTS[:n],
        "budget-funding_source": SOURCES[:n],
        "budget-status": ["indicative"] * n,
    }


def test_add_a_budget_row_keeps_what_was_typed_and_saves_nothing(client, city, form_url):
    first = page_get(client, form_url + "?lang=id").get_data(as_text=True)
    assert len(_inputs(first)["budget-amount"]) == 3
    assert 'name="add_row" value="budget" formnovalidate' in first  # a submit button: no JavaScript needed

    typed = {"code": "PLP-S-09", "name": "Sensor banjir", "description": "Sensor di 12 titik", **_rows(3)}
    response = page_post(client, form_url, {**typed, "add_row": "budget"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    shown = _inputs(page)
    assert shown["budget-amount"] == AMOUNTS[:3] + [""]
    assert shown["budget-year"] == YEARS[:3] + [""]
    assert shown["budget-funding_source"] == SOURCES[:3] + [""]
    assert shown["code"] == ["PLP-S-09"] and shown["name"] == ["Sensor banjir"]
    assert "Sensor di 12 titik" in page
    with tenant_context(city.tenant_id):
        assert db.session.scalar(select(func.count()).select_from(Program)) == 0

    # Again, with the fourth row filled: five rows now.
    again = page_post(client, form_url, {**typed, **_rows(4), "add_row": "budget"}).get_data(as_text=True)
    assert _inputs(again)["budget-amount"] == AMOUNTS[:4] + [""]


def test_six_budget_lines_are_saved_at_once_and_shown_again_with_spare_rows(client, city, form_url):
    saved = page_post(
        client, form_url, {"code": "PLP-S-09", "name": "Sensor banjir", "dimension_code": "SOC", **_rows(6)}
    )
    assert saved.status_code == 302, saved.get_data(as_text=True).split("Some fields need")[1][:800]
    program_id = re.search(r"/programs/([0-9a-f-]{36})", saved.headers["Location"]).group(1)
    with tenant_context(city.tenant_id):
        amounts = sorted(db.session.scalars(select(BudgetLine.amount)))
    assert amounts == [n * 100_000_000 for n in range(1, 7)]

    edit = page_get(client, form_url.replace("/new", f"/{program_id}/edit")).get_data(as_text=True)
    shown = _inputs(edit)["budget-amount"]
    assert len(shown) == 9 and shown[6:] == ["", "", ""]


def test_add_a_partner_row_offers_one_more_partner(client, form_url):
    posted = {"code": "PLP-S-09", "name": "Sensor banjir", "partner-name": ["Universitas Andi Djemma", ""]}
    posted["partner-sector"] = ["AKADEMISI", ""]
    page = page_post(client, form_url, {**posted, "add_row": "partner"}).get_data(as_text=True)
    assert _inputs(page)["partner-name"] == ["Universitas Andi Djemma", "", ""]
