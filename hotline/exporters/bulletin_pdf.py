"""The weekly bulletin (周通报) as an A4 PDF, the same way publishing/exporters/pdf.py sets the
未诉先办 list: WeasyPrint from HTML, the CJK font named so it is embedded."""
from __future__ import annotations

from html import escape

from publishing.exporters.document import CJK_FONT

from ..domain.bulletin import Bulletin

_CSS = f"""
@page {{ size: A4; margin: 22mm 20mm 20mm 20mm;
         @bottom-center {{ content: counter(page) " / " counter(pages); font-family: "{CJK_FONT}"; font-size: 9pt; }} }}
body {{ font-family: "{CJK_FONT}"; font-size: 12pt; line-height: 1.8; color: #000; }}
h1 {{ font-size: 18pt; text-align: center; margin: 0 0 4mm; }}
.meta {{ text-align: center; font-size: 10.5pt; margin: 0 0 8mm; }}
.note {{ font-size: 10.5pt; margin: -6mm 0 6mm; text-align: center; }}
p.para {{ text-indent: 2em; margin: 0 0 3mm; }}
"""


def bulletin_html(b: Bulletin) -> str:
    paras = "\n".join(f'<p class="para">{escape(p)}</p>' for p in b.paragraphs)
    if b.note:  # a period in progress: counted to date, compared by the same days
        paras = f'<p class="note">{escape(b.note)}</p>\n' + paras
    return (f'<!DOCTYPE html><html lang="zh-hans"><head><meta charset="utf-8"><title>{escape(b.title)}</title>'
            f'<style>{_CSS}</style></head><body><h1>{escape(b.title)}</h1><p class="meta">{escape(b.period)}</p>'
            f"{paras}</body></html>")


def bulletin_pdf(b: Bulletin) -> bytes:
    from weasyprint import HTML  # imported on use: loading pango costs a second at startup

    return HTML(string=bulletin_html(b)).write_pdf()
