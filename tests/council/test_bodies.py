"""Bodies, decrees (SK), positions and members through the API, as the secretariat keeps them: the kinds
come from the national list plus the tenant's own, a decree amends or supersedes an earlier one and the
history stays, a single seat is held by one person at a time, and the members read as of any date."""

from io import BytesIO

import pytest

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
BASE = "/api/v1/t/kota-palopo/council"


@pytest.fixture
def api(palopo, client):
    headers = palopo.token()

    class Api:
        def get(self, path, **kwargs):
            return client.get(BASE + path, headers=headers, **kwargs)

        def post(self, path, json=None, **kwargs):
            return client.post(BASE + path, headers=headers, json=json, **kwargs)

        def patch(self, path, json, etag="*"):
            return client.patch(BASE + path, headers={**headers, "If-Match": etag}, json=json)

        def delete(self, path):
            return client.delete(BASE + path, headers={**headers, "If-Match": "*"})

        def put(self, path, **kwargs):
            return client.put(BASE + path, headers=headers, **kwargs)

    return Api()


def _body(api, kind="DEWAN", name="Dewan Smart City Uji"):
    response = api.post("/bodies", {"kind": kind, "name": name})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_a_body_is_of_a_national_kind_or_of_one_the_tenant_added(api):
    assert _body(api)["kind_name"] == "Dewan Smart City"
    refused = api.post("/bodies", {"kind": "TIM_HANTU", "name": "Tim Hantu"})
    assert refused.status_code == 422 and "kind" in refused.get_json()["errors"]

    kind = api.post("/body-kinds", {"code": "tim data", "name": "Tim Data Kota"})
    assert kind.status_code == 201 and kind.get_json()["code"] == "TIM_DATA"
    assert _body(api, "TIM_DATA", "Tim Data Palopo")["kind_name"] == "Tim Data Kota"
    # A tenant's kind cannot take a national code.
    clash = api.post("/body-kinds", {"code": "FORUM", "name": "Forum kami"})
    assert clash.status_code == 422 and "code" in clash.get_json()["errors"]
    # A kind in use stays.
    assert api.delete(f"/body-kinds/{kind.get_json()['id']}").status_code == 409
    from_list = {k["code"] for k in api.get("/body-kinds").get_json()}
    assert {"TIM_DATA", "TIM_TEKNIS"} <= from_list


def test_a_decree_amends_or_supersedes_an_earlier_one_and_the_history_remains(api):
    body = _body(api)
    decrees = f"/bodies/{body['id']}/decrees"
    first = api.post(
        decrees, {"number": "188/II/2024", "decree_date": "2024-02-12", "signer": "Wali Kota Palopo"}
    ).get_json()
    assert first["valid_from"] == "2024-02-12" and first["status"] == "in_force"
    amending = api.post(
        decrees,
        {
            "number": "188/IX/2024",
            "decree_date": "2024-09-02",
            "signer": "Pj. Wali Kota Palopo",
            "relation": "amends",
            "previous_id": first["id"],
        },
    )
    assert amending.status_code == 201
    assert api.get(f"{decrees}/{first['id']}").get_json()["status"] == "amended"
    replacing = api.post(
        decrees,
        {
            "number": "100.3.3.2/12/2025",
            "decree_date": "2025-01-06",
            "signer": "Wali Kota Palopo",
            "valid_until": "2029-12-31",
            "relation": "supersedes",
            "previous_id": amending.get_json()["id"],
        },
    ).get_json()
    listed = {d["number"]: d["status"] for d in api.get(decrees).get_json()}
    assert listed == {"188/II/2024": "amended", "188/IX/2024": "superseded", "100.3.3.2/12/2025": "in_force"}
    assert replacing["previous_id"] == amending.get_json()["id"]
    # The decree the history rests on cannot be removed, nor end before it began.
    assert api.delete(f"{decrees}/{first['id']}").status_code == 409
    current = api.get(f"{decrees}/{first['id']}")
    refused = api.patch(f"{decrees}/{first['id']}", {"valid_until": "2023-01-01"}, current.headers["ETag"])
    assert refused.status_code == 422 and "valid_until" in refused.get_json()["errors"]


