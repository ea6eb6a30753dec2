"""Front-end assets through the Vite manifest (or the dev server), the strict CSP, and the chart macro."""

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from flask import render_template_string

from app.core import assets
from app.core.charts import chart_spec
from app.core.security import content_security_policy

ROOT = Path(__file__).resolve().parents[2]


def _tags(app, **config) -> str:
    with app.test_request_context("/"):
        old = {key: app.config.get(key) for key in config}
        app.config.update(config)
        try:
            return str(assets.vite_assets())
        finally:
            app.config.update(old)


# --- the built front-end ----------------------------------------------------------------------------


def test_pages_include_the_built_entry_from_the_manifest(app):
    tags = _tags(app, VITE_DEV_SERVER=None)
    manifest = assets.load_manifest()
    entry = manifest["src/main.js"]
    assert f'<script type="module" src="/static/dist/{entry["file"]}"></script>' in tags
    for css in entry["css"]:
        assert f'<link rel="stylesheet" href="/static/dist/{css}">' in tags
    # Every file the tags name was built.
    for path in re.findall(r'(?:src|href)="/static/dist/([^"]+)"', tags):
        assert (assets.DIST / path).is_file(), path


def test_the_chart_code_is_a_separate_chunk_loaded_only_where_needed(app):
    manifest = assets.load_manifest()
    assert "src/charts.js" in manifest["src/main.js"]["dynamicImports"]
    charts = manifest["src/charts.js"]["file"]
    assert charts not in _tags(app, VITE_DEV_SERVER=None)
    # Only the chart types used are bundled: ECharts' map and 3D code stay out.
    code = (assets.DIST / charts).read_text()
    assert "radar" in code and "geoJSON" not in code


def test_imported_chunks_are_preloaded_and_their_styles_linked_once(app):
    manifest = {
        "src/main.js": {"file": "assets/main-1.js", "css": ["assets/main-1.css"], "imports": ["_shared.js"]},
        "_shared.js": {"file": "assets/shared-2.js", "css": ["assets/shared-2.css", "assets/main-1.css"]},
    }
    with app.test_request_context("/"):
        tags = str(assets._build_tags(manifest, "src/main.js"))
    assert tags.count('href="/static/dist/assets/main-1.css"') == 1
    assert '<link rel="stylesheet" href="/static/dist/assets/shared-2.css">' in tags
    assert '<link rel="modulepreload" href="/static/dist/assets/shared-2.js">' in tags


def test_an_unbuilt_front_end_leaves_pages_working_and_says_why(app, monkeypatch, tmp_path):
    monkeypatch.setattr(assets, "MANIFEST", tmp_path / "manifest.json")
    with pytest.raises(assets.FrontendNotBuilt, match="npm run build"):
        assets.load_manifest()
    assert _tags(app, VITE_DEV_SERVER=None) == "<!-- front-end not built: run the set-up command -->"
    assert app.test_client().get("/login").status_code == 200


# --- the Vite dev server --------------------------------------------------------------------------


def test_with_the_dev_server_pages_load_from_it_under_the_same_base(app):
    tags = _tags(app, VITE_DEV_SERVER="http://127.0.0.1:5173/")
    assert tags == (
        '<script type="module" src="http://127.0.0.1:5173/static/dist/@vite/client"></script>'
        '<script type="module" src="http://127.0.0.1:5173/static/dist/src/main.js"></script>'
    )
    assert "/static/dist/assets/" not in tags


def test_the_dev_server_is_allowed_by_the_csp_only_in_dev_mode():
    dev = content_security_policy("/login", "http://127.0.0.1:5173")
    assert "script-src 'self' http://127.0.0.1:5173;" in dev
    assert "style-src 'self' http://127.0.0.1:5173 'unsafe-inline';" in dev
    assert "connect-src 'self' http://127.0.0.1:5173 ws://127.0.0.1:5173;" in dev
    assert "5173" not in content_security_policy("/login")


# --- the Content Security Policy --------------------------------------------------------------------


