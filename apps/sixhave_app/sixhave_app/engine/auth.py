"""Who is asking: password login with throttling, server-side sessions (cached in Redis when
the site has one), API keys, and CSRF tokens for sessions opened by a UI page.

A session ends after `session_idle_timeout` seconds without a request (default 4 hours) and
`session_max_age` seconds after its login (default 12 hours), both from site_config.json; and at
once when its user is disabled, loses a role or gets a new password (`end_other_sessions`)."""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass, field

import sqlalchemy as sa

from . import throttle, users, versions
from .errors import AuthenticationError

SESSION_TOUCH = dt.timedelta(minutes=5)
IDLE_TIMEOUT = 4 * 3600
MAX_AGE = 12 * 3600


@dataclass
class Session:
    sid: str
    user: str
    data: dict = field(default_factory=dict)
    lastupdate: dt.datetime | None = None

    @property
    def csrf_token(self) -> str | None:
        return self.data.get("csrf_token")


def _seconds(site, key: str, default: float) -> float:
    try:
        value = float(site.config.get(key, default))
    except (TypeError, ValueError):
        return float(default)
    return value if value > 0 else float(default)


def idle_timeout(site) -> dt.timedelta:
    """site_config `session_idle_timeout` (seconds); the older `session_expiry_hours` still counts."""
    legacy = site.config.get("session_expiry_hours")
    default = float(legacy) * 3600 if isinstance(legacy, (int, float)) and legacy > 0 else IDLE_TIMEOUT
    return dt.timedelta(seconds=_seconds(site, "session_idle_timeout", default))


def max_age(site) -> dt.timedelta:
    """site_config `session_max_age` (seconds): how long a session lives after its login, however busy."""
    return dt.timedelta(seconds=_seconds(site, "session_max_age", MAX_AGE))


def _touch_interval(site) -> dt.timedelta:
    return min(SESSION_TOUCH, idle_timeout(site) / 4)


def _expired(site, session: Session, now: dt.datetime) -> bool:
    if session.lastupdate is None or now - session.lastupdate > idle_timeout(site):
        return True
    try:
        started = dt.datetime.fromisoformat(session.data["login_at"])
    except (KeyError, TypeError, ValueError):
        return True  # a session without its login time cannot prove its age
    return now - started > max_age(site)


# --------------------------------------------------------------------------- sessions
def create_session(ctx, user: str, *, ip: str | None = None, device: str = "desktop") -> Session:
    table = ctx.site.system["tabSessions"]
    info = ctx.conn.execute(sa.select(ctx.table("User").c.full_name, ctx.table("User").c.user_type)
                            .where(ctx.table("User").c.name == user)).first()
    session = Session(sid=secrets.token_hex(28), user=user, lastupdate=ctx.now(),
                      data={"full_name": info.full_name if info else user,
                            "user_type": (info.user_type if info else None) or "System User",
                            "login_at": ctx.now().isoformat()})
    ctx.conn.execute(table.insert().values(sid=session.sid, user=user, data=json.dumps(session.data, ensure_ascii=False),
                                           ip_address=ip, device=device, lastupdate=session.lastupdate, status="Active"))
    ctx.after_commit(lambda: _cache_session(ctx.site, session))
    return session


def _cache_session(site, session: Session) -> None:
    if site.redis is None:
        return
    try:
        payload = json.dumps({"user": session.user, "data": session.data,
                              "lastupdate": session.lastupdate.isoformat() if session.lastupdate else None})
        site.redis.set(site.redis_key("session:" + session.sid), payload,
                       ex=max(1, int(idle_timeout(site).total_seconds())))
    except Exception:  # noqa: BLE001 - the database still holds the session
        pass


