import sqlalchemy as sa

from sixhave_app.engine import printing
from sixhave_app.engine.document import Document


class LetterHead(Document):
    def validate(self):
        for key, what in (("content", "页首内容"), ("footer", "页尾内容")):
            printing.check_template(self.ctx, self.get(key) or "", what=f"信头 “{self.name or self.letter_head_name}” 的{what}")

    def on_update(self):
        if self.is_default:  # one default letter head
            table = self.ctx.table("Letter Head")
            self.ctx.conn.execute(table.update().where(table.c.name != self.name).values(is_default=0))
