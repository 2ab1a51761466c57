"""What an audit event changed, as lines a person reads on a problem's page (pure, no Django).

The audit rows keep field names and codes (``category: 0502``, ``source: patrol``); the page
shows them with Chinese labels and names, and leaves out what only machines use (the client's
id, file names, record ids).
"""
from datetime import datetime, tzinfo

#: The fields of problems, outcomes, photos and follow-ups that the trail shows, with their labels.
FIELD_LABELS: dict[str, str] = {
    "status": "状态", "category": "类别", "location_text": "位置", "description": "描述", "source": "来源",
    "team": "承办班组", "team_name": "复查班组", "duplicate_of": "原问题", "deadline": "期限",
    "department_name": "部门", "response": "答复", "due_date": "复查日期", "passed": "复查结果",
    "kind": "照片类型", "kinds": "处置方式", "target_kind": "对象", "count": "数量", "fine_amount": "罚款（元）",
    "points": "记分", "seized_items": "暂扣物品", "case_number": "案号", "segment": "路段", "measure_m": "里程（米）",
}
#: Kept on the audit row, not shown: ids and file names that mean nothing to a reader.
HIDDEN = frozenset({"client_id", "image", "width", "height", "problem", "inspection", "outcome", "corrects",
                    "department"})
PHOTO_KINDS = {"before": "整改前", "after": "整改后", "evidence": "证据"}


def describe_changes(before: dict | None, after: dict | None, *, names: dict[str, dict], tz: tzinfo) -> list[str]:
    """``label: old → new`` lines (``label: new`` when there was no old value). ``names`` maps a
    field to {code or id: label} (status, source, category, team ...); a value not in it is shown
    as it is. Timestamps are shown in ``tz``; empty values of a new record are left out."""
    before, after = before or {}, after or {}
    lines = []
    for key in sorted(set(before) | set(after), key=_order):
        if key in HIDDEN:
            continue
        old, new = (_value(key, before.get(key), names, tz), _value(key, after.get(key), names, tz))
        label = FIELD_LABELS.get(key, key)
        if old is None:
            if new is not None:
                lines.append(f"{label}：{new}")
        elif old != new:
            lines.append(f"{label}：{old} → {'无' if new is None else new}")
    return lines


def _order(key: str) -> tuple[int, str]:
    keys = list(FIELD_LABELS)
    return (keys.index(key) if key in keys else len(keys), key)


def _value(key: str, value, names: dict[str, dict], tz: tzinfo):
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, bool):
        return ("通过" if value else "未通过") if key == "passed" else ("是" if value else "否")
    if isinstance(value, list):
        return "、".join(str(_value(key, v, names, tz)) for v in value)
    lookup = names.get(key) or (PHOTO_KINDS if key == "kind" else {})
    if isinstance(value, (str, int)) and value in lookup:
        return lookup[value]
    if key == "duplicate_of":
        return f"#{value}"
    if isinstance(value, str) and "T" in value:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        if moment.tzinfo is not None:
            return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")
    return value
