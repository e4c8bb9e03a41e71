from sixhave_app.engine import customize
from sixhave_app.engine.document import Document


class CustomDocPerm(Document):
    """Any change moves the permission version: every process drops its cached rules."""

    def before_validate(self):
        if self.doctype == "Custom DocPerm" and not self.parent_doctype and self.get("parent"):
            self.parent_doctype = self.get("parent")  # Frappe clients name the DocType "parent"

    def on_update(self):
        customize.bump_version(self.ctx, "perm")

    def on_trash(self):
        customize.bump_version(self.ctx, "perm")
