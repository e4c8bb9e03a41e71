"""What administrators author — workflow conditions, depends_on / mandatory_depends_on /
read_only_depends_on rules, naming rules (autoname) and Jinja templates — is checked when it is
saved and contained when it runs.

When saved (a DocType's JSON or definition, a Custom Field, a Property Setter, a Workflow): each
expression is parsed, its names are checked against the DocType's fields and the helpers it may
call, and it is tried on a sample document built from the DocType's fields; a naming rule is
resolved on the same sample; a template is compiled in the sandbox and rendered with the sample.
A broken one is refused (MetaError, 417) with a Chinese message naming the field or transition
and the expression.

When run: a rule that still fails on some real document affects only that rule — `rule` answers
the rule's safe default — and is recorded in the Error Log (error_log.py); a template falls back
to plain text (`render`). Callers never see an exception from what an administrator wrote.
"""
from __future__ import annotations

import ast
import datetime as dt
import re
from decimal import Decimal

from . import expressions
from .errors import MetaError
from .standard import CHILD_COLUMNS, STANDARD_COLUMNS

SAMPLE_TEXT = "示例"
WORKFLOW_NAMES = ("doc", "user", "roles", "count", "today", "now")
RULE_NAMES = ("doc", "parent", "user", "roles")
_HASHES = re.compile(r"^#+$")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
DATE_PARTS = {"YYYY", "YY", "MM", "DD", "yyyy", "mm", "dd"}


# --------------------------------------------------------------------------- samples
def sample_document(metas, meta, *, depth: int = 0) -> dict:
    """A document of `meta` with a plausible value in every field (child tables: one row)."""
    now = dt.datetime.now().replace(microsecond=0)
    doc = {"name": SAMPLE_TEXT, "owner": "Administrator", "modified_by": "Administrator", "creation": now,
           "modified": now, "docstatus": 0, "idx": 1, "doctype": meta.name}
    for f in meta.fields:
        if not f.fieldname:
            continue
        if f.is_table:
            child = metas.get(f.options) if metas is not None and depth < 2 and f.options and metas.exists(f.options) else None
            doc[f.fieldname] = [sample_document(metas, child, depth=depth + 1)] if child is not None else []
        elif f.has_column:
            doc[f.fieldname] = _sample_value(f, now)
    return doc


def _sample_value(f, now):
    kind = f.kind
    if kind.sample is not None:
        return kind.sample
    if kind.select:
        options = f.select_options()
        return options[0] if options else SAMPLE_TEXT
    if kind.integer or kind.boolean:
        return 1
    if kind.decimal == "float":
        return 1.0
    if kind.decimal == "exact":
        return Decimal("1")
    if kind.temporal is not None:
        return {"date": now.date(), "datetime": now, "time": now.time()}[kind.temporal]
    if kind.json:
        return {}
    return SAMPLE_TEXT


# --------------------------------------------------------------------------- expressions
def _known_columns(metas, meta) -> set[str]:
    names = {f.fieldname for f in meta.fields if f.fieldname} | set(STANDARD_COLUMNS) | set(CHILD_COLUMNS)
    return names | {"doctype", "workflow_state"}


def check_names(text: str, *, columns: set[str], names: set[str]) -> None:
    """Every bare name must be a field, a known name or a safe function; `doc.x` a field of the
    DocType (typos that would silently read as empty are refused)."""
    tree = expressions.compile_expression(text)
    allowed = set(names) | set(expressions.SAFE_FUNCTIONS) | columns
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id not in allowed and node.id not in ("True", "False", "None"):
            raise expressions.ExpressionError(f"表达式 “{text}” 中的名称 “{node.id}” 未定义（不是本单据的字段，也不是可用的函数）")
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "doc" \
                and node.attr != "get" and node.attr not in columns:
            raise expressions.ExpressionError(f"表达式 “{text}” 中的 doc.{node.attr} 不是本单据的字段")


def check_rule(metas, meta, text, *, where: str) -> None:
    """A depends_on-style rule of `meta`: parsed, names checked, tried on a sample document."""
    if not text or not str(text).strip():
        return
    text = str(text).strip()
    if not text.startswith("eval:") and re.match(r"^[a-z_][a-z0-9_]*$", text):
        if text not in _known_columns(metas, meta):
            raise MetaError(f"{where}：条件 “{text}” 不是本单据的字段")
        return
    try:
        check_names(text, columns=_known_columns(metas, meta), names=set(RULE_NAMES))
        sample = sample_document(metas, meta)
        expressions.evaluate(text, sample, parent=sample, user="Administrator", roles=[])
    except expressions.ExpressionError as exc:
        raise MetaError(f"{where}：{exc.message}") from None
    except Exception as exc:  # noqa: BLE001 - whatever a sample run raises makes the rule unusable
        raise MetaError(f"{where}：表达式 “{text}” 在示例单据上出错：{exc}") from None


def check_condition(ctx, meta, text: str, *, where: str, helpers: dict) -> None:
    """A workflow transition's condition: names, then a run on a sample document with the helpers."""
    try:
        check_names(text, columns=_known_columns(ctx.site.metas, meta), names=set(WORKFLOW_NAMES) | set(helpers))
        sample = sample_document(ctx.site.metas, meta)
        expressions.evaluate(text, sample, **helpers)
    except expressions.ExpressionError as exc:
        raise MetaError(f"{where}：{exc.message}") from None
    except Exception as exc:  # noqa: BLE001
        raise MetaError(f"{where}：条件 “{text}” 在示例单据上出错：{exc}") from None


RULE_KEYS = (("depends_on", "显示条件"), ("mandatory_depends_on", "必填条件"), ("read_only_depends_on", "只读条件"))


