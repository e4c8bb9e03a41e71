from sixhave_app.engine.document import Document
from sixhave_app.six_haves import organisations


class PartyOrganization(Document):
    def validate(self):
        organisations.validate_party_org(self)

    def after_insert(self):
        organisations.ensure_tree_node(self)

    def on_update(self):
        organisations.ensure_tree_node(self)
