"""Uploads (Frappe's `upload_file`, multipart, attached to a document field; private unless the
client asks otherwise) and file serving. Every rule — names, limits, who may read, the headers —
is in engine/files.py; this module only speaks HTTP."""
from __future__ import annotations

from starlette.responses import FileResponse

from .. import files, permissions, users
from ..errors import DoesNotExistError, PermissionError, ValidationError
from .request import truthy
from .responses import Reply
from .whitelist import whitelist


@whitelist(methods=("POST",))
def upload_file(ctx, doctype=None, docname=None, fieldname=None, is_private=None, folder="Home",
                file_url=None, file_name=None, __files=None, **kwargs) -> dict:
    upload = (__files or {}).get("file")
    private = truthy(is_private, True)
    target = None
    if doctype and docname:
        if not isinstance(doctype, str) or not ctx.site.metas.exists(doctype):
            raise DoesNotExistError(f"DocType “{doctype}” 不存在")
        target = ctx.get_doc(doctype, docname)  # 404 when out of scope
        permissions.check(ctx, doctype, "write", target)
        if fieldname and not target.meta.has_field(fieldname):
            raise ValidationError(f"{target.meta.display_name} 没有字段 “{fieldname}”", field="fieldname")
    elif doctype or docname:
        raise ValidationError("附加文件须同时指定 doctype 和 docname", field="docname")
    if upload is None and not file_url:
        raise ValidationError("请选择要上传的文件（表单字段 file）", field="file")
    stored = None
    if upload is not None:
        name = files.safe_filename(file_name or upload.filename)
        url, size, digest = files.store(ctx, upload, name, private=private)
        stored = files.path_of(ctx.site, url)
    else:
        if not isinstance(file_url, str):
            raise ValidationError("file_url 应为文本", field="file_url")
        files.check_registration(ctx, file_url)
        url, size, digest = file_url, 0, None
        name = files.safe_filename(file_name or file_url.rsplit("/", 1)[-1])
        private = files.is_private(url)
    try:
        file_doc = ctx.new_doc("File", file_name=name, file_url=url, is_private=int(private), file_size=size,
                               content_hash=digest, folder=folder, attached_to_doctype=doctype or None,
                               attached_to_name=docname or None, attached_to_field=fieldname or None)
        file_doc.flags.ignore_permissions = True  # permitted by the write right on the document above
        file_doc.flags.stored_now = stored is not None
        file_doc.insert()
        if target is not None and fieldname:
            target.set(fieldname, url)
            target.save()
    except BaseException:
        if stored is not None:
            stored.unlink(missing_ok=True)
        raise
    return file_doc.as_dict()


def _serve(ctx, caller, private: bool) -> Reply:
    url = ("/private/files/" if private else "/files/") + caller.request.path_params["path"]
    if private and ctx.user in (None, users.GUEST):
        raise PermissionError("请先登录后再查看此文件")
    if not files.may_read(ctx, url):  # asked first: a refusal says nothing of whether the file exists
        raise PermissionError("没有权限查看此文件")
    path = files.path_of(ctx.site, url)
    if path is None:
        raise DoesNotExistError("文件不存在")
    media = files.media_type(path.name)
    headers = files.download_headers(files.display_name(ctx, url, path), inline=media in files.INLINE_SAFE)
    if private:
        headers["Cache-Control"] = "private, no-cache"
    return Reply(response=FileResponse(path, media_type=media, headers=headers))


def serve_public(ctx, caller) -> Reply:
    return _serve(ctx, caller, private=False)


def serve_private(ctx, caller) -> Reply:
    return _serve(ctx, caller, private=True)
