from sixhave_app.engine import customize
from sixhave_app.engine.document import Document


class DocType(Document):
    def validate(self):
        customize.validate_doctype_doc(self)

    def on_update(self):
        customize.doctype_changed(self)

    def on_trash(self):
        customize.refuse_standard_delete(self)
        customize.doctype_changed(self)
