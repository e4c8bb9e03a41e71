from sixhave_app.engine.document import Document
from sixhave_app.six_haves import programme


class ProgrammeYear(Document):
    def validate(self):
        programme.validate_programme_year(self)
