from sixhave_app.engine import customize
from sixhave_app.engine.document import Document


class PropertySetter(Document):
    def validate(self):
        customize.validate_property_setter(self)

    def on_update(self):
        customize.mark_meta_changed(self.ctx)

    def on_trash(self):
        customize.mark_meta_changed(self.ctx)
