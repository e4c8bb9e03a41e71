"""Naming: Frappe's `autoname` forms, with counters that stay unique under concurrent inserts."""
from __future__ import annotations

import datetime as dt
import re
import secrets

import sqlalchemy as sa

from .errors import MandatoryError, ValidationError

_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")


def next_value(ctx, key: str, *, step: int = 1) -> int:
    """Increment counter `key` in tabSeries inside the caller's transaction and return it.

    The UPDATE takes the row lock (MariaDB) or the write lock (SQLite, BEGIN IMMEDIATE), so two
    concurrent inserts never read the same value. The first use of a key makes its row: on SQLite
    inside the transaction (the write lock already serialises writers), on MariaDB on a connection
    of its own (`_make_counter`), because there the losers of a race to insert one key keep shared
    locks on it until their transactions end, and two of them upgrading to the UPDATE's exclusive
    lock deadlock each other.
    """
    series = ctx.site.system["tabSeries"]
    conn = ctx.conn
    returning = conn.dialect.update_returning  # SQLite: one statement; MariaDB has no UPDATE … RETURNING
    for _ in range(3):
        bump = series.update().where(series.c.name == key).values(current=series.c.current + step)
        if returning:
            value = conn.execute(bump.returning(series.c.current)).scalar()
            if value is not None:
                return int(value)
        elif conn.execute(bump).rowcount:
            return int(conn.execute(sa.select(series.c.current).where(series.c.name == key)).scalar())
        if conn.dialect.name != "sqlite":
            _make_counter(ctx.site, series, key)
            continue
        try:
            with conn.begin_nested():
                conn.execute(series.insert().values(name=key, current=step))
            return step
        except sa.exc.IntegrityError:
            continue
    raise ValidationError(f"无法分配编号（计数器 {key} 争用过多）")


def _make_counter(site, series: sa.Table, key: str) -> None:
    """Counter `key` at 0, committed at once on its own connection (READ COMMITTED: the caller's
    UPDATE that found no row holds no lock this insert would wait for); a row another writer made
    first is left as it is."""
    with site.engine.connect() as own:
        own.execute(series.insert().prefix_with("IGNORE").values(name=key, current=0))
        own.commit()


def current_value(ctx, key: str) -> int:
    series = ctx.site.system["tabSeries"]
    return int(ctx.conn.execute(sa.select(series.c.current).where(series.c.name == key)).scalar() or 0)


def _counter_key(doc, pattern: str, prefix: str) -> str:
    """The counter of a name's prefix. A pattern that begins with a field's value (which the
    writer chooses) counts per DocType, so that no value can reach another DocType's counter."""
    first = pattern.lstrip(".")
    starts_with_field = first.startswith("{") and not first.startswith("{#") and \
        first[1:].split("}", 1)[0] not in _date_parts(dt.date.today())
    return f"{doc.doctype}:{prefix}" if starts_with_field else prefix


def _date_parts(today: dt.date) -> dict[str, str]:
    return {"YYYY": f"{today.year:04d}", "YY": f"{today.year % 100:02d}", "MM": f"{today.month:02d}",
            "DD": f"{today.day:02d}", "yyyy": f"{today.year:04d}", "mm": f"{today.month:02d}",
            "dd": f"{today.day:02d}"}


def _from_format(ctx, doc, pattern: str) -> str:
    """`format:XX-{YYYY}-{####}`: date parts, {fieldname} values and one {###…} counter."""
    today = dt.date.today()
    parts = _date_parts(today)

    def resolve(token: str) -> str:
        if token in parts:
            return parts[token]
        if token.startswith("#"):
            return "{" + token + "}"
        value = doc.get(token)
        if value in (None, ""):
            label = doc.meta.label_of(token)
            raise MandatoryError(f"{doc.doctype}：命名需要字段 “{label}” ({token}) 的值")
        return str(value)

    resolved = _PLACEHOLDER.sub(lambda m: resolve(m.group(1)), pattern)
    counter = re.search(r"\{(#+)\}", resolved)
    if not counter:
        return resolved
    key = resolved[:counter.start()]
    number = next_value(ctx, _counter_key(doc, pattern, key) or doc.doctype)
    return resolved[:counter.start()] + str(number).zfill(len(counter.group(1))) + resolved[counter.end():]


