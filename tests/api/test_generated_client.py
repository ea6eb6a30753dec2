"""An integrator's first day: generate a Python client from the served OpenAPI document with
openapi-python-client, import it and use it against the running product.

It lists the masterplans and their programs (fields that come back null must be declared nullable, or the
client crashes parsing them), creates an OPD, changes it with If-Match and gets 412 when its ETag is stale.
The functions it calls are named after the operationIds (list_programs, create_opd, update_opd), not after
URL paths.
"""

import importlib
import subprocess
import sys
from pathlib import Path

import requests

from tests.support.demo import palopo  # noqa: F401 - fixture

PACKAGE = "kota_cerdas_client"


def test_a_generated_client_lists_creates_and_updates_with_etags(palopo, live_server, tmp_path, monkeypatch):  # noqa: F811
    package = _generate(live_server, tmp_path, monkeypatch)
    models = importlib.import_module(f"{package}.models")
    list_masterplans, list_programs, create_opd, get_opd, update_opd = (
        importlib.import_module(f"{package}.api.{name}")
        for name in (
            "masterplan.list_masterplans",
            "masterplan.list_programs",
            "tenants.create_opd",
            "tenants.get_opd",
            "tenants.update_opd",
        )
    )
    token = palopo.token()["Authorization"].removeprefix("Bearer ")
    client = importlib.import_module(package).AuthenticatedClient(base_url=live_server, token=token)
    tenant = palopo.slug

    masterplans = list_masterplans.sync(tenant, client=client)
    assert masterplans, "the demo's masterplans, with their empty fields, are listed and parsed"
    programs = list_programs.sync(tenant, masterplans[0].id, client=client)
    assert programs and all(isinstance(p, models.Program) and p.name for p in programs)

    created = create_opd.sync(
        tenant, client=client, body=models.Opd(code="DISKOMINFO-X", name="Dinas Komunikasi dan Informatika")
    )
    assert isinstance(created, models.Opd) and created.code == "DISKOMINFO-X"

    etag = get_opd.sync_detailed(tenant, created.id, client=client).headers["ETag"]
    renamed = update_opd.sync_detailed(
        tenant, created.id, client=client, body=models.OpdUpdate(name="Diskominfo Kota Palopo"), if_match=etag
    )
    assert renamed.status_code == 200 and renamed.parsed.name == "Diskominfo Kota Palopo"

    stale = update_opd.sync_detailed(
        tenant, created.id, client=client, body=models.OpdUpdate(name="A lost update"), if_match=etag
    )
    assert stale.status_code == 412
    assert isinstance(stale.parsed, models.Error) and stale.parsed.code == "precondition_failed"
    assert get_opd.sync(tenant, created.id, client=client).name == "Diskominfo Kota Palopo"


def _generate(base_url: str, folder: Path, monkeypatch) -> str:
    """Generate the client package from the live document, as an integrator would; its import name."""
    document = folder / "openapi.json"
    document.write_bytes(requests.get(f"{base_url}/api/openapi.json", timeout=10).content)
    config = folder / "config.yaml"
    # The generator would run ruff on what it wrote; formatting is no part of what this test checks.
    # Documents (PDF, XLSX) are bytes to it once told so, as docs/API.md tells integrators.
    config.write_text(
        "post_hooks: []\n"
        "content_type_overrides:\n"
        "  application/pdf: application/octet-stream\n"
        "  application/vnd.openxmlformats-officedocument.spreadsheetml.sheet: application/octet-stream\n"
    )
    generator = Path(sys.executable).parent / "openapi-python-client"
    command = [generator, "generate", "--path", document, "--output-path", folder / PACKAGE, "--meta", "none"]
    result = subprocess.run([*command, "--config", config], capture_output=True, text=True, timeout=120)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    # A warning names a part of the document the generator could not turn into code (a skipped endpoint).
    assert "Warning" not in output, output
    monkeypatch.syspath_prepend(str(folder))
    return PACKAGE
