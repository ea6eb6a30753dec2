"""A worker's peak memory importing the largest workbook the upload limits accept, and refusing the 300 MB
sharedStrings bomb the security review found; writes its section of docs/PERFORMANCE.md.

    .venv/bin/python benchmarks/upload_memory.py

Every step runs in a fresh process that builds the app from the environment, as an rq work horse does
(embedded default here: SQLite in a temporary folder, jobs inline), and reports its peak resident memory
(``getrusage``'s ``ru_maxrss``). The workbooks:

- a large city's masterplan: 1,000 programs (the workbook of benchmarks/masterplan_size.py);
- the largest accepted: the same workbook with a sharedStrings part that fills the unpacked limit, packed
  just under the ratio limit, of two-letter strings (the shape that costs openpyxl the most memory per
  byte: every string becomes a Python object, and one letter strings are shared ones);
- the bomb: a sharedStrings part of 300 MB of one letter, about 0.9 MB packed.

The section between the markers below is replaced on each run; the rest of the file is left as it is.
"""

import argparse
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from report import write_section  # noqa: E402  (benchmarks/, beside this script)

MB = 1024 * 1024
SHARED_STRINGS = "xl/sharedStrings.xml"
SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
SST_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
SST_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)
LETTERS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _app(folder: str):
    from app import create_app

    url = f"sqlite:///{folder}/bench.db"
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "DATABASE_OWNER_URL": url,
            "INSTANCE_DIR": folder,
            "REDIS_URL": None,
            "SECRET_KEY": "bench",
            "JOBS_MAIL_AFTER_SECONDS": 10**6,
        }
    )


# --- workbooks ---------------------------------------------------------------------------------------


def with_shared_strings(xlsx: bytes, chunks) -> bytes:
    """``xlsx`` with a sharedStrings part made of ``chunks`` (bytes of ``<si>`` items), declared in the
    package so that openpyxl reads it as it reads Excel's own."""
    source, out = zipfile.ZipFile(BytesIO(xlsx)), BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            data = source.read(entry.filename)
            if entry.filename == "[Content_Types].xml":
                override = f'<Override PartName="/{SHARED_STRINGS}" ContentType="{SST_TYPE}"/>'
                data = data.replace(b"</Types>", override.encode() + b"</Types>")
            if entry.filename == "xl/_rels/workbook.xml.rels":
                relation = f'<Relationship Id="rIdStrings" Type="{SST_REL}" Target="sharedStrings.xml"/>'
                data = data.replace(b"</Relationships>", relation.encode() + b"</Relationships>")
            if entry.filename != SHARED_STRINGS:
                target.writestr(entry.filename, data)
        with target.open(SHARED_STRINGS, "w") as part:
            part.write(SST_HEAD)
            for chunk in chunks:
                part.write(chunk)
            part.write(b"</sst>")
    return out.getvalue()


