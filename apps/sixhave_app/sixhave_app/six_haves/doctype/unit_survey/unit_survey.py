from sixhave_app.engine.document import Document
from sixhave_app.six_haves import coverage


class UnitSurvey(Document):
    def validate(self):
        coverage.validate_survey(self)
