import sqlalchemy as sa

from sixhave_app.engine import auth, customize
from sixhave_app.engine.document import Document


class Role(Document):
    def validate(self):
        # a role switched off is a role taken from everyone who holds it: their sessions end
        if self.is_new() or not self.disabled:
            self.flags.end_sessions = False
            return
        table = self.ctx.table("Role")
        was = self.ctx.conn.execute(sa.select(table.c.disabled).where(table.c.name == self.name)).scalar()
        self.flags.end_sessions = not was

    def on_update(self):
        customize.bump_version(self.ctx, "perm")  # restrict_to_scope and disabled change what users see
        if getattr(self.flags, "end_sessions", False):
            self._end_holders_sessions()

    def on_trash(self):
        customize.bump_version(self.ctx, "perm")
        self._end_holders_sessions()

    def _end_holders_sessions(self):
        has_role = self.ctx.table("Has Role")
        holders = self.ctx.conn.execute(sa.select(has_role.c.parent).distinct()
                                        .where(has_role.c.role == self.name, has_role.c.parenttype == "User")).scalars().all()
        for user in holders:
            auth.end_other_sessions(self.ctx, user)
