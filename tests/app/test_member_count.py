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
