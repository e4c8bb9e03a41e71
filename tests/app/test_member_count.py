"""A branch's member count (members on the roll) follows inserts, status changes, moves between
branches and deletions, whoever makes them."""


def counts(ctx, *branches):
    return [ctx.get_value("Party Organization", b.name, "member_count") or 0 for b in branches]


def test_member_count_follows_the_roll(ctx, branch):
    a, b = branch(), branch()
    first = a.member()
    a.member()
    a.member(status="转出")
    assert counts(ctx, a, b) == [2, 0]
    member = ctx.get_doc("Party Member", first)
    member.party_org = b.name
    member.save()
    assert counts(ctx, a, b) == [1, 1]
    member.status, member.death_date = "去世", "2026-01-01"
    member.save()
    assert counts(ctx, a, b) == [1, 0]
    ctx.delete_doc("Party Member", a.members[1])
    assert counts(ctx, a, b) == [0, 0]


def test_in_a_batch_the_count_is_made_once_at_its_end(ctx, branch):
    """An import's rows (Context.bulk): the branch is counted once when the batch ends."""
    a = branch()
    with ctx.bulk():
        for _ in range(3):
            a.member()
        assert counts(ctx, a) == [0]  # not yet: once, at the end
    assert counts(ctx, a) == [3]


def test_an_import_leaves_the_count_right(ctx, branch):
    from sixhave_app.engine import data_import, excel

    a = branch()
    columns = [("full_name", "姓名"), ("gender", "性别"), ("party_org", "党组织"), ("birth_date", "出生日期"),
               ("join_date", "入党日期")]
    rows = [{"full_name": f"导入党员{i}", "gender": "女", "party_org": a.name, "birth_date": "1952-03-01",
             "join_date": "1980-07-01"} for i in range(4)]
    outcome = data_import.run(ctx, "Party Member", excel.rows_to_xlsx("党员", columns, rows), data_import.INSERT, commit=True)
    assert outcome.summary()["inserted"] == 4, outcome.summary()
    assert counts(ctx, a) == [4]
