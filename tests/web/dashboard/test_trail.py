"""The trail's lines (web.dashboard.trail), without a database."""
from datetime import timedelta, timezone

from web.dashboard.trail import describe_changes

BEIJING = timezone(timedelta(hours=8))
NAMES = {"status": {"reported": "已上报", "dispatched": "已派遣"}, "team": {7: "执法一队"},
         "source": {"patrol": "巡查发现"}, "category": {"0502": "店外经营（0502）"}}


def test_codes_and_ids_are_shown_by_their_names_and_machine_fields_are_left_out():
    lines = describe_changes(None, {"status": "reported", "category": "0502", "source": "patrol",
                                    "client_id": "2578871b-41ac", "location_text": "茗悦路西侧"},
                             names=NAMES, tz=BEIJING)
    assert lines == ["状态：已上报", "类别：店外经营（0502）", "位置：茗悦路西侧", "来源：巡查发现"]


def test_a_change_reads_old_to_new_and_a_deadline_is_in_local_time():
    lines = describe_changes({"status": "reported", "deadline": "2026-12-03T01:24:00+00:00"},
                             {"status": "dispatched", "team": 7, "deadline": "2026-12-04T01:24:00+00:00"},
                             names=NAMES, tz=BEIJING)
    assert lines == ["状态：已上报 → 已派遣", "承办班组：执法一队", "期限：2026-12-03 09:24 → 2026-12-04 09:24"]


def test_empty_values_of_an_outcome_are_left_out():
    lines = describe_changes(None, {"kinds": ["劝阻", "整改"], "count": 1, "points": None, "case_number": "",
                                    "problem": 3, "corrects": None, "passed": False}, names=NAMES, tz=BEIJING)
    assert lines == ["复查结果：未通过", "处置方式：劝阻、整改", "数量：1"]
