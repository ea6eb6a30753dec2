"""A body's members and decrees as an XLSX workbook: sheet "Anggota" (everyone who served, or those
serving on a day, with position, office, pentahelix element, term and appointing decree) and sheet "SK"
(every decree with its standing today). A body has tens of rows, so it is written in the request.

Texts go through ``app.core.exports``: a name typed as ``=...`` stays plain text."""

import uuid
from datetime import date
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font

from app.core.auth import Actor
from app.core.exports import append_row
from app.council import bodies, reference
from app.extensions import db

DECREE_STATUS_ID = {
    bodies.IN_FORCE: "Berlaku",
    bodies.AMENDED: "Berlaku, telah diubah",
    bodies.SUPERSEDED: "Digantikan",
    bodies.EXPIRED: "Tidak berlaku lagi",
    bodies.NOT_YET: "Belum berlaku",
}
RELATION_ID = {"amends": "Mengubah", "supersedes": "Menggantikan"}


def body_workbook(body_id: uuid.UUID, *, actor: Actor, as_of: date | None = None) -> bytes:
    """The workbook of one body; members serving on ``as_of``, or everyone who served when None."""
    body = bodies.get_body(body_id, actor=actor)
    decrees = bodies.list_decrees(body.id, actor=actor)
    numbers = {d.id: d.number for d in decrees}
    book = Workbook()
    members = book.active
    members.title = "Anggota"
    heading = "Anggota " + body.name + (f" per {as_of.isoformat()}" if as_of else " (seluruh riwayat)")
    _header(
        members,
        [heading],
        [
            "Jabatan",
            "Nama",
            "Jabatan / instansi",
            "Unsur pentahelix",
            "Surel",
            "Telepon",
            "Mulai",
            "Sampai",
            "SK pengangkatan",
        ],
    )
    for member, position in db.session.execute(bodies.members_query(body.id, actor=actor, as_of=as_of)):
        append_row(
            members,
            [
                position.title,
                member.name,
                member.institution or "",
                reference.name_of(reference.PENTAHELIX, member.pentahelix),
                member.email or "",
                member.phone or "",
                member.term_start,
                member.term_end,
                numbers.get(member.decree_id, ""),
            ],
        )
    sheet = book.create_sheet("SK")
    statuses = bodies.decree_statuses(decrees, date.today())
    _header(
        sheet,
        ["Surat Keputusan " + body.name],
        [
            "Nomor",
            "Perihal",
            "Tanggal",
            "Penanda tangan",
            "Berlaku sejak",
            "Berlaku sampai",
            "Hubungan",
            "SK terdahulu",
            "Status hari ini",
        ],
    )
    for decree in decrees:
        append_row(
            sheet,
            [
                decree.number,
                decree.title or "",
                decree.decree_date,
                decree.signer,
                decree.valid_from,
                decree.valid_until,
                RELATION_ID.get(decree.relation or "", ""),
                numbers.get(decree.previous_id, ""),
                DECREE_STATUS_ID[statuses[decree.id]],
            ],
        )
    for ws in (members, sheet):
        for column, width in zip("ABCDEFGHI", (28, 30, 32, 16, 26, 16, 12, 12, 22), strict=True):
            ws.column_dimensions[column].width = width
        for row in ws.iter_rows(min_row=3):
            for cell in row:
                if isinstance(cell.value, date):
                    cell.number_format = "DD/MM/YYYY"
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _header(ws, title: list, columns: list) -> None:
    append_row(ws, title)
    append_row(ws, columns)
    ws["A1"].font = Font(bold=True, size=12)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A3"
