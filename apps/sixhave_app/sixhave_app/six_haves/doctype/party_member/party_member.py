from sixhave_app.engine.document import Document
from sixhave_app.six_haves import organisations


class PartyMember(Document):
    def validate(self):
        # a member moved to another branch leaves the old branch's count to correct as well
        self.flags.previous_org = None if self.is_new() else self.ctx.get_value(
            "Party Member", self.name, "party_org", ignore_permissions=True)

    def on_update(self):
        for org in {self.party_org, getattr(self.flags, "previous_org", None)} - {None, ""}:
            self._recount(org)

    def after_delete(self):
        if self.party_org:
            self._recount(self.party_org)

    def _recount(self, org: str) -> None:
        ctx = self.ctx  # once per branch for an import's rows (Context.bulk), else now
        ctx.once(("member_count", org), lambda: organisations.count_members(ctx, org))
