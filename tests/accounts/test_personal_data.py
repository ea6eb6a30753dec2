"""Personal data (UU No. 27 Tahun 2022): a person downloads what the product holds about them; the platform
operator erases a person, and the audit log keeps every action without their name or email."""

import hashlib
import io
import json

from openpyxl import load_workbook
from sqlalchemy import select, text

from app.accounts import services as accounts
from app.accounts.models import ApiToken, User, UserIdentity, UserSession
from app.audit.models import AuditEntry, PlatformAuditEntry
from app.core.auth import OPD_OPERATOR, PLANNER, TENANT_ADMIN
from app.core.tenancy import tenant_context
from app.extensions import db
from app.tenants import services as tenants
from tests.conftest import form_post, login
from tests.factories import PASSWORD, add_opd, admin_actor, make_tenant, person

SITI = "siti.rahma@palopokota.go.id"
OPERATOR = "operator@kemendagri.go.id"


def _world():
    """Siti: an OPD operator of Diskominfo in Kota Palopo and a planner in Kota Balikpapan, with an API
    token and a single sign-on link; the platform operator."""
    palopo = make_tenant("73.73", "kota-palopo")
    balikpapan = make_tenant("64.71", "kota-balikpapan")
    opd = add_opd(palopo, "DISKOMINFO", "Dinas Komunikasi dan Informatika")
    siti = accounts.create_user(SITI, "Siti Rahma", PASSWORD)
    accounts.create_user(OPERATOR, "Operator Platform", PASSWORD, platform_role="platform_admin")
    db.session.add(UserIdentity(user_id=siti.id, issuer="https://sso.palopokota.go.id", subject="siti-7731"))
    db.session.commit()
    with tenant_context(palopo.tenant_id):
        tenants.add_member(siti.id, OPD_OPERATOR, [opd.id], actor=admin_actor(palopo))
        db.session.commit()
    with tenant_context(balikpapan.tenant_id):
        tenants.add_member(siti.id, PLANNER, actor=admin_actor(balikpapan))
        db.session.commit()
    _token, secret = accounts.create_api_token("laptop Bappeda", palopo.tenant_id, actor=person(siti.id))
    db.session.commit()
    return palopo, balikpapan, siti.id, secret


def _all_audit_text(owner_engine) -> str:
    """Every audit entry of every log, read as the database owner (past row-level security)."""
    with owner_engine.connect() as conn:
        rows = []
        for table in ("audit_entries", "platform_audit_entries"):
            rows += conn.execute(
                text(f"SELECT CAST(before AS TEXT), CAST(after AS TEXT), CAST(details AS TEXT) FROM {table}")
            ).all()
    return "\n".join(" ".join(str(value) for value in row) for row in rows).lower()


def test_a_person_downloads_what_is_held_about_them(app_ctx, client):
    _palopo, _balikpapan, siti_id, secret = _world()
    login(client, SITI, PASSWORD)

    page = client.get("/account/data")
    assert page.status_code == 200
    shown = page.get_data(as_text=True)
    assert "Kota Palopo" in shown and "Kota Balikpapan" in shown and "DISKOMINFO" in shown

    download = client.get("/account/data.json")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith("attachment;")
    data = json.loads(download.get_data(as_text=True))
    assert data["account"][0]["email"] == SITI and data["account"][0]["name"] == "Siti Rahma"
    memberships = {m["tenant"]: m for m in data["memberships"]}
    assert memberships["Kota Palopo"]["role"] == OPD_OPERATOR
    assert memberships["Kota Palopo"]["opds"] == ["DISKOMINFO Dinas Komunikasi dan Informatika"]
    assert memberships["Kota Balikpapan"]["role"] == PLANNER
    assert [t["name"] for t in data["api_tokens"]] == ["laptop Bappeda"]
    assert data["sso_links"][0]["subject"] == "siti-7731"
    assert len(data["sessions"]) == 1 and data["sessions"][0]["ended_at"] is None
    # The audit log's entries about her: her account's creation and her memberships, in both tenants.
    about = [e for e in data["audit_entries"] if "subject" in e["as"]]
    assert {(e["log"], e["object_type"], e["action"]) for e in about} >= {
        ("platform", "User", "create"),
        ("Kota Palopo", "Membership", "create"),
        ("Kota Balikpapan", "Membership", "create"),
    }
    body = download.get_data(as_text=True)
    # Never a secret: not the token, not its hash, not the password's.
    stored_hash = db.session.scalar(select(ApiToken.token_hash))
    assert secret not in body and stored_hash not in body and "argon2" not in body

    workbook = client.get("/account/data.xlsx")
    assert workbook.status_code == 200
    sheets = load_workbook(io.BytesIO(workbook.data), read_only=True)
    assert len(sheets.sheetnames) == len(data)
    first = [[cell for cell in row] for row in sheets.worksheets[0].iter_rows(values_only=True)]
    assert SITI in first[1]

    downloads = db.session.scalars(
        select(PlatformAuditEntry).where(PlatformAuditEntry.action == "accounts.personal_data_downloaded")
    ).all()
    assert sorted(e.details["format"] for e in downloads) == ["json", "xlsx"]
    assert all(e.user_id == siti_id for e in downloads)


