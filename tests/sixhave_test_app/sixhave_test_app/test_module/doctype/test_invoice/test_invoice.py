from sixhave_app.engine.document import Document


class TestInvoice(Document):
    def _log(self, name):
        self.flags.__dict__.setdefault("calls", []).append(name)

    def validate(self):
        self._log("validate")
        self.total = sum((row.rate or 0) * (row.qty or 0) for row in self.items)

    def before_submit(self):
        self._log("before_submit")

    def on_submit(self):
        self._log("on_submit")

    def before_cancel(self):
        self._log("before_cancel")

    def on_cancel(self):
        self._log("on_cancel")
