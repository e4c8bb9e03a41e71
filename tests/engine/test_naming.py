"""Naming: field:, format:, naming_series:, hash, autoincrement; counters safe under concurrency."""
import datetime as dt
import threading

import pytest

from sixhave_app.engine.errors import DuplicateEntryError, MandatoryError
from tests.conftest import unique


def test_field_naming_and_duplicates(ctx):
    label = unique("类别")
    assert ctx.insert({"doctype": "Test Category", "label": label}).name == label
    with pytest.raises((DuplicateEntryError, Exception)) as err:
        ctx.insert({"doctype": "Test Category", "label": label})
    assert label in str(err.value)
    with pytest.raises(MandatoryError):
        ctx.insert({"doctype": "Test Category"})


def test_series_and_format_and_autoincrement(ctx):
    year = dt.date.today().year
    a = ctx.insert({"doctype": "Test Series", "title": "a"}).name
    b = ctx.insert({"doctype": "Test Series", "title": "b"}).name
    assert a.startswith(f"TS-{year}-") and len(a.split("-")[-1]) == 4
    assert int(b.split("-")[-1]) == int(a.split("-")[-1]) + 1
    x = ctx.insert({"doctype": "Test Series", "title": "x", "naming_series": "TX-.####"}).name
    assert x.startswith("TX-")
    n1 = int(ctx.insert({"doctype": "Test Counter", "title": "1"}).name)
    n2 = int(ctx.insert({"doctype": "Test Counter", "title": "2"}).name)
    assert n2 == n1 + 1
    h = ctx.insert({"doctype": "Test Note", "title": "h"}).name
    assert len(h) == 12


def test_concurrent_inserts_get_distinct_numbers(site):
    """Eight threads insert at once; every name is distinct and the numbers have no gaps."""
    names, errors = [], []

    def worker():
        try:
            for _ in range(5):
                with site.context() as ctx:
                    names.append(ctx.insert({"doctype": "Test Invoice", "customer": "并发"}).name)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(names) == 40 and len(set(names)) == 40
    numbers = sorted(int(n.rsplit("-", 1)[1]) for n in names)
    assert numbers == list(range(numbers[0], numbers[0] + 40))
