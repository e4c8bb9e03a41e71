from sixhave_app.engine import customize
from sixhave_app.engine.document import Document


class Role(Document):
    def on_update(self):
        customize.bump_version(self.ctx, "perm")  # restrict_to_scope and disabled change what users see

    def on_trash(self):
        customize.bump_version(self.ctx, "perm")
