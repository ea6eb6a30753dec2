"""Demo council: each tenant's bodies from app/data/demo.yaml with their decrees (SK), positions and
members, and a year of meetings with agenda, invitees, attendance, minutes, a file and decisions, built
through the council services.

Personal names are left out on purpose (as in demo.yaml): a member reads as the office they hold. What
demo.yaml does not say (positions, most members, times, agendas, minutes) is invented but plausible. A
tenant with bodies already is left alone, so running the seed again changes nothing.
"""

from datetime import date, datetime, time, timedelta
from io import BytesIO

from app.core.auth import Actor
from app.council import services as council
from app.extensions import db
from app.masterplan import services as masterplans
from app.tenants import services as tenants

# A one-page PDF: the signed attendance sheet kept with the minutes.
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

KIND_NAMES = {
    "DEWAN": "Dewan Smart City",
    "TIM_PELAKSANA": "Tim Pelaksana Smart City",
    "FORUM": "Forum Smart City",
}

# Each body's seats: (title, national code, single seat, dimension).
POSITIONS = {
    "DEWAN": [
        ("Ketua", "KETUA", True, None),
        ("Wakil Ketua", "WAKIL_KETUA", True, None),
        ("Sekretaris", "SEKRETARIS", True, None),
        ("Koordinator Dimensi Smart Society", "KOORDINATOR_DIMENSI", True, "SOC"),
        ("Anggota Dewan Smart City", "ANGGOTA", False, None),
    ],
    "TIM_PELAKSANA": [
        ("Ketua", "KETUA", True, None),
        ("Sekretaris", "SEKRETARIS", True, None),
        ("Anggota", "ANGGOTA", False, None),
    ],
    "FORUM": [
        ("Ketua Forum", "KETUA", True, None),
        ("Anggota Forum", "ANGGOTA", False, None),
    ],
}


def _members(kind: str, city: str) -> list[tuple[str, str, str, str]]:
    """(position title, name: the office, institution, pentahelix element) of a body's members."""
    head = "Bupati" if city.startswith("Kabupaten") else "Wali Kota"
    place = city.removeprefix("Kota ").removeprefix("Kabupaten ")
    if kind == "DEWAN":
        return [
            ("Ketua", f"{head} {place}", f"Pemerintah {city}", "PEMERINTAH"),
            ("Wakil Ketua", f"Sekretaris Daerah {city}", "Sekretariat Daerah", "PEMERINTAH"),
            ("Sekretaris", f"Kepala Diskominfo {city}", "Dinas Komunikasi dan Informatika", "PEMERINTAH"),
            ("Koordinator Dimensi Smart Society", f"Kepala Bappeda {city}", "Bappeda", "PEMERINTAH"),
            (
                "Anggota Dewan Smart City",
                "Akademisi perguruan tinggi setempat",
                "Perguruan tinggi",
                "AKADEMISI",
            ),
            ("Anggota Dewan Smart City", "Ketua Kadin", f"Kadin {city}", "BISNIS"),
        ]
    if kind == "TIM_PELAKSANA":
        return [
            ("Ketua", f"Kepala Bappeda {city}", "Bappeda", "PEMERINTAH"),
            ("Sekretaris", f"Sekretaris Diskominfo {city}", "Dinas Komunikasi dan Informatika", "PEMERINTAH"),
            (
                "Anggota",
                "Kepala Bidang Aplikasi Informatika",
                "Dinas Komunikasi dan Informatika",
                "PEMERINTAH",
            ),
        ]
    return [
        ("Ketua Forum", "Tokoh masyarakat", "Forum warga", "KOMUNITAS"),
        ("Anggota Forum", "Pemimpin redaksi media lokal", "Media lokal", "MEDIA"),
        ("Anggota Forum", "Dosen teknik informatika", "Perguruan tinggi", "AKADEMISI"),
        ("Anggota Forum", "Direktur Perumda", "Perumda", "BISNIS"),
    ]


