"""Reference data test set-up: the carried data loaded, a city, and a ministry admin's platform token."""

import pytest

from app.accounts import services as accounts
from app.core.auth import MINISTRY_ADMIN
from app.extensions import db
from tests.factories import person
from tests.masterplan.conftest import city, reference  # noqa: F401  (fixtures shared with the masterplan)


@pytest.fixture
def ministry(client, reference):  # noqa: F811
    """A ministry admin's platform token (no tenant)."""
    user = accounts.create_user("admin@komdigi.test", "Direktorat", "correct-horse-battery", MINISTRY_ADMIN)
    _t, secret = accounts.create_api_token("reference", None, actor=person(user.id))
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}