def test_a_decree_names_an_earlier_decree_of_its_own_body_and_ends_after_it_begins(api):
    dewan, forum = _body(api), _body(api, "FORUM", "Forum Uji")
    other = api.post(
        f"/bodies/{forum['id']}/decrees",
        {"number": "1/2024", "decree_date": "2024-01-02", "signer": "Wali Kota"},
    ).get_json()
    refused = api.post(
        f"/bodies/{dewan['id']}/decrees",
        {
            "number": "2/2024",
            "decree_date": "2024-03-01",
            "signer": "Wali Kota",
            "relation": "supersedes",
            "previous_id": other["id"],
        },
    )
    assert refused.status_code == 422 and "previous_id" in refused.get_json()["errors"]
    backwards = api.post(
        f"/bodies/{dewan['id']}/decrees",
        {"number": "3/2024", "decree_date": "2024-03-01", "signer": "Wali Kota", "valid_until": "2024-02-01"},
    )
    assert backwards.status_code == 422 and "valid_until" in backwards.get_json()["errors"]
    assert api.get(f"/bodies/{dewan['id']}/decrees").get_json() == []


def test_the_signed_decree_is_uploaded_as_a_pdf_and_read_by_every_member(api, palopo, client):
    body = _body(api)
    decree = api.post(
        f"/bodies/{body['id']}/decrees",
        {"number": "9/2024", "decree_date": "2024-05-02", "signer": "Wali Kota"},
    ).get_json()
    path = f"/bodies/{body['id']}/decrees/{decree['id']}/document"
    not_pdf = api.put(path, data={"file": (BytesIO(b"hello"), "sk.pdf")}, content_type="multipart/form-data")
    assert not_pdf.status_code == 422
    uploaded = api.put(path, data={"file": (BytesIO(PDF), "sk.pdf")}, content_type="multipart/form-data")
    assert uploaded.status_code == 200
    document_id = uploaded.get_json()["document_id"]
    operator = palopo.token(palopo.operator_id)
    content = client.get(f"/api/v1/t/kota-palopo/files/{document_id}/content", headers=operator)
    assert content.status_code == 200 and content.data == PDF


def _position(api, body_id, title, single=True):
    response = api.post(f"/bodies/{body_id}/positions", {"title": title, "single_seat": single})
    assert response.status_code == 201
    return response.get_json()


def test_a_single_seat_is_held_by_one_person_at_a_time_and_the_history_is_kept(api):
    body = _body(api)
    ketua = _position(api, body["id"], "Ketua")
    anggota = _position(api, body["id"], "Anggota Dewan Smart City", single=False)
    members = f"/bodies/{body['id']}/members"
    mayor = api.post(
        members,
        {
            "position_id": ketua["id"],
            "name": "Wali Kota Palopo",
            "pentahelix": "PEMERINTAH",
            "term_start": "2024-02-12",
        },
    ).get_json()
    overlapping = api.post(
        members,
        {
            "position_id": ketua["id"],
            "name": "Pj. Wali Kota",
            "pentahelix": "PEMERINTAH",
            "term_start": "2024-09-02",
        },
    )
    assert overlapping.status_code == 422
    assert "Wali Kota Palopo" in overlapping.get_json()["errors"]["term_start"][0]
    for name in ("Dekan Fakultas Teknik", "Ketua Kadin"):
        assert (
            api.post(
                members,
                {
                    "position_id": anggota["id"],
                    "name": name,
                    "pentahelix": "AKADEMISI",
                    "term_start": "2024-02-12",
                },
            ).status_code
            == 201
        )

    # The mayor's term ends; the acting mayor takes the seat the next day.
    current = api.get(f"{members}/{mayor['id']}")
    ended = api.patch(f"{members}/{mayor['id']}", {"term_end": "2024-09-01"}, current.headers["ETag"])
    assert ended.status_code == 200
    assert (
        api.post(
            members,
            {
                "position_id": ketua["id"],
                "name": "Pj. Wali Kota",
                "pentahelix": "PEMERINTAH",
                "term_start": "2024-09-02",
            },
        ).status_code
        == 201
    )

    def serving(day):
        return {
            (m["position_title"], m["name"]) for m in api.get(members, query_string={"as_of": day}).get_json()
        }

    assert ("Ketua", "Wali Kota Palopo") in serving("2024-08-31")
    assert ("Ketua", "Pj. Wali Kota") not in serving("2024-08-31")
    assert ("Ketua", "Pj. Wali Kota") in serving("2024-09-02")
    assert ("Ketua", "Wali Kota Palopo") not in serving("2024-09-02")
    assert serving("2024-01-01") == set()
    everyone = api.get(members).get_json()
    assert len(everyone) == 4 and sum(1 for m in everyone if m["position_title"] == "Ketua") == 2


