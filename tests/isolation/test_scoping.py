"""Layers 2 and 3: ORM scoping fails closed, inserts are stamped, cross-tenant writes are refused."""

import pytest
from sqlalchemy import select

from app.core.tenancy import CrossTenantWrite, TenantContextMissing, tenant_context
from app.extensions import db
from app.tenants.models import Membership, Opd
from tests.factories import add_opd, make_tenant


@pytest.fixture
def two(app_ctx):
    a = make_tenant("73.73", "kota-palopo")
    b = make_tenant("64.71", "kota-balikpapan")
    add_opd(a, "DISKOMINFO")
    add_opd(b, "DLH")
    return a, b


def test_a_scoped_query_outside_a_tenant_context_raises(two):
    with pytest.raises(TenantContextMissing):
        db.session.scalars(select(Opd)).all()
    db.session.rollback()


def test_queries_see_only_the_current_tenant(two):
    a, b = two
    with tenant_context(a.tenant_id):
        assert [o.code for o in db.session.scalars(select(Opd))] == ["DISKOMINFO"]
        # Even asking for B's tenant explicitly finds nothing.
        assert db.session.scalars(select(Opd).where(Opd.tenant_id == b.tenant_id)).all() == []
    with tenant_context(b.tenant_id):
        assert [o.code for o in db.session.scalars(select(Opd))] == ["DLH"]


def test_a_join_to_a_tenant_table_is_scoped_too(two):
    a, _b = two
    from app.accounts.models import User

    with tenant_context(a.tenant_id):
        users = db.session.scalars(select(User).join(Membership, Membership.user_id == User.id)).all()
    assert [u.email for u in users] == [a.admin_email]


def test_inserts_are_stamped_with_the_current_tenant(two):
    a, _b = two
    with tenant_context(a.tenant_id):
        opd = Opd(code="BAPPEDA", name="Bappeda")
        db.session.add(opd)
        db.session.commit()
    assert opd.tenant_id == a.tenant_id


def test_an_insert_for_another_tenant_is_refused(two):
    a, b = two
    with tenant_context(a.tenant_id):
        db.session.add(Opd(tenant_id=b.tenant_id, code="X", name="X"))
        with pytest.raises(CrossTenantWrite):
            db.session.flush()
    db.session.rollback()


def test_an_insert_outside_a_tenant_context_is_refused(two):
    db.session.add(Opd(code="X", name="X"))
    with pytest.raises(TenantContextMissing):
        db.session.flush()
    db.session.rollback()


def test_moving_a_row_to_another_tenant_is_refused(two):
    a, b = two
    with tenant_context(a.tenant_id):
        opd = db.session.scalar(select(Opd))
        opd.tenant_id = b.tenant_id
        with pytest.raises(CrossTenantWrite):
            db.session.flush()
    db.session.rollback()
