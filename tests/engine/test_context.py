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
