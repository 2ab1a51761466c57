"""Plain text: the heading, the area and period, a blank line, the numbered lines.

>>> from .document import ListDocument, ListLine
>>> print(export_text(ListDocument("未诉先办", "2026年第1期", "学院路街道", "2026年11月1日至11月7日",
...                                (ListLine("1. 甲街道，积存垃圾。"),))), end="")
未诉先办（2026年第1期）
学院路街道 2026年11月1日至11月7日
<BLANKLINE>
1. 甲街道，积存垃圾。
"""
from __future__ import annotations

from .document import ListDocument


def export_text(doc: ListDocument) -> str:
    head = [doc.heading, f"{doc.area} {doc.period}"]
    tail = [""] + ([f"发布日期：{doc.published_at}", f"SHA-256：{doc.checksum}"] if doc.checksum else [])
    return "\n".join(head + [""] + [line.text for line in doc.lines] + (tail if doc.checksum else [])) + "\n"
