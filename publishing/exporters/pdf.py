"""A PDF, A4, as the paper would set it: the heading, the area and period, the numbered
lines; the CJK font (WenQuanYi Micro Hei) embedded, so the file reads the same anywhere.

WeasyPrint draws it from HTML and CSS; it needs pango (Debian: libpango-1.0-0,
libpangoft2-1.0-0; scripts/bootstrap.sh installs them) and finds the font through
fontconfig. No map here: the PDF is for print, the HTML page carries the map.
"""
from __future__ import annotations

from html import escape

from .document import CJK_FONT, ListDocument

_CSS = f"""
@page {{ size: A4; margin: 22mm 20mm 20mm 20mm;
         @bottom-center {{ content: counter(page) " / " counter(pages); font-family: "{CJK_FONT}"; font-size: 9pt; }} }}
/* overflow-wrap: a long URL or number typed in a line is broken, not run off the page */
body {{ font-family: "{CJK_FONT}"; font-size: 12pt; line-height: 1.75; color: #000; overflow-wrap: anywhere; }}
h1 {{ font-size: 18pt; text-align: center; margin: 0 0 4mm; }}
.meta {{ text-align: center; font-size: 10.5pt; margin: 0 0 8mm; }}
p.line {{ margin: 0 0 3mm; text-align: left; }}
.checksum {{ margin-top: 10mm; font-size: 8pt; color: #444; word-break: break-all; }}
"""


def document_html(doc: ListDocument) -> str:
    meta = escape(f"{doc.area} {doc.period}") + (f"　发布日期：{escape(doc.published_at)}" if doc.published_at else "")
    lines = "\n".join(f'<p class="line">{escape(line.text)}</p>' for line in doc.lines)
    checksum = f'<p class="checksum">SHA-256：{escape(doc.checksum)}</p>' if doc.checksum else ""
    return (f'<!DOCTYPE html><html lang="zh-hans"><head><meta charset="utf-8"><title>{escape(doc.heading)}</title>'
            f"<style>{_CSS}</style></head><body><h1>{escape(doc.heading)}</h1><p class=\"meta\">{meta}</p>"
            f"{lines}{checksum}</body></html>")


def export_pdf(doc: ListDocument) -> bytes:
    from weasyprint import HTML  # imported on use: loading pango costs a second at startup

    return HTML(string=document_html(doc)).write_pdf()
