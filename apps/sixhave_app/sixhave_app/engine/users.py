"""Users: roles and password hashes (argon2). Hashes live in `__Auth`, never in a DocType table,
so no list, export or API read can ever return one."""
from __future__ import annotations

import secrets

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

ADMIN = "Administrator"
GUEST = "Guest"
_hasher = PasswordHasher()
_dummy: list[str] = []


def auth_table(metadata: sa.MetaData | None = None) -> sa.Table:
    return sa.Table("__Auth", metadata or sa.MetaData(),
                    sa.Column("doctype", sa.String(140), primary_key=True),
                    sa.Column("name", sa.String(140), primary_key=True),
                    sa.Column("fieldname", sa.String(140), primary_key=True),
                    sa.Column("password", sa.Text, nullable=False))


def roles_of(ctx, user: str) -> list[str]:
    """A user's roles (cached per site until the permission version moves)."""
    key = ("roles", user)
    cached = ctx.site.perm_cache.get(key)
    if cached is not None:
        return cached
    if user == ADMIN:
        roles = [r for r in ctx.get_all("Role", pluck="name", ignore_permissions=True)] or [ADMIN, "System Manager"]
    elif user == GUEST or not user:
        roles = [GUEST]
    else:
        table = ctx.table("Has Role")
        rows = ctx.conn.execute(sa.select(table.c.role).where(table.c.parent == user, table.c.parenttype == "User")).scalars().all()
        roles = sorted(set(rows) | {"All", GUEST})
    ctx.site.perm_cache[key] = roles
    return roles


def set_password(ctx, user: str, password: str, fieldname: str = "password", doctype: str = "User") -> None:
    table = ctx.site.system["__Auth"]
    hashed = _hasher.hash(password)
    key = (table.c.doctype == doctype) & (table.c.name == user) & (table.c.fieldname == fieldname)
    if ctx.conn.execute(table.update().where(key).values(password=hashed)).rowcount == 0:
        ctx.conn.execute(table.insert().values(doctype=doctype, name=user, fieldname=fieldname, password=hashed))
    if doctype == "User" and fieldname == "password":
        from . import auth

        auth.end_other_sessions(ctx, user)  # a new password ends the user's other sessions at once


def verify_dummy(password: str) -> bool:
    """Spend what a real verification spends, for a login without a user or without a password,
    so that refusing an unknown user takes as long as refusing a wrong password. Always False."""
    if not _dummy:
        _dummy.append(_hasher.hash(secrets.token_hex(16)))
    try:
        _hasher.verify(_dummy[0], password)
    except (VerificationError, InvalidHashError):
        pass
    return False


def check_password(ctx, user: str, password: str, fieldname: str = "password", doctype: str = "User") -> bool:
    table = ctx.site.system["__Auth"]
    stored = ctx.conn.execute(sa.select(table.c.password).where(table.c.doctype == doctype, table.c.name == user,
                                                                 table.c.fieldname == fieldname)).scalar()
    if not stored:
        return verify_dummy(password)
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False
