"""Who may do what in progress reporting: every action of the reporting rules, for each tenant role, the
ministry, the public and the system, on a report of the operator's own OPD, of another OPD and of another
tenant. Written by hand from the rules people state, not read from the policy."""

from sqlalchemy import select

from app.core.auth import (
    ANONYMOUS,
    COUNCIL_MEMBER,
    MINISTRY_ADMIN,
    OPD_OPERATOR,
    PLANNER,
    TENANT_ADMIN,
    VIEWER,
    Actor,
)
from app.core.tenancy import tenant_context
from app.extensions import db
from app.reporting import policy, reports
from app.reporting.models import ProgressReport
from app.tenants import services as tenants

#                 admin planner operator council viewer ministry anonymous system
EXPECTED = """
settings.read     YYn   YYn     YYn      YYn     YYn    nnn      nnn       YYn
settings.update   YYn   nnn     nnn      nnn     nnn    nnn      nnn       YYn
period.read       YYn   YYn     YYn      YYn     YYn    nnn      nnn       YYn
period.manage     YYn   nnn     nnn      nnn     nnn    nnn      nnn       YYn
report.read       YYn   YYn     Ynn      YYn     YYn    nnn      nnn       YYn
report.write      YYn   nnn     Ynn      nnn     nnn    nnn      nnn       YYn
report.verify     YYn   YYn     nnn      nnn     nnn    nnn      nnn       YYn
snapshot.publish  YYn   nnn     nnn      nnn     nnn    nnn      nnn       YYn
snapshot.read     YYn   YYn     YYn      YYn     YYn    nnn      nnn       YYn
"""
ACTORS = ("admin", "planner", "operator", "council", "viewer", "ministry", "anonymous", "system")


def test_the_table_names_every_action_and_nothing_else():
    written = {line.split()[0] for line in EXPECTED.strip().splitlines()}
    assert written == set(policy.POLICY.actions)


def test_every_role_may_do_what_the_table_says(reporting):
    demo = reporting.demo
    with demo.inside():
        own = reports.start_report(reporting.period_id, reporting.programs["PLP-S-02"], actor=demo.actor)
        other = reports.start_report(reporting.period_id, reporting.programs["PLP-S-01"], actor=demo.actor)
        db.session.commit()
        own_id, other_id = own.id, other.id
    with demo.app.app_context():
        balikpapan = tenants.find_tenant_by_slug("kota-balikpapan").id
        with tenant_context(balikpapan):
            elsewhere = db.session.scalar(select(ProgressReport).limit(1))
        with tenant_context(demo.tenant_id):
            own = db.session.get(ProgressReport, (demo.tenant_id, own_id))
            other = db.session.get(ProgressReport, (demo.tenant_id, other_id))
            operator_opds = frozenset({own.opd_id})
            actors = {
                "admin": Actor(user_id=demo.admin_id, tenant_role=TENANT_ADMIN),
                "planner": Actor(user_id=reporting.users["planner"], tenant_role=PLANNER),
                "operator": Actor(user_id=demo.operator_id, tenant_role=OPD_OPERATOR, opd_ids=operator_opds),
                "council": Actor(user_id=reporting.users["viewer"], tenant_role=COUNCIL_MEMBER),
                "viewer": Actor(user_id=reporting.users["viewer"], tenant_role=VIEWER),
                "ministry": Actor(user_id=demo.admin_id, platform_role=MINISTRY_ADMIN),
                "anonymous": ANONYMOUS,
                "system": Actor.system(demo.tenant_id),
            }
            wrong = []
            for line in EXPECTED.strip().splitlines():
                action, *cells = line.split()
                for key, cell in zip(ACTORS, cells, strict=True):
                    got = "".join(
                        "Y" if policy.can(actors[key], action, obj) else "n"
                        for obj in (own, other, elsewhere)
                    )
                    if got != cell:
                        wrong.append(f"{action} {key}: expected {cell}, got {got}")
    assert wrong == []
