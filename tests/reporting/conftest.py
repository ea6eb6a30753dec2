"""Progress reporting test set-up: the seeded demo's Kota Palopo with a fresh, open period (Triwulan I
2024, planned and opened through the services) and short helpers. The demo's operator reports for DISDIK
(it leads PLP-S-02); a second operator is bound to DISKOMINFO (PLP-S-01, S-03, G-01, B-01)."""

import uuid
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from app.accounts import services as accounts
from app.core.auth import OPD_OPERATOR, PLANNER, VIEWER
from app.extensions import db
from app.masterplan import services as masterplans
from app.reporting import periods
from app.tenants import services as tenants
from app.tenants.models import Opd
from tests.support.demo import DemoTenant, palopo  # noqa: F401 - fixture

PASSWORD = "a-long-password-1"


@dataclass
class Reporting:
    demo: DemoTenant
    period_id: uuid.UUID
    programs: dict[str, uuid.UUID]
    users: dict[str, uuid.UUID]

    @property
    def base(self) -> str:
        return f"/api/v1/t/{self.demo.slug}/reporting"

    def headers(self, who: str = "admin") -> dict:
        user_id = self.demo.admin_id if who == "admin" else self.users[who]
        return self.demo.token(user_id)


def _member(demo: DemoTenant, email: str, role: str, opd_codes=()) -> uuid.UUID:
    with demo.inside():
        user = accounts.create_user(email, email.split("@")[0], PASSWORD)
        opd_ids = [db.session.scalar(select(Opd.id).where(Opd.code == code)) for code in opd_codes]
        tenants.add_member(user.id, role, opd_ids, actor=demo.actor)
        db.session.commit()
        return user.id


@pytest.fixture
def reporting(request, app) -> Reporting:
    city = request.getfixturevalue("palopo")
    with city.inside():
        created = periods.create_periods(2024, actor=city.actor)
        periods.open_period(created[0].id, actor=city.actor)
        current = masterplans.current_masterplan(actor=city.actor)
        programs = {p.code: p.id for p in masterplans.list_programs(current.id, actor=city.actor)}
        db.session.commit()
        period_id = created[0].id
    users = {
        "operator": city.operator_id,
        "kominfo": _member(city, "operator.kominfo@palopo.test", OPD_OPERATOR, ("DISKOMINFO",)),
        "planner": _member(city, "kabid@bappeda-palopo.test", PLANNER),
        "viewer": _member(city, "tamu@palopo.test", VIEWER),
    }
    return Reporting(city, period_id, programs, users)
