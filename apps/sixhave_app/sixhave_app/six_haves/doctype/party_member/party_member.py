from sixhave_app.engine.document import Document
from sixhave_app.six_haves import organisations


class PartyMember(Document):
    def validate(self):
        # a member moved to another branch leaves the old branch's count to correct as well
        self.flags.previous_org = None if self.is_new() else self.ctx.get_value(
            "Party Member", self.name, "party_org", ignore_permissions=True)

    def on_update(self):
        organisations.count_members(self.ctx, self.party_org, getattr(self.flags, "previous_org", None))

    def after_delete(self):
        organisations.count_members(self.ctx, self.party_org)
