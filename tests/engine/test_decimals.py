"""Currency, Float with precision and scores stay exact decimals on every database."""
from decimal import Decimal

from hypothesis import HealthCheck, given, settings, strategies as st

from tests.conftest import unique


def test_sum_of_many_tenths_is_exact(ctx):
    tag = unique("dec")
    for _ in range(1000):
        ctx.insert({"doctype": "Test Note", "title": tag, "amount": "0.1", "score": 0.1})
    rows = ctx.get_list("Test Note", fields=["sum(amount) as a", "sum(score) as s", "count(name) as n"],
                        filters={"title": tag})
    assert rows == [{"a": Decimal("100.00"), "s": Decimal("100.00"), "n": 1000}]
    assert sum(ctx.get_all("Test Note", filters={"title": tag}, pluck="amount")) == Decimal("100")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.decimals(min_value=Decimal("-999999999.99"), max_value=Decimal("999999999.99"), places=2,
                   allow_nan=False, allow_infinity=False))
def test_currency_round_trips_exactly(ctx, value):
    doc = ctx.insert({"doctype": "Test Note", "title": "rt", "amount": value})
    assert ctx.get_value("Test Note", doc.name, "amount") == value
    assert ctx.get_list("Test Note", filters=[["name", "=", doc.name], ["amount", "=", value]], pluck="amount") == [value]
