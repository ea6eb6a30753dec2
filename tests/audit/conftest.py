import pytest

from tests.support.demo import palopo  # noqa: F401 - fixture


@pytest.fixture(autouse=True)
def _english_pages(app, monkeypatch):
    """These tests read the audit pages' English wording; the language switch is tested in tests/core."""
    monkeypatch.setitem(app.config, "BABEL_DEFAULT_LOCALE", "en")
