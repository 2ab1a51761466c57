"""The 接诉即办 pages: who may open them, the ranking and its Excel export, the bulletin and
its PDF, and the upload with its validation report."""
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook
from rest_framework.test import APIClient

from hotline.models import Complaint
from hotline.services.imports import complaints_import
from tests.hotline.conftest import csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db


def _client(client, username):
    client.force_login(get_user_model().objects.get(username=username))
    return client


def _order(no, when, unit, resolved="已解决", satisfied="满意", team="城市管理办公室"):
    return [no, when, "反映问题", "", "城市管理", unit, team, "王工", "是", resolved, satisfied, "", ""]


@pytest.fixture
def week_data():
    """2026-W10 (3–9 March) and 2025-W10 (2–8 March 2025).
    甲街道: 2 orders, both resolved and satisfied → 100.00; last year 1 order.
    乙街道: 2 orders, 1 resolved, 0 satisfied → (100×10 + 50×45 + 0×45)/100 = 32.50."""
    rows = [_order("W1", "2026-03-03 09:00", "甲街道"), _order("W2", "2026-03-04 09:00", "甲街道", team="平安办"),
            _order("W3", "2026-03-05 09:00", "乙街道", resolved="未解决", satisfied="不满意"),
            _order("W4", "2026-03-06 09:00", "乙街道", satisfied="不满意"),
            _order("L1", "2025-03-04 09:00", "甲街道")]
    assert complaints_import(data=xlsx_bytes(rows), filename="w.xlsx").ok


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/hotline/ranking/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_weekly_ranking_shows_rates_score_rank_and_flag(client, week_data):
    html = _client(client, "officer1").get("/hotline/ranking/?period=week&at=2026-W10").content.decode()
    assert "2026年第10周（3月2日至3月8日）" in html
    jia = html.split('data-unit="甲街道"')[1].split("</tr>")[0]
    yi = html.split('data-unit="乙街道"')[1].split("</tr>")[0]
    assert ">1<" in jia and "100.00" in jia and "+1" in jia and "+100.00%" in jia and "重点治理" not in jia
    assert ">2<" in yi and "50.00%" in yi and "32.50" in yi and "重点治理" in yi
    assert 'id="score-bars"' in html


def test_the_ranking_of_one_offices_teams(client, week_data):
    html = _client(client, "publisher1").get(  # 海淀区: the district sees every office's teams
        "/hotline/ranking/?period=week&at=2026-W10&group=team&unit=甲街道").content.decode()
    assert 'data-unit="城市管理办公室"' in html and 'data-unit="平安办"' in html and 'data-unit="乙街道"' not in html


def test_a_street_office_sees_its_own_teams_and_handlers_not_another_offices(client, week_data):
    """Found in review: any officer could open any office's 科室 and 承办人 ranking (named staff
    and their rates), on the page, in its Excel and in the API. Offices are ranked against one
    another in the open; the people inside one are seen by that office and by the district."""
    assert complaints_import(data=xlsx_bytes([_order("X1", "2026-03-04 09:00", "学院路街道")]), filename="x.xlsx").ok
    c = _client(client, "officer1")  # 学院路街道
    own = c.get("/hotline/ranking/?period=week&at=2026-W10&group=handler&unit=学院路街道")
    assert own.status_code == 200 and 'data-unit="王工"' in own.content.decode()
    for url in ("/hotline/ranking/?period=week&at=2026-W10&group=handler&unit=甲街道",
                "/hotline/ranking.xlsx?period=week&at=2026-W10&group=team&unit=甲街道"):
        refused = c.get(url)
        assert refused.status_code == 403 and "只能查看本单位的科室和承办人排名" in refused.content.decode(), url
    units = c.get("/hotline/ranking/?period=week&at=2026-W10").content.decode()
    assert "unit=%E5%AD%A6%E9%99%A2%E8%B7%AF%E8%A1%97%E9%81%93" in units  # its own office opens its teams
    assert "group=team&amp;unit=%E7%94%B2%E8%A1%97%E9%81%93" not in units  # another's is a name, no link
    api = APIClient()
    api.force_authenticate(get_user_model().objects.get(username="officer1"))
    assert api.get("/api/v1/hotline/ranking", {"period": "week", "at": "2026-W10", "group": "team",
                                               "unit": "学院路街道"}).status_code == 200
    assert api.get("/api/v1/hotline/ranking", {"period": "week", "at": "2026-W10", "group": "team",
                                               "unit": "甲街道"}).status_code == 403


