"""The studio's doors for forms, DocTypes, fixtures and permissions (`sixhave.customize.*`,
`sixhave.permissions.*`). Each door first asks the tool's rights (the DocPerm rights on the
DocTypes the tool writes: customize_form.require, doctype_builder.require,
permission_manager.require) — 403 otherwise — then does its work through the normal document
lifecycle, recorded in the change log."""
# no `from __future__ import annotations`: api/arguments.py reads these annotations at run time
# (`field` would otherwise be taken as text, the engine's convention for that name)
import io
import json
import tempfile
import zipfile
from pathlib import Path

from .. import admin_guard, change_log, customize_form, doctype_builder, fixtures, permission_manager
from ..errors import PermissionError, ValidationError
from .responses import Reply
from .whitelist import whitelist


def _text(value, name: str) -> str | None:
    """A scalar argument: text or nothing (a list or object there is the caller's mistake: 417)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    raise ValidationError(f"参数 {name} 应为文本", field=name)


def _json_arg(value, name: str):
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise ValidationError(f"参数 {name} 不是有效的 JSON", field=name) from None
    return value


@whitelist(methods=("GET",))
def access(ctx, **kwargs) -> dict:
    """Which studio tools this user may open (the desk shows only these; the doors check again)."""
    return {"customize_form": int(customize_form.may_use(ctx)), "doctype_builder": int(doctype_builder.may_use(ctx)),
            "permission_manager": int(permission_manager.may_use(ctx)),
            "fixtures": int(customize_form.may_use(ctx) and doctype_builder.may_use(ctx)),
            "system_manager": int(admin_guard.is_system_manager(ctx))}


# --------------------------------------------------------------------------- Customize Form
@whitelist(methods=("GET",))
def doctypes(ctx, **kwargs) -> list:
    customize_form.require(ctx)
    sm = admin_guard.is_system_manager(ctx)
    return [d for d in customize_form.doctypes(ctx) if sm or ctx.meta(d["name"]).module != admin_guard.CORE_MODULE]


@whitelist(methods=("GET",))
def load(ctx, doctype=None, **kwargs) -> dict:
    customize_form.require(ctx)
    return customize_form.load(ctx, _text(doctype, "doctype"))


@whitelist(methods=("POST",))
def add_field(ctx, doctype=None, field: dict | None = None, **kwargs) -> dict:
    customize_form.require(ctx)
    added = customize_form.add_field(ctx, _text(doctype, "doctype"), _json_arg(field, "field"))
    return {**customize_form.load(ctx, _text(doctype, "doctype")), "added": added}


@whitelist(methods=("POST",))
def update_field(ctx, doctype=None, fieldname=None, values: dict | None = None, **kwargs) -> dict:
    customize_form.require(ctx)
    values = _json_arg(values, "values")
    if not isinstance(values, dict) or not values:
        raise ValidationError("请给出要修改的属性 (values)", field="values")
    return customize_form.update_field(ctx, _text(doctype, "doctype"), _text(fieldname, "fieldname"), values)


@whitelist(methods=("POST",))
def remove_field(ctx, doctype=None, fieldname=None, **kwargs) -> dict:
    customize_form.require(ctx)
    return customize_form.remove_field(ctx, _text(doctype, "doctype"), _text(fieldname, "fieldname"))


@whitelist(methods=("POST",))
def reorder(ctx, doctype=None, order: list | None = None, **kwargs) -> dict:
    customize_form.require(ctx)
    return customize_form.reorder(ctx, _text(doctype, "doctype"), _json_arg(order, "order"))


@whitelist(methods=("POST",))
def set_list_view(ctx, doctype=None, columns: list | None = None, title_field=None, **kwargs) -> dict:
    customize_form.require(ctx)
    return customize_form.set_list_view(ctx, _text(doctype, "doctype"), _json_arg(columns, "columns") or [],
                                        _text(title_field, "title_field"))


def _tool_right(ctx, tool: str) -> bool:
    if tool in (customize_form.TOOL, "导入定制"):
        return customize_form.may_use(ctx) and (tool != "导入定制" or doctype_builder.may_use(ctx))
    if tool == doctype_builder.TOOL:
        return doctype_builder.may_use(ctx)
    if tool in (permission_manager.TOOL, "用户"):
        return permission_manager.may_use(ctx)
    return admin_guard.is_system_manager(ctx)


@whitelist(methods=("GET",))
def history(ctx, doctype=None, tool=None, **kwargs) -> list:
    if not any(_tool_right(ctx, t) for t in (customize_form.TOOL, doctype_builder.TOOL, permission_manager.TOOL)):
        raise PermissionError("没有权限查看定制修改记录")
    return change_log.history(ctx, _text(doctype, "doctype") or None, tool=_text(tool, "tool") or None)


@whitelist(methods=("POST",))
def revert(ctx, name=None, **kwargs) -> dict:
    """Undo one recorded studio change (the tool's right is asked of the change's own tool)."""
    if not any(_tool_right(ctx, t) for t in (customize_form.TOOL, doctype_builder.TOOL, permission_manager.TOOL)):
        raise PermissionError("没有权限撤销定制修改")
    new = change_log.revert(ctx, _text(name, "name"), allowed=lambda tool: _tool_right(ctx, tool))
    return {"reverted": name, "change": new}


# --------------------------------------------------------------------------- DocType builder
@whitelist(methods=("GET",))
def custom_doctypes(ctx, **kwargs) -> list:
    doctype_builder.require(ctx)
    return doctype_builder.custom_doctypes(ctx)


@whitelist(methods=("GET",))
def load_doctype(ctx, name=None, **kwargs) -> dict:
    doctype_builder.require(ctx)
    return doctype_builder.load(ctx, _text(name, "name"))


@whitelist(methods=("POST",))
def save_doctype(ctx, doc: dict | None = None, **kwargs) -> dict:
    doctype_builder.require(ctx)
    return doctype_builder.save(ctx, _json_arg(doc, "doc"))


# --------------------------------------------------------------------------- fixtures
def _require_fixtures(ctx) -> None:
    customize_form.require(ctx)
    doctype_builder.require(ctx)
    permission_manager.require(ctx)


@whitelist(methods=("GET", "POST"))
def export_fixtures(ctx, **kwargs) -> Reply:
    """The site's customisations as a zip of `fixtures/*.json` (the CLI's export-fixtures)."""
    _require_fixtures(ctx)
    with tempfile.TemporaryDirectory() as folder:
        fixtures.export_customisations(ctx, Path(folder))
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(Path(folder).glob("*.json")):
                zf.write(path, f"fixtures/{path.name}")
    from .export import _attachment

    return _attachment(buffer.getvalue(), f"fixtures-{ctx.site.name}.zip", "application/zip")


@whitelist(methods=("POST",))
def import_fixtures(ctx, __files=None, **kwargs) -> dict:
    """A zip (or one .json) of fixtures from another site: every record inserted or updated through
    the normal lifecycle, in one transaction (nothing written unless all pass), recorded as one
    revertible change."""
    _require_fixtures(ctx)
    upload = (__files or {}).get("file")
    if upload is None:
        raise ValidationError("请选择要导入的定制文件（.zip 或 .json）", field="file")
    name, content = upload.filename or "fixtures.zip", upload.file.read(fixtures.MAX_UPLOAD + 1)
    if len(content) > fixtures.MAX_UPLOAD:
        raise ValidationError("定制文件过大（最大 20 MB）", field="file")
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder)
        fixtures.unpack(content, name, target)
        rec = change_log.Recorder(ctx)
        counts = fixtures.import_folder(ctx, target, recorder=rec)
        rec.save(title=f"导入定制文件 {name}", ref_doctype=None, tool="导入定制")
    return {"changed": counts}


# --------------------------------------------------------------------------- permissions
@whitelist(methods=("GET",))
def perm_roles(ctx, **kwargs) -> list:
    permission_manager.require(ctx)
    return permission_manager.roles(ctx)


@whitelist(methods=("GET",))
def perm_matrix(ctx, doctype=None, **kwargs) -> dict:
    permission_manager.require(ctx)
    return permission_manager.matrix(ctx, _text(doctype, "doctype"))


@whitelist(methods=("POST",))
def perm_save(ctx, doctype=None, rows: list | None = None, reset: bool | None = None, **kwargs) -> dict:
    permission_manager.require(ctx)
    return permission_manager.save_matrix(ctx, _text(doctype, "doctype"), _json_arg(rows, "rows"),
                                          reset=bool(reset))


@whitelist(methods=("GET",))
def perm_users(ctx, txt=None, **kwargs) -> list:
    permission_manager.require(ctx)
    return permission_manager.user_list(ctx, _text(txt, "txt"))


@whitelist(methods=("POST",))
def perm_set_roles(ctx, user=None, roles: list | None = None, **kwargs) -> dict:
    permission_manager.require(ctx)
    return permission_manager.set_roles(ctx, _text(user, "user"), _json_arg(roles, "roles"))


@whitelist(methods=("POST",))
def perm_add_scope(ctx, user=None, for_value=None, **kwargs) -> dict:
    permission_manager.require(ctx)
    return permission_manager.add_scope(ctx, _text(user, "user"), _text(for_value, "for_value"))


@whitelist(methods=("POST",))
def perm_remove_scope(ctx, name=None, **kwargs) -> dict:
    permission_manager.require(ctx)
    return permission_manager.remove_scope(ctx, _text(name, "name"))


@whitelist(methods=("GET",))
def perm_preview(ctx, user=None, **kwargs) -> dict:
    permission_manager.require(ctx)
    return permission_manager.preview(ctx, _text(user, "user"))
