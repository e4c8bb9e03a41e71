from sixhave_app.engine import versions
from sixhave_app.engine.document import Document


class UserPermission(Document):
    """A change of someone's scope moves the permission version: every process drops its rules."""

    def on_update(self):
        versions.bump_version(self.ctx, "perm")

    on_trash = on_update
