from sixhave_app.engine import print_formats
from sixhave_app.engine.document import Document


class PrintFormat(Document):
    def validate(self):
        print_formats.validate(self)

    def on_update(self):
        print_formats.on_update(self)

    def on_trash(self):
        print_formats.on_trash(self)
