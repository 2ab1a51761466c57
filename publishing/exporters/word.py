"""A Word document (.docx, python-docx): the heading, the area and period, one paragraph
per numbered line, A4, the Chinese text set in a CJK font (Word needs the East Asian
font named on each run, not only the Latin one)."""
from __future__ import annotations

import io

from core.domain.xml_text import xml_text

from .document import ListDocument

WORD_FONT = "宋体"  # what Word on the district's machines has; readers substitute elsewhere


def _run(paragraph, text: str, *, size: float, bold: bool = False):
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run = paragraph.add_run(xml_text(text))  # (python-docx refuses a control character)
    run.font.size, run.font.bold, run.font.name = Pt(size), bold, WORD_FONT
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), WORD_FONT)
    return run


def export_docx(doc: ListDocument) -> bytes:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    d = docx.Document()
    section = d.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin, section.bottom_margin = Mm(22), Mm(20)
    d.core_properties.title = xml_text(doc.heading)  # (lxml refuses a control character here too)
    head = d.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(head, doc.heading, size=18, bold=True)
    meta = d.add_paragraph()
    meta.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(meta, f"{doc.area} {doc.period}" + (f"　发布日期：{doc.published_at}" if doc.published_at else ""),
         size=10.5)
    for line in doc.lines:
        _run(d.add_paragraph(), line.text, size=12)
    if doc.checksum:
        _run(d.add_paragraph(), f"SHA-256：{doc.checksum}", size=8)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()
