"""The exports of a list: the source's four lines, character for character, in text,
HTML (only local assets), PDF (A4, the CJK font embedded, text extracted back) and Word."""
import io
import re
import shutil
import subprocess
import zlib

import docx
import pytest

from publishing.domain.listing import format_list
from publishing.exporters.document import ListDocument, ListLine
from publishing.exporters.html import export_html
from publishing.exporters.pdf import export_pdf
from publishing.exporters.text import export_text
from publishing.exporters.word import export_docx

from .test_listing import SEED_ENTRIES, SEED_LINES

# Records with the fields of the source's four lines, rendered by the listing module.
RENDERED = format_list(SEED_ENTRIES).split("\n")
assert RENDERED == SEED_LINES

DOC = ListDocument(title="未诉先办", number="2026年第12期", area="丰台区", period="2026年11月1日至11月7日",
                   lines=tuple(ListLine(text, 39.86 + i / 1000, 116.29 + i / 1000) for i, text in enumerate(RENDERED)),
                   published_at="2026年11月30日", checksum="ab" * 32)


def test_text_is_the_heading_and_the_lines_exactly():
    assert export_text(DOC) == (
        "未诉先办（2026年第12期）\n丰台区 2026年11月1日至11月7日\n\n" + "\n".join(SEED_LINES)
        + "\n\n发布日期：2026年11月30日\nSHA-256：" + "ab" * 32 + "\n")


def test_html_has_the_lines_a_map_and_only_local_assets():
    html = export_html(DOC, static_url=lambda p: "/static/" + p)
    for line in SEED_LINES:
        assert f">{line}</li>" in html
    assert html.index("<section class=\"publication\">") < html.index("<div class=\"folium-map\"")
    assert "L.map(" in html and "circleMarker" in html.replace("CircleMarker", "circleMarker")
    urls = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    assert urls and all(u.startswith("/static/") for u in urls), urls
    assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html


def _inflated(pdf: bytes) -> bytes:
    out = [pdf]
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            out.append(zlib.decompress(m.group(1)))
        except zlib.error:
            pass
    return b"".join(out)


@pytest.fixture(scope="module")
def pdf():
    return export_pdf(DOC)


def test_pdf_is_a4_and_embeds_the_chinese_font(pdf, tmp_path):
    assert pdf.startswith(b"%PDF")
    body = _inflated(pdf)
    assert re.search(rb"/MediaBox\s*\[\s*0 0 595\.\d* 841\.\d*", body)  # A4 in points
    assert re.search(rb"/FontName\s*/[A-Z]{6}\+WenQuanYi", body)  # a subset (ABCDEF+) = embedded
    assert b"/FontFile2" in body
    if shutil.which("pdffonts"):
        path = tmp_path / "list.pdf"
        path.write_bytes(pdf)
        fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
        assert re.search(r"WenQuanYi-Micro-Hei\s+CID TrueType\s+Identity-H\s+yes yes yes", fonts), fonts


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) is not installed")
def test_pdf_text_extracted_back_is_the_lines(pdf, tmp_path):
    path = tmp_path / "list.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    flat = re.sub(r"\s+", "", text)
    for line in SEED_LINES:
        assert re.sub(r"\s+", "", line) in flat  # lines wrap on the page; the characters are all there


def test_word_opens_and_has_each_line_as_a_paragraph():
    d = docx.Document(io.BytesIO(export_docx(DOC)))
    paragraphs = [p.text for p in d.paragraphs]
    assert paragraphs[0] == "未诉先办（2026年第12期）"
    assert paragraphs[2:6] == SEED_LINES
    section = d.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
