from sixhave_app.engine import admin_guard, customize, users
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

    def on_update(self):
        customize.bump_version(self.ctx, "perm")  # roles or enabled may have changed
        password = getattr(self.flags, "new_password", None)
        if password:
            users.set_password(self.ctx, self.name, password)
            self.flags.new_password = None


def users_duplicate_role(doc, role):
    from sixhave_app.engine.errors import ValidationError

    return ValidationError(f"用户 {doc.name}：角色 “{role}” 重复")
