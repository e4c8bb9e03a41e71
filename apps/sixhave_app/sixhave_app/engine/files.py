"""Files on disk and who may have them — the one module every door to a file goes through:
names made safe, URLs resolved inside the site's folders, the reading rule, storing an upload
within the size and type limits, and the headers a file is sent with.

The reading rule: a public file (`/files/…`) is anyone's. A private file (`/private/files/…`)
is read through a File record naming it: one attached to a document is readable by whoever may
read that document (and the field it sits in); one attached to nothing by its owner and System
Managers. Never on the strength of the URL alone, and never without a session."""
from __future__ import annotations

import hashlib
import mimetypes
import re
import secrets
import unicodedata
from pathlib import Path
from urllib.parse import quote

import sqlalchemy as sa

from . import limits
from .errors import DoesNotExistError, PermissionError, ValidationError

PUBLIC, PRIVATE = "/files/", "/private/files/"
CHUNK = 1024 * 1024
# Shown in the browser (inline); every other type is sent as a download, so that no uploaded
# HTML, SVG or script ever runs on the site's origin.
INLINE_SAFE = {"image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp", "application/pdf", "text/plain",
               "audio/mpeg", "audio/mp4", "audio/wav", "video/mp4"}
_UNSAFE = re.compile(r"[^\w.\-\u4e00-\u9fff（）()]+")


# --------------------------------------------------------------------------- names
def safe_filename(name, default: str = "file") -> str:
    """A file name without folders, control characters or anything a file system, a shell or a
    header would trip on; Chinese kept; at most 120 characters before a 10-character extension."""
    text = unicodedata.normalize("NFC", str(name or ""))
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    text = Path(text.replace("\\", "/")).name
    stem, dot, ext = text.rpartition(".")
    stem = _UNSAFE.sub("_", stem if dot else text).strip("._ ") or default
    ext = _UNSAFE.sub("", ext).strip("._")[:10] if dot else ""
    return f"{stem[:120]}.{ext}" if ext else stem[:120]


def extension(name: str) -> str:
    stem, dot, ext = str(name or "").rpartition(".")
    return ext.lower() if dot and stem else ""


def media_type(name: str) -> str:
    return mimetypes.guess_type(str(name))[0] or "application/octet-stream"


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """RFC 6266 with RFC 5987's `filename*` (UTF-8) and an ASCII `filename` for old clients."""
    clean = safe_filename(filename, "download")
    ascii_name = clean.encode("ascii", "ignore").decode().strip("._") or "download"
    if "." in clean and "." not in ascii_name:
        ascii_name = f"download.{extension(clean) or 'bin'}"
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(clean, safe='')}"


def download_headers(filename: str, *, inline: bool = False) -> dict:
    return {"Content-Disposition": content_disposition(filename, inline=inline), "X-Content-Type-Options": "nosniff"}


# --------------------------------------------------------------------------- where files are
def is_local(url) -> bool:
    return isinstance(url, str) and (url.startswith(PUBLIC) or url.startswith(PRIVATE))


def is_private(url) -> bool:
    return isinstance(url, str) and url.startswith(PRIVATE)


def folder(site, private: bool) -> Path:
    path = site.path / ("private" if private else "public") / "files"
    path.mkdir(parents=True, exist_ok=True)
    return path


def path_of(site, url) -> Path | None:
    """The file a site URL names, inside the site's files folder — None for anything else
    (other URLs, `..`, folders, files that are not there)."""
    if not is_local(url):
        return None
    base = folder(site, is_private(url)).resolve()
    relative = url.split("?", 1)[0].split("/files/", 1)[1]
    try:
        path = (base / relative).resolve()
    except (OSError, ValueError):
        return None
    return path if base in path.parents and path.is_file() else None


def url_for(site, path: Path) -> str | None:
    for private, prefix in ((True, PRIVATE), (False, PUBLIC)):
        base = folder(site, private).resolve()
        if base in path.parents:
            return prefix + path.relative_to(base).as_posix()
    return None


# --------------------------------------------------------------------------- who may read
def records(ctx, url: str) -> list:
    table = ctx.table("File")
    return ctx.conn.execute(sa.select(table.c.name, table.c.owner, table.c.file_name, table.c.attached_to_doctype,
                                      table.c.attached_to_name, table.c.attached_to_field)
                            .where(table.c.file_url == url)).all()


