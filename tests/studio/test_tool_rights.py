"""Who opens the studio's tools: one check (`studio.Rights`) for the customiser, the DocType builder
and the permission manager, the same one a design tool's write right goes through."""
import pytest

from sixhave_app.engine import customize_form, doctype_builder, permission_manager, studio
from sixhave_app.engine.errors import DoesNotExistError, PermissionError, ValidationError

TOOLS = (customize_form, doctype_builder, permission_manager)


def test_each_tool_opens_by_its_declared_rights(studio_site, people):
    assert all(isinstance(tool.RIGHTS, studio.Rights) for tool in TOOLS)
    with studio_site.context(user=people["city_admin"].name) as ctx:  # granted by the app's hooks.permissions
        for tool in TOOLS:
            assert tool.may_use(ctx)
            tool.require(ctx)
        assert studio.require(ctx, "workflow") == "Workflow"
    with studio_site.context(user=people["liangxi_admin"].name) as ctx:
        for tool in TOOLS:
            assert not tool.may_use(ctx)
            with pytest.raises(PermissionError):
                tool.require(ctx)
        with pytest.raises(PermissionError, match="设计工具"):
            studio.require(ctx, "workflow")


def test_a_tools_doctype_argument_is_checked_in_one_place(studio_site):
    with studio_site.context() as ctx:
        for check in (customize_form._doctype, permission_manager._doctype, studio.existing_doctype):
            with pytest.raises(DoesNotExistError, match="不存在"):
                check(ctx, "No Such DocType")
            with pytest.raises(DoesNotExistError):
                check(ctx, None)
        assert customize_form._doctype(ctx, "Test Note") == permission_manager._doctype(ctx, "Test Note") == "Test Note"
        with pytest.raises(ValidationError, match="子表"):
            permission_manager._doctype(ctx, "Test Note Item")
        with pytest.raises(ValidationError, match="单一设置"):
            customize_form._doctype(ctx, "Test Settings")
