from tests.events.conftest import recorder  # noqa: F401  (the hook recorder plugin)