def test_the_operator_erases_a_person_and_the_log_keeps_the_actions_without_name_or_email(
    app_ctx, client, owner_engine
):
    palopo, balikpapan, siti_id, _secret = _world()
    siti = client.application.test_client()
    login(siti, SITI, PASSWORD)
    assert siti.get("/account/data.json").status_code == 200  # she acted: the log names her account
    assert SITI in _all_audit_text(owner_engine)

    login(client, OPERATOR, PASSWORD)
    found = client.get("/admin/people?q=siti").get_data(as_text=True)
    assert "Siti Rahma" in found and "Admin kota-balikpapan" not in found
    confirm = client.get(f"/admin/people/{siti_id}").get_data(as_text=True)
    assert "Kota Palopo" in confirm and "Kota Balikpapan" in confirm and SITI in confirm

    wrong = form_post(client, f"/admin/people/{siti_id}/erase", {"confirm_email": "siti@elsewhere.id"})
    assert wrong.status_code == 422
    assert db.session.get(User, siti_id).email == SITI

    erased = form_post(client, f"/admin/people/{siti_id}/erase", {"confirm_email": SITI.upper()})
    assert erased.status_code == 303
    db.session.expire_all()

    account = db.session.get(User, siti_id)  # anonymised: the log names this account as one who acted
    assert account.email.endswith("@erased.invalid") and account.name == "[erased]"
    assert not account.is_active and account.password_hash is None
    for tenant in (palopo, balikpapan):
        with tenant_context(tenant.tenant_id):
            assert tenants.membership_of(siti_id) is None
    for model in (UserSession, ApiToken, UserIdentity):
        assert db.session.scalars(select(model).where(model.user_id == siti_id)).all() == []
    assert login(siti, SITI, PASSWORD).status_code == 401
    assert siti.get("/account/data").status_code == 302  # her browser is logged out

    everything = _all_audit_text(owner_engine)
    assert SITI not in everything and "siti rahma" not in everything and "siti-7731" not in everything
    # The actions stay: her account's creation, her memberships' creation and removal, her download.
    created = db.session.scalar(
        select(PlatformAuditEntry).where(
            PlatformAuditEntry.object_id == str(siti_id), PlatformAuditEntry.action == "create"
        )
    )
    assert created.after["email"] == "[erased]" and created.after["name"] == "[erased]"
    with tenant_context(palopo.tenant_id):
        actions = db.session.scalars(
            select(AuditEntry.action).where(AuditEntry.object_type == "Membership")
        ).all()
    assert actions.count("delete") == 1
    erasure = db.session.scalar(
        select(PlatformAuditEntry).where(PlatformAuditEntry.action == "accounts.erased")
    )
    assert erasure.object_id == str(siti_id)
    assert erasure.details["email_sha256"] == hashlib.sha256(SITI.encode()).hexdigest()
    assert erasure.details["memberships"] == 2 and erasure.details["account"] == "anonymised"


