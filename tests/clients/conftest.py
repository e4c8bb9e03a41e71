from tests.api.conftest import http, server, world  # noqa: F401 - the same live server and users
