"""Chart islands in Chromium: bar, line and radar drawn by ECharts over a plain table that stays
readable without JavaScript; the chart code is fetched only by pages that hold a chart."""

import pytest
from flask import Blueprint, render_template_string
from playwright.sync_api import expect

from tests.pages.conftest import log_in
from tests.support.pages import second_app, serve

pytestmark = pytest.mark.browser

CHARTS_PAGE = """{% extends "base.html" %}{% from "macros/charts.html" import chart %}
{% block title %}Grafik{% endblock %}{% block content %}
{{ chart("bar", "Anggaran per tahun", [2023, 2024, 2025],
         [{"name": "APBD", "data": [1250000000, 980000000, 1500000000]},
          {"name": "CSR", "data": [0, 50000000, None]}],
         value_format="rupiah", label_header="Tahun") }}
{{ chart("line", "Indeks akhir", [2022, 2023, 2024], [{"name": "Kota Palopo", "data": [2.31, 2.52, 2.66]}],
         max=4, digits=2) }}
{{ chart("radar", "Dimensi", ["Governance", "Branding", "Economy", "Living", "Society", "Environment"],
         [{"name": "2024", "data": [2.8, 2.1, 2.5, 2.9, 2.4, 2.2]}], max=4, digits=1) }}
{% endblock %}"""


@pytest.fixture(scope="module")
def charts_server(app):
    """The app with a test-only page of three charts, served over HTTP."""
    charts_app = second_app(app)
    blueprint = Blueprint("chart_test", __name__)
    blueprint.add_url_rule("/test/charts", "charts", lambda: render_template_string(CHARTS_PAGE))
    charts_app.register_blueprint(blueprint)
    with serve(charts_app) as base:
        yield base


def _requests(page) -> list[str]:
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    return urls


def test_the_island_draws_bar_line_and_radar_charts(page, charts_server, console_errors):
    requests = _requests(page)
    page.goto(f"{charts_server}/test/charts")
    figures = page.locator("figure[data-chart]")
    expect(figures).to_have_count(3)
    for index in range(3):
        figure = figures.nth(index)
        expect(figure).to_have_class(
            "kc-chart kc-chart--{} kc-chart--mounted".format(["bar", "line", "radar"][index])
        )
        expect(figure.locator(".kc-chart-canvas svg path").first).to_be_attached()
        # The numbers stay one click away, and for screen readers.
        expect(figure.locator("details.kc-chart-table")).not_to_have_attribute("open", "")
        expect(figure.locator("table")).to_be_hidden()
    bar = figures.nth(0)
    assert bar.locator(".kc-chart-canvas").bounding_box()["height"] > 200
    # Axis labels in Indonesian number format (ECharts draws text into the SVG).
    expect(bar.locator(".kc-chart-canvas svg")).to_contain_text("Rp 1,5 M")
    expect(bar.locator(".kc-chart-canvas svg")).to_contain_text("APBD")
    figures.nth(2).locator("summary").click()
    expect(figures.nth(2).locator("table")).to_be_visible()
    assert any("/static/dist/assets/charts-" in url for url in requests)
    assert console_errors == []


def test_without_javascript_the_charts_are_tables(browser, charts_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{charts_server}/test/charts")
    tables = page.locator("figure[data-chart] table")
    expect(tables).to_have_count(3)
    for index in range(3):
        expect(tables.nth(index)).to_be_visible()
    expect(page.locator("figure[data-chart] summary").first).to_be_hidden()
    first = tables.nth(0)
    expect(first.locator("thead")).to_contain_text("Tahun")
    expect(first.locator("tbody tr").nth(0)).to_contain_text("Rp 1.250.000.000")
    expect(tables.nth(1).locator("tbody tr").nth(1)).to_contain_text("2,52")
    context.close()


def test_pages_without_a_chart_do_not_fetch_the_chart_code(page, live_server, demo):
    requests = _requests(page)
    log_in(page, live_server, "opd@kota-palopo.demo")
    page.goto(f"{live_server}/t/kota-palopo/opds")
    expect(page.locator("h1")).to_have_text("OPD")
    assert not any("/assets/charts-" in url for url in requests)


def test_the_dashboard_charts_members_by_role(page, live_server, demo):
    log_in(page, live_server, "admin@kota-palopo.demo")
    figure = page.get_by_role("figure", name="Anggota per peran")
    expect(figure).to_have_class("kc-chart kc-chart--bar kc-chart--mounted")
    expect(figure.locator("svg")).to_contain_text("Admin pemda")
    figure.locator("summary").click()
    expect(figure.locator("tbody tr", has_text="Operator OPD")).to_contain_text("1")
