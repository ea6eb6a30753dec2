"""The carried reference data reads right: a draft regulation stays a draft (and nothing is enacted on
it), the village framework is offered to kabupaten only, every code list of the file is loaded, the
source notes read as sentences and the regions carry their Kemendagri names."""

import yaml
from sqlalchemy import select, update

from app.accounts import services as accounts
from app.core.auth import MINISTRY_ADMIN, SYSTEM
from app.extensions import db
from app.reference import loader
from app.reference import services as reference_data
from app.reference.models import CodeListItem, Framework, Region
from tests.factories import make_tenant
from tests.masterplan.conftest import Api, page_login

LEGAL = {"legal_type": "PERWALI", "legal_number": "23 Tahun 2025", "legal_date": "2025-06-30"}
KOMDIGI = "KOMDIGI-RPM-2026-DRAFT"
VILLAGE = "SMART-VILLAGE-SEED"


def _framework(code: str) -> Framework:
    return db.session.scalar(select(Framework).where(Framework.code == code))


def _offered(client, setup) -> set[str]:
    response = client.get(f"/api/v1/t/{setup.slug}/frameworks?page_size=20", headers=setup.headers())
    assert response.status_code == 200
    return {f["code"] for f in response.get_json()}


def test_komdigis_2026_regulation_is_loaded_as_a_draft_and_offered_to_no_tenant(client, city):
    assert _framework(KOMDIGI).state == "draft" and _framework(KOMDIGI).published_at is None
    assert _framework("KOMINFO-SC-2021").state == "published"
    assert KOMDIGI not in _offered(client, city)


def test_a_masterplan_on_a_framework_that_became_a_draft_again_is_not_enacted(client, city):
    # A deployment loaded before drafts were kept had published the regulation, and a city followed it.
    db.session.execute(update(Framework).where(Framework.code == KOMDIGI).values(state="published"))
    db.session.commit()
    api = Api(client, city)
    body = {"title": "Masterplan", "version_label": "1.0", "period_start": 2026, "period_end": 2030}
    created = api.post("/masterplans", {**body, "framework_id": str(_framework(KOMDIGI).id)})
    assert created.status_code == 201
    masterplan = created.get_json()["id"]

    assert reference_data.load_carried_data(actor=SYSTEM)["frameworks"] == 1  # the reload corrects it
    db.session.commit()
    assert _framework(KOMDIGI).state == "draft"

    for status in ("in_review", "endorsed"):
        assert api.post(f"/masterplans/{masterplan}/transitions", {"status": status}).status_code == 200
    refused = api.post(f"/masterplans/{masterplan}/transitions", {"status": "enacted", **LEGAL})
    assert refused.status_code == 409
    message = refused.get_json()["message"]
    assert KOMDIGI in message and "draft" in message
    assert "framework_id" in refused.get_json()["errors"]
    assert api.get(f"/masterplans/{masterplan}").get_json()["status"] == "endorsed"
    # The city still reads its masterplan and the framework it follows, named on the overview.
    page_login(client, city.admin_email)
    overview = client.get(f"/t/{city.slug}/masterplans/{masterplan}")
    assert overview.status_code == 200 and KOMDIGI in overview.get_data(as_text=True)


def test_the_village_framework_is_offered_to_a_kabupaten_and_not_to_a_kota(client, city):
    kabupaten = make_tenant("73.11", "kab-barru")
    assert VILLAGE in _offered(client, kabupaten)
    assert VILLAGE not in _offered(client, city)
    assert "KOMINFO-SC-2021" in _offered(client, city) and "KOMINFO-SC-2021" in _offered(client, kabupaten)

    refused = Api(client, city).post(
        "/masterplans",
        {
            "title": "Masterplan",
            "version_label": "1.0",
            "period_start": 2026,
            "period_end": 2030,
            "framework_id": str(_framework(VILLAGE).id),
        },
    )
    assert refused.status_code == 422 and "framework_id" in refused.get_json()["errors"]


