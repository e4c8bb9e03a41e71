"""get_list / get_count / get_value: Frappe's filter forms and operators, checked against meta."""
from decimal import Decimal

import pytest

from sixhave_app.engine.errors import QueryError
from tests.conftest import unique


@pytest.fixture
def notes(ctx):
    tag = unique("q")
    rows = [("甲", "Open", "1.10", 3, "2024-01-05"), ("乙", "Closed", "2.20", 1, "2024-02-10"),
            ("丙", "Open", "3.30", 5, "2024-03-15"), ("丁", "Open", None, 2, None)]
    for title, status, amount, qty, due in rows:
        ctx.insert({"doctype": "Test Note", "title": f"{tag}{title}", "status": status, "amount": amount,
                    "qty": qty, "due": due, "reason": "r" if status == "Closed" else None, "details": tag,
                    "items": [{"item": f"{title}-x", "qty": qty}]})
    return tag


def titles(rows):
    return sorted(r["title"][-1] for r in rows)


def test_dict_and_list_filter_forms(ctx, notes):
    like = [["title", "like", f"{notes}%"]]
    assert titles(ctx.get_list("Test Note", fields=["title"], filters=like + [["status", "=", "Open"]])) == ["丁", "丙", "甲"]
    assert titles(ctx.get_list("Test Note", fields=["title"], filters={"details": notes, "status": "Closed"})) == ["乙"]
    assert titles(ctx.get_list("Test Note", fields=["title"], filters={"details": notes, "qty": [">", 2]})) == ["丙", "甲"]
    assert titles(ctx.get_list("Test Note", fields=["title"], filters='{"details": "%s", "qty": ["<=", 2]}' % notes)) == ["丁", "乙"]


@pytest.mark.parametrize("op,value,expected", [
    ("=", 3, ["甲"]), ("!=", 3, ["丁", "丙", "乙"]), ("<", 3, ["丁", "乙"]), (">", 3, ["丙"]),
    ("<=", 3, ["丁", "乙", "甲"]), (">=", 3, ["丙", "甲"]), ("in", [1, 5], ["丙", "乙"]),
    ("not in", [1, 5], ["丁", "甲"]), ("between", [2, 3], ["丁", "甲"]), ("in", "1,5", ["丙", "乙"]),
])
def test_comparison_operators(ctx, notes, op, value, expected):
    rows = ctx.get_list("Test Note", fields=["title"], filters=[["details", "=", notes], ["qty", op, value]])
    assert titles(rows) == sorted(expected)


def test_is_set_like_and_dates(ctx, notes):
    base = [["details", "=", notes]]
    assert titles(ctx.get_list("Test Note", fields=["title"], filters=base + [["amount", "is", "not set"]])) == ["丁"]
    assert titles(ctx.get_list("Test Note", fields=["title"], filters=base + [["due", "is", "set"]])) == ["丙", "乙", "甲"]
    assert titles(ctx.get_list("Test Note", fields=["title"], filters=base + [["title", "not like", "%甲"]])) == ["丁", "丙", "乙"]
    assert titles(ctx.get_list("Test Note", fields=["title"], filters=base + [["due", "between", ["2024-02-01", "2024-03-31"]]])) == ["丙", "乙"]
    assert titles(ctx.get_list("Test Note", fields=["title"], filters=base + [["due", ">", "2024-02-10"]])) == ["丙"]


def test_or_filters_order_paging(ctx, notes):
    rows = ctx.get_list("Test Note", fields=["title", "qty"], filters={"details": notes},
                        or_filters=[["qty", "=", 1], ["qty", "=", 5]], order_by="qty desc")
    assert [r["title"][-1] for r in rows] == ["丙", "乙"]
    page = ctx.get_list("Test Note", fields=["title"], filters={"details": notes}, order_by="qty asc",
                        limit_start=1, limit_page_length=2)
    assert [r["title"][-1] for r in page] == ["丁", "甲"]
    everything = ctx.get_list("Test Note", fields=["name"], filters={"details": notes}, limit_page_length=0)
    assert len(everything) == 4
    assert len(ctx.get_list("Test Note", filters={"details": notes}, order_by="")) == 4


