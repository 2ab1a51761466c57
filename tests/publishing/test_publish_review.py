"""Review of publishing: what a draft reports is checked again when it is published (a
follow-up that changed since), and every export prints the whole frozen text as it is."""
import io
import re
import shutil
import subprocess

import docx
import pytest

from core.errors import Conflict
from publishing.exporters.document import ListDocument, ListLine
from publishing.exporters.pdf import export_pdf
from publishing.exporters.text import export_text
from publishing.exporters.word import export_docx
from publishing.selectors.publications import publication_document
from publishing.services.publications import draft_create, line_edit, publication_text, publish

from .test_followups_and_rechecks import PLACE, move, next_list, published, reinspect
from .test_services import WEEK

pytestmark = pytest.mark.django_db


def _drafted_rectified(publisher, subdistrict, make_problem):
    """A problem published, closed and re-inspected as rectified since, and the next draft
    reporting it （复查：已整改）."""
    p = make_problem(PLACE, status="verified")
    published(publisher, subdistrict)
    move(p, "closed")
    reinspect(p, passed=True)
    draft = next_list(publisher, subdistrict)
    assert publication_text(draft).endswith("（复查：已整改）")
    return p, draft


def test_a_problem_reopened_after_drafting_is_not_published_as_rectified(publisher, subdistrict, make_problem):
    p, draft = _drafted_rectified(publisher, subdistrict, make_problem)
    move(p, "reopened")  # back on the street before the list goes out
    with pytest.raises(Conflict, match=f"问题#{p.pk}的复查情况已变.*重新生成草稿"):
        publish(actor=publisher, publication_id=draft.pk)
    draft.refresh_from_db()
    assert not draft.is_published
    assert "已整改" not in publication_text(next_list(publisher, subdistrict))  # a new draft says no more


def test_a_re_inspection_failed_after_drafting_is_not_published_as_rectified(publisher, subdistrict, make_problem):
    p, draft = _drafted_rectified(publisher, subdistrict, make_problem)
    reinspect(p, passed=False)
    with pytest.raises(Conflict, match=f"问题#{p.pk}的复查情况已变（现为：整改不到位"):
        publish(actor=publisher, publication_id=draft.pk)
    again = next_list(publisher, subdistrict)
    assert publish(actor=publisher, publication_id=again.pk).text.endswith("（复查：整改不到位）")


def test_a_follow_up_unchanged_since_drafting_is_published(publisher, subdistrict, make_problem):
    _, draft = _drafted_rectified(publisher, subdistrict, make_problem)
    assert publish(actor=publisher, publication_id=draft.pk).text.endswith("（复查：已整改）")


def test_a_line_edited_with_characters_xml_cannot_hold_reads_the_same_in_word(publisher, subdistrict, make_problem):
    make_problem(PLACE)
    draft = next_list(publisher, subdistrict)
    line_edit(actor=publisher, item_id=draft.items.get().pk, text="学院路街道，学院路西侧\ufffe，积存垃圾\uffff。")
    pub = publish(actor=publisher, publication_id=draft.pk)
    assert pub.text == "1. 学院路街道，学院路西侧，积存垃圾。"
    paragraphs = [p.text for p in docx.Document(io.BytesIO(export_docx(publication_document(pub)))).paragraphs]
    assert pub.text in paragraphs


@pytest.mark.parametrize("title", ["未诉先办\n第二批", "未诉先办\x0b第二批", "未诉先办\u2028第二批"])
def test_a_title_with_a_line_break_is_one_heading_line(publisher, subdistrict, make_problem, title):
    make_problem(PLACE)
    draft = draft_create(actor=publisher, area_id=subdistrict.pk, title=title, **WEEK)
    assert draft.title == "未诉先办，第二批"
    assert export_text(publication_document(draft)).splitlines()[:2] == [
        "未诉先办，第二批（草稿）", "学院路街道 2026年10月30日至11月5日"]


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) is not installed")
def test_a_long_word_in_a_line_wraps_inside_the_pdf_page(tmp_path):
    # a line may be edited up to 500 characters; a pasted link or number has no break in it
    line = "1. 学院路街道，学院路西侧，积存垃圾，见https://example.com/" + "a1" * 150 + "。"
    path = tmp_path / "list.pdf"
    path.write_bytes(export_pdf(ListDocument(title="未诉先办", number="", area="学院路街道", period="",
                                             lines=(ListLine(line),))))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    # (the words wrap; what ran off the page was not on the printed list)
    assert re.sub(r"\s+", "", line) in re.sub(r"\s+", "", text)
