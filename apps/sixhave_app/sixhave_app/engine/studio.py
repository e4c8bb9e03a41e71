"""The administrator's studio: who may open which tool, and every studio change's history (the
Version records of the document: who, when, what) with "revert" — undo one change and every later
one, itself saved as a new change through the normal save (validation, permissions, Version).

Rights are the DocType's own: a tool is open to whoever may write the DocType it edits (the app
grants its city administrator those rights, see hooks.permissions); nothing here is per role."""
from __future__ import annotations

import json
from dataclasses import dataclass

from . import permissions
from .api.whitelist import whitelist
from .errors import DoesNotExistError, PermissionError, ValidationError

# tool → the DocType whose write right opens it (apps add theirs through hooks.studio_tools)
ENGINE_TOOLS = {"workflow": "Workflow", "print_format": "Print Format"}


def tools(ctx) -> dict[str, str]:
    out = dict(ENGINE_TOOLS)
    out.update(ctx.site.hooks.studio_tools)
    return {k: v for k, v in out.items() if ctx.site.metas.exists(v)}


@dataclass(frozen=True)
class Rights:
    """What opens a tool: each (DocType, right) in `needed`. The customiser, the DocType builder and
    the permission manager declare theirs; a design tool of `tools` needs the write right on its DocType."""
    needed: tuple[tuple[str, str], ...]

    def require(self, ctx) -> None:
        """403 naming the first right the user lacks."""
        for doctype, right in self.needed:
            permissions.check(ctx, doctype, right)

    def may_use(self, ctx) -> bool:
        return all(permissions.has_permission(ctx, doctype, right) for doctype, right in self.needed)


def require(ctx, tool: str) -> str:
    """The DocType behind `tool`, when the user may write it; else 403 (the same for every tool)."""
    doctype = tools(ctx).get(tool)
    if doctype is None:
        raise DoesNotExistError(f"没有 “{tool}” 这个设计工具")
    if not Rights(((doctype, "write"),)).may_use(ctx):
        raise PermissionError("没有权限：只有市级管理员（或系统管理员）可以使用设计工具")
    return doctype


def existing_doctype(ctx, doctype) -> str:
    """The DocType a tool's argument names, or 404."""
    if not isinstance(doctype, str) or not ctx.site.metas.exists(doctype):
        raise DoesNotExistError(f"单据类型 “{doctype}” 不存在", doctype="DocType", name=doctype)
    return doctype


@whitelist(methods=("GET",))
def access(ctx, **kwargs) -> dict:
    """The tools this user may open (the desk shows only these)."""
    return {tool: permissions.has_permission(ctx, doctype, "write") for tool, doctype in tools(ctx).items()}


# --------------------------------------------------------------------------- history and revert
def _studio_doctype(ctx, doctype) -> str:
    if not isinstance(doctype, str) or doctype not in tools(ctx).values():
        raise ValidationError(f"“{doctype}” 不是设计工具管理的单据类型")
    if not permissions.has_permission(ctx, doctype, "write"):
        raise PermissionError(f"没有权限修改 {ctx.meta(doctype).display_name}")
    return doctype


def _versions(ctx, doctype: str, name: str) -> list[dict]:
    rows = ctx.get_all("Version", filters={"ref_doctype": doctype, "docname": name},
                       fields=["name", "owner", "creation", "data"], order_by="creation desc",
                       limit_page_length=200, ignore_permissions=True)
    for row in rows:
        if isinstance(row.get("data"), str):
            row["data"] = json.loads(row["data"] or "{}")
    return rows


def summary(data: dict) -> str:
    parts = []
    changed = [c[0] for c in data.get("changed") or []]
    if changed:
        parts.append("修改 " + "、".join(changed[:6]) + ("…" if len(changed) > 6 else ""))
    for key, word in (("added", "新增行"), ("removed", "删除行"), ("row_changed", "修改行")):
        if data.get(key):
            parts.append(f"{word} {len(data[key])}")
    return "；".join(parts) or "无变化"


@whitelist(methods=("GET",))
def history(ctx, doctype=None, name=None, **kwargs) -> list:
    doctype = _studio_doctype(ctx, doctype)
    ctx.get_doc(doctype, name)  # 404 when absent
    return [{"version": r["name"], "user": r["owner"], "when": r["creation"], "summary": summary(r["data"]),
             "data": r["data"]} for r in _versions(ctx, doctype, name)]


def undo(values: dict, data: dict) -> dict:
    """`values` (a document as a dict) with one Version's diff taken back."""
    for fieldname, old, _new in data.get("changed") or []:
        if fieldname != "docstatus":
            values[fieldname] = old
    for table, row in data.get("added") or []:
        values[table] = [r for r in values.get(table) or [] if r.get("name") != row.get("name")]
    for table, row in data.get("removed") or []:
        rows = list(values.get(table) or [])
        rows.insert(max(int(row.get("idx") or len(rows) + 1) - 1, 0), dict(row))
        values[table] = rows
    for table, _idx, rowname, cells in data.get("row_changed") or []:
        for row in values.get(table) or []:
            if row.get("name") == rowname:
                for fieldname, old, _new in cells:
                    row[fieldname] = old
    return values


@whitelist(methods=("POST",))
def revert(ctx, doctype=None, name=None, version=None, **kwargs) -> dict:
    """Undo `version` and every change after it, in one save (recorded as a change of its own)."""
    doctype = _studio_doctype(ctx, doctype)
    doc = ctx.get_doc(doctype, name)
    versions = _versions(ctx, doctype, name)
    position = next((i for i, v in enumerate(versions) if v["name"] == version), None)
    if position is None:
        raise ValidationError(f"修改记录 “{version}” 不属于 {doctype} “{name}”", field="version")
    values = doc.as_dict(convert=False)
    for v in versions[:position + 1]:
        values = undo(values, v["data"])
    tables = {tf.fieldname for tf in doc.meta.table_fields}
    for key, value in values.items():
        if key in tables:
            doc.set(key, [{k: v for k, v in r.items() if k not in ("parent", "parenttype", "parentfield", "doctype")}
                          for r in value or []])
        elif key not in ("name", "doctype", "modified", "modified_by", "creation", "owner", "docstatus"):
            doc.set(key, value)
    doc.flags.studio_revert = version
    doc.save()
    return doc.as_dict()