def seed_council(spec: dict, actor: Actor) -> None:
    """Seed the council of the tenant ``spec`` describes (inside its tenant context), once."""
    if council.list_bodies(actor=actor):
        return
    city = tenants.find_tenant_by_slug(spec["slug"]).name
    council.create_body_kind({"code": "TIM_TEKNIS", "name": "Tim Teknis Smart City"}, actor=actor)
    seeded = {}
    for index, body_spec in enumerate(spec.get("bodies") or []):
        seeded[body_spec["type"]] = _seed_body(body_spec, index, city, actor)
    _seed_meetings(spec, seeded, actor)
    _seed_action_items(spec, seeded, actor)


def _seed_body(spec: dict, index: int, city: str, actor: Actor):
    kind = spec["type"]
    name = spec.get("name") or f"{KIND_NAMES[kind]} {city}"
    body = council.create_body({"kind": kind, "name": name}, actor=actor)
    sk = spec.get("sk") or {}
    signed = date.fromisoformat(str(sk["date"])) if sk.get("date") else date(2023, 1, 16 + index)
    first = council.create_decree(
        body.id,
        {
            "number": sk.get("number") or f"100.3.3.2/{40 + index}/2023",
            "title": f"Pembentukan {name}",
            "decree_date": signed,
            "signer": _signer(city),
            "valid_from": signed,
        },
        actor=actor,
    )
    positions = {
        title: council.create_position(
            body.id,
            {"title": title, "code": code, "single_seat": single, "dimension_code": dimension, "rank": rank},
            actor=actor,
        )
        for rank, (title, code, single, dimension) in enumerate(POSITIONS[kind])
    }
    for title, office, institution, element in _members(kind, city):
        council.create_member(
            body.id,
            {
                "position_id": positions[title].id,
                "decree_id": first.id,
                "name": office,
                "institution": institution,
                "pentahelix": element,
                "term_start": signed,
            },
            actor=actor,
        )
    if kind == "DEWAN":
        _change_of_officials(body, positions, signed, city, actor)
    return body


def _change_of_officials(body, positions, signed: date, city: str, actor: Actor) -> None:
    """Officials change: an amending decree seven months later names a new Sekretaris, the tenant's
    administrator, a user of the tenant; the former one's term ends the day before."""
    amended_on = signed + timedelta(days=210)
    amendment = council.create_decree(
        body.id,
        {
            "number": f"100.3.3.2/{amended_on:%m}/{amended_on:%Y}-P",
            "title": "Perubahan susunan keanggotaan",
            "decree_date": amended_on,
            "signer": _signer(city),
            "relation": "amends",
            "previous_id": council.list_decrees(body.id, actor=actor)[0].id,
        },
        actor=actor,
    )
    secretary = positions["Sekretaris"]
    members = council.members_query(body.id, actor=actor, as_of=amended_on)
    for member, _position in db.session.execute(members):
        if member.position_id == secretary.id:
            council.update_member(member.id, {"term_end": amended_on - timedelta(days=1)}, actor=actor)
    council.create_member(
        body.id,
        {
            "position_id": secretary.id,
            "decree_id": amendment.id,
            "user_id": actor.user_id,
            "institution": "Dinas Komunikasi dan Informatika (Sekretariat Smart City)",
            "pentahelix": "PEMERINTAH",
            "term_start": amended_on,
        },
        actor=actor,
    )


def _signer(city: str) -> str:
    head = "Bupati" if city.startswith("Kabupaten") else "Wali Kota"
    return f"{head} {city.removeprefix('Kota ').removeprefix('Kabupaten ')}"


# --- meetings --------------------------------------------------------------------------------------------


def _mode(spec: dict) -> str:
    """Online when demo.yaml says daring; with a room as well (the city's side gathered, the panel on
    Zoom), hybrid."""
    if "daring" not in str(spec.get("mode", "")):
        return "LURING"
    return "HIBRIDA" if spec.get("location") else "DARING"


