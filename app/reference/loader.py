"""Load the reference data the product carries (app/data/frameworks.yaml and regions.csv).

Idempotent: a framework version, a code list or a region that exists already is left alone (a published
version never changes; a new one is added to the file under a new version number, or drafted and
published in the ministry's pages). ``flask reference load`` runs it; the set-up and the demo seed call
it, and so does the release step. It writes through plain table definitions, not the ORM models. A
version is published unless the file marks it ``status: draft`` (a regulation still in consultation).

Corrections carried by a reload: a draft of the file that an earlier load had published becomes a draft
again, a version still showing the maintainers' provenance shorthand as its source takes the readable
source note, and a region whose name the file corrects (the Kemendagri spelling) takes that name.
"""

import csv
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa
import yaml

from app.core.db import new_id

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
FRAMEWORKS_FILE = DATA_DIR / "frameworks.yaml"
REGIONS_FILE = DATA_DIR / "regions.csv"
# The names of the code lists of the file; every list the file holds is loaded, one missing here is named
# by its code.
LOADED_CODE_LISTS = {
    "program_class": ("Kelas program", "Program class"),
    "horizon": ("Horizon waktu", "Horizon"),
    "funding_source": ("Sumber pendanaan", "Funding source"),
    "pentahelix": ("Sektor pentahelix", "Pentahelix sector"),
    "body_type": ("Jenis kelembagaan", "Kind of body"),
    "position": ("Jabatan", "Position"),
    "meeting_type": ("Jenis rapat", "Kind of meeting"),
    "meeting_mode": ("Bentuk rapat", "Meeting mode"),
}
# Reference versions in the file are version 1 unless they say otherwise.
DEFAULT_VERSION = 1
DRAFT = "draft"


def _header(name: str) -> sa.TableClause:
    return sa.table(
        name,
        *(sa.column(c, sa.String) for c in ("code", "name_id", "name_en", "issuer", "source", "state")),
        sa.column("id", sa.Uuid),
        sa.column("version", sa.Integer),
        *(sa.column(c, sa.DateTime(timezone=True)) for c in ("published_at", "created_at", "updated_at")),
    )


_frameworks = _header("frameworks")
_code_lists = _header("code_lists")
_dimensions = sa.table(
    "framework_dimensions",
    sa.column("id", sa.Uuid),
    sa.column("framework_id", sa.Uuid),
    *(sa.column(c, sa.String) for c in ("code", "name_id", "name_en", "strategy_prefix", "goal")),
    sa.column("position", sa.Integer),
)
_sub_dimensions = sa.table(
    "framework_sub_dimensions",
    sa.column("id", sa.Uuid),
    sa.column("dimension_id", sa.Uuid),
    *(sa.column(c, sa.String) for c in ("code", "name_id", "name_en")),
    sa.column("position", sa.Integer),
)
_code_list_items = sa.table(
    "code_list_items",
    sa.column("id", sa.Uuid),
    sa.column("code_list_id", sa.Uuid),
    *(sa.column(c, sa.String) for c in ("list_name", "code", "name_id", "name_en")),
    sa.column("position", sa.Integer),
    sa.column("retired", sa.Boolean),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)
_regions = sa.table(
    "regions",
    *(sa.column(c, sa.String) for c in ("code", "name", "kind", "province_code", "province_name")),
    sa.column("area_km2", sa.Float),
    sa.column("population", sa.Integer),
)


@lru_cache(maxsize=1)
def reference_file() -> dict:
    """The parsed frameworks file (read once per process; it changes only with a release)."""
    return yaml.load(
        FRAMEWORKS_FILE.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    )


def load(connection: sa.Connection) -> dict[str, int]:
    """Insert the frameworks, code lists and regions of the carried files that are missing, and carry the
    file's corrections; return how many of each were added or corrected."""
    now = datetime.now(UTC)
    return {
        "frameworks": _load_frameworks(connection, now),
        "code_lists": _load_code_lists(connection, now),
        "regions": _load_regions(connection),
    }


def _published(spec: dict, now: datetime, **values) -> dict:
    draft = spec.get("status") == DRAFT
    return {
        "id": new_id(),
        "issuer": spec.get("issuer"),
        # ``src`` is the maintainers' provenance shorthand (seed:S0, web, INV); users read ``source``.
        "source": spec.get("source"),
        # A draft regulation (public consultation) is a draft version: shown to the ministry, offered to
        # no tenant, and no masterplan is enacted on it.
        "state": DRAFT if draft else "published",
        "published_at": None if draft else now,
        "created_at": now,
        "updated_at": now,
        **values,
    }


