from sixhave_app.engine.document import Document
from sixhave_app.six_haves import organisations


class PartyMember(Document):
    def on_update(self):
        organisations.count_members(self.ctx, self.party_org)

    def after_delete(self):
        organisations.count_members(self.ctx, self.party_org)
