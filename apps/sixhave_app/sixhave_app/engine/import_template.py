"""The import template of a DocType (Frappe's `download_template`): headers from meta (Chinese
labels, required ones marked with * and shaded), drop-downs for Select and Check fields and for
links with few choices, child-table columns as "Label (Table)", dates and numbers formatted, an
instructions sheet in Chinese — optionally filled with all the user's records or five of them."""
from __future__ import annotations

from pathlib import Path

from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from . import columns as cols
from . import excel, permissions, query
from .data_import import CHOICES_SHEET, INSTRUCTIONS_SHEET
from .errors import ValidationError

EXPORT_RECORDS = ("blank_template", "all", "5_records")
LIST_ROWS = 5000          # rows of the sheet that get the drop-downs
MAX_LINK_CHOICES = 300    # a link offers a drop-down when the user can pick from at most this many


def _selected(ctx, meta, export_fields):
    """Frappe's export_fields: {DocType or table fieldname: [fieldnames]}, or a list of the
    parent's fieldnames. None: every importable field of the parent and its tables."""
    if not export_fields:
        return None, None
    if isinstance(export_fields, list):
        return export_fields, {}
    if not isinstance(export_fields, dict):
        raise ValidationError("export_fields 应为 {DocType: [字段名]}", field="export_fields")
    parent = export_fields.get(meta.name) or export_fields.get(meta.display_name)
    tables = {tf.fieldname: export_fields[k] for tf in meta.table_fields
              for k in (tf.fieldname, tf.options) if k in export_fields}
    return parent, tables


def template_columns(ctx, meta, export_fields=None, *, with_id: bool) -> list[cols.Column]:
    parent, tables = _selected(ctx, meta, export_fields)
    main = cols.main_columns(ctx, meta, for_import=True, with_id=with_id)
    if parent is not None:
        keep = set(parent)
        main = [c for c in main if c.field is None or c.fieldname in keep or c.required]
    out = list(main)
    for tf in cols.table_fields(ctx, meta):
        if tables is not None and tables and tf.fieldname not in tables:
            continue
        child = cols.child_columns(ctx, meta, tf, for_import=True, with_id=with_id)
        if tables and tf.fieldname in tables:
            keep = set(tables[tf.fieldname])
            child = [c for c in child if c.field is None or c.fieldname in keep or c.required]
        if parent is not None and tables == {}:
            continue
        out += child
    return out


def _choices(ctx, column: cols.Column) -> list[str] | None:
    f = column.field
    if f is None:
        return None
    if f.kind.select:
        return f.select_options() or None
    if f.kind.boolean:
        return ["是", "否"]
    if f.kind.link and permissions.has_permission(ctx, f.options, "read"):
        if query.get_count(ctx, f.options) > MAX_LINK_CHOICES:
            return None
        return [str(n) for n in ctx.get_list(f.options, pluck="name", order_by="name asc", limit_page_length=MAX_LINK_CHOICES)]
    return None


def build(ctx, doctype: str, path: Path, *, export_fields=None, export_records: str = "blank_template",
          export_filters=None) -> int:
    """Write the template to `path`; returns how many records it holds."""
    meta = ctx.meta(doctype)
    if export_records not in EXPORT_RECORDS:
        raise ValidationError("export_records 应为 blank_template、all 或 5_records", field="export_records")
    with_records = export_records != "blank_template"
    if with_records:
        permissions.check(ctx, doctype, "export")
    else:
        permissions.check(ctx, doctype, "read")
    columns = template_columns(ctx, meta, export_fields, with_id=with_records)
    book = excel.new_book()
    headers = [c.header + (" *" if c.required else "") for c in columns]
    sheet = excel.SheetWriter(book, meta.display_name, headers, widths=[c.width for c in columns],
                              formats=[c.number_format for c in columns],
                              required=[c.required for c in columns])
    count = _records(ctx, meta, columns, sheet, export_records, export_filters) if with_records else 0
    choices_sheet = None
    for index, column in enumerate(columns, start=1):
        options = _choices(ctx, column)
        if not options:
            continue
        letter = get_column_letter(index)
        inline = ",".join(options)
        if len(inline) <= 250 and not any("," in o or '"' in o for o in options):
            formula = f'"{inline}"'
        else:
            if choices_sheet is None:
                choices_sheet = _ChoicesSheet(book)
            formula = choices_sheet.add(column.header, options)
        validation = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True,
                                    errorTitle="请从下拉列表中选择", error=f"“{column.header}”只能从下拉列表中选择")
        validation.add(f"{letter}2:{letter}{LIST_ROWS + 1}")
        sheet.sheet.data_validations.append(validation)
    _instructions(ctx, book, meta, columns)
    if choices_sheet is not None:
        choices_sheet.close()
    book.save(path)
    return count


