"""Fixtures of the security tests: the live server, the org tree and its people (shared with tests/api)."""
from tests.api.conftest import http, server, world  # noqa: F401 - fixtures re-exported
