"""Uploads (Frappe's `upload_file`, multipart, attached to a document field) and file serving:
public files to anyone, private files to those who may read the document they belong to."""
from __future__ import annotations

import hashlib
import mimetypes
import re
import secrets
from pathlib import Path

from starlette.responses import FileResponse

from .. import permissions
from ..errors import DoesNotExistError, PermissionError, ValidationError
from .request import truthy
from .responses import Reply
from .whitelist import whitelist

MAX_BYTES = 25 * 1024 * 1024
_UNSAFE = re.compile(r"[^\w.\-\u4e00-\u9fff]+")


def _folder(ctx, private: bool) -> Path:
    folder = ctx.site.path / ("private" if private else "public") / "files"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _safe_name(name: str) -> str:
    name = Path(name or "file").name
    stem, dot, ext = name.rpartition(".")
    stem = _UNSAFE.sub("_", stem if dot else name).strip("._") or "file"
    ext = _UNSAFE.sub("", ext) if dot else ""
    return f"{stem}.{ext}" if ext else stem


@whitelist(methods=("POST",))
def upload_file(ctx, doctype=None, docname=None, fieldname=None, is_private=None, folder="Home",
                file_url=None, file_name=None, __files=None, **kwargs) -> dict:
    upload = (__files or {}).get("file")
    private = truthy(is_private, False)
    target = None
    if doctype and docname:
        target = ctx.get_doc(doctype, docname)  # 404 when out of scope
        permissions.check(ctx, doctype, "write", target)
        if fieldname and not target.meta.has_field(fieldname):
            raise ValidationError(f"{target.meta.display_name} 没有字段 “{fieldname}”")
    if upload is None and not file_url:
        raise ValidationError("请选择要上传的文件（表单字段 file）")
    if upload is not None:
        content = upload.file.read(MAX_BYTES + 1)
        if len(content) > MAX_BYTES:
            raise ValidationError(f"文件过大（最大 {MAX_BYTES // 1024 // 1024} MB）")
        name = _safe_name(file_name or upload.filename)
        stored = f"{secrets.token_hex(4)}-{name}"
        (_folder(ctx, private) / stored).write_bytes(content)
        url = ("/private/files/" if private else "/files/") + stored
        size, digest = len(content), hashlib.sha256(content).hexdigest()
    else:
        url, size, digest, name = file_url, 0, None, _safe_name(file_name or file_url.rsplit("/", 1)[-1])
    file_doc = ctx.new_doc("File", file_name=name, file_url=url, is_private=int(private), file_size=size,
                           content_hash=digest, folder=folder, attached_to_doctype=doctype,
                           attached_to_name=docname, attached_to_field=fieldname)
    file_doc.flags.ignore_permissions = True  # permitted by the write right on the document above
    file_doc.insert()
    if target is not None and fieldname:
        target.set(fieldname, url)
        target.save()
    return file_doc.as_dict()


def _serve(ctx, caller, private: bool) -> Reply:
    relative = caller.request.path_params["path"]
    folder = _folder(ctx, private).resolve()
    path = (folder / relative).resolve()
    if folder not in path.parents or not path.is_file():
        raise DoesNotExistError("文件不存在")
    if private:
        url = "/private/files/" + relative
        rows = ctx.get_list("File", filters={"file_url": url}, fields=["attached_to_doctype", "attached_to_name", "owner"],
                            ignore_permissions=True, limit_page_length=1)
        if not rows:
            raise DoesNotExistError("文件不存在")
        row = rows[0]
        if row["attached_to_doctype"] and row["attached_to_name"]:
            ctx.get_doc(row["attached_to_doctype"], row["attached_to_name"])  # read right and scope
        elif row["owner"] != ctx.user and ctx.user != "Administrator":
            raise PermissionError("没有权限查看此文件")
    media = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return Reply(response=FileResponse(path, media_type=media))


def serve_public(ctx, caller) -> Reply:
    return _serve(ctx, caller, private=False)


def serve_private(ctx, caller) -> Reply:
    return _serve(ctx, caller, private=True)
