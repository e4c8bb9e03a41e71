from sixhave_app.engine.document import Document
from sixhave_app.six_haves import supervision


class Training(Document):
    def validate(self):
        supervision.validate_training(self)