def get_session(ctx, sid: str | None) -> Session | None:
    """The live session for a cookie, or None when unknown or expired (an expired one is removed)."""
    if not sid:
        return None
    site = ctx.site
    session = None
    if site.redis is not None:
        try:
            cached = site.redis.get(site.redis_key("session:" + sid))
            if cached:
                raw = json.loads(cached)
                session = Session(sid, raw["user"], raw["data"],
                                  dt.datetime.fromisoformat(raw["lastupdate"]) if raw.get("lastupdate") else None)
        except Exception:  # noqa: BLE001
            session = None
    table = site.system["tabSessions"]
    if session is None:
        row = ctx.conn.execute(sa.select(table).where(table.c.sid == sid, table.c.status == "Active")).mappings().first()
        if row is None:
            return None
        session = Session(sid, row["user"], json.loads(row["data"] or "{}"), row["lastupdate"])
    now = ctx.now()
    if _expired(site, session, now):
        delete_session(ctx, sid)
        ctx.flags["session_written"] = True  # committed before the request's own work (api.app)
        return None
    if now - session.lastupdate > _touch_interval(site):
        session.lastupdate = now
        touched = ctx.conn.execute(table.update().where(table.c.sid == sid).values(lastupdate=now)).rowcount
        ctx.flags["session_written"] = True
        if not touched:  # its row is gone: the session was ended, whatever a cache says
            _uncache(site, [sid])
            return None
        ctx.after_commit(lambda: _cache_session(site, session))
    return session


def save_session_data(ctx, session: Session) -> None:
    table = ctx.site.system["tabSessions"]
    ctx.conn.execute(table.update().where(table.c.sid == session.sid)
                     .values(data=json.dumps(session.data, ensure_ascii=False)))
    ctx.after_commit(lambda: _cache_session(ctx.site, session))


def ensure_csrf_token(ctx, session: Session) -> str:
    """A UI page opens the session to CSRF checks by giving it a token."""
    if not session.csrf_token:
        session.data["csrf_token"] = secrets.token_hex(16)
        save_session_data(ctx, session)
    return session.csrf_token


def _uncache(site, sids: list[str]) -> None:
    if site.redis is None or not sids:
        return
    try:
        site.redis.delete(*[site.redis_key("session:" + sid) for sid in sids])
    except Exception:  # noqa: BLE001 - the database row is gone, which is what counts
        pass


def delete_session(ctx, sid: str) -> None:
    delete_sessions(ctx, [sid])


def delete_sessions(ctx, sids: list[str]) -> None:
    """End sessions now: the rows go in this transaction, the Redis copies now and again after
    the commit (so no request in between can put one back)."""
    if not sids:
        return
    table = ctx.site.system["tabSessions"]
    ctx.conn.execute(table.delete().where(table.c.sid.in_(list(sids))))
    site = ctx.site
    _uncache(site, list(sids))
    ctx.after_commit(lambda: _uncache(site, list(sids)))


def current_sid(ctx) -> str | None:
    """The session the request in `ctx` came with, if any."""
    caller = ctx.flags.get("caller")
    session = getattr(caller, "session", None)
    return session.sid if session is not None else None


def set_password(ctx, user: str, password: str, fieldname: str = "password", doctype: str = "User") -> None:
    """A new password, from any door (the User form, the desk, a new site): stored hashed, and a
    user's new login password ends their other sessions at once."""
    users.store_password(ctx, user, password, fieldname, doctype)
    if doctype == "User" and fieldname == "password":
        end_other_sessions(ctx, user)


def end_other_sessions(ctx, user: str) -> int:
    """End every session of `user` except the one making this request (a user who changes their
    own password stays signed in there). Called when a user is disabled or deleted, loses a
    role, or gets a new password — whoever did it, through whatever door."""
    table = ctx.site.system["tabSessions"]
    keep = current_sid(ctx)
    sids = [sid for sid in ctx.conn.execute(sa.select(table.c.sid).where(table.c.user == user)).scalars().all()
            if sid != keep]
    delete_sessions(ctx, sids)
    return len(sids)


def clear_user_sessions(ctx, user: str) -> None:
    table = ctx.site.system["tabSessions"]
    delete_sessions(ctx, ctx.conn.execute(sa.select(table.c.sid).where(table.c.user == user)).scalars().all())


# --------------------------------------------------------------------------- password login
def find_user(ctx, login: str) -> str | None:
    table = ctx.table("User")
    login = (login or "").strip()
    if not login:
        return None
    row = ctx.conn.execute(sa.select(table.c.name).where(sa.or_(table.c.name == login, table.c.email == login,
                                                               table.c.username == login)).limit(1)).first()
    return row.name if row else None


def log_activity(ctx, *, user: str, status: str, ip: str | None, subject: str, operation: str = "Login") -> None:
    throttle.log(ctx, user=user, status=status, ip=ip, subject=subject, operation=operation)


