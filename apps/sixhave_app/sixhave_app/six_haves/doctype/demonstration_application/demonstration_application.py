from sixhave_app.engine.document import Document
from sixhave_app.six_haves import demonstration


class DemonstrationApplication(Document):
    def validate(self):
        demonstration.validate_application(self)
        demonstration.check_award(self)

    def on_submit(self):
        if self.workflow_state == "授牌":
            demonstration.award(self)

    def on_update_after_submit(self):
        if self.workflow_state == "授牌":
            demonstration.award(self)

    def on_cancel(self):
        demonstration.revoke(self)
