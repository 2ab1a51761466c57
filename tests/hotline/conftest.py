"""Building small 12345 exports in memory: .xlsx (openpyxl) and .csv in any encoding."""
import io

import pytest
from openpyxl import Workbook

from tests.patrol.conftest import as_user, other_subdistrict  # noqa: F401  (a second office, with its own supervisor)

HEADERS = ["工单编号", "受理时间", "诉求内容", "诉求地址", "诉求类别", "承办单位", "承办科室", "承办人",
           "是否响应", "是否解决", "是否满意", "回访情况", "疑难"]


def xlsx_bytes(rows, headers=HEADERS, title=None) -> bytes:
    wb = Workbook()
    ws = wb.active
    if title:
        ws.append([title])
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_bytes(rows, headers=HEADERS, encoding="utf-8") -> bytes:
    def cell(v):
        s = "" if v is None else str(v)
        return '"' + s.replace('"', '""') + '"' if any(c in s for c in ',"\n') else s

    lines = [",".join(cell(h) for h in headers)] + [",".join(cell(v) for v in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def order(no, when, unit="学院路街道", *, content="反映门前积存垃圾", address="", category="城市管理/市容环境/积存垃圾渣土",
          team="城市管理办公室", handler="王工", responded="是", resolved="已解决", satisfied="满意", callback="",
          difficult=""):
    return [no, when, content, address, category, unit, team, handler, responded, resolved, satisfied, callback,
            difficult]


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.get(username="supervisor1")


def same_daily_rate_rows(today, unit="学院路街道"):
    """One order a day of today's ISO week up to today, and one a day of all of last year's same
    week: the same daily rate, so the week so far is 持平 with last year's same days. Last year's
    orders after today's weekday were not resolved, so the rates too agree only day for day.

    Returns (rows, days this week)."""
    import datetime as dt

    from hotline.domain.metrics import period_of, same_period_last_year

    week = period_of("week", today)
    last = same_period_last_year(week)
    days = (today - week.start).days + 1
    rows = [order(f"N{i}", f"{week.start + dt.timedelta(days=i)} 09:00", unit) for i in range(days)]
    rows += [order(f"L{i}", f"{last.start + dt.timedelta(days=i)} 09:00", unit,
                   resolved="已解决" if i < days else "未解决", satisfied="满意" if i < days else "不满意")
             for i in range(7)]
    return rows, days
