from sixhave_app.engine.document import Document


class ToDo(Document):
    def before_insert(self):
        if not self.allocated_to:
            self.allocated_to = self.ctx.user  # a to-do of one's own
        self.assigned_by = self.ctx.user