class _ChoicesSheet:
    """Long option lists live on a hidden sheet, one column each."""

    def __init__(self, book):
        self.book = book
        self.lists: list[tuple[str, list[str]]] = []

    def add(self, header: str, options: list[str]) -> str:
        self.lists.append((header, options))
        letter = get_column_letter(len(self.lists))
        return f"{quote_sheetname(CHOICES_SHEET)}!${letter}$2:${letter}${len(options) + 1}"

    def close(self) -> None:
        sheet = self.book.create_sheet(CHOICES_SHEET)
        sheet.sheet_state = "hidden"
        depth = max(len(o) for _, o in self.lists)
        sheet.append([excel.safe_cell(sheet, h) for h, _ in self.lists])
        for i in range(depth):
            sheet.append([excel.safe_cell(sheet, o[i] if i < len(o) else None) for _, o in self.lists])


def _records(ctx, meta, columns, sheet, export_records: str, filters) -> int:
    """The user's records in Frappe's layout: a document's child rows on its row and the rows below."""
    main = [c for c in columns if c.table is None]
    limit = 5 if export_records == "5_records" else 0
    names = ctx.get_list(meta.name, pluck="name", filters=filters, limit_page_length=limit, ptype="export")
    positions = {id(c): i for i, c in enumerate(columns)}
    tables = []
    for c in columns:
        if c.table is not None and c.table.fieldname not in [t.fieldname for t in tables]:
            tables.append(c.table)
    for name in names:
        doc = ctx.get_doc(meta.name, name)
        rows = [[None] * len(columns)]
        for c in main:
            rows[0][positions[id(c)]] = c.to_cell(doc.name if c.field is None else doc.get(c.fieldname))
        for tf in tables:
            for i, child in enumerate(doc.get(tf.fieldname)):
                while len(rows) <= i:
                    rows.append([None] * len(columns))
                for c in columns:
                    if c.table is not None and c.table.fieldname == tf.fieldname:
                        rows[i][positions[id(c)]] = c.to_cell(child.name if c.field is None else child.get(c.fieldname))
        for row in rows:
            sheet.append(row)
    return len(names)


def _instructions(ctx, book, meta, columns) -> None:
    sheet = book.create_sheet(INSTRUCTIONS_SHEET)
    for letter, width in zip("ABCDE", (28, 26, 10, 40, 50)):
        sheet.column_dimensions[letter].width = width
    lines = [
        f"{meta.display_name}导入模板 · 填写说明",
        "1. 在第一个工作表中从第 2 行起每行填写一条记录；第 1 行是列名，请不要修改、删除或调换。",
        "2. 列名带 * 且底色为红色的是必填项。",
        "3. 日期请按“年-月-日”填写（如 2024-05-01），也可以使用 Excel 的日期格式。",
        "4. 带下拉箭头的列请从下拉列表中选择；“是/否”列填写“是”或“否”。",
        "5. 子表（如明细、评分项）的列名形如“列名 (子表名)”：同一记录的多行子表内容，从该记录所在行起向下逐行填写，"
        "下面的行只填子表列、不填主表列。",
        "6. 更新已有记录时，“ID”列填写记录编号（可先导出已有记录再修改）。",
        "7. 上传后系统会先检查每一行，列出有问题的工作表、行、列和原因；全部正确后才会写入。",
        "",
    ]
    for line in lines:
        sheet.append([excel.safe_cell(sheet, line, font=excel.HEADER_FONT if line == lines[0] else None)])
    header = ["列名", "类型", "必填", "可选值 / 格式", "说明"]
    sheet.append([excel.safe_cell(sheet, h, font=excel.HEADER_FONT, fill=excel.HEADER_FILL, border=excel.BORDER)
                  for h in header])
    for column in columns:
        f = column.field
        if f is None:
            sheet.append([excel.safe_cell(sheet, v) for v in
                          (column.header, "编号", "否", "", "新建时可留空；更新已有记录时必填")])
            continue
        kind = f.kind.import_hint or f.fieldtype
        if f.kind.link:
            kind = f"链接到“{ctx.meta(f.options).display_name}”（填写其编号）"
        options = "、".join(f.select_options()) if f.kind.select else (
            f"保留 {f.decimal_places()} 位小数" if f.exact_decimal else "")
        sheet.append([excel.safe_cell(sheet, v) for v in
                      (column.header, kind, "是" if f.reqd else "否", options, f.description or "")])

