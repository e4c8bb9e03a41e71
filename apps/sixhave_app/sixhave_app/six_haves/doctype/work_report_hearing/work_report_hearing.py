from sixhave_app.engine.document import Document
from sixhave_app.six_haves import leadership


class WorkReportHearing(Document):
    def validate(self):
        leadership.validate_hearing(self)
