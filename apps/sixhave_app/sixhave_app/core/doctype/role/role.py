from sixhave_app.engine import versions
from sixhave_app.engine.document import Document


class Role(Document):
    def on_update(self):
        versions.bump_version(self.ctx, "perm")  # restrict_to_scope and disabled change what users see

    def on_trash(self):
        versions.bump_version(self.ctx, "perm")
