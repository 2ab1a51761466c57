"""The publishing tests' fixtures (a publisher, the demo subdistrict, problems found in the field)."""
from tests.publishing.conftest import *  # noqa: F403