DEFAULT_AGENDA = ["Pembukaan", "Pembahasan capaian program smart city", "Tindak lanjut"]
DEFAULT_DECISIONS = ["Sekretariat menyusun rencana tindak lanjut"]


def _seed_meetings(spec: dict, seeded: dict, actor: Actor) -> None:
    dewan = seeded.get("DEWAN")
    planned = [
        {
            "kind": m["type"],
            "title": m["title"],
            "day": date.fromisoformat(str(m["date"])),
            "mode": _mode(m),
            "place": m.get("location") or "Ruang Rapat Diskominfo",
            "agenda": m.get("agenda") or DEFAULT_AGENDA,
            "decisions": m.get("decisions") or m.get("outputs") or DEFAULT_DECISIONS,
            "guests": m.get("attendees") or ["Perwakilan OPD terkait"],
        }
        for m in spec.get("meetings") or []
    ]
    # A coordination meeting ahead, so the dashboard and the invitation have something to show.
    ahead = date.today() + timedelta(days=14)
    planned.append(
        {
            "kind": "RAKOR",
            "title": "Rapat Koordinasi Smart City Triwulan",
            "day": ahead,
            "mode": "HIBRIDA",
            "place": "Ruang Rapat Bappeda",
            "agenda": ["Capaian program triwulan berjalan", "Persiapan evaluasi smart city"],
            "decisions": [],
            "guests": ["Perwakilan OPD terkait"],
        }
    )
    planned.sort(key=lambda m: m["day"])
    for plan in planned:
        _seed_meeting(plan, dewan, seeded, actor)


def _seed_meeting(plan: dict, dewan, seeded: dict, actor: Actor) -> None:
    day = plan["day"]
    meeting = council.create_meeting(
        {
            "kind": plan["kind"],
            "title": plan["title"],
            "body_id": dewan.id if dewan else None,
            "starts_at": datetime.combine(day, time(9, 0)),
            "ends_at": datetime.combine(day, time(12, 0)),
            "mode": plan["mode"],
            "place": plan["place"] if plan["mode"] != "DARING" else None,
            "online_link": "https://zoom.us/j/0000000000" if plan["mode"] != "LURING" else None,
            "chair": "Sekretaris Daerah",
            "agenda": plan["agenda"],
        },
        actor=actor,
    )
    invited = council.invite(meeting.id, {"body_ids": [b.id for b in seeded.values()]}, actor=actor)
    # Who demo.yaml says attended, invited by hand (the bodies' members are invited above).
    for guest in plan["guests"]:
        invited += council.invite(meeting.id, {"name": guest[:200]}, actor=actor)
    if day >= date.today():
        return
    entries = [
        {"invitee_id": invitee.id, "attendance": "present"}
        if index % 4
        else {"invitee_id": invitee.id, "attendance": "represented", "represented_by": "Kepala Bidang"}
        for index, invitee in enumerate(invited)
    ]
    council.record_attendance(meeting.id, entries, actor=actor)
    agenda = council.list_agenda(meeting.id)
    council.update_meeting(
        meeting.id,
        {"minutes": f"Rapat dibuka pukul 09.00 oleh pimpinan rapat dan dihadiri {len(invited)} undangan."},
        actor=actor,
    )
    for item in agenda:
        council.update_agenda_item(
            meeting.id, item.id, {"discussion": f"Peserta membahas {item.title.lower()}."}, actor=actor
        )
    for text in plan["decisions"]:
        council.add_decision(meeting.id, {"text": text, "agenda_item_id": agenda[-1].id}, actor=actor)
    council.add_meeting_file(meeting.id, BytesIO(PDF), "daftar-hadir.pdf", "Daftar hadir", actor=actor)


# --- action items -----------------------------------------------------------------------------------------

