"""Errors are types: each carries its HTTP status and the name Frappe clients know it by."""
from __future__ import annotations


class SixhaveError(Exception):
    http_status = 500
    title = "错误"

    def __init__(self, message: str = "", **details):
        super().__init__(message)
        self.message = message
        self.details = details

    @property
    def exc_type(self) -> str:
        return type(self).__name__


class ValidationError(SixhaveError):
    http_status = 417
    title = "校验失败"


class BadRequestError(ValidationError):
    """A request that cannot be read at all (a body the form parser refuses, a NUL in the path)."""
    http_status = 400
    title = "请求格式无效"


class MandatoryError(ValidationError):
    title = "缺少必填项"


class LinkValidationError(ValidationError):
    title = "链接无效"


class UniqueValidationError(ValidationError):
    title = "值重复"


class TimestampMismatchError(ValidationError):
    """A save based on a stale copy: someone else saved the document first."""
    title = "文档已被他人修改"


ConflictError = TimestampMismatchError


class DocstatusTransitionError(ValidationError):
    title = "状态不允许此操作"


class UpdateAfterSubmitError(ValidationError):
    title = "提交后不可修改"


class LinkExistsError(ValidationError):
    title = "存在引用"


class MetaError(ValidationError):
    """Invalid metadata (a DocType definition); the message names the file or DocType and field."""
    title = "元数据无效"


class QueryError(ValidationError):
    title = "查询无效"


class PermissionError(SixhaveError):  # noqa: A001 - Frappe's name, shadowing on purpose
    http_status = 403
    title = "没有权限"


class DoesNotExistError(SixhaveError):
    http_status = 404
    title = "不存在"


class MethodNotAllowedError(SixhaveError):
    """An HTTP verb the address or method does not take (GET on a method that changes state…)."""
    http_status = 405
    title = "请求方式不对"


class DuplicateEntryError(SixhaveError):
    http_status = 409
    title = "重复"


class AuthenticationError(SixhaveError):
    http_status = 401
    title = "未登录或认证失败"


class CSRFTokenError(SixhaveError):
    http_status = 400
    title = "CSRF 令牌无效"


class TooManyRequestsError(SixhaveError):
    """`retry_after` (seconds) in the details becomes the Retry-After header."""
    http_status = 429
    title = "请求过于频繁"


class UnsupportedMediaTypeError(SixhaveError):
    """A request body of a content type the route does not read (e.g. text/plain)."""
    http_status = 415
    title = "请求体类型不支持"


class SiteError(SixhaveError):
    """A site that is missing, misconfigured or whose database cannot be reached."""
    title = "站点错误"
