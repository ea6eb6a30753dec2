"""A tenant admin fills the OPD list at once: pasted lines, a workbook from the template, or the usual
nomenclature; a preview first, then all added together or nothing."""

import io
import re

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import event, select

from app.audit.models import AuditEntry
from app.core.auth import SYSTEM
from app.core.tenancy import tenant_context
from app.extensions import db
from app.tenants import opd_bulk
from app.tenants import services as tenants
from app.tenants.views import OPD_UPLOAD_BYTES
from tests.conftest import form_post, login
from tests.factories import PASSWORD, add_opd, make_tenant

OPDS = "/t/kota-palopo/opds"
API = "/api/v1/t/kota-palopo/opds"


@pytest.fixture
def palopo(app_ctx, client):
    setup = make_tenant("73.73", "kota-palopo")
    login(client, setup.admin_email, PASSWORD)
    return setup


def _opds(setup) -> dict[str, str]:
    with tenant_context(setup.tenant_id):
        db.session.expire_all()
        return {opd.code: opd.name for opd in tenants.list_opds(actor=SYSTEM)}


def _confirm_fields(page: str) -> dict:
    """The hidden fields of the preview's confirm form, as the browser would post them."""
    form = page[page.index('id="bulk-confirm"') :]
    form = form[: form.index("</form>")]
    fields = re.findall(r'<input type="hidden" name="(number|code|name)" value="([^"]*)">', form)
    data: dict[str, list] = {"confirm": "1", "number": [], "code": [], "name": []}
    for name, value in fields:
        data[name].append(value.replace("&amp;", "&").replace("&#34;", '"').replace("&#39;", "'"))
    return data


def _usual_lines(n: int, separators="\t;,") -> str:
    lines = []
    for i, usual in enumerate(opd_bulk.nomenclature()[:n]):
        lines.append(f"{usual.code}{separators[i % len(separators)]}{usual.name}")
    return "\n".join(lines)


def test_pasting_25_lines_previews_then_adds_all_25_in_one_go_each_audited(palopo, client):
    preview = form_post(client, f"{OPDS}/bulk", {"lines": _usual_lines(25)})
    assert preview.status_code == 200
    page = preview.get_data(as_text=True)
    assert "DISKOMINFOSANDI" in page and "Dinas Komunikasi, Informatika, Statistik dan Persandian" in page
    assert _opds(palopo) == {}  # the preview adds nothing

    added = form_post(client, f"{OPDS}/bulk", _confirm_fields(page))
    assert added.status_code == 302
    opds = _opds(palopo)
    assert len(opds) == 25
    assert opds["BAPPEDA"] == "Badan Perencanaan Pembangunan Daerah"
    assert opds["DPMPTSP"] == "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu"
    with tenant_context(palopo.tenant_id):
        audited = db.session.scalars(
            select(AuditEntry.after).where(AuditEntry.object_type == "Opd", AuditEntry.action == "create")
        ).all()
    assert sorted(entry["code"] for entry in audited) == sorted(opds)


def test_a_name_alone_takes_its_code_from_the_usual_list_and_commas_stay_in_names(palopo, client):
    lines = "Dinas Komunikasi, Informatika, Statistik dan Persandian\nSATPOL PP, Satuan Polisi Pamong Praja"
    page = form_post(client, f"{OPDS}/bulk", {"lines": lines}).get_data(as_text=True)
    assert form_post(client, f"{OPDS}/bulk", _confirm_fields(page)).status_code == 302
    assert _opds(palopo) == {
        "DISKOMINFOSANDI": "Dinas Komunikasi, Informatika, Statistik dan Persandian",
        "SATPOL PP": "Satuan Polisi Pamong Praja",
    }


def _workbook(rows, headers=("Kode", "Nama")) -> bytes:
    workbook = Workbook()
    ws = workbook.active
    ws.title = "OPD"
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _upload(client, data: bytes, lang: str = ""):
    return form_post(
        client,
        f"{OPDS}/bulk{lang}",
        {"file": (io.BytesIO(data), "opd.xlsx")},
        content_type="multipart/form-data",
    )


