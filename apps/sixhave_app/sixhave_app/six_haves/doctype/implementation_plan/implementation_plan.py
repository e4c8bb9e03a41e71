from sixhave_app.engine.document import Document
from sixhave_app.six_haves import mobilisation


class ImplementationPlan(Document):
    def validate(self):
        mobilisation.validate_plan(self)
