from sixhave_app.engine import admin_guard, customize
from sixhave_app.engine.document import Document


class CustomField(Document):
    def before_insert(self):
        if not self.fieldname:
            self.fieldname = customize.scrub_fieldname(self.label or "")
    def validate(self):
        admin_guard.check_core_customisation(self.ctx, self.dt, "定制")
        customize.validate_custom_field(self)

    def on_update(self):
        customize.custom_field_changed(self)

    def on_trash(self):
        admin_guard.check_core_customisation(self.ctx, self.dt, "定制")
        # The column stays (data is never dropped); the field only leaves the meta.
        customize.custom_field_changed(self)