def _record_readable(ctx, row) -> bool:
    from . import permissions, storage

    if not (row.attached_to_doctype and row.attached_to_name):
        return row.owner == ctx.user or "System Manager" in ctx.roles
    doctype = row.attached_to_doctype
    if not ctx.site.metas.exists(doctype):
        return False
    try:
        values = storage.load(ctx, doctype, row.attached_to_name)
    except DoesNotExistError:
        return False
    if not permissions.has_permission(ctx, doctype, "read", values):
        return False
    field = row.attached_to_field
    return not field or field not in permissions.hidden_fieldnames(ctx, doctype)


def may_read(ctx, url) -> bool:
    """Whether the user may have the file a URL names (see the module's rule)."""
    if not is_local(url):
        return False
    if not is_private(url):
        return True
    if ctx.ignore_permissions or ctx.user == "Administrator":
        return True
    if ctx.user in (None, "Guest"):
        return False
    return any(_record_readable(ctx, row) for row in records(ctx, url.split("?", 1)[0]))


def readable_path(ctx, url, *, missing: str = "文件不存在", field: str | None = None) -> Path:
    """The file's path, for a user who may read it; 404 otherwise (its existence not told)."""
    path = path_of(ctx.site, url)
    if path is None or not may_read(ctx, url):
        raise DoesNotExistError(missing, field=field) if field else DoesNotExistError(missing)
    return path


def read_bytes(ctx, url, *, max_bytes: int | None = None, missing: str = "文件不存在", field: str | None = None) -> bytes:
    path = readable_path(ctx, url, missing=missing, field=field)
    if max_bytes is not None and path.stat().st_size > max_bytes:
        raise limits.too_large("文件", max_bytes)
    return path.read_bytes()


def display_name(ctx, url: str, path: Path) -> str:
    """The name a file is downloaded under: its File record's, else the stored one."""
    for row in records(ctx, url):
        if row.file_name:
            return row.file_name
    name = path.name
    return name.split("-", 1)[1] if re.match(r"^[0-9a-f]{8,16}-.", name) else name


# --------------------------------------------------------------------------- storing uploads
def check_type(site, name: str, field: str = "file") -> None:
    allowed = limits.allowed_extensions(site)
    ext = extension(name)
    if ext not in allowed:
        shown = f".{ext}" if ext else "（无扩展名）"
        raise ValidationError(f"不允许上传此类型的文件：{name}（{shown}）。允许的类型：{'、'.join(sorted(allowed))}",
                              field=field)


def read_upload(site, upload, *, field: str = "file") -> bytes:
    """An uploaded file's bytes (multipart), refused past `max_file_size` without reading on."""
    limit = limits.setting(site, "max_file_size")
    data = upload.file.read(limit + 1)
    if len(data) > limit:
        raise limits.too_large("文件", limit)
    return data


def store(ctx, upload, name: str, *, private: bool) -> tuple[str, int, str]:
    """Copy an upload into the site's files, in chunks within `max_file_size`; returns
    (url, size, sha256). The stored name starts with 16 random hex digits, so no URL can be
    guessed or registered ahead of the file."""
    site = ctx.site
    check_type(site, name)
    limit = limits.setting(site, "max_file_size")
    target = folder(site, private) / f"{secrets.token_hex(8)}-{name}"
    digest, size = hashlib.sha256(), 0
    try:
        with open(target, "xb") as out:
            while chunk := upload.file.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise limits.too_large("文件", limit)
                digest.update(chunk)
                out.write(chunk)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return url_for(site, target), size, digest.hexdigest()


def check_registration(ctx, url, *, stored_now: bool = False) -> None:
    """A File record may name a site file only when the upload that stored it makes the record:
    pointing a record at a file that exists, or that another record names, would hand that file
    to the readers of a document it was never attached to (server code on its own authority is
    trusted)."""
    if stored_now or not is_local(url) or ctx.ignore_permissions or ctx.user == "Administrator":
        return
    if path_of(ctx.site, url) is not None or records(ctx, url.split("?", 1)[0]):
        raise PermissionError(f"不能登记已存在的文件 “{url}”：文件只能通过上传附加到单据", field="file_url")