def _from_series(ctx, doc, series: str) -> str:
    """Frappe's naming series `SA-.YYYY.-.####`: dot-separated parts, the hashes a counter."""
    if not series:
        raise MandatoryError(f"{doc.doctype}：缺少编号规则 (naming_series)")
    today = dt.date.today()
    parts = _date_parts(today)
    out, prefix_done = [], False
    number_part = None
    for part in series.split("."):
        if part and set(part) == {"#"}:
            number_part = len(part)
            prefix = "".join(out)
            out.append("{#}")
            prefix_done = True
        elif part in parts:
            out.append(parts[part])
        elif part.startswith("{") and part.endswith("}"):
            out.append(str(doc.get(part[1:-1]) or ""))
        else:
            out.append(part)
    if not prefix_done:
        number_part = 5
        prefix = "".join(out)
        out.append("{#}")
    number = next_value(ctx, _counter_key(doc, series, prefix))
    return "".join(out).replace("{#}", str(number).zfill(number_part))


def make_name(ctx, doc) -> str:
    meta = doc.meta
    autoname = (meta.autoname or "").strip()
    given = doc.get("name") or doc.get("__newname")
    if meta.istable:
        return given or random_hash()
    if autoname.startswith("field:"):
        fieldname = autoname[6:].strip()
        value = doc.get(fieldname)
        if value in (None, ""):
            raise MandatoryError(f"{doc.doctype}：名称取自字段 “{meta.label_of(fieldname)}” ({fieldname})，该字段不能为空",
                                 field=fieldname)
        return str(value).strip()
    if autoname.startswith("format:"):
        return given or _from_format(ctx, doc, autoname[7:])
    if autoname.startswith("naming_series:"):
        if given:
            return given
        series = doc.get("naming_series") or _default_series(meta)
        field = meta.get_field("naming_series")
        if field is not None and field.select_options() and series not in field.select_options():
            raise ValidationError(f"{meta.display_name}：编号规则 “{series}” 不在可选项中（{'、'.join(field.select_options())}）",
                                  field="naming_series")
        return _from_series(ctx, doc, series)
    if autoname == "autoincrement":
        return given or str(next_value(ctx, "__autoincrement:" + doc.doctype))
    if autoname.lower() == "prompt":
        if not given:
            raise MandatoryError(f"{doc.doctype}：请填写名称", field="name")
        return str(given).strip()
    if autoname and "#" in autoname and not autoname.startswith(("hash", "Hash")):
        return given or _from_series(ctx, doc, autoname)
    return given or random_hash()


def _default_series(meta) -> str:
    field = meta.get_field("naming_series")
    if field and field.select_options():
        return field.default or field.select_options()[0]
    return ""


def client_may_name(meta) -> bool:
    """Whether a client's `name` (or `__newname`) is taken: only where the naming rule is "set by
    user" (Prompt). Every other rule — a field, an expression, a series, a counter, a hash — makes
    the name on the server, so a client can neither choose it nor advance or block a counter."""
    return (meta.autoname or "").strip().lower() == "prompt"


def uses_counter(meta) -> bool:
    autoname = (meta.autoname or "").strip()
    return (autoname.startswith("naming_series:") or autoname == "autoincrement"
            or ("#" in autoname and not autoname.lower().startswith("hash")))


def chosen_by_user(meta) -> bool:
    """Whether names come from what people type (and so may collide with existing ones)."""
    autoname = (meta.autoname or "").strip()
    return not autoname or autoname.startswith("field:") or autoname.lower() == "prompt" or autoname.startswith("format:{")


def random_hash(length: int = 12) -> str:
    return secrets.token_hex(length // 2 + 1)[:length]