def test_a_tenants_last_administrator_is_not_erased(app_ctx, client):
    palopo, _balikpapan, _siti_id, _secret = _world()
    login(client, OPERATOR, PASSWORD)
    page = client.get(f"/admin/people/{palopo.admin_id}").get_data(as_text=True)
    assert (
        "Kota Palopo tidak memiliki administrator pemda lain" in page and 'name="confirm_email"' not in page
    )

    refused = form_post(
        client, f"/admin/people/{palopo.admin_id}/erase", {"confirm_email": palopo.admin_email}
    )
    assert refused.status_code == 409
    assert "Kota Palopo tidak memiliki administrator pemda lain" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, palopo.admin_id).email == palopo.admin_email
    with tenant_context(palopo.tenant_id):
        assert tenants.membership_of(palopo.admin_id).role == TENANT_ADMIN

    # Once someone else administers Kota Palopo, the erasure goes through; this account never acted
    # (nothing in any log names it as the one who acted, no row refers to it): it is removed.
    other = accounts.create_user("kadis@palopokota.go.id", "Kepala Dinas", PASSWORD)
    db.session.commit()
    with tenant_context(palopo.tenant_id):
        tenants.add_member(other.id, TENANT_ADMIN, actor=admin_actor(palopo))
        db.session.commit()
    erased = form_post(
        client, f"/admin/people/{palopo.admin_id}/erase", {"confirm_email": palopo.admin_email}
    )
    assert erased.status_code == 303
    db.session.expire_all()
    assert db.session.get(User, palopo.admin_id) is None
    erasure = db.session.scalar(
        select(PlatformAuditEntry).where(PlatformAuditEntry.action == "accounts.erased")
    )
    assert erasure.details["account"] == "removed" and palopo.admin_email not in json.dumps(erasure.details)


def test_the_operator_cannot_erase_themselves_and_others_cannot_erase_at_all(app_ctx, client):
    _palopo, _balikpapan, siti_id, _secret = _world()
    operator_id = accounts.find_user_by_email(OPERATOR).id
    login(client, OPERATOR, PASSWORD)
    assert "Anda tidak dapat menghapus akun Anda sendiri" in client.get(
        f"/admin/people/{operator_id}"
    ).get_data(as_text=True)
    siti = client.application.test_client()
    login(siti, SITI, PASSWORD)
    assert siti.get("/admin/people").status_code == 404
    assert form_post(siti, f"/admin/people/{siti_id}/erase", {"confirm_email": SITI}).status_code == 404


def test_the_command_line_erases_a_person_and_refuses_a_last_administrator(app):
    with app.app_context():
        palopo, _balikpapan, siti_id, _secret = _world()
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["accounts", "erase", palopo.admin_email, "--yes"])
    assert refused.exit_code != 0 and "Kota Palopo tidak memiliki administrator pemda lain" in refused.output

    result = runner.invoke(args=["accounts", "erase", SITI], input="y\n")
    assert result.exit_code == 0, result.output
    assert "Kota Palopo: opd_operator DISKOMINFO" in result.output and "anonymised" not in result.output
    with app.app_context():
        assert db.session.get(User, siti_id) is None  # she never acted: nothing keeps her account
        assert accounts.find_user_by_email(SITI) is None


def test_an_account_that_a_tenants_row_names_is_anonymised_not_removed(app):
    """Siti never acted, but a job run of Kota Palopo names her as its requester: removing her account
    would break that row, so it stays, anonymised."""
    from app.jobs import services as jobs

    with app.app_context():
        palopo, _balikpapan, siti_id, _secret = _world()
        with tenant_context(palopo.tenant_id):
            jobs.enqueue("members_export", palopo.tenant_id, siti_id)
            db.session().info.pop("jobs_to_dispatch")  # recorded only: it never ran as her
            db.session.commit()
    result = app.test_cli_runner().invoke(args=["accounts", "erase", SITI, "--yes"])
    assert result.exit_code == 0, result.output
    assert "the account is anonymised" in result.output
    with app.app_context():
        account = db.session.get(User, siti_id)
        assert (
            account is not None and account.name == "[erased]" and accounts.find_user_by_email(SITI) is None
        )
