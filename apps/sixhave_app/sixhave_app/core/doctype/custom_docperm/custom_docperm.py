from sixhave_app.engine import versions
from sixhave_app.engine.document import Document


class CustomDocPerm(Document):
    """An administrator's override of a DocType's permissions; any change moves the permission
    version, so every process drops its cached rights."""

    def before_validate(self):
        if not self.parent_doctype and self.get("parent"):
            self.parent_doctype = self.get("parent")  # Frappe clients name the DocType "parent"

    def on_update(self):
        versions.bump_version(self.ctx, "perm")

    on_trash = on_update