def bomb_chunks(size: int):
    """The review's bomb: ``size`` bytes of one letter, in strings of a thousand."""
    item = b"<si><t>" + b"A" * 1000 + b"</t></si>"
    block = item * (MB // len(item))
    for _ in range(size // len(block)):
        yield block


def two_letter_chunks(size: int, varied: float, seed: int = 7):
    """``size`` bytes of two-letter strings: "AA", and a random pair for a share ``varied`` of them (the
    share sets how tightly the part packs)."""
    rng = random.Random(seed)
    plain = b"<si><t>AA</t></si>"
    left = size // len(plain)
    while left:
        count = min(left, MB // len(plain))
        left -= count
        yield b"".join(
            b"<si><t>" + bytes(rng.choices(LETTERS, k=2)) + b"</t></si>" if rng.random() < varied else plain
            for _ in range(count)
        )


def many_rows(template: bytes, rows: int) -> bytes:
    """The template's sheets, each with ``rows`` rows holding one number: the most rows the import reads
    (it refuses a sheet with more), every one of them wrong, so each is checked and reported."""
    from openpyxl import Workbook, load_workbook

    from app.masterplan.exchange.shape import SHEETS

    source = load_workbook(BytesIO(template), read_only=True)
    workbook = Workbook(write_only=True)
    for sheet in SHEETS:
        target = workbook.create_sheet(sheet.title)
        for header in source[sheet.title].iter_rows(max_row=2, values_only=True):
            target.append(header)
        for number in range(1, rows + 1):
            target.append([number])
    source.close()
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def share_for_ratio(target: float) -> float:
    """The share of varied strings that packs a two-letter part at about ``target``:1 (zipfile's deflate)."""
    low, high = 0.0, 1.0
    for _ in range(14):
        share = (low + high) / 2
        sample = b"".join(two_letter_chunks(4 * MB, share))
        ratio = len(sample) / len(zlib.compress(sample, 6))
        low, high = (share, high) if ratio > target else (low, share)
    return high


def prepare(folder: str) -> dict:
    """A city with OPDs and three drafts, the workbooks, and the uploads as the web process stored them."""
    from flask_babel import force_locale
    from flask_migrate import upgrade
    from masterplan_size import FIRST_YEAR, OPD_CODES, YEARS, generate_rows
    from sqlalchemy import select

    from app.accounts import services as accounts
    from app.core.auth import SYSTEM, TENANT_ADMIN, Actor
    from app.core.tenancy import tenant_context
    from app.extensions import db
    from app.files import services as files
    from app.masterplan import versions
    from app.masterplan.common import MasterplanRefs
    from app.masterplan.exchange import reading
    from app.masterplan.exchange.workbook import build_workbook
    from app.reference import services as reference
    from app.reference.models import Framework
    from app.tenants import services as tenants

    app = _app(folder)
    facts: dict = {}
    with app.app_context():
        upgrade()
        reference.load_carried_data(actor=SYSTEM)
        tenant = tenants.create_tenant(actor=SYSTEM, region_code="64.71", slug="kota-balikpapan")
        admin = accounts.create_user("admin@bench.test", "Admin", "bench-password-long")
        tenants.seed_tenant_admin(tenant, admin, actor=SYSTEM)
        db.session.commit()
        actor = Actor(user_id=admin.id, tenant_role=TENANT_ADMIN)
        framework_id = db.session.scalar(select(Framework.id).where(Framework.code == "KOMINFO-SC-2021"))
        limits = {key: app.config[key] for key in LIMIT_KEYS}
        with tenant_context(tenant.id):
            for code in OPD_CODES:
                tenants.create_opd(
                    {"code": code, "name": f"Dinas {code.title()}", "acronym": code}, actor=actor
                )
            drafts = {}
            for label in ("city", "largest", "rows", "bomb"):
                drafts[label] = versions.create_masterplan(
                    {
                        "title": f"Masterplan {label}",
                        "version_label": f"{len(drafts) + 1}.0",
                        "period_start": FIRST_YEAR,
                        "period_end": FIRST_YEAR + YEARS - 1,
                        "framework_id": framework_id,
                    },
                    actor=actor,
                )
            db.session.commit()
            refs = MasterplanRefs(drafts["city"])
            with force_locale("id"):
                city = build_workbook(drafts["city"], refs, tenant.name, rows=generate_rows(refs, 1000))

            # The largest accepted: the city's workbook, its sharedStrings filling the unpacked limit.
            unpacked = sum(e.file_size for e in zipfile.ZipFile(BytesIO(city)).infolist())
            room = limits["UPLOAD_MAX_UNPACKED_BYTES"] - unpacked - len(SST_HEAD) - 64 * 1024
            share = share_for_ratio(0.95 * limits["UPLOAD_MAX_COMPRESSION_RATIO"])
            largest = with_shared_strings(city, two_letter_chunks(room, share))
            bomb = with_shared_strings(city, bomb_chunks(300 * MB))
            with force_locale("id"):
                template = build_workbook(drafts["rows"], refs, tenant.name)
            rows = many_rows(template, reading.MAX_ROWS_PER_SHEET)
            workbooks = {"city": city, "largest": largest, "rows": rows, "bomb": bomb}
            for name, data in workbooks.items():
                (Path(folder) / f"{name}.xlsx").write_bytes(data)
                entries = zipfile.ZipFile(BytesIO(data)).infolist()
                part = next((e for e in entries if e.filename == SHARED_STRINGS), None)
                facts[name] = {
                    "packed": len(data),
                    "unpacked": sum(e.file_size for e in entries),
                    "ratio": part.file_size / part.compress_size if part else None,
                }

            stored = {}
            for name in ("city", "largest", "rows"):
                stored[name] = files.store_upload(
                    BytesIO(workbooks[name]), f"{name}.xlsx", purpose="import", actor=actor
                ).id
            # The bomb as a file stored before the limits existed: only the job's own check stands.
            app.config["UPLOAD_MAX_UNPACKED_BYTES"] = app.config["UPLOAD_MAX_COMPRESSION_RATIO"] = 10**12
            stored["bomb"] = files.store_upload(BytesIO(bomb), "bomb.xlsx", purpose="import", actor=actor).id
            db.session.commit()
    return {
        "tenant_id": str(tenant.id),
        "admin_id": str(admin.id),
        "drafts": {k: str(v.id) for k, v in drafts.items()},
        "stored": {k: str(v) for k, v in stored.items()},
        "limits": limits,
        "rows_per_sheet": reading.MAX_ROWS_PER_SHEET,
        "workbooks": facts,
    }


LIMIT_KEYS = (
    "UPLOAD_MAX_UNPACKED_BYTES",
    "UPLOAD_MAX_ARCHIVE_ENTRIES",
    "UPLOAD_MAX_COMPRESSION_RATIO",
)


# --- one step, in a process of its own ---------------------------------------------------------------


def step(name: str, folder: str) -> dict:
    """Run one step as a fresh worker would; its peak memory, time and outcome."""
    import uuid

    from flask_babel import force_locale

    from app.core.auth import TENANT_ADMIN, Actor
    from app.core.errors import DomainError
    from app.core.tenancy import tenant_context
    from app.extensions import db
    from app.files import services as files
    from app.jobs.models import JobRun
    from app.masterplan.exchange import reading
    from app.masterplan.exchange import services as exchange

    setup = json.loads((Path(folder) / "setup.json").read_text())
    app = _app(folder)
    actor = Actor(user_id=uuid.UUID(setup["admin_id"]), tenant_role=TENANT_ADMIN)
    tenant_id = uuid.UUID(setup["tenant_id"])
    started = time.perf_counter()
    outcome = ""
    with app.app_context(), tenant_context(tenant_id), force_locale("en"):
        if name == "baseline":
            db.session.execute(db.select(JobRun.id).limit(1)).all()
            outcome = "app built, one query"
        elif name.startswith("upload-"):
            workbook = name.removeprefix("upload-")
            data = (Path(folder) / f"{workbook}.xlsx").read_bytes()
            try:
                files.store_upload(BytesIO(data), f"{workbook}.xlsx", purpose="import", actor=actor)
                outcome = "accepted (201)"
            except DomainError as error:
                outcome = f"refused ({error.status}): {error.message}"
            db.session.rollback()
        else:
            workbook = name.removeprefix("import-").removesuffix("-unchecked")
            if name.endswith("-unchecked"):
                reading.check_archive = lambda path: None  # as before the limits: openpyxl reads it all
            draft = setup["drafts"][workbook]
            run = exchange.start_import(
                uuid.UUID(draft), uuid.UUID(setup["stored"][workbook]), actor=actor, locale="en"
            )
            db.session.commit()  # inline: the job runs once this commits
            db.session.expire_all()
            run = db.session.get(JobRun, (tenant_id, run.id))
            outcome = f"{run.status}: {run.error if run.status == 'failed' else run.message}"
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kilobytes on Linux
    return {"peak": peak, "seconds": seconds, "outcome": outcome}


STEPS = (
    ("baseline", "A worker with the app built, before any job"),
    ("import-city", "Import of a large city's workbook (1,000 programs)"),
    ("upload-largest", "Upload of the largest accepted workbook (web process)"),
    ("import-largest", "Import of the largest accepted workbook (job)"),
    ("import-rows", "Import of the most rows the import reads, every row wrong (job)"),
    ("upload-bomb", "Upload of the 300 MB sharedStrings bomb: refused"),
    ("import-bomb", "Import job of the same bomb stored before the limits: refused"),
    ("import-bomb-unchecked", "The same import without the check (as before the limits)"),
)


def run_step(name: str, folder: str) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "--step", name, "--folder", folder]
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)
    if done.returncode != 0:
        raise RuntimeError(f"{name} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- the report --------------------------------------------------------------------------------------


def _mb(size: float) -> str:
    return f"{size / MB:,.0f} MB" if size >= 10 * MB else f"{size / MB:,.1f} MB"


def section(setup: dict, figures: dict, load: tuple[str, str]) -> str:
    limits, books = setup["limits"], setup["workbooks"]
    lines = [
        "## Uploads: a worker's peak memory at the ZIP limits",
        "",
        f"Written by `benchmarks/upload_memory.py` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. Run it again "
        "after changing the upload limits, the import or openpyxl, and commit the new figures.",
        "",
        "Office files are ZIP archives; before anything opens one, its table of contents must show at most "
        f"{_mb(limits['UPLOAD_MAX_UNPACKED_BYTES'])} unpacked (`UPLOAD_MAX_UNPACKED_BYTES`, else 413), at "
        f"most {limits['UPLOAD_MAX_ARCHIVE_ENTRIES']:,} entries (`UPLOAD_MAX_ARCHIVE_ENTRIES`) and no entry "
        f"over 100 KB packed tighter than {limits['UPLOAD_MAX_COMPRESSION_RATIO']}:1 "
        "(`UPLOAD_MAX_COMPRESSION_RATIO`), else 422; on upload, and again when the import job opens a "
        "stored file. Each step below ran in a fresh process that built the app as an rq work horse does "
        "(SQLite, jobs inline); the figure is its peak resident memory (`ru_maxrss`).",
        "",
        "| Workbook | Packed | Unpacked | sharedStrings ratio |",
        "|---|---:|---:|---:|",
    ]
    names = {
        "city": "A large city's masterplan (1,000 programs)",
        "largest": "The largest accepted: the same with two-letter shared strings up to the limit",
        "bomb": "The bomb: the same with 300 MB of one letter in sharedStrings",
        "rows": f"The most rows the import reads: the template, {setup['rows_per_sheet']:,} rows of one "
        "number on each sheet",
    }
    for key, title in names.items():
        book = books[key]
        ratio = f"{book['ratio']:,.0f}:1" if book["ratio"] else "none"
        lines.append(f"| {title} | {_mb(book['packed'])} | {_mb(book['unpacked'])} | {ratio} |")
    lines += ["", "| Step | Peak memory | Time | Outcome |", "|---|---:|---:|---|"]
    for name, title in STEPS:
        figure = figures[name]
        outcome = figure["outcome"].replace("|", "/")
        lines.append(f"| {title} | {_mb(figure['peak'])} | {figure['seconds']:.1f} s | {outcome} |")
    base = figures["baseline"]["peak"]

    def above(name: str) -> str:
        extra = figures[name]["peak"] - base
        return f"{_mb(extra)} more" if extra >= MB else "nothing measurable"

    lines += [
        "",
        f"Above the worker's own {_mb(base)}: the city's import takes {above('import-city')}, the "
        f"largest accepted workbook {above('import-largest')}, the most rows {above('import-rows')}; "
        f"the bomb is refused from its table of contents for {above('import-bomb')}, where reading it "
        f"took {above('import-bomb-unchecked')} (the review "
        "measured a worker at 605 MB with its own bomb). openpyxl keeps every shared string in "
        "memory as a Python object, so short strings cost several times their size in the file: the "
        "unpacked limit, not the ratio, is what bounds a worker's memory, and the default is chosen for "
        f"that. Rows cost memory too (each row read and each problem found is kept): the import reads at "
        f"most {setup['rows_per_sheet']:,} rows a sheet and writes its report of problems row by row.",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, openpyxl {_version('openpyxl')}; load average "
        f"{load[0]} → {load[1]} (shared with other work: times are upper bounds).",
    ]
    return "\n".join(lines)


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)


def _load() -> str:
    return " / ".join(f"{value:.1f}" for value in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "PERFORMANCE.md")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(step(args.step, args.folder)))
        return
    load_at_start = _load()
    folder = tempfile.mkdtemp(prefix="kc-upload-memory-")
    setup = prepare(folder)
    (Path(folder) / "setup.json").write_text(json.dumps(setup))
    figures = {}
    for name, title in STEPS:
        figures[name] = run_step(name, folder)
        print(f"{title}: {_mb(figures[name]['peak'])}, {figures[name]['seconds']:.1f} s", flush=True)
    write_section(
        args.output, "benchmarks/upload_memory.py", section(setup, figures, (load_at_start, _load()))
    )
    print(f"written to {args.output}")


if __name__ == "__main__":
    main()
