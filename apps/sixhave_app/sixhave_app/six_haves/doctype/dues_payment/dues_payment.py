from decimal import ROUND_HALF_UP, Decimal

from sixhave_app.engine.document import Document

THRESHOLD = Decimal("5000")


def amount_due(pension) -> Decimal:
    """党费：基本离退休费 5000 元以下（含）按 0.5%，以上按 1%。"""
    base = Decimal(str(pension or 0))
    rate = Decimal("0.005") if base <= THRESHOLD else Decimal("0.01")
    return (base * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class DuesPayment(Document):
    def validate(self):
        self.amount_due = amount_due(self.pension)
        if self.month:
            self.month = self.month.replace(day=1)
