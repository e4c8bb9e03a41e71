from sixhave_app.engine.document import Document
from sixhave_app.six_haves import deadlines


class DeadlineReopening(Document):
    def validate(self):
        deadlines.validate_reopening(self)
