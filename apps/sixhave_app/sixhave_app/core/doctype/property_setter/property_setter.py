from sixhave_app.engine import admin_guard, customize
from sixhave_app.engine.document import Document


class PropertySetter(Document):
    def validate(self):
        admin_guard.check_core_customisation(self.ctx, self.doc_type, "定制")
        customize.validate_property_setter(self)

    def on_update(self):
        customize.mark_meta_changed(self.ctx)

    def on_trash(self):
        admin_guard.check_core_customisation(self.ctx, self.doc_type, "定制")
        customize.mark_meta_changed(self.ctx)
