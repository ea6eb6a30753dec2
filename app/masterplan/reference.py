"""Load the national reference data shipped in app/data/frameworks.yaml: frameworks and code lists.

Idempotent: a framework version or code list entry that exists already is left alone (a published
version never changes; a new one is added to the file under a new version number). Run by migration 0004
(so a fresh production database has the frameworks), by ``flask masterplan load-reference`` (after the
file gains a version) and by the demo seed. It writes through plain table definitions, not the ORM
models, so the migration keeps working as the models evolve.
"""

from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa
import yaml

from app.core.db import new_id

FRAMEWORKS_FILE = Path(__file__).resolve().parent.parent / "data" / "frameworks.yaml"
LOADED_CODE_LISTS = ("program_class", "horizon", "funding_source", "pentahelix")
# Reference versions in the file are version 1 unless they say otherwise.
DEFAULT_VERSION = 1

_frameworks = sa.table(
    "frameworks",
    sa.column("id", sa.Uuid),
    sa.column("code", sa.String),
    sa.column("version", sa.Integer),
    sa.column("name_id", sa.String),
    sa.column("name_en", sa.String),
    sa.column("issuer", sa.String),
    sa.column("source", sa.Text),
    sa.column("state", sa.String),
    sa.column("published_at", sa.DateTime(timezone=True)),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)
_dimensions = sa.table(
    "framework_dimensions",
    sa.column("id", sa.Uuid),
    sa.column("framework_id", sa.Uuid),
    sa.column("code", sa.String),
    sa.column("name_id", sa.String),
    sa.column("name_en", sa.String),
    sa.column("strategy_prefix", sa.String),
    sa.column("goal", sa.Text),
    sa.column("position", sa.Integer),
)
_sub_dimensions = sa.table(
    "framework_sub_dimensions",
    sa.column("id", sa.Uuid),
    sa.column("dimension_id", sa.Uuid),
    sa.column("code", sa.String),
    sa.column("name_id", sa.String),
    sa.column("name_en", sa.String),
    sa.column("position", sa.Integer),
)
_code_list_items = sa.table(
    "code_list_items",
    sa.column("id", sa.Uuid),
    sa.column("list_name", sa.String),
    sa.column("code", sa.String),
    sa.column("name_id", sa.String),
    sa.column("name_en", sa.String),
    sa.column("position", sa.Integer),
    sa.column("retired", sa.Boolean),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)


@lru_cache(maxsize=1)
def reference_data() -> dict:
    """The parsed reference file (read once per process; it changes only with a release)."""
    return yaml.load(
        FRAMEWORKS_FILE.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    )


def _english_name(spec: dict) -> str:
    # The file names frameworks in Indonesian only; the English name says what kind of set it is.
    return spec.get("name_en") or spec["name"]


def load_reference_data(connection: sa.Connection) -> dict[str, int]:
    """Insert the frameworks and code list entries of frameworks.yaml that are missing; return counts."""
    data = reference_data()
    now = datetime.now(UTC)
    existing = {
        (row.code, row.version)
        for row in connection.execute(sa.select(_frameworks.c.code, _frameworks.c.version))
    }
    added = {"frameworks": 0, "code_list_items": 0}
    for spec in data["frameworks"]:
        version = int(spec.get("version", DEFAULT_VERSION))
        if (spec["code"], version) in existing:
            continue
        _insert_framework(connection, spec, version, now)
        added["frameworks"] += 1
    present = {
        (row.list_name, row.code)
        for row in connection.execute(sa.select(_code_list_items.c.list_name, _code_list_items.c.code))
    }
    rows = []
    for list_name in LOADED_CODE_LISTS:
        for position, entry in enumerate(data["code_lists"][list_name]):
            if (list_name, entry["code"]) in present:
                continue
            rows.append(
                {
                    "id": new_id(),
                    "list_name": list_name,
                    "code": entry["code"],
                    "name_id": entry["name"]["id"],
                    "name_en": entry["name"]["en"],
                    "position": position,
                    "retired": False,
                    "created_at": now,
                    "updated_at": now,
                }
            )
    if rows:
        connection.execute(sa.insert(_code_list_items), rows)
    added["code_list_items"] = len(rows)
    return added


def _insert_framework(connection: sa.Connection, spec: dict, version: int, now: datetime) -> None:
    framework_id = new_id()
    connection.execute(
        sa.insert(_frameworks).values(
            id=framework_id,
            code=spec["code"],
            version=version,
            name_id=spec["name"],
            name_en=_english_name(spec),
            issuer=spec.get("issuer"),
            source=spec.get("src"),
            # Every shipped version is offered to tenants; the file's "draft" marks a draft regulation,
            # which its name already says.
            state="published",
            published_at=now,
            created_at=now,
            updated_at=now,
        )
    )
    dimensions, sub_dimensions = [], []
    for position, dim in enumerate(spec["dimensions"]):
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
        for sub_position, sub in enumerate(dim.get("sub_dimensions") or []):
            sub_dimensions.append(
                {
                    "id": new_id(),
                    "dimension_id": dimension_id,
                    "code": sub["code"],
                    "name_id": sub["name"]["id"],
                    "name_en": sub["name"]["en"],
                    "position": sub_position,
                }
            )
    connection.execute(sa.insert(_dimensions), dimensions)
    if sub_dimensions:
        connection.execute(sa.insert(_sub_dimensions), sub_dimensions)
