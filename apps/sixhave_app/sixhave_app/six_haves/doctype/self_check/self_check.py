from sixhave_app.engine.document import Document
from sixhave_app.six_haves import self_check


class SelfCheck(Document):
    def validate(self):
        self_check.validate(self)

    def on_submit(self):
        self_check.on_submit(self)
