import pytest

from tests.support.pages import fast_password_hashing, seed_demo_apart

PALOPO = "kota-palopo"


@pytest.fixture(scope="session", autouse=True)
def _fast_hashing():
    with fast_password_hashing():
        yield


@pytest.fixture
def demo(app):
    """The demo's three tenants, their admins and OPD operators, and the platform admin."""
    seed_demo_apart(app)
    return PALOPO
