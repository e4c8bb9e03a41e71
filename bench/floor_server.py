"""The floor for `python -m bench.floor`: a bare Starlette endpoint that runs the very statement
sixhave's `/api/resource` runs for the benchmark's user and page, with SQLAlchemy Core on a plain
engine, and returns the same JSON. Nothing else: no authentication, no context, no permission
check, no cache of metadata — what the same SQL and the same HTTP stack cost on their own.

Run by bench.floor as `uvicorn --factory bench.floor_server:app_from_env`; the environment names
the site (to build the statement once, at start-up, as sixhave builds it for that user) and the
user whose scope the statement carries.
"""
from __future__ import annotations

import os

import orjson
import sqlalchemy as sa
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route


def statement_for(site_name: str, sites_path: str, user: str, page: dict) -> tuple[sa.Select, str]:
    """The select sixhave's get_list builds for `user` and `page`, and the site's database URL."""
    from sixhave_app.engine import query
    from sixhave_app.engine.site import Site

    site = Site.open(site_name, sites_path)
    try:
        with site.context(user=user, write=False) as ctx:
            stmt = query.select_list(ctx, page["doctype"], fields=page["fields"], filters=page["filters"],
                                     order_by=page["order_by"], limit_page_length=page["limit_page_length"])
        return stmt, site.db_url
    finally:
        site.dispose()


def _default(value):
    from decimal import Decimal

    if isinstance(value, Decimal):
        return orjson.Fragment(str(value).encode())
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def app_from_env() -> Starlette:
    page = orjson.loads(os.environ["BENCH_FLOOR_PAGE"])
    stmt, url = statement_for(os.environ["BENCH_FLOOR_SITE"], os.environ["BENCH_FLOOR_SITES"],
                              os.environ["BENCH_FLOOR_USER"], page)
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"check_same_thread": False})
    else:  # the isolation sixhave's engine uses; no pre-ping, nothing else
        engine = sa.create_engine(url, isolation_level="READ COMMITTED")

    def floor(request):
        with engine.connect() as conn:
            rows = [dict(row) for row in conn.execute(stmt).mappings()]
        return Response(orjson.dumps({"data": rows}, default=_default, option=orjson.OPT_NON_STR_KEYS), media_type="application/json")

    return Starlette(routes=[Route("/floor", floor, methods=["GET"])])
