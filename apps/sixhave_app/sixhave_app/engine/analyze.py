"""Planner statistics after a bulk load. A table filled in one go (the demo, an import, the
benchmarks' loaders) has none on SQLite until ANALYZE, and on MariaDB only once InnoDB samples it
in the background; until then both may plan a list page as a full scan and a sort (bench/README.md:
20 ms against 1 ms per page on SQLite). Loaders call `run` when they finish."""
from __future__ import annotations

import sqlalchemy as sa


def run(site, doctypes: list[str] | None = None) -> None:
    """ANALYZE (SQLite: the whole database; MariaDB: ANALYZE TABLE of the DocTypes' tables, every
    table the site has when none are named)."""
    with site.engine.connect() as conn:
        if site.backend == "sqlite":
            conn.exec_driver_sql("ANALYZE")
        else:
            names = ([site.table(d).name for d in doctypes] if doctypes
                     else sa.inspect(conn).get_table_names())
            quote = conn.dialect.identifier_preparer.quote
            for start in range(0, len(names), 50):
                conn.exec_driver_sql("ANALYZE TABLE " + ", ".join(quote(n) for n in names[start:start + 50])).all()
        conn.commit()
    if site.backend == "sqlite":
        # SQLite connections already open keep the plans' statistics they loaded with the schema:
        # the pool's connections are replaced, so that the next statements plan with the new ones.
        site.engine.dispose()