def _policy(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return {d.split()[0]: d for d in (part.strip() for part in header.split(";"))}


def test_pages_allow_no_inline_script_or_style_and_no_eval(client):
    policy = _policy(client.get("/login"))
    assert policy["script-src"] == "script-src 'self'"
    assert policy["style-src"] == "style-src 'self'"
    assert policy["object-src"] == "object-src 'none'"
    assert policy["frame-ancestors"] == "frame-ancestors 'none'"
    assert "unsafe-eval" not in str(policy)


def test_only_the_api_docs_page_allows_inline_code(client):
    policy = _policy(client.get("/api/docs"))
    assert "'unsafe-inline'" in policy["script-src"] and "'unsafe-inline'" in policy["style-src"]


# Templates under a documents/ folder become PDF files (WeasyPrint) and are never served to a browser.
TEMPLATES = sorted(p for p in ROOT.glob("app/**/templates/**/*.html") if "document" not in p.parts)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>", re.I)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_templates_hold_no_inline_script_style_or_handler(template):
    source = template.read_text()
    assert 'style="' not in source, "style with a class: the CSP refuses inline styles"
    assert not INLINE_SCRIPT.search(source), "pass data in a JSON block or data attribute, code in frontend/"
    assert not re.search(r"\son[a-z]+=\"", source), "event handlers belong in frontend/"
    assert "hx-on" not in source, "hx-on needs eval, which the CSP refuses"


# --- the chart macro ---------------------------------------------------------------------------------

CHART = """{% from "macros/charts.html" import chart %}{{ chart(kind, "Anggaran", labels, series,
value_format=fmt, max=max, digits=digits, label_header="Tahun") }}"""


def _chart(app, locale="id", **values) -> str:
    args = {"kind": "bar", "labels": [], "series": [], "fmt": "number", "max": None, "digits": 0, **values}
    with app.test_request_context(f"/?lang={locale}"):
        return render_template_string(CHART, **args)


def test_the_chart_macro_renders_an_island_with_a_table_fallback(app):
    html = _chart(
        app,
        labels=[2024, 2025],
        series=[
            {"name": "APBD", "data": [Decimal("1250000000"), 980000000]},
            {"name": "CSR", "data": [None, 5]},
        ],
        fmt="rupiah",
    )
    assert '<figure class="kc-chart kc-chart--bar" data-chart="bar">' in html
    assert "<figcaption>Anggaran</figcaption>" in html
    spec = json.loads(
        re.search(r'<script type="application/json" class="kc-chart-spec">(.+?)</script>', html)[1]
    )
    assert spec["series"][0] == {"name": "APBD", "data": [1250000000.0, 980000000]}
    assert spec["labels"] == ["2024", "2025"] and spec["format"] == "rupiah"
    # The table carries the same numbers, formatted for the reader's language.
    assert '<details class="kc-chart-table" open>' in html
    assert '<th scope="col">Tahun</th>' in html and '<th scope="col" class="text-end">APBD</th>' in html
    assert '<td class="text-end">Rp 1.250.000.000</td>' in html and '<td class="text-end">–</td>' in html


def test_the_chart_table_follows_the_language(app):
    html = _chart(
        app, "en", kind="radar", labels=["Governance"], series=[{"name": "2024", "data": [2.516]}], digits=2
    )
    assert '<td class="text-end">2.52</td>' in html and "kc-chart--radar" in html


def test_chart_data_is_escaped_inside_its_json_block(app):
    html = _chart(app, labels=["</script><script>alert(1)</script>"], series=[{"name": "x", "data": [1]}])
    block = html.split('class="kc-chart-spec">', 1)[1].split("</script>", 1)[0]
    assert "<" not in block and "\\u003c/script\\u003e" in block


@pytest.mark.parametrize(
    ("kind", "labels", "series", "fmt", "message"),
    [
        ("pie", ["a"], [{"name": "s", "data": [1]}], "number", "kind"),
        ("bar", ["a"], [{"name": "s", "data": [1]}], "euro", "format"),
        ("bar", ["a", "b"], [{"name": "s", "data": [1]}], "number", "1 values for 2 labels"),
        ("line", ["a"], [{"name": "s", "data": ["12"]}], "number", "numbers"),
    ],
)
def test_wrong_chart_data_fails_loudly(kind, labels, series, fmt, message):
    with pytest.raises((ValueError, TypeError), match=message):
        chart_spec(kind, labels, series, fmt)


def test_only_bar_charts_turn_horizontal():
    assert chart_spec("bar", ["a"], [{"name": "s", "data": [1]}], horizontal=True)["horizontal"] is True
    assert chart_spec("line", ["a"], [{"name": "s", "data": [1]}], horizontal=True)["horizontal"] is False
