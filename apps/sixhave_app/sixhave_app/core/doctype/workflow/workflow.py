from sixhave_app.engine import workflow_admin
from sixhave_app.engine.document import Document


class Workflow(Document):
    def validate(self):
        workflow_admin.validate(self)

    def on_update(self):
        workflow_admin.on_update(self)

    def on_trash(self):
        workflow_admin.on_trash(self)
