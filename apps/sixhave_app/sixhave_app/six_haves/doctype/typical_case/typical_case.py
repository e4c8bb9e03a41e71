from sixhave_app.engine.document import Document
from sixhave_app.six_haves import publicity


class TypicalCase(Document):
    def on_submit(self):
        publicity.on_publish(self)
