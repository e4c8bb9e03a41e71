"""Documents: insert, get, save, submit, cancel, amend, hooks, optimistic concurrency."""
import datetime as dt
from decimal import Decimal

import pytest

from sixhave_app.engine.errors import (DocstatusTransitionError, LinkValidationError, MandatoryError,
                                       TimestampMismatchError, UniqueValidationError, UpdateAfterSubmitError,
                                       ValidationError)
from tests.conftest import unique


def test_insert_and_get_round_trip_with_child_rows(ctx):
    cat = ctx.insert({"doctype": "Test Category", "label": unique("类别"), "code": "C1"})
    note = ctx.new_doc("Test Note", title="第一条", amount="12.345", score=3.14159, qty="7", done=True,
                       due="2024-03-01", at="2024-03-01 08:30:00", clock="09:15", email="a@b.cn",
                       phone="+86 510-1234", details="多行\n文本", meta_json={"a": [1, 2]},
                       category=cat.name)
    note.append("items", {"item": "茶叶", "qty": 2, "rate": "0.10"})
    note.append("items", {"item": "报刊", "qty": 1, "rate": 3})
    note.insert()
    assert note.flags.calls == ["before_insert", "validate", "after_insert", "on_update"]
    got = ctx.get_doc("Test Note", note.name)
    assert got.title == "第一条"
    assert got.amount == Decimal("12.35")
    assert got.score == Decimal("3.14")
    assert got.qty == 7 and got.done == 1
    assert got.due == dt.date(2024, 3, 1)
    assert got.at == dt.datetime(2024, 3, 1, 8, 30)
    assert got.clock == dt.time(9, 15)
    assert got.meta_json == {"a": [1, 2]}
    assert got.status == "Open"  # the Select default
    assert got.category_code == "C1"  # fetch_from
    assert got.summary == "第一条 (2)"
    assert [r.item for r in got.items] == ["茶叶", "报刊"]
    assert [r.idx for r in got.items] == [1, 2]
    assert got.items[0].parent == note.name and got.items[0].parenttype == "Test Note"
    assert got.items[0].rate == Decimal("0.10")
    assert got.owner == "Administrator" and got.docstatus == 0


@pytest.mark.parametrize("field,value,words", [
    ("qty", "abc", "数量"), ("qty", "1.5", "整数"), ("amount", "lots", "金额"), ("due", "2024-13-40", "截止日期"),
    ("status", "Maybe", "不在可选项中"), ("email", "not-an-email", "邮箱"), ("done", "perhaps", "完成"),
    ("code", "x" * 11, "过长"), ("at", "yesterday", "时间"), ("meta_json", "{bad", "JSON"),
])
def test_bad_values_are_rejected_naming_the_field(ctx, field, value, words):
    with pytest.raises(ValidationError) as err:
        ctx.insert({"doctype": "Test Note", "title": "x", field: value})
    assert words in err.value.message
    assert "Test Note" in err.value.message or "测试" in err.value.message or "“" in err.value.message


def test_mandatory_and_mandatory_depends_on(ctx):
    with pytest.raises(MandatoryError) as err:
        ctx.insert({"doctype": "Test Note"})
    assert "标题" in err.value.message
    with pytest.raises(MandatoryError) as err:
        ctx.insert({"doctype": "Test Note", "title": "t", "status": "Closed"})
    assert "关闭原因" in err.value.message
    ctx.insert({"doctype": "Test Note", "title": "t", "status": "Closed", "reason": "done"})


def test_child_row_errors_name_the_row(ctx):
    with pytest.raises(MandatoryError) as err:
        ctx.insert({"doctype": "Test Note", "title": "t", "items": [{"item": "a"}, {"qty": 2}]})
    assert "第 2 行" in err.value.message and "项目" in err.value.message


def test_link_targets_must_exist(ctx):
    with pytest.raises(LinkValidationError) as err:
        ctx.insert({"doctype": "Test Note", "title": "t", "category": "没有这个类别"})
    assert "没有这个类别" in err.value.message and "类别" in err.value.message
    with pytest.raises(LinkValidationError):
        ctx.insert({"doctype": "Test Note", "title": "t", "ref_type": "Test Category", "ref_name": "nope"})
    cat = ctx.insert({"doctype": "Test Category", "label": unique()})
    ctx.insert({"doctype": "Test Note", "title": "t", "ref_type": "Test Category", "ref_name": cat.name})


