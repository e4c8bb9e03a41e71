from sixhave_app.engine.document import Document
from sixhave_app.six_haves import assessment


class SelfAssessment(Document):
    def before_insert(self):
        assessment.before_insert(self)

    def validate(self):
        assessment.validate(self)

    def on_update(self):
        assessment.on_update(self)

    def on_submit(self):
        assessment.on_final(self)
