from tests.integration.processes import env  # noqa: F401  (the fixture)
