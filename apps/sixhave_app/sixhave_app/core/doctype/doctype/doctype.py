from sixhave_app.engine import customize
from sixhave_app.engine.document import Document


class DocType(Document):
    def before_validate(self):
        customize.check_doctype_doc(self)

    def validate(self):
        customize.sync_doctype_doc(self)

    def on_update(self):
        customize.doctype_changed(self)

    def on_trash(self):
        customize.refuse_standard_delete(self)
        customize.doctype_changed(self)
