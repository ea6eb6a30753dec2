"""Starting the workbook and document work: the template at once, imports and exports as jobs.

Checks happen here, before a job is queued, so a refused request answers at once (409 for a version
that is not a draft, 413 for an oversize file, 422 for a file that is no Excel workbook); the job checks
again when it runs, since the version may have moved on in the meantime.
"""

import uuid
from typing import BinaryIO

from flask_babel import lazy_gettext as _l

from app.core.auth import TENANT_ROLES, Actor
from app.core.errors import NotFound, ValidationFailed
from app.files import services as files
from app.jobs import services as jobs
from app.masterplan import policy
from app.masterplan.common import EDITORS, MasterplanRefs, get_masterplan, open_draft
from app.masterplan.exchange.workbook import build_workbook
from app.masterplan.models import Masterplan
from app.tenants import services as tenants

IMPORT_KIND = "masterplan_import"
WORKBOOK_KIND = "masterplan_workbook"
DOCUMENT_KIND = "masterplan_document"
EXPORT_KINDS = {"xlsx": WORKBOOK_KIND, "pdf": DOCUMENT_KIND}
# Who may start each kind: editors import; every member may read a masterplan, so may export it.
IMPORT_ROLES = EDITORS
EXPORT_ROLES = TENANT_ROLES


def file_stem(masterplan: Masterplan, *, actor: Actor) -> str:
    """masterplan-kota-palopo-1.1: names the files of a version (labels hold only safe characters)."""
    tenant = tenants.get_tenant(masterplan.tenant_id, actor=actor)
    return f"masterplan-{tenant.slug}-{masterplan.version_label}"


def template_workbook(masterplan_id: uuid.UUID, *, actor: Actor) -> tuple[bytes, str]:
    """The empty workbook for this version: its framework's dimensions, the code lists, the tenant's OPDs
    and a target column per year of its period. Returns the bytes and a file name."""
    masterplan = get_masterplan(masterplan_id, actor=actor)
    policy.require(actor, "masterplan.export", masterplan)
    tenant = tenants.get_tenant(masterplan.tenant_id, actor=actor)
    data = build_workbook(masterplan, MasterplanRefs(masterplan), tenant.name)
    return data, f"templat-{file_stem(masterplan, actor=actor)}.xlsx"


def start_export(masterplan_id: uuid.UUID, file_format: str, *, actor: Actor, locale: str = "id"):
    """Export a version as an Excel workbook (``xlsx``) or as the official document (``pdf``), as a job."""
    kind = EXPORT_KINDS.get(file_format)
    if kind is None:
        raise ValidationFailed.field("format", _l("one of %(choices)s", choices=", ".join(EXPORT_KINDS)))
    policy.require(actor, "masterplan.export", get_masterplan(masterplan_id, actor=actor))
    return jobs.start_job(kind, actor=actor, locale=locale, masterplan_id=masterplan_id)


def _workbook_upload(file_id: uuid.UUID, actor: Actor, name: str = "file_id"):
    try:
        stored = files.get_file(file_id, actor=actor)
    except NotFound:
        raise ValidationFailed.field(name, _l("no upload with this id that you may read")) from None
    if stored.kind != "xlsx":
        raise ValidationFailed.field(
            name,
            _l(
                "an Excel workbook (.xlsx) made from the template is needed, not a %(kind)s file",
                kind=stored.kind,
            ),
        )
    return stored


def start_import(masterplan_id: uuid.UUID, file_id: uuid.UUID, *, actor: Actor, locale: str = "id"):
    """Import an uploaded workbook into a draft version, as a job: every row is checked, then all of it
    is written in one transaction, or nothing and a report of every wrong row."""
    masterplan = open_draft(masterplan_id, "masterplan.import", actor=actor)
    stored = _workbook_upload(file_id, actor)
    return jobs.start_job(
        IMPORT_KIND, actor=actor, locale=locale, masterplan_id=masterplan.id, file_id=stored.id
    )


def upload_and_import(
    masterplan_id: uuid.UUID, source: BinaryIO, filename: str | None, *, actor: Actor, locale: str = "id"
):
    """Store an uploaded workbook and start its import (the page's one-step form)."""
    open_draft(masterplan_id, "masterplan.import", actor=actor)  # refuse before storing anything
    stored = files.store_upload(source, filename, purpose="import", actor=actor)
    if stored.kind != "xlsx":
        raise ValidationFailed.field("file", _l("an Excel workbook (.xlsx) made from the template is needed"))
    return start_import(masterplan_id, stored.id, actor=actor, locale=locale)