def check_doctype_rules(metas, meta, *, where: str) -> None:
    """Every rule and the naming rule of a DocType definition (a Meta built from it;
    meta.validate_doctype_dict calls this)."""
    for f in meta.fields:
        for key, word in RULE_KEYS:
            text = getattr(f, key, None)
            if text:
                check_rule(metas, meta, text, where=f"{where}: 字段 “{f.fieldname}” 的{word}（{key}）")
    check_autoname(meta, where=where)


# --------------------------------------------------------------------------- naming rules
def check_autoname(meta, *, where: str) -> None:
    """Frappe's naming rules, and nothing else: a rule that cannot name a document is refused."""
    autoname = (meta.autoname or "").strip()
    fields = {f.fieldname for f in meta.fields}
    label = f"{where}: 命名规则 “{autoname}”"
    if autoname.lower() in ("", "hash", "prompt", "autoincrement", "uuid") or meta.istable:
        return
    if autoname.startswith("field:"):
        if autoname[6:].strip() not in fields:
            raise MetaError(f"{label} 引用的字段不存在")
        return
    if autoname.startswith("naming_series:"):
        if "naming_series" not in fields:
            raise MetaError(f"{label} 需要一个 naming_series 字段")
        for option in meta.get_field("naming_series").select_options():
            _check_series(option, fields, f"{where}: 编号规则 “{option}”")
        return
    if autoname.startswith("format:"):
        pattern = autoname[7:]
        if pattern.count("{") != pattern.count("}"):
            raise MetaError(f"{label} 的花括号不成对")
        counters = 0
        for token in _PLACEHOLDER.findall(pattern):
            if _HASHES.match(token):
                counters += 1
            elif token not in DATE_PARTS and token not in fields:
                raise MetaError(f"{label} 中的 “{{{token}}}” 既不是日期、编号，也不是本单据的字段")
        if counters > 1:
            raise MetaError(f"{label} 只能有一个编号（{{###}}）")
        if not _PLACEHOLDER.sub("", pattern).strip() and not counters and not _PLACEHOLDER.findall(pattern):
            raise MetaError(f"{label} 为空")
        return
    if "#" in autoname:
        _check_series(autoname, fields, label)
        return
    raise MetaError(f"{label} 无法识别（可用：field:字段、format:…{{####}}、naming_series:、前缀.####、hash、autoincrement、Prompt）")


def _check_series(series: str, fields: set[str], label: str) -> None:
    parts = series.split(".")
    hashes = [p for p in parts if p and set(p) == {"#"}]
    if len(hashes) > 1:
        raise MetaError(f"{label} 只能有一个编号（####）")
    for part in parts:
        if part.startswith("{") and part.endswith("}") and part[1:-1] not in fields:
            raise MetaError(f"{label} 中的 “{part}” 不是本单据的字段")
        if "{" in part and not (part.startswith("{") and part.endswith("}")):
            raise MetaError(f"{label} 中的 “{part}” 无效")


# --------------------------------------------------------------------------- templates
def _environment():
    """The print sandbox (print_sandbox.py), with the pure helpers: one checker and one runtime
    for every template an administrator writes — print formats, letter heads, workflow messages."""
    from . import print_helpers, print_sandbox

    return print_sandbox.PrintEnvironment(dict(print_helpers.PURE), dict(print_helpers.PURE))


def _run(env, text: str, values: dict) -> str:
    from . import print_sandbox

    renderer = print_sandbox.Renderer(env, time_limit=2.0, size=1)
    return renderer.render(renderer.template(("message", None), None, str(text), "通知模板"), {"doc": expressions._Doc(values)})


def check_template(text: str, *, where: str, sample: dict) -> None:
    """The sandbox's check (print_sandbox.findings: syntax, imports, unsafe names and attributes,
    unknown functions — each with its line), then a render with a sample document."""
    if not text or not str(text).strip():
        return
    from . import print_sandbox
    from .errors import SixhaveError

    env = _environment()
    found = print_sandbox.problems(env, str(text), what="模板")
    if found:
        raise MetaError(f"{where}：模板有误（{'；'.join(found[:3])}）")
    try:
        _run(env, text, sample)
    except SixhaveError as exc:
        raise MetaError(f"{where}：模板在示例单据上出错（{exc.message}）") from None
    except Exception as exc:  # noqa: BLE001 - an error of the template's own making
        raise MetaError(f"{where}：模板在示例单据上出错（{exc}）") from None


def render(ctx, text: str, values: dict, *, item: str, fallback: str = "", reference=None) -> str:
    """Render an administrator's template; on any failure, record it and return `fallback`."""
    try:
        return _run(_environment(), text, values)
    except Exception as exc:  # noqa: BLE001 - only this text is affected
        from . import error_log

        error_log.record(ctx, item, f"{type(exc).__name__}: {getattr(exc, 'message', exc)}",
                         reference_doctype=(reference or (None, None))[0],
                         reference_name=(reference or (None, None))[1])
        return fallback


# --------------------------------------------------------------------------- at run time
def rule(ctx, text, values: dict, *, default: bool, item: str, reference=None) -> bool:
    """A depends_on-style rule on a real document; a failure answers `default` and is recorded."""
    try:
        return expressions.depends_on_true(text, values)
    except Exception as exc:  # noqa: BLE001 - only this rule is affected
        from . import error_log

        error_log.record(ctx, item, f"{type(exc).__name__}: {getattr(exc, 'message', exc)}",
                         reference_doctype=(reference or (None, None))[0], reference_name=(reference or (None, None))[1])
        return default