# Palopo's decisions carried out on its programs: (words of the decision, what is to be done, owner OPD
# code or "SEKRETARIS" for the Dewan's secretary, program codes, due date or days from today, done).
PALOPO_ACTIONS = [
    (
        "Sekretariat menyusun",
        "Menyusun rencana tindak lanjut Forum Dewan Smart City",
        "DISKOMINFO",
        ["PLP-S-01", "PLP-S-03"],
        date(2024, 9, 30),
        True,
    ),
    (
        "Evaluasi capaian",
        "Memutakhirkan capaian Layanan Darurat 112 dan CCTV terintegrasi",
        "DISKOMINFO",
        ["PLP-S-03"],
        date(2025, 1, 31),
        True,
    ),
    (
        "Forum Dewan Smart City wajib",
        "Menjadwalkan Forum Dewan Smart City 2025 bersama unsur pentahelix",
        "SEKRETARIS",
        ["PLP-S-01"],
        date(2025, 6, 30),
        True,
    ),
    (
        "Sesuaikan program",
        "Menyusun data capaian kolaborasi 17 perguruan tinggi Palopo Kampus Terbuka",
        "DISDIK",
        ["PLP-S-02"],
        date(2025, 2, 28),
        False,
    ),
    (
        "Sesuaikan program",
        "Menyelaraskan Palopo Kampus Terbuka dengan prioritas RPJMD 2025–2029",
        "DISDIK",
        ["PLP-S-02"],
        30,
        False,
    ),
]


def _seed_action_items(spec: dict, seeded: dict, actor: Actor) -> None:
    """Decisions of past meetings become action items on the tenant's programs: Palopo's as planned
    above, another tenant's one per decision, owned by the OPD leading a program."""
    current = masterplans.current_masterplan(actor=actor)
    if current is None:
        return
    programs = {p.code: p for p in masterplans.list_programs(current.id, actor=actor)}
    decisions = [
        (meeting, decision)
        for meeting in db.session.scalars(council.meetings_query(actor=actor, latest_first=False))
        for decision in council.list_decisions(meeting.id, actor=actor)
    ]
    if spec["slug"] == "kota-palopo":
        _seed_planned_actions(decisions, programs, seeded, actor)
        return
    led = [p for p in programs.values() if p.lead_opd_id is not None]
    for index, (meeting, decision) in enumerate(decisions[:4]):
        if not led:
            return
        program = led[index % len(led)]
        due = meeting.starts_at.date() + timedelta(days=60)
        item = council.create_action_item(
            meeting.id,
            decision.id,
            {
                "title": f"Tindak lanjut: {decision.text}"[:300],
                "owner_opd_id": program.lead_opd_id,
                "due_on": due,
                "program_ids": [program.id],
            },
            actor=actor,
        )
        if due < date.today() - timedelta(days=90):
            council.close_action_item(item.id, actor=actor, note="Telah dilaksanakan.")


def _seed_planned_actions(decisions, programs, seeded, actor: Actor) -> None:
    opds = {o.code: o.id for o in tenants.list_opds(actor=actor)}
    secretary = _dewan_secretary(seeded.get("DEWAN"), actor)
    for words, title, owner, codes, due, done in PALOPO_ACTIONS:
        found = next(((m, d) for m, d in decisions if d.text.startswith(words)), None)
        linked = [programs[code].id for code in codes if code in programs]
        if found is None or not linked:
            continue
        meeting, decision = found
        owner_fields = (
            {"owner_member_id": secretary} if owner == "SEKRETARIS" else {"owner_opd_id": opds.get(owner)}
        )
        item = council.create_action_item(
            meeting.id,
            decision.id,
            {
                "title": title,
                **owner_fields,
                "due_on": due if isinstance(due, date) else date.today() + timedelta(days=due),
                "program_ids": linked,
            },
            actor=actor,
        )
        if done:
            council.close_action_item(item.id, actor=actor, note="Selesai, dilaporkan pada rapat berikutnya.")


def _dewan_secretary(dewan, actor: Actor):
    if dewan is None:
        return None
    rows = db.session.execute(council.members_query(dewan.id, actor=actor, as_of=date.today()))
    return next((member.id for member, position in rows if position.title == "Sekretaris"), None)
