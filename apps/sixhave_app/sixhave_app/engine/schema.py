"""Schema: SQLAlchemy tables built from meta, and the sync that makes the database match them.

Sync only ever creates tables, adds columns, widens column types and adds indexes. It never drops
a column; a renamed field is renamed in place, so its data stays.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy.dialects import mysql

from . import fieldtypes
from .errors import MetaError
from .meta import Meta, table_name


def _name_column(meta: Meta | None = None):
    return sa.Column("name", sa.String(140), primary_key=True)


def standard_columns(meta: Meta) -> list[sa.Column]:
    cols = [
        _name_column(meta),
        sa.Column("creation", sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")),
        sa.Column("modified", sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")),
        sa.Column("modified_by", sa.String(140)),
        sa.Column("owner", sa.String(140)),
        sa.Column("docstatus", sa.SmallInteger, nullable=False, server_default="0"),
        sa.Column("idx", sa.Integer, nullable=False, server_default="0"),
    ]
    if meta.istable:
        cols += [sa.Column("parent", sa.String(140)), sa.Column("parenttype", sa.String(140)),
                 sa.Column("parentfield", sa.String(140))]
    return cols


def field_column(field) -> sa.Column:
    return sa.Column(field.fieldname, field.kind.column(field), nullable=True)


def _index_name(table: str, cols: tuple[str, ...], unique: bool) -> str:
    digest = hashlib.sha1(("|".join((table,) + cols)).encode()).hexdigest()[:12]
    return f"{'uq' if unique else 'ix'}_{cols[0][:40]}_{digest}"


@dataclass(frozen=True)
class IndexSpec:
    columns: tuple[str, ...]
    unique: bool = False

    def name(self, table: str) -> str:
        return _index_name(table, self.columns, self.unique)


def wanted_indexes(meta: Meta) -> list[IndexSpec]:
    specs: dict[tuple, IndexSpec] = {("modified",): IndexSpec(("modified",))}
    if meta.istable:
        specs[("parent",)] = IndexSpec(("parent",))
    for f in meta.data_fields:
        if f.unique:
            specs[(f.fieldname,)] = IndexSpec((f.fieldname,), unique=True)
        elif f.kind.refers or f.search_index or f.fieldname in meta.search_fields:
            if f.kind.indexable:
                specs.setdefault((f.fieldname,), IndexSpec((f.fieldname,)))
    if meta.is_tree:
        specs[("lft", "rgt")] = IndexSpec(("lft", "rgt"))
    for columns in meta.indexes:
        specs.setdefault(tuple(columns), IndexSpec(tuple(columns)))
    return list(specs.values())


def build_table(meta: Meta, metadata: sa.MetaData | None = None) -> sa.Table:
    """The SQLAlchemy Core table for a DocType, as meta says it should be."""
    metadata = metadata or sa.MetaData()
    cols = standard_columns(meta)
    std = {c.name for c in cols}
    cols += [field_column(f) for f in meta.data_fields if f.fieldname not in std]
    table = sa.Table(meta.table, metadata, *cols)
    for spec in wanted_indexes(meta):
        sa.Index(spec.name(meta.table), *[table.c[c] for c in spec.columns], unique=spec.unique)
    return table


# --------------------------------------------------------------------------- singles & series
def system_tables(metadata: sa.MetaData) -> dict[str, sa.Table]:
    """Tables every site has whatever its DocTypes: singles' values, naming counters, password
    hashes (`__Auth`, users.py) and login sessions (`tabSessions`, auth.py)."""
    singles = sa.Table("tabSingles", metadata,
                       sa.Column("doctype", sa.String(140), primary_key=True),
                       sa.Column("field", sa.String(140), primary_key=True),
                       sa.Column("value", sa.Text().with_variant(mysql.LONGTEXT(), "mysql", "mariadb")))
    series = sa.Table("tabSeries", metadata,
                      sa.Column("name", sa.String(140), primary_key=True),
                      sa.Column("current", sa.BigInteger, nullable=False, server_default="0"))
    passwords = sa.Table("__Auth", metadata,
                         sa.Column("doctype", sa.String(140), primary_key=True),
                         sa.Column("name", sa.String(140), primary_key=True),
                         sa.Column("fieldname", sa.String(140), primary_key=True),
                         sa.Column("password", sa.Text, nullable=False))
    sessions = sa.Table("tabSessions", metadata,
                        sa.Column("sid", sa.String(140), primary_key=True),
                        sa.Column("user", sa.String(140), index=True),
                        sa.Column("data", sa.Text().with_variant(mysql.LONGTEXT(), "mysql", "mariadb")),
                        sa.Column("ip_address", sa.String(140)),
                        sa.Column("device", sa.String(40)),
                        sa.Column("lastupdate", sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")),
                        sa.Column("status", sa.String(20)))
    return {"tabSingles": singles, "tabSeries": series, "__Auth": passwords, "tabSessions": sessions}


# --------------------------------------------------------------------------- sync
def _declared(conn, table: str) -> dict[str, str]:
    """Column name → declared type, as the database reports it."""
    dialect = conn.dialect
    out = {}
    for col in sa.inspect(conn).get_columns(table):
        if dialect.name == "sqlite":
            out[col["name"]] = str(col["type"]).upper() if not isinstance(col["type"], sa.types.NullType) else ""
        else:
            out[col["name"]] = col["type"].compile(dialect=dialect).upper()
    if dialect.name == "sqlite":
        quoted = dialect.identifier_preparer.quote(table)
        for row in conn.exec_driver_sql(f"PRAGMA table_info({quoted})"):
            out[row[1]] = (row[2] or "").upper()
    return out


def _wanted_type(column: sa.Column, dialect) -> str:
    return column.type.compile(dialect=dialect).upper()


def _family(declared: str) -> tuple[str, int]:
    """A declared column type as (family, size) for deciding whether a change only widens."""
    d = declared.upper()
    if d.startswith("DECIMAL_SCALED") or d == "NUMERIC":
        # NUMERIC: what SQLite reports after a table rebuild re-declared a scaled column
        return "scaled", 0
    if d.startswith(("VARCHAR", "CHAR")):
        size = int(d[d.index("(") + 1:d.index(")")]) if "(" in d else 255
        return "text", size
    if d in ("TINYTEXT",):
        return "text", 255
    if d in ("TEXT",):
        return "text", 65535
    if d in ("MEDIUMTEXT",):
        return "text", 16777215
    if d in ("LONGTEXT", "JSON", "CLOB"):
        return "text", 2 ** 32
    if d in ("SMALLINT", "TINYINT") or d.startswith(("SMALLINT", "TINYINT")):
        return "int", 16
    if d.startswith(("INT", "INTEGER", "MEDIUMINT")):
        return "int", 32
    if d.startswith("BIGINT"):
        return "int", 64
    if d.startswith(("DECIMAL", "NUMERIC")):
        return "decimal", 0
    if d.startswith(("FLOAT", "DOUBLE", "REAL")):
        return "real", 0
    if d == "DATE":
        return "date", 0
    if d.startswith(("DATETIME", "TIMESTAMP")):
        return "datetime", 0
    if d.startswith("TIME"):
        return "time", 0
    return d, 0


_FAMILY_MOVES = {("int", "decimal"), ("int", "real"), ("real", "decimal"), ("decimal", "real"),
                 ("int", "scaled"), ("real", "scaled"), ("scaled", "real"), ("date", "datetime"),
                 ("int", "text"), ("decimal", "text"), ("date", "text")}


def _is_widening(old: str, new: str) -> bool:
    (of, osize), (nf, nsize) = _family(old), _family(new)
    if of == nf:
        return nsize >= osize
    return (of, nf) in _FAMILY_MOVES


@dataclass
class SyncReport:
    created: bool = False
    added: list[str] = None
    widened: list[str] = None
    renamed: list[tuple[str, str]] = None
    indexes: list[str] = None

    def __post_init__(self):
        self.added, self.widened, self.renamed, self.indexes = [], [], [], []

    @property
    def changed(self) -> bool:
        return bool(self.created or self.added or self.widened or self.renamed or self.indexes)


def sync_table(conn: sa.Connection, meta: Meta, *, renames: dict[str, str] | None = None) -> SyncReport:
    """Make `tab<DocType>` match meta. `renames` maps old column → new column, kept with its data."""
    report = SyncReport()
    if meta.issingle:
        return report
    table = build_table(meta)
    inspector = sa.inspect(conn)
    op = Operations(MigrationContext.configure(conn))
    if not inspector.has_table(meta.table):
        table.create(conn)
        report.created = True
        return report
    declared = _declared(conn, meta.table)
    for old, new in (renames or {}).items():
        if old in declared and new not in declared:
            if conn.dialect.name == "sqlite":
                op.alter_column(meta.table, old, new_column_name=new)
            else:  # MariaDB ≥ 10.5 renames in place, keeping type, data and indexes
                q = conn.dialect.identifier_preparer.quote
                conn.exec_driver_sql(f"ALTER TABLE {q(meta.table)} RENAME COLUMN {q(old)} TO {q(new)}")
            declared[new] = declared.pop(old)
            report.renamed.append((old, new))
    sqlite = conn.dialect.name == "sqlite"
    for column in table.columns:
        wanted = _wanted_type(column, conn.dialect)
        if column.name not in declared:
            op.add_column(meta.table, column._copy())
            report.added.append(column.name)
            continue
        have = declared[column.name]
        if column.name in ("name",) or have == wanted:
            continue
        if _family(have) == _family(wanted) or (sqlite and _family(have)[0] == _family(wanted)[0]):
            if sqlite or _family(wanted)[1] <= _family(have)[1]:
                continue  # SQLite does not enforce lengths; a narrower wish never shrinks a column
        if not _is_widening(have, wanted):
            label = meta.label_of(column.name)
            raise MetaError(f"DocType {meta.name}: 字段 “{label}” ({column.name}) 的类型由 {have} 改为 "
                            f"{wanted} 会丢失数据，不能更改")
        _widen(conn, op, meta.table, column, have, wanted)
        report.widened.append(column.name)
    existing = {ix["name"] for ix in inspector.get_indexes(meta.table)}
    for spec in wanted_indexes(meta):
        name = spec.name(meta.table)
        if name not in existing and all(c in declared or c in report.added for c in spec.columns):
            op.create_index(name, meta.table, list(spec.columns), unique=spec.unique)
            report.indexes.append(name)
    return report


def _widen(conn, op: Operations, table: str, column: sa.Column, have: str, wanted: str):
    old_family, new_family = _family(have)[0], _family(wanted)[0]
    if conn.dialect.name != "sqlite":
        op.alter_column(table, column.name, type_=column.type, existing_nullable=True)
        return
    # SQLite cannot change a declared type in place: rebuild the table, then rescale the values.
    with op.batch_alter_table(table, recreate="always") as batch:
        batch.alter_column(column.name, type_=column.type)
    t = sa.table(table, sa.column(column.name))
    col = t.c[column.name]
    scale = 10 ** fieldtypes.DECIMAL_SCALE
    if new_family == "scaled" and old_family in ("int", "real"):
        conn.execute(t.update().values({column.name: sa.func.round(col * scale)}))
    elif old_family == "scaled" and new_family == "real":
        conn.execute(t.update().values({column.name: sa.cast(col, sa.Float) / scale}))


def ensure_system_tables(conn: sa.Connection) -> None:
    metadata = sa.MetaData()
    system_tables(metadata)
    metadata.create_all(conn, checkfirst=True)
