import sqlalchemy as sa

from sixhave_app.engine import admin_guard, auth, users, versions
from sixhave_app.engine.document import Document


class User(Document):
    def before_insert(self):
        if not self.name:
            self.name = (self.email or "").strip()

    def validate(self):
        self.full_name = " ".join(p for p in (self.first_name, self.last_name) if p) or self.name
        seen = set()
        for row in self.roles:
            if row.role in seen:
                raise users_duplicate_role(self, row.role)
            seen.add(row.role)
        admin_guard.check_role_change(self.ctx, self)
        # The plain password never reaches the table: it is hashed into __Auth after the write.
        password = self.get("new_password")
        self.set("new_password", None)
        if password:
            self.flags.new_password = password
        self.flags.end_sessions = not self.is_new() and self._loses_access()

    def _loses_access(self) -> bool:
        """Disabled now, or a role fewer than what is stored: the user's sessions must end."""
        ctx = self.ctx
        stored = ctx.conn.execute(sa.select(ctx.table("User").c.enabled).where(ctx.table("User").c.name == self.name)).first()
        if stored is None:
            return False
        if stored.enabled and not self.enabled:
            return True
        has_role = ctx.table("Has Role")
        before = set(ctx.conn.execute(sa.select(has_role.c.role).where(has_role.c.parent == self.name,
                                                                        has_role.c.parenttype == "User")).scalars())
        return bool(before - {row.role for row in self.roles})

    def on_update(self):
        versions.bump_version(self.ctx, "perm")  # roles or enabled may have changed
        password = getattr(self.flags, "new_password", None)
        if password:
            auth.set_password(self.ctx, self.name, password)  # ends the user's other sessions
            self.flags.new_password = None
        if getattr(self.flags, "end_sessions", False):
            auth.end_other_sessions(self.ctx, self.name)
            self.flags.end_sessions = False

    def on_trash(self):
        auth.clear_user_sessions(self.ctx, self.name)


def users_duplicate_role(doc, role):
    from sixhave_app.engine.errors import ValidationError

    return ValidationError(f"用户 {doc.name}：角色 “{role}” 重复")