def test_a_workbook_with_bad_rows_adds_nothing_and_lists_every_bad_row(palopo, client):
    rows = [
        ("BAPPEDA", "Badan Perencanaan Pembangunan Daerah"),
        ("DINKES", None),  # row 3: no name
        ("X" * 41, "Dinas dengan kode terlalu panjang"),  # row 4: code too long
        ("DISHUB", "Dinas Perhubungan"),
        ("dishub", "Dinas Perhubungan Kota"),  # row 6: the same code twice in the file
        (None, "Dinas Tanpa Kode Yang Dikenal"),  # row 7: no code and none known
    ]
    response = _upload(client, _workbook(rows), "?lang=en")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    problems = page[page.index('id="bulk-problems"') :]
    problems = problems[: problems.index("</div>")]
    assert "Row 3, column B (Name): the name is empty" in problems
    assert "Row 4, column A (Code): the code is longer than 40 characters" in problems
    assert "Row 6, column A (Code): appears twice in the list (also line or row 5)" in problems
    assert "Row 7, column A (Code): the code is empty" in problems
    assert problems.count("<li>") == 4
    assert 'id="bulk-confirm"' not in page

    # A confirm sent anyway (an old tab) adds nothing either.
    forced = form_post(
        client,
        f"{OPDS}/bulk",
        {"confirm": "1", "number": ["2", "3"], "code": ["BAPPEDA", "DINKES"], "name": ["Bappeda", ""]},
    )
    assert forced.status_code == 422
    assert _opds(palopo) == {}


@pytest.mark.parametrize(
    ("data", "status", "reason"),
    [
        (
            b"KODE;NAMA\nDLH;Dinas Lingkungan Hidup\n",
            422,
            "an Excel workbook (.xlsx) made from the template is needed",
        ),
        (b"PK" + b"x" * OPD_UPLOAD_BYTES, 413, "the file is larger than"),
        (None, 422, "The workbook has no sheet named OPD: use the template."),
    ],
)
def test_a_file_that_is_no_opd_workbook_is_refused_above_the_form(palopo, client, data, status, reason):
    if data is None:
        workbook = Workbook()
        workbook.active.title = "Anggaran"
        out = io.BytesIO()
        workbook.save(out)
        data = out.getvalue()
    response = _upload(client, data, "?lang=en")
    assert response.status_code == status
    page = response.get_data(as_text=True)
    assert reason in page and 'id="f-lines"' in page
    assert _opds(palopo) == {}


def test_existing_opds_are_listed_and_left_as_they_are(palopo, client):
    add_opd(palopo, "DLH", "Dinas Lingkungan Hidup")
    add_opd(palopo, "KOMINFO", "Dinas Komunikasi dan Informatika")
    lines = "dlh;Dinas LH yang lain\nDISKOMINFO;Dinas Komunikasi dan Informatika\nDISHUB;Dinas Perhubungan"
    page = form_post(client, f"{OPDS}/bulk?lang=en", {"lines": lines}).get_data(as_text=True)
    existing = page[page.index('id="bulk-existing"') :]
    assert "2 already there" in existing and "KOMINFO" in existing
    assert form_post(client, f"{OPDS}/bulk", _confirm_fields(page)).status_code == 302
    assert _opds(palopo) == {
        "DLH": "Dinas Lingkungan Hidup",
        "KOMINFO": "Dinas Komunikasi dan Informatika",
        "DISHUB": "Dinas Perhubungan",
    }


@pytest.mark.parametrize(("lang", "headers"), [("", ("Kode", "Nama")), ("?lang=en", ("Code", "Name"))])
def test_the_template_comes_back_filled_in(palopo, client, lang, headers):
    template = client.get(f"{OPDS}/template.xlsx{lang}")
    assert template.status_code == 200
    workbook = load_workbook(io.BytesIO(template.data))
    ws = workbook["OPD"]
    assert (ws["A1"].value, ws["B1"].value) == headers
    ws.append(["DISKOMINFOSANDI", "Dinas Komunikasi, Informatika, Statistik dan Persandian"])
    ws.append(["DISPUSIP", "Dinas Perpustakaan dan Kearsipan"])
    out = io.BytesIO()
    workbook.save(out)

    preview = _upload(client, out.getvalue())
    assert preview.status_code == 200
    assert (
        form_post(client, f"{OPDS}/bulk", _confirm_fields(preview.get_data(as_text=True))).status_code == 302
    )
    opds = _opds(palopo)
    assert len(opds) == 4  # the template's two examples and the two rows typed
    assert opds["DISPUSIP"] == "Dinas Perpustakaan dan Kearsipan"
    assert "BAPPEDA" in opds


