from sixhave_app.engine.document import Document
from sixhave_app.six_haves import rectification


class RectificationItem(Document):
    def validate(self):
        rectification.validate(self)

    def on_update(self):
        rectification.on_update(self)

    def on_submit(self):
        rectification.on_closed(self)
