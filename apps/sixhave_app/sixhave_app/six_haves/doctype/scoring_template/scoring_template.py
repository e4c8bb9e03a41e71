from sixhave_app.engine.document import Document
from sixhave_app.six_haves import scoring


class ScoringTemplate(Document):
    def validate(self):
        scoring.validate_template(self)
