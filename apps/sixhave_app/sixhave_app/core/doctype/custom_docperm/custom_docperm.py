from sixhave_app.engine import admin_guard, versions
from sixhave_app.engine.document import Document


class CustomDocPerm(Document):
    """An administrator's override of a DocType's permissions; any change moves the permission
    version, so every process drops its cached rights."""

    def before_validate(self):
        if not self.parent_doctype and self.get("parent"):
            self.parent_doctype = self.get("parent")  # Frappe clients name the DocType "parent"

    def validate(self):
        admin_guard.check_core_customisation(self.ctx, self.parent_doctype, "修改权限：")

    def on_update(self):
        versions.bump_version(self.ctx, "perm")

    def on_trash(self):
        admin_guard.check_core_customisation(self.ctx, self.parent_doctype, "修改权限：")
        versions.bump_version(self.ctx, "perm")
