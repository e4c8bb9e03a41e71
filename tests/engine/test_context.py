"""Context.as_user: acting as another user inside one transaction."""
import pytest

from sixhave_app.engine import permissions
from sixhave_app.engine.errors import PermissionError
from tests.conftest import unique


def test_as_user_shares_the_transaction_and_not_the_rights(site):
    outer = site.context(ignore_permissions=True)
    try:
        email = f"{unique('ctx')}@example.cn"
        outer.insert({"doctype": "User", "email": email, "first_name": "代办", "roles": [{"role": "支部委员"}]})
        note = outer.insert({"doctype": "Test Note", "title": unique("未提交")}).name
        with outer.as_user(email) as other:
            assert other.user == email and "支部委员" in other.roles and "System Manager" not in other.roles
            assert other.conn is outer.conn  # the same transaction: the uncommitted user and note are there
            assert other.exists("Test Note", note)
            assert not permissions.has_permission(other, "Role", "create")
            with pytest.raises(PermissionError):
                other.insert({"doctype": "Role", "role_name": unique("角色")})
            with pytest.raises(RuntimeError):
                other.commit()  # the outer context owns the transaction
        outer.rollback()
        with site.context(ignore_permissions=True) as after:
            assert not after.exists("Test Note", note) and not after.exists("User", email)
    finally:
        outer.close()


def test_names_found_in_scope_are_forgotten_with_a_failed_savepoint_and_when_the_tree_changes(site):
    """permissions.in_scope remembers the names it found in the user's scope for the transaction;
    what it learnt inside a savepoint that rolls back, or before the scoped tree is written, is
    asked again."""
    with site.context(ignore_permissions=True) as admin:
        district = admin.insert({"doctype": "Org Unit", "unit_name": unique("区"), "level": "市（县）区"}).name
        other = admin.insert({"doctype": "Org Unit", "unit_name": unique("区"), "level": "市（县）区"}).name
        email = f"{unique('scope')}@example.cn"
        admin.insert({"doctype": "User", "email": email, "first_name": "区", "roles": [{"role": "区级管理员"}]})
        admin.insert({"doctype": "User Permission", "user": email, "allow": "Org Unit", "for_value": district})
    ctx = site.context(user=email)
    try:
        assert permissions.in_scope(ctx, "Party Member", {"org": district})
        assert not permissions.in_scope(ctx, "Party Member", {"org": other})
        assert ctx.scope_hits[("Party Member", "Org Unit")] == {district}
        street = None
        with pytest.raises(RuntimeError):
            with ctx.atomic():
                street = ctx.insert({"doctype": "Org Unit", "unit_name": unique("街道"), "level": "街道",
                                     "parent_org_unit": district}).name
                assert permissions.in_scope(ctx, "Party Member", {"org": street})
                assert street in ctx.scope_hits[("Party Member", "Org Unit")]
                raise RuntimeError("the row fails after the node was made")
        assert not ctx.scope_hits  # forgotten: the node is gone
        assert not permissions.in_scope(ctx, "Party Member", {"org": street})
        assert permissions.in_scope(ctx, "Party Member", {"org": district})
        ctx.insert({"doctype": "Org Unit", "unit_name": unique("街道"), "level": "街道", "parent_org_unit": district})
        assert ("Party Member", "Org Unit") not in ctx.scope_hits  # the tree was written: ask again
    finally:
        ctx.rollback()
        ctx.close()
