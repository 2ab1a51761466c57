# The people fixtures of the problems' tests, shared: the same demo users act here.
from tests.patrol.conftest import as_user, other_subdistrict  # noqa: F401
