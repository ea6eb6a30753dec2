from tests.support.demo import palopo  # noqa: F401 - fixture