def test_a_member_is_a_user_of_the_tenant_or_an_outside_person(api, palopo):
    body = _body(api)
    sekretaris = _position(api, body["id"], "Sekretaris")
    members = f"/bodies/{body['id']}/members"
    user = api.post(
        members,
        {
            "position_id": sekretaris["id"],
            "user_id": str(palopo.admin_id),
            "pentahelix": "PEMERINTAH",
            "term_start": "2024-01-01",
        },
    ).get_json()
    assert user["user_id"] == str(palopo.admin_id) and user["name"].startswith("Admin")
    assert user["email"] == "admin@kota-palopo.demo"
    nobody = api.post(
        members, {"position_id": sekretaris["id"], "pentahelix": "MEDIA", "term_start": "2025-01-01"}
    )
    assert nobody.status_code == 422 and "name" in nobody.get_json()["errors"]
    no_element = api.post(
        members,
        {"position_id": sekretaris["id"], "name": "X", "pentahelix": "ASING", "term_start": "2025-01-01"},
    )
    assert no_element.status_code == 422 and "pentahelix" in no_element.get_json()["errors"]


def test_the_members_and_decrees_download_as_a_workbook_with_texts_kept_as_text(api):
    from openpyxl import load_workbook

    body = _body(api)
    decree = api.post(
        f"/bodies/{body['id']}/decrees",
        {"number": "188/II/2024", "decree_date": "2024-02-12", "signer": "Wali Kota"},
    ).get_json()
    ketua = _position(api, body["id"], "Ketua")
    api.post(
        f"/bodies/{body['id']}/members",
        {
            "position_id": ketua["id"],
            "decree_id": decree["id"],
            "name": '=HYPERLINK("http://x")',
            "pentahelix": "PEMERINTAH",
            "term_start": "2024-02-12",
            "term_end": "2024-06-30",
        },
    )
    everyone = api.get(f"/bodies/{body['id']}/workbook")
    assert everyone.status_code == 200 and everyone.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(BytesIO(everyone.data))
    members, decrees = book["Anggota"], book["SK"]
    row = [c.value for c in members[3]]
    assert row[0] == "Ketua" and row[1] == '=HYPERLINK("http://x")' and members.cell(3, 2).data_type == "s"
    assert row[3] == "Pemerintah" and row[8] == "188/II/2024"
    assert decrees.cell(3, 1).value == "188/II/2024" and decrees.cell(3, 9).value == "Berlaku"
    later = load_workbook(
        BytesIO(api.get(f"/bodies/{body['id']}/workbook", query_string={"as_of": "2024-07-01"}).data)
    )
    assert later["Anggota"].max_row == 2  # the heading and the column names: nobody served then