def _load_frameworks(connection: sa.Connection, now: datetime) -> int:
    existing = {
        tuple(row) for row in connection.execute(sa.select(_frameworks.c.code, _frameworks.c.version))
    }
    added = 0
    for spec in reference_file()["frameworks"]:
        version = int(spec.get("version", DEFAULT_VERSION))
        if (spec["code"], version) in existing:
            added += _correct(connection, spec, version)
            continue
        header = _published(
            spec,
            now,
            code=spec["code"],
            version=version,
            name_id=spec["name"],
            # The file names frameworks in Indonesian only; the English name says what kind of set it is.
            name_en=spec.get("name_en") or spec["name"],
        )
        connection.execute(sa.insert(_frameworks).values(header))
        _insert_dimensions(connection, header["id"], spec["dimensions"])
        added += 1
    return added


def _correct(connection: sa.Connection, spec: dict, version: int) -> int:
    """1 when an earlier load's version of ``spec`` is corrected, 0 otherwise: a draft of the file loaded
    as published (before drafts were kept) is a draft again; the raw provenance note shown as its source
    (unless the ministry wrote another since) becomes the readable one."""
    this = (_frameworks.c.code == spec["code"]) & (_frameworks.c.version == version)
    corrected = 0
    if spec.get("status") == DRAFT:
        corrected += connection.execute(
            sa.update(_frameworks)
            .where(this, _frameworks.c.state == "published")
            .values(state=DRAFT, published_at=None)
        ).rowcount
    if spec.get("src") and spec.get("source"):
        corrected += connection.execute(
            sa.update(_frameworks)
            .where(this, _frameworks.c.source == spec["src"])
            .values(source=spec["source"])
        ).rowcount
    return min(corrected, 1)


def _insert_dimensions(connection: sa.Connection, framework_id, specs: list[dict]) -> None:
    dimensions, sub_dimensions = [], []
    for position, dim in enumerate(specs):
        dimension_id = new_id()
        dimensions.append(
            {
                "id": dimension_id,
                "framework_id": framework_id,
                "code": dim["code"],
                "name_id": dim["name"]["id"],
                "name_en": dim["name"]["en"],
                "strategy_prefix": dim.get("strategy_prefix"),
                "goal": dim.get("goal"),
                "position": position,
            }
        )
        sub_dimensions += [
            {
                "id": new_id(),
                "dimension_id": dimension_id,
                "code": sub["code"],
                "name_id": sub["name"]["id"],
                "name_en": sub["name"]["en"],
                "position": sub_position,
            }
            for sub_position, sub in enumerate(dim.get("sub_dimensions") or [])
        ]
    connection.execute(sa.insert(_dimensions), dimensions)
    if sub_dimensions:
        connection.execute(sa.insert(_sub_dimensions), sub_dimensions)


def _load_code_lists(connection: sa.Connection, now: datetime) -> int:
    """Version 1 of each list the product offers, when the list has no version yet."""
    present = set(connection.execute(sa.select(_code_lists.c.code).distinct()).scalars())
    added = 0
    for list_name in reference_file()["code_lists"]:
        if list_name in present:
            continue
        name_id, name_en = LOADED_CODE_LISTS.get(list_name, (list_name, list_name))
        header = _published({}, now, code=list_name, version=1, name_id=name_id, name_en=name_en)
        connection.execute(sa.insert(_code_lists).values(header))
        connection.execute(
            sa.insert(_code_list_items),
            [
                {
                    "id": new_id(),
                    "code_list_id": header["id"],
                    "list_name": list_name,
                    "code": entry["code"],
                    "name_id": entry["name"]["id"],
                    "name_en": entry["name"]["en"],
                    "position": position,
                    "retired": False,
                    "created_at": now,
                    "updated_at": now,
                }
                for position, entry in enumerate(reference_file()["code_lists"][list_name])
            ],
        )
        added += 1
    return added


def _load_regions(connection: sa.Connection) -> int:
    """The 514 kabupaten/kota (and 38 provinces) of Kepmendagri 300.2.2-2138/2025 that are missing, and
    the names the file corrects (counted with them)."""
    present = dict(connection.execute(sa.select(_regions.c.code, _regions.c.name)).all())
    rows, renamed = [], 0
    with REGIONS_FILE.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["kode_kemendagri"] in present:
                if present[row["kode_kemendagri"]] != row["nama"]:
                    connection.execute(
                        sa.update(_regions)
                        .where(_regions.c.code == row["kode_kemendagri"])
                        .values(name=row["nama"])
                    )
                    renamed += 1
                continue
            rows.append(
                {
                    "code": row["kode_kemendagri"],
                    "name": row["nama"],
                    "kind": row["jenis"],
                    "province_code": row["kode_provinsi"] or row["kode_kemendagri"],
                    "province_name": row["nama_provinsi"] or row["nama"],
                    "area_km2": float(row["luas_km2"]) if row["luas_km2"] else None,
                    "population": int(row["penduduk"]) if row["penduduk"] else None,
                }
            )
    if rows:
        connection.execute(sa.insert(_regions), rows)
    return len(rows) + renamed
