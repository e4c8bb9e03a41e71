"""The ASGI entry point for `sixhave serve`: one Site per process, from the environment."""
from __future__ import annotations

import os

from .api.app import create_app
from .site import Site


def app_from_env():
    return create_app(Site.open(os.environ.get("SIXHAVE_SITE"), os.environ.get("SIXHAVE_SITES")))
