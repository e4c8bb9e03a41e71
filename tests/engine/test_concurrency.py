"""Two saves of one document at the same moment: exactly one wins, the other is a conflict."""
import threading

from sixhave_app.engine.errors import TimestampMismatchError


def test_two_concurrent_saves_exactly_one_wins(site):
    with site.context() as ctx:
        name = ctx.insert({"doctype": "Test Note", "title": "base"}).name
    for attempt in range(3):
        with site.context(write=False) as reader:
            snapshot = reader.get_doc("Test Note", name).as_dict()
        barrier = threading.Barrier(2)
        outcomes = []

        def save(title):
            try:
                barrier.wait(timeout=10)
                with site.context() as ctx:
                    doc = ctx.get_doc("Test Note", name)
                    doc.update({"title": title, "modified": snapshot["modified"]})
                    doc.save()
                outcomes.append(("ok", title))
            except TimestampMismatchError:
                outcomes.append(("conflict", title))

        threads = [threading.Thread(target=save, args=(f"t{attempt}-{i}",)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        kinds = sorted(k for k, _ in outcomes)
        # Both start together from the same copy; SQLite serialises the writers, MariaDB runs both
        # and row-locks: in every case exactly one save lands and the other is a conflict.
        assert kinds.count("ok") == 1, outcomes
        winner = next(t for k, t in outcomes if k == "ok")
        with site.context(write=False) as ctx:
            assert ctx.get_doc("Test Note", name).title == winner
