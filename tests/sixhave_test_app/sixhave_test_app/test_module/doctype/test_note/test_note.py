from sixhave_app.engine.document import Document
from sixhave_app.engine.errors import ValidationError


class TestNote(Document):
    """Records which hooks ran, in order, so that tests can check the lifecycle."""

    def _log(self, name):
        calls = self.flags.__dict__.setdefault("calls", [])
        calls.append(name)

    def before_insert(self):
        self._log("before_insert")

    def validate(self):
        self._log("validate")
        if self.title == "forbidden":
            raise ValidationError("标题不能是 forbidden")
        self.summary = f"{self.title} ({len(self.items)})"

    def after_insert(self):
        self._log("after_insert")

    def on_update(self):
        self._log("on_update")

    def on_trash(self):
        self._log("on_trash")
