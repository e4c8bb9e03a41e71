"""docstatus: 0 draft, 1 submitted, 2 cancelled — an int with names."""
from enum import IntEnum


class DocStatus(IntEnum):
    DRAFT = 0
    SUBMITTED = 1
    CANCELLED = 2

    @property
    def label(self) -> str:
        return {0: "草稿", 1: "已提交", 2: "已取消"}[int(self)]
