from sixhave_app.engine.document import Document


class Meeting(Document):
    def validate(self):
        # those present, including members who studied at home (送学上门)
        self.present_count = sum(1 for row in self.attendance if row.attendance in ("出席", "送学上门"))
