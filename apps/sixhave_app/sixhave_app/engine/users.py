"""Users: roles and password hashes (argon2). Hashes live in `__Auth`, never in a DocType table,
so no list, export or API read can ever return one."""
from __future__ import annotations

import secrets

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from .errors import SiteError

ADMIN = "Administrator"
GUEST = "Guest"
# argon2id at RFC 9106's low-memory settings (argon2-cffi's default): 3 passes over 64 MiB, 4 lanes.
# A site may set its own cost in site_config.json (`password_hash`: time_cost, memory_cost in KiB,
# parallelism): a hash records its own cost, so every stored hash keeps verifying after a change.
HASH_SETTINGS = ("time_cost", "memory_cost", "parallelism")


class Passwords:
    """A site's password hasher and its decoy hash (the same cost as every hash it makes)."""

    def __init__(self, config: dict | None = None):
        if not isinstance(config or {}, dict):
            raise SiteError("site_config.json 的 password_hash 应为对象，例如 {\"time_cost\": 3}")
        settings = {}
        for key, value in (config or {}).items():
            if key not in HASH_SETTINGS:
                raise SiteError(f"site_config.json 的 password_hash 不认识 “{key}”（可设 {'、'.join(HASH_SETTINGS)}）")
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise SiteError(f"site_config.json 的 password_hash.{key} 应为正整数，现为 {value!r}")
            settings[key] = value
        self.hasher = PasswordHasher(**settings)
        if self.hasher.memory_cost < 8 * self.hasher.parallelism:  # argon2's own floor (RFC 9106 §3.1)
            raise SiteError("site_config.json 的 password_hash.memory_cost 至少为 parallelism 的 8 倍（单位 KiB）")
        self._decoy: str | None = None

    def hash(self, password: str) -> str:
        return self.hasher.hash(password)

    def verify(self, stored: str, password: str) -> bool:
        try:
            return self.hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False

    @property
    def decoy(self) -> str:
        if self._decoy is None:
            self._decoy = self.hasher.hash(secrets.token_hex(16))
        return self._decoy


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


def store_password(ctx, user: str, password: str, fieldname: str = "password", doctype: str = "User") -> None:
    """The hash of a password, stored. Callers set passwords through auth.set_password, which also
    ends the user's other sessions."""
    table = ctx.site.system["__Auth"]
    hashed = ctx.site.passwords.hash(password)
    key = (table.c.doctype == doctype) & (table.c.name == user) & (table.c.fieldname == fieldname)
    if ctx.conn.execute(table.update().where(key).values(password=hashed)).rowcount == 0:
        ctx.conn.execute(table.insert().values(doctype=doctype, name=user, fieldname=fieldname, password=hashed))


def verify_dummy(ctx, password: str) -> bool:
    """Spend what a real verification spends, for a login without a user or without a password,
    so that refusing an unknown user takes as long as refusing a wrong password. Always False."""
    passwords = ctx.site.passwords
    passwords.verify(passwords.decoy, password)
    return False


def check_password(ctx, user: str, password: str, fieldname: str = "password", doctype: str = "User") -> bool:
    table = ctx.site.system["__Auth"]
    stored = ctx.conn.execute(sa.select(table.c.password).where(table.c.doctype == doctype, table.c.name == user,
                                                                 table.c.fieldname == fieldname)).scalar()
    if not stored:
        return verify_dummy(ctx, password)
    return ctx.site.passwords.verify(stored, password)