def test_the_monthly_ranking_and_a_bad_period(client, week_data):
    c = _client(client, "officer1")
    assert "2026年3月" in c.get("/hotline/ranking/?period=month&at=2026-03").content.decode()
    bad = c.get("/hotline/ranking/?period=week&at=2026-W99")
    assert bad.status_code == 400 and "统计周期“2026-W99”无效" in bad.content.decode()
    for query in ("period=month&at=9999-12", "period=year&at=0001", "period=day", "group=team"):
        assert c.get(f"/hotline/ranking/?{query}").status_code == 400, query


def test_the_excel_export_holds_the_ranking(client, week_data):
    response = _client(client, "officer1").get("/hotline/ranking.xlsx?period=week&at=2026-W10")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[2][:3] == ("排名", "承办单位", "诉求量")
    assert [(r[0], r[1], r[2], r[11]) for r in rows[3:]] == [(1, "甲街道", 2, 100.0), (2, "乙街道", 2, 32.5)]
    assert "综合得分排名后" in rows[4][-1]


def test_the_bulletin_page_and_pdf(client, week_data):
    c = _client(client, "officer1")
    html = c.get("/hotline/bulletin/?period=week&at=2026-W10").content.decode()
    assert "本周共受理诉求4件，同比增加3件，上升300.00%" in html
    assert "列为重点治理的是：乙街道" in html
    pdf = c.get("/hotline/bulletin.pdf?period=week&at=2026-W10")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_officers_may_not_import(client):
    response = _client(client, "officer1").get("/hotline/import/")
    assert response.status_code == 403 and "导入12345诉求" in response.content.decode()


def test_an_upload_with_errors_shows_the_report_and_imports_nothing(client):
    data = xlsx_bytes([_order("B1", "2026-03-03 09:00", "甲街道"), _order("B2", "不是日期", "甲街道")])
    response = _client(client, "supervisor1").post(
        "/hotline/import/", {"file": SimpleUploadedFile("bad.xlsx", data)})
    html = response.content.decode()
    assert response.status_code == 200  # the report is the answer
    assert "未导入任何数据" in html and 'id="validation-report"' in html
    assert "<td class=\"num\">3</td><td>受理时间</td><td>不是有效的日期时间</td><td>不是日期</td>" in html
    assert not Complaint.objects.exists()


def test_a_file_of_thousands_of_bad_rows_is_summed_up_and_listed_only_in_part(client):
    # 300 rows whose time is no time, 5 whose 承办单位 is too long: two kinds of error
    rows = [_order(f"T{i}", "不是日期", "甲街道") for i in range(300)]
    rows += [_order(f"U{i}", "2026-03-03 09:00", "甲" * 101) for i in range(5)]
    response = _client(client, "supervisor1").post("/hotline/import/", {"file": SimpleUploadedFile("b.xlsx",
                                                                                                   xlsx_bytes(rows))})
    html = response.content.decode()
    assert response.status_code == 200 and "未导入任何数据" in html
    summary = html.split('id="validation-summary"')[1].split("</table>")[0]
    assert "<td>受理时间</td><td>不是有效的日期时间</td><td class=\"num\">300</td><td>2、3、4、5、6、7、8、9、10、11等</td>" \
        in summary
    assert summary.index("受理时间") < summary.index("承办单位")  # the largest group first
    listed = html.split('id="validation-report"')[1].split("</table>")[0]
    assert listed.count("<tr>") == 1 + 200  # the header and the first 200 cells
    assert "另有 105 处未逐条列出" in html
    assert not Complaint.objects.exists()


def test_a_good_upload_imports_and_counts(client):
    data = xlsx_bytes([_order("G1", "2026-03-03 09:00", "学院路街道")])
    c = _client(client, "supervisor1")
    response = c.post("/hotline/import/", {"file": SimpleUploadedFile("good.xlsx", data)})
    assert response.status_code == 200 and "新增 1 条" in response.content.decode()
    response = c.post("/hotline/import/", {"file": SimpleUploadedFile("good.xlsx", data)})
    assert "新增 0 条，更新 0 条，未变 1 条" in response.content.decode()
    assert Complaint.objects.count() == 1
    assert Complaint.objects.get().batch.imported_by.username == "supervisor1"


def test_names_from_the_uploaded_file_are_exported_as_text_never_as_formulas(client):
    evil = '=HYPERLINK("http://evil.example","点此")'
    rows = [_order("FX1", "2026-03-03 09:00", "学院路街道", team=evil),
            _order("FX2", "2026-03-03 10:00", "学院路街道", team="+86 热线组"),
            _order("FX3", "2026-03-03 11:00", "学院路街道", team="城市管理办公室")]
    assert complaints_import(data=csv_bytes(rows), filename="fx.csv").ok  # a CSV keeps "=" as typed
    response = _client(client, "officer1").get("/hotline/ranking.xlsx?period=week&at=2026-W10&group=team&unit=学院路街道")
    ws = load_workbook(io.BytesIO(response.content)).active
    names = {ws.cell(row=r, column=2).value: ws.cell(row=r, column=2) for r in range(4, ws.max_row + 1)}
    assert set(names) == {evil, "+86 热线组", "城市管理办公室"}
    assert names[evil].data_type == "s" and names[evil].quotePrefix
    assert names["+86 热线组"].data_type == "s" and names["+86 热线组"].quotePrefix
    assert not names["城市管理办公室"].quotePrefix