def authenticate(ctx, login: str, password: str, ip: str | None) -> str:
    """Return the user name for a right password; log and raise otherwise. The failure is
    logged by the caller's own transaction, which commits even though the request fails.

    The throttle is asked first, about the resolved account (an unknown login counts under its
    own text); a known and an unknown user cost the same argon2 verification."""
    login = (login or "").strip()
    user = find_user(ctx, login)
    account = user or login.lower()
    throttle.check(ctx, account, ip, login)
    if user and user != users.GUEST:
        right = users.check_password(ctx, user, password or "")
    else:
        right = users.verify_dummy(ctx, password or "")
    if right:
        enabled = ctx.conn.execute(sa.select(ctx.table("User").c.enabled).where(ctx.table("User").c.name == user)).scalar()
        if not enabled:
            log_activity(ctx, user=user, status="Failed", ip=ip, subject=f"{login} 登录失败（账号已停用）")
            ctx.flags["commit_on_error"] = True
            raise AuthenticationError("该账号已停用，请联系管理员")
        log_activity(ctx, user=user, status="Success", ip=ip, subject=f"{user} 登录")
        ctx.conn.execute(ctx.table("User").update().where(ctx.table("User").c.name == user).values(last_login=ctx.now()))
        return user
    log_activity(ctx, user=account, status="Failed", ip=ip, subject=f"{login} 登录失败（用户名或密码错误）")
    ctx.flags["commit_on_error"] = True
    raise AuthenticationError("用户名或密码错误")


# --------------------------------------------------------------------------- API keys
def _digest(secret: str) -> str:
    # API secrets are long random strings, so a fast hash is enough (and keeps token auth cheap)
    return hashlib.sha256(secret.encode()).hexdigest()


def generate_keys(ctx, user: str) -> dict:
    table = ctx.table("User")
    if not ctx.conn.execute(sa.select(table.c.name).where(table.c.name == user)).first():
        from .errors import DoesNotExistError

        raise DoesNotExistError(f"用户 “{user}” 不存在")
    api_key = ctx.conn.execute(sa.select(table.c.api_key).where(table.c.name == user)).scalar()
    if not api_key:
        api_key = secrets.token_hex(8)[:15]
        ctx.conn.execute(table.update().where(table.c.name == user).values(api_key=api_key))
    api_secret = secrets.token_hex(8)[:15]
    auth = ctx.site.system["__Auth"]
    key = (auth.c.doctype == "User") & (auth.c.name == user) & (auth.c.fieldname == "api_secret")
    if ctx.conn.execute(auth.update().where(key).values(password=_digest(api_secret))).rowcount == 0:
        ctx.conn.execute(auth.insert().values(doctype="User", name=user, fieldname="api_secret", password=_digest(api_secret)))
    versions.bump_version(ctx, "perm")  # cached tokens of this user are void
    return {"api_key": api_key, "api_secret": api_secret}


def parse_authorization(header: str | None) -> tuple[str, str] | None:
    """`token key:secret` or `Basic base64(key:secret)` → (key, secret)."""
    if not header:
        return None
    scheme, _, value = header.strip().partition(" ")
    value = value.strip()
    if scheme.lower() == "token":
        key, sep, secret = value.partition(":")
    elif scheme.lower() == "basic":
        try:
            key, sep, secret = base64.b64decode(value).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            raise AuthenticationError("Authorization 头格式无效") from None
    else:
        return None
    if not sep or not key or not secret:
        raise AuthenticationError("Authorization 头格式无效，应为 token key:secret")
    return key, secret


def user_for_token(ctx, key: str, secret: str) -> str:
    digest = _digest(secret)
    cache_key = ("token", key, digest)
    user = ctx.site.perm_cache.get(cache_key)
    if user:
        return user
    table = ctx.table("User")
    auth = ctx.site.system["__Auth"]
    row = ctx.conn.execute(sa.select(table.c.name, table.c.enabled, auth.c.password)
                           .join(auth, sa.and_(auth.c.doctype == "User", auth.c.name == table.c.name,
                                               auth.c.fieldname == "api_secret"))
                           .where(table.c.api_key == key)).first()
    if row is None or not hmac.compare_digest(row.password, digest):
        raise AuthenticationError("API 密钥无效")
    if not row.enabled:
        raise AuthenticationError("该账号已停用")
    ctx.site.perm_cache[cache_key] = row.name
    return row.name
