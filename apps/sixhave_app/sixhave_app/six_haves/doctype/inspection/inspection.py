from sixhave_app.engine.document import Document
from sixhave_app.six_haves import supervision


class Inspection(Document):
    def validate(self):
        supervision.validate_inspection(self)

    def on_update(self):
        supervision.open_rectifications(self)
