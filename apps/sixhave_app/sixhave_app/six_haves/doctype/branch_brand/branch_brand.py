from sixhave_app.engine.document import Document
from sixhave_app.six_haves import publicity


class BranchBrand(Document):
    def on_update(self):
        publicity.brand_updated(self)