def test_unique_fields(ctx):
    code = unique()[:8]
    ctx.insert({"doctype": "Test Note", "title": "t", "code": code})
    with pytest.raises(UniqueValidationError) as err:
        ctx.insert({"doctype": "Test Note", "title": "t2", "code": code})
    assert "代码" in err.value.message


def test_save_with_stale_modified_is_a_conflict(site):
    with site.context() as ctx:
        name = ctx.insert({"doctype": "Test Note", "title": "v1"}).name
    with site.context(write=False) as reader:
        copy_b = reader.get_doc("Test Note", name).as_dict()
    with site.context() as a:
        doc_a = a.get_doc("Test Note", name)
        doc_a.title = "from a"
        doc_a.save()
    with site.context() as b:
        doc_b = b.get_doc("Test Note", name)
        doc_b.update({"title": "from b", "modified": copy_b["modified"]})
        with pytest.raises(TimestampMismatchError):
            doc_b.save()
    with site.context() as ctx:
        assert ctx.get_doc("Test Note", name).title == "from a"


def test_client_supplied_stale_modified_is_refused(ctx):
    doc = ctx.insert({"doctype": "Test Note", "title": "v1"})
    stale = doc.modified
    doc.title = "v2"
    doc.save()
    again = ctx.get_doc("Test Note", doc.name)
    again.update({"title": "v3", "modified": str(stale)})
    with pytest.raises(TimestampMismatchError):
        again.save()


def test_submit_cancel_amend(ctx):
    inv = ctx.new_doc("Test Invoice", customer="老干部局", items=[{"item": "a", "qty": 3, "rate": "0.1"}]).insert()
    assert inv.name.startswith(f"INV-{dt.date.today().year}-")
    assert inv.total == Decimal("0.30")
    inv.submit()
    assert inv.flags.calls[-2:] == ["before_submit", "on_submit"]
    assert ctx.get_doc("Test Invoice", inv.name).docstatus == 1
    inv.remarks = "allowed after submit"
    inv.save()
    inv.customer = "changed"
    with pytest.raises(UpdateAfterSubmitError) as err:
        inv.save()
    assert "客户" in err.value.message
    inv = ctx.get_doc("Test Invoice", inv.name)
    inv.cancel()
    assert ctx.get_doc("Test Invoice", inv.name).docstatus == 2
    with pytest.raises(DocstatusTransitionError):
        cancelled = ctx.get_doc("Test Invoice", inv.name)
        cancelled.docstatus = 0
        cancelled.save()
    amended = inv.amend().insert()
    assert amended.name == f"{inv.name}-1" and amended.amended_from == inv.name and amended.docstatus == 0
    assert [r.item for r in amended.items] == ["a"]
    amended.submit()
    amended.cancel()
    again = amended.amend().insert()
    assert again.name == f"{inv.name}-2"


def test_docstatus_only_moves_forward(ctx):
    inv = ctx.new_doc("Test Invoice", customer="c").insert()
    inv.docstatus = 2
    with pytest.raises(DocstatusTransitionError):
        inv.save()
    note = ctx.insert({"doctype": "Test Note", "title": "t"})
    with pytest.raises(DocstatusTransitionError):
        note.submit()


def test_controller_validate_can_refuse(ctx):
    with pytest.raises(ValidationError, match="forbidden"):
        ctx.insert({"doctype": "Test Note", "title": "forbidden"})


def test_singles(ctx):
    settings = ctx.get_doc("Test Settings")
    settings.update({"site_title": "无锡", "max_items": 5, "fee": "1.50", "enabled": 1})
    settings.save()
    again = ctx.get_doc("Test Settings")
    assert again.site_title == "无锡" and again.max_items == 5 and again.fee == Decimal("1.50")
    assert ctx.get_value("Test Settings", None, "site_title") == "无锡"


def test_chinese_and_slash_names(ctx):
    label = "中文/名称 " + unique()
    ctx.insert({"doctype": "Test Category", "label": label})
    assert ctx.get_doc("Test Category", label).label == label