def test_when_every_office_scores_the_same_none_is_flagged_on_the_page_or_in_the_bulletin(client):
    rows = [_order(f"T{i}", "2026-03-04 09:00", unit) for i, unit in enumerate(("甲街道", "乙街道", "丙街道", "丁街道"))]
    assert complaints_import(data=xlsx_bytes(rows), filename="t.xlsx").ok
    c = _client(client, "officer1")
    ranking = c.get("/hotline/ranking/?period=week&at=2026-W10").content.decode()
    for unit in ("甲街道", "乙街道", "丙街道", "丁街道"):
        row = ranking.split(f'<tr data-unit="{unit}"')[1].split("</tr>")[0]
        assert row.startswith('>') and row.split('<td class="num">')[1].startswith("1</td>")  # rank 1, not flagged
    bulletin = c.get("/hotline/bulletin/?period=week&at=2026-W10").content.decode()
    assert "本期无列为重点治理的单位" in bulletin and "列为重点治理的是" not in bulletin


def test_the_ranking_note_states_the_flagging_rule_and_a_whole_threshold_as_a_number(client, settings):
    settings.HOTLINE_FLAG_BELOW = 90.0
    assert complaints_import(data=xlsx_bytes([_order("F1", "2026-03-03 09:00", "学院路街道")]), filename="f.xlsx").ok
    html = _client(client, "officer1").get("/hotline/ranking/?period=week&at=2026-W10").content.decode()
    assert "及得分低于 90 分的单位列为重点治理（按排名至多一半；得分相同的单位同列或同不列）。" in html


@pytest.mark.parametrize("url", [
    "/hotline/ranking/?period=week&at=2030-W01", "/hotline/ranking.xlsx?period=month&at=2030-02",
    "/hotline/bulletin/?period=week&at=2030-W01", "/hotline/bulletin.pdf?period=week&at=2030-W01",
    "/hotline/ranking/?period=year&at=2030", "/hotline/bulletin/?period=year&at=2030",
    "/hotline/ranking/?period=week&at=2026-W53", "/hotline/ranking/?period=week&at=2025-W53",
    "/hotline/ranking/?period=week&at=%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%96-W10",  # full-width digits
    "/hotline/ranking/?period=week&at=2026-W10&group=handler&unit=%E4%B8%8D%E5%AD%98%E5%9C%A8",  # no such unit
])
def test_an_empty_or_odd_period_is_a_page_or_a_bad_request_never_an_error(client, url):
    assert _client(client, "publisher1").get(url).status_code in (200, 400)


def test_a_score_of_zero_is_shown_as_zero_not_as_no_score(client):
    rows = [_order("Z1", "2026-03-03 09:00", "甲街道", resolved="未解决", satisfied="不满意")]
    rows[0][8] = "否"  # not responded either: every rate 0.00
    assert complaints_import(data=xlsx_bytes(rows), filename="z.xlsx").ok
    html = _client(client, "officer1").get("/hotline/ranking/?period=week&at=2026-W10").content.decode()
    row = html.split('data-unit="甲街道"')[1].split("</tr>")[0]
    assert "<strong>0.00</strong>" in row and '<td class="num">1</td>' in row
    assert "<span>0.00</span>" in html.split('id="score-bars"')[1]


def test_a_unit_longer_than_its_column_is_reported_on_the_page_and_skipped_when_asked(client):
    data = xlsx_bytes([_order("LU1", "2026-03-03 09:00", "学院路街道"), _order("LU2", "2026-03-03 10:00", "甲" * 101)])
    c = _client(client, "supervisor1")
    response = c.post("/hotline/import/", {"file": SimpleUploadedFile("long.xlsx", data)})
    html = response.content.decode()
    assert response.status_code == 200 and "未导入任何数据" in html
    assert "<td class=\"num\">3</td><td>承办单位</td><td>超过 100 个字符（101 个）</td>" in html
    assert not Complaint.objects.exists()
    response = c.post("/hotline/import/", {"file": SimpleUploadedFile("long.xlsx", data), "partial": "on"})
    assert response.status_code == 200 and "新增 1 条" in response.content.decode()
    assert list(Complaint.objects.values_list("order_no", flat=True)) == ["LU1"]