def test_ticking_the_usual_list_adds_them_and_shows_them_present(palopo, client):
    add_opd(palopo, "DINKES", "Dinas Kesehatan")
    page = client.get(f"{OPDS}?lang=en").get_data(as_text=True)
    assert 'name="usual" value="BAPPEDA"' in page and 'name="usual" value="DINKES"' not in page
    assert 'list="usual-opd-names"' in page and '<option value="DPMPTSP">' in page
    assert '<option value="DINKES">' not in page  # the datalist offers only what the tenant lacks

    preview = form_post(client, f"{OPDS}/bulk", {"usual": ["BAPPEDA", "DPMPTSP", "DISKOMINFOSANDI"]})
    assert preview.status_code == 200
    assert (
        form_post(client, f"{OPDS}/bulk", _confirm_fields(preview.get_data(as_text=True))).status_code == 302
    )
    assert set(_opds(palopo)) == {"DINKES", "BAPPEDA", "DPMPTSP", "DISKOMINFOSANDI"}
    page = client.get(f"{OPDS}?lang=en").get_data(as_text=True)
    assert 'name="usual" value="BAPPEDA"' not in page


def test_the_api_dry_run_then_the_real_run(palopo, client):
    add_opd(palopo, "DLH", "Dinas Lingkungan Hidup")
    body = {
        "opds": [
            {"code": "BAPPEDA", "name": "Badan Perencanaan Pembangunan Daerah"},
            {"name": "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu"},
            {"code": "dlh", "name": "Dinas Lingkungan Hidup"},
        ],
        "dry_run": True,
    }
    dry = client.post(f"{API}/bulk", json=body, headers=palopo.headers())
    assert dry.status_code == 200, dry.json
    assert [(a["index"], a["code"], a["id"]) for a in dry.json["added"]] == [
        (0, "BAPPEDA", None),
        (1, "DPMPTSP", None),
    ]
    assert dry.json["added"][1]["code_suggested"] is True
    assert [(e["index"], e["opd"]["code"]) for e in dry.json["existing"]] == [(2, "DLH")]
    assert set(_opds(palopo)) == {"DLH"}

    real = client.post(f"{API}/bulk", json={**body, "dry_run": False}, headers=palopo.headers())
    assert real.status_code == 200, real.json
    assert all(a["id"] for a in real.json["added"])
    assert set(_opds(palopo)) == {"DLH", "BAPPEDA", "DPMPTSP"}

    usual = client.get(f"{API}/nomenclature", headers=palopo.headers()).json
    assert {u["code"]: u["present"] for u in usual}["DPMPTSP"] is True
    assert {u["code"]: u["present"] for u in usual}["DINKES"] is False


def test_the_api_refuses_the_whole_list_naming_every_bad_item(palopo, client):
    body = {
        "opds": [
            {"code": "BAPPEDA", "name": "Badan Perencanaan Pembangunan Daerah"},
            {"code": "DINKES", "name": " "},
            {"code": "bappeda", "name": "Bappeda lagi"},
            {"name": "Dinas Yang Tidak Dikenal"},
        ]
    }
    response = client.post(f"{API}/bulk", json=body, headers=palopo.headers())
    assert response.status_code == 422
    # Each bad item by its index and field, as the API names nested errors ("1.name: ...").
    places = sorted(message.split(":")[0] for message in response.json["errors"]["opds"])
    assert places == ["1.name", "2.code", "3.code"]
    assert _opds(palopo) == {}


def test_a_bulk_add_takes_the_same_number_of_statements_whatever_its_length(palopo, client):
    def statements(n: int, start: int) -> int:
        items = [{"code": f"OPD{start + i}", "name": f"Dinas Nomor {start + i}"} for i in range(n)]
        seen = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            response = client.post(f"{API}/bulk", json={"opds": items}, headers=palopo.headers())
            assert response.status_code == 200, response.json
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    statements(1, 500)  # the token's first use of the day is written once
    few = statements(3, 0)
    assert statements(40, 100) == few
    assert len(_opds(palopo)) == 44