def test_aggregates_group_by_and_exact_sums(ctx, notes):
    rows = ctx.get_list("Test Note", fields=["status", "count(name) as n", "sum(amount) as total"],
                        filters={"details": notes}, group_by="status", order_by="status asc")
    assert rows == [{"status": "Closed", "n": 1, "total": Decimal("2.2")}, {"status": "Open", "n": 3, "total": Decimal("4.4")}]


def test_child_table_filters_and_fields(ctx, notes):
    rows = ctx.get_list("Test Note", fields=["title"], filters=[["details", "=", notes], ["Test Note Item", "item", "=", "丙-x"]])
    assert titles(rows) == ["丙"]
    rows = ctx.get_list("Test Note", fields=["title", "`tabTest Note Item`.item"], filters={"details": notes}, order_by="title asc")
    assert sorted(r["item"] for r in rows) == ["丁-x", "丙-x", "乙-x", "甲-x"]


def test_count_and_value(ctx, notes):
    assert ctx.get_count("Test Note", {"details": notes}) == 4
    assert ctx.get_count("Test Note", [["details", "=", notes], ["status", "=", "Open"]]) == 3
    name = ctx.get_value("Test Note", {"title": f"{notes}乙"})
    assert ctx.get_value("Test Note", name, "qty") == 1
    assert ctx.get_value("Test Note", name, ["qty", "status"]) == [1, "Closed"]
    assert ctx.get_value("Test Note", name, ["qty", "status"], as_dict=True) == {"qty": 1, "status": "Closed"}
    assert ctx.get_value("Test Note", {"title": "no such"}) is None
    assert ctx.get_list("Test Note", filters={"details": notes}, pluck="qty", order_by="qty asc") == [1, 2, 3, 5]


@pytest.mark.parametrize("kwargs,words", [
    ({"fields": ["title; drop table x"]}, "不存在"),
    ({"fields": ["nosuchfield"]}, "nosuchfield"),
    ({"filters": [["nosuch", "=", 1]]}, "nosuch"),
    ({"filters": [["qty", "~", 1]]}, "运算符"),
    ({"order_by": "qty; delete"}, "排序字段"),
    ({"order_by": "nosuch desc"}, "nosuch"),
    ({"group_by": "nosuch"}, "nosuch"),
    ({"filters": "{not json"}, "JSON"),
    ({"filters": [["qty", "=", "abc"]]}, "数量"),
    ({"limit_page_length": "many"}, "limit_page_length"),
])
def test_bad_queries_are_clear_errors_never_sql(ctx, kwargs, words):
    with pytest.raises(QueryError) as err:
        ctx.get_list("Test Note", **kwargs)
    assert words in err.value.message


def test_sum_and_avg_over_non_numbers_are_refused_naming_the_field(ctx, notes):
    """A random run once sent sum(creation): SQLite adds the datetimes' text up to a number, which
    the datetime column's reader could not read back (a 500)."""
    for spec in ("sum(creation)", "avg(due)", "sum(title) as t"):
        with pytest.raises(QueryError) as err:
            ctx.get_list("Test Note", fields=[spec], filters={"details": notes})
        assert spec.split("(")[1].split(")")[0] in str(err.value)
    rows = ctx.get_list("Test Note", fields=["min(creation) as first", "max(due) as last", "count(name) as n"],
                        filters={"details": notes})
    assert rows[0]["n"] == 4 and str(rows[0]["last"]) == "2024-03-15" and rows[0]["first"] is not None


def test_avg_of_an_exact_decimal_is_read_back_in_its_units(ctx, notes):
    rows = ctx.get_list("Test Note", fields=["avg(amount) as a"], filters={"details": notes})
    assert rows[0]["a"] == Decimal("2.20")


@pytest.mark.parametrize("op", ["=", "!=", "<", ">", "<=", ">="])
def test_an_empty_date_in_a_comparison_means_not_set(ctx, notes, op):
    """A random run found `due < " "` a 500: the blank date became None inside a comparison."""
    rows = ctx.get_list("Test Note", fields=["title"], filters=[["details", "=", notes], ["due", op, " "]])
    expected = {"=": ["丁"], "!=": ["丙", "乙", "甲"]}.get(op, [])
    assert titles(rows) == expected