def test_the_new_masterplan_form_of_a_kota_does_not_offer_the_village_framework(client, city):
    page_login(client, city.admin_email)
    page = client.get(f"/t/{city.slug}/masterplans/").get_data(as_text=True)
    assert "Gerakan Menuju Kota Cerdas" in page
    assert "Smart Village (enam elemen)" not in page
    assert "Rancangan Permen" not in page


def test_every_code_list_of_the_carried_file_is_loaded_with_every_entry(reference):
    carried = yaml.safe_load(loader.FRAMEWORKS_FILE.read_text(encoding="utf-8"))["code_lists"]
    loaded: dict[str, set[str]] = {}
    for item in db.session.scalars(select(CodeListItem)):
        loaded.setdefault(item.list_name, set()).add(item.code)
    assert loaded == {name: {entry["code"] for entry in entries} for name, entries in carried.items()}
    for council_list in ("body_type", "position", "meeting_type", "meeting_mode"):
        assert loaded[council_list]
    entries = reference_data.code_lists(actor=SYSTEM)
    assert entries["meeting_mode"]["HIBRIDA"].name_id == "Hibrida"
    assert entries["position"]["WAKIL_KETUA"].name_en == "Vice chair"


def test_a_frameworks_source_reads_as_a_sentence_not_as_the_maintainers_shorthand(client, reference):
    kominfo = _framework("KOMINFO-SC-2021")
    raw = next(s["src"] for s in loader.reference_file()["frameworks"] if s["code"] == kominfo.code)
    # What an earlier load stored: the provenance shorthand. A reload gives the readable note.
    db.session.execute(update(Framework).where(Framework.id == kominfo.id).values(source=raw))
    db.session.commit()
    reference_data.load_carried_data(actor=SYSTEM)
    db.session.commit()

    accounts.create_user("direktorat@komdigi.test", "Direktorat", "correct-horse-battery", MINISTRY_ADMIN)
    db.session.commit()
    page_login(client, "direktorat@komdigi.test", "correct-horse-battery")
    page = client.get(f"/ministry/frameworks/{kominfo.id}").get_data(as_text=True)
    assert "Panduan penyusunan masterplan smart city Kementerian Kominfo (2021)" in page
    for shorthand in ("seed:", "S0..S4", "INV", "web ("):
        assert shorthand not in page
    english = client.get(f"/ministry/frameworks/{kominfo.id}?lang=en").get_data(as_text=True)
    assert "Source: Panduan penyusunan" in english


def test_the_regions_carry_their_kemendagri_names_after_a_reload(reference):
    expected = {
        "31.72": "Kota Administrasi Jakarta Utara",
        "62.71": "Kota Palangka Raya",
        "72.04": "Kabupaten Tolitoli",
        "71.09": "Kabupaten Kepulauan Siau Tagulandang Biaro",
    }
    old = {
        "31.72": "Kota Administrasi Jakarta Utara ",
        "62.71": "Kota Palangkaraya",
        "72.04": "Kabupaten Toli-Toli",
        "71.09": "Kabupaten Kep. Siau Tagulandang Biaro",
    }
    try:
        # A database loaded from the earlier file keeps the old spellings until the release's reload.
        for code, name in old.items():
            db.session.execute(update(Region).where(Region.code == code).values(name=name))
        db.session.commit()
        assert reference_data.load_carried_data(actor=SYSTEM)["regions"] == 4
        db.session.commit()
        for code, name in expected.items():
            assert reference_data.get_region(code, actor=SYSTEM).name == name
        assert reference_data.load_carried_data(actor=SYSTEM)["regions"] == 0
    finally:
        reference_data.load_carried_data(actor=SYSTEM)
        db.session.commit()
    kinds = ("kota", "kabupaten", "provinsi")
    names = [r.name for r in reference_data.list_regions(actor=SYSTEM, kinds=kinds)]
    assert all(name == name.strip() and "  " not in name for name in names)
    assert not any("Kep. " in name for name in names)