def test_a_file_that_is_not_a_table_is_refused_on_the_page(client):
    response = _client(client, "supervisor1").post(
        "/hotline/import/", {"file": SimpleUploadedFile("photo.xlsx", b"\x89PNG\r\n...")})
    assert response.status_code == 200 and "内容不是 Excel 文件" in response.content.decode()
    assert not Complaint.objects.exists()


def test_a_post_without_a_file_is_a_bad_request(client):
    response = _client(client, "supervisor1").post("/hotline/import/", {"mapping": ""})
    assert response.status_code == 400 and "请选择要导入的文件" in response.content.decode()


def test_without_complaints_the_ranking_says_so_and_the_index_redirects(client):
    c = _client(client, "supervisor1")
    assert c.get("/hotline/")["Location"] == "/hotline/ranking/"
    html = c.get("/hotline/ranking/").content.decode()
    assert 'id="no-data"' in html and 'href="/hotline/import/"' in html


def test_the_import_tab_is_shown_only_to_those_who_may_import(client, week_data):
    assert 'href="/hotline/import/"' not in _client(client, "officer1").get("/hotline/bulletin/").content.decode()


@pytest.mark.parametrize("url", ["/hotline/ranking/", "/hotline/ranking.xlsx"])
def test_a_unit_with_a_nul_character_is_a_bad_request_not_a_server_error(client, week_data, url):
    response = _client(client, "publisher1").get(url, {"period": "week", "at": "2026-W10", "group": "team",
                                                       "unit": "甲街道\x00"})
    assert response.status_code == 400 and "承办单位不能含空字符（NUL）" in response.content.decode()


def test_a_unit_no_complaint_names_is_said_not_shown_as_a_period_without_complaints(client, week_data):
    c = _client(client, "publisher1")
    response = c.get("/hotline/ranking/", {"period": "week", "at": "2026-W10", "group": "team", "unit": "甲街"})
    assert response.status_code == 400 and "没有承办单位“甲街”的诉求" in response.content.decode()
    assert c.get("/hotline/ranking/", {"period": "week", "at": "2026-W10", "group": "team",
                                       "unit": "甲街道"}).status_code == 200
    # a unit that has complaints, though none in this period, is a page that says so
    assert c.get("/hotline/ranking/", {"period": "week", "at": "2030-W01", "group": "team",
                                       "unit": "甲街道"}).status_code == 200


def test_a_week_in_progress_says_so_on_the_page_the_excel_and_the_bulletin(client):
    """A week chosen while it runs is set against the same days of last year's, and every
    place that shows it says so (the PDF is the bulletin page's text: tests/hotline/test_bulletin.py)."""
    import datetime as dt

    from django.utils import timezone

    from hotline.domain.metrics import period_of, previous_period
    from tests.hotline.conftest import same_daily_rate_rows

    today = timezone.localdate()
    rows, days = same_daily_rate_rows(today, unit="甲街道")
    assert complaints_import(data=csv_bytes(rows), filename="today.csv").ok
    week = period_of("week", today)
    so_far = f"本周截至{today.month}月{today.day}日（周{'一二三四五六日'[today.weekday()]}），同比按去年同期同日数"
    c = _client(client, "officer1")
    html = c.get(f"/hotline/ranking/?period=week&at={week.key}").content.decode()
    assert so_far in html
    jia = html.split('data-unit="甲街道"')[1].split("</tr>")[0]
    assert f">{days}<" in jia and "+0<" in jia and "+0.00%" in jia  # not −57.14 % on a Wednesday
    ws = load_workbook(io.BytesIO(c.get(f"/hotline/ranking.xlsx?period=week&at={week.key}").content)).active
    sheet = list(ws.iter_rows(values_only=True))
    assert f"（截至{today.month}月{today.day}日）" in sheet[0][0] and so_far in sheet[1][0]
    assert sheet[3][:5] == (1, "甲街道", days, 0, 0.0)
    bulletin = c.get(f"/hotline/bulletin/?period=week&at={week.key}").content.decode()
    assert so_far in bulletin and f"日（周{'一二三四五六日'[today.weekday()]}）共受理诉求{days}件，与去年同期持平" in bulletin
    # Without a period: the last week that has ended (today's orders are in a week still running).
    assert complaints_import(data=csv_bytes([_order("P1", f"{today - dt.timedelta(days=7)} 09:00", "甲街道")]),
                             filename="p.csv").ok
    default = c.get("/hotline/ranking/").content.decode()
    assert previous_period(week).label in default and so_far not in default
    assert ">1<" in default.split('data-unit="甲街道"')[1].split("</tr>")[0]
    month = c.get("/hotline/ranking/?period=month").content.decode()
    assert previous_period(period_of("month", today)).label in month
