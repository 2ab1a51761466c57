from tests.patrol.conftest import as_user, other_subdistrict  # noqa: F401  (the same people as the API tests)
