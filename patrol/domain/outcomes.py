"""What was done about a problem (the outcome) and to whom or what (the target).

Enforcement follows "education first, penalties second" (教育为主、处罚为辅). The outcome
kinds, from mildest to harshest, are 劝阻 (dissuaded), 教育 (educated), 整改 (rectified),
规范 (put in order, e.g. bikes re-parked), 劝离 (told to move on), 警告 (warned), then the
penalties 扣分 (licence points), 罚款 (fine), 暂扣 (items seized) and 立案处罚 (a case
filed for penalty). A penalty needs its particulars: the amount of a fine, the number
of points, what was seized, the case number.

An outcome is counted in the target's measure word (量词), the way reports count them:
"劝阻并整改店外经营7家，规范电动自行车停放10处，劝离违章停车8辆".

>>> OutcomeKind.from_label("罚款").value, OutcomeKind.FINE.is_penalty, OutcomeKind.FINE.requires
('fine', True, ('fine_amount',))
>>> TargetKind.from_label("店外经营").measure, measure_word("三轮摩托车")
('家', '辆')
>>> validate_outcome("罚款", target_kind="三轮摩托车", count=2)
['罚款须填写罚款金额（fine_amount）']
>>> validate_outcome("劝离", target_kind="违章停车", count=8)
[]
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from enum import Enum

__all__ = [
    "FIELD_LABELS",
    "MAX_LICENCE_POINTS",
    "OutcomeKind",
    "TargetKind",
    "measure_word",
    "outcome_kind",
    "target_kind",
    "validate_outcome",
]

# Chinese names of the particulars, used in messages next to the field name.
FIELD_LABELS = {
    "fine_amount": "罚款金额",
    "points": "扣分分值",
    "seized_items": "暂扣物品",
    "case_number": "案件编号",
    "count": "数量",
}

# A driving licence holds 12 points per scoring period; no single offence takes more.
MAX_LICENCE_POINTS = 12
# The particulars' sizes (Outcome's columns; the API refuses longer ones, the field app's
# dialog does not let them be typed): a case number, the seized items, a fine of ≤ 10 digits.
MAX_CASE_NUMBER = 50
MAX_SEIZED_ITEMS = 500
FINE_MAX_DIGITS = 10
FINE_DECIMAL_PLACES = 2


def _by_label(enum, label: str, what: str):
    for member in enum:
        if member.label == label:
            return member
    raise ValueError(f"unknown {what} {label!r}")


class OutcomeKind(Enum):
    """An enforcement outcome; ``value`` is the English slug stored in the database."""

    label: str
    severity: int
    is_penalty: bool
    requires: tuple[str, ...]

    def __new__(cls, slug: str, label: str, severity: int, is_penalty: bool, requires: tuple[str, ...]):
        obj = object.__new__(cls)
        obj._value_ = slug
        obj.label = label
        obj.severity = severity
        obj.is_penalty = is_penalty
        obj.requires = requires
        return obj

    DISSUADE = "dissuade", "劝阻", 1, False, ()
    EDUCATE = "educate", "教育", 2, False, ()
    RECTIFY = "rectify", "整改", 3, False, ()
    REGULATE = "regulate", "规范", 4, False, ()
    MOVE_ON = "move_on", "劝离", 5, False, ()
    WARN = "warn", "警告", 6, False, ()
    POINTS = "points", "扣分", 7, True, ("points",)
    FINE = "fine", "罚款", 8, True, ("fine_amount",)
    SEIZE = "seize", "暂扣", 9, True, ("seized_items",)
    CASE = "case", "立案处罚", 10, True, ("case_number",)

    @classmethod
    def from_label(cls, label: str) -> OutcomeKind:
        """The kind named ``label`` (劝阻 …); ``ValueError`` if none is."""
        return _by_label(cls, label, "outcome kind")


class TargetKind(Enum):
    """What an outcome is counted in, with its measure word (量词)."""

    label: str
    measure: str
    is_motor_vehicle: bool

    def __new__(cls, slug: str, label: str, measure: str, is_motor_vehicle: bool = False):
        obj = object.__new__(cls)
        obj._value_ = slug
        obj.label = label
        obj.measure = measure
        obj.is_motor_vehicle = is_motor_vehicle
        return obj

    SHOP = "shop", "商户", "家"
    SHOP_FRONT = "shop_front", "店外经营", "家"  # counted by the shop that trades outside
    EBIKE_PARKING = "ebike_parking", "电动自行车停放", "处"  # counted by spot
    ILLEGAL_PARKING = "illegal_parking", "违章停车", "辆", True
    MOTOR_VEHICLE = "motor_vehicle", "机动车", "辆", True
    SPECIAL_VEHICLE = "special_vehicle", "特种设备车辆", "辆", True
    MOTOR_TRICYCLE = "motor_tricycle", "三轮摩托车", "辆", True
    NON_MOTOR_VEHICLE = "non_motor_vehicle", "非机动车", "辆"
    HAWKER = "hawker", "游商", "名"
    ADVERT = "advert", "广告", "处"
    OTHER = "other", "其他", "处"

    @classmethod
    def from_label(cls, label: str) -> TargetKind:
        """The target kind named ``label`` (店外经营 …); ``ValueError`` if none is."""
        return _by_label(cls, label, "target kind")


def outcome_kind(kind: OutcomeKind | str) -> OutcomeKind:
    """An outcome kind from itself, its slug (``fine``) or its label (罚款).

    >>> outcome_kind("fine") is outcome_kind("罚款") is OutcomeKind.FINE
    True
    """
    if isinstance(kind, OutcomeKind):
        return kind
    try:
        return OutcomeKind(kind)
    except ValueError:
        return OutcomeKind.from_label(kind)


def target_kind(kind: TargetKind | str) -> TargetKind:
    """A target kind from itself, its slug (``hawker``) or its label (游商)."""
    if isinstance(kind, TargetKind):
        return kind
    try:
        return TargetKind(kind)
    except ValueError:
        return TargetKind.from_label(kind)


# validate_outcome's keyword ``target_kind`` shadows the function inside it.
_to_target_kind = target_kind


def measure_word(target: TargetKind | str) -> str:
    """The measure word a target is counted in: 家, 处, 辆 or 名."""
    return target_kind(target).measure


def _field(name: str) -> str:
    return f"{FIELD_LABELS[name]}（{name}）"


def validate_outcome(
    kind: OutcomeKind | str,
    *,
    target_kind: TargetKind | str,
    count: int,
    fine_amount: Decimal | int | float | str | None = None,
    points: int | None = None,
    seized_items: str | Sequence[str] | None = None,
    case_number: str | None = None,
) -> list[str]:
    """What is wrong with one outcome record, as messages an officer can act on.

    An empty list means the record is valid. One record is one kind: a vehicle that is
    both given points and fined is two records, each with its own particulars, so a
    particular that the kind does not take is reported too.

    >>> validate_outcome("扣分", target_kind="游商", count=0, points=3)
    ['数量（count）必须是不小于1的整数', '扣分只适用于机动车类对象，“游商”不是机动车']
    """
    errors: list[str] = []
    kind_label, target_label = kind, target_kind
    try:
        okind: OutcomeKind | None = outcome_kind(kind)
    except ValueError:
        okind = None
        errors.append(f"处置方式“{kind_label}”不在字典中")
    try:
        tkind: TargetKind | None = _to_target_kind(target_kind)
    except ValueError:
        tkind = None
        errors.append(f"处置对象“{target_label}”不在字典中")

    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        errors.append(f"{_field('count')}必须是不小于1的整数")

    if okind is None:
        return errors

    given = {
        "fine_amount": fine_amount is not None,
        "points": points is not None,
        "seized_items": seized_items is not None,
        "case_number": case_number is not None,
    }
    for name, present in given.items():
        if name in okind.requires and not present:
            errors.append(f"{okind.label}须填写{_field(name)}")
        elif name not in okind.requires and present:
            errors.append(f"{okind.label}不应填写{_field(name)}")

    if "fine_amount" in okind.requires and fine_amount is not None:
        try:
            amount = Decimal(str(fine_amount))
        except InvalidOperation:
            amount = None
        if isinstance(fine_amount, bool) or amount is None or not amount.is_finite():
            errors.append(f"{_field('fine_amount')}必须是数字")
        elif amount <= 0:
            errors.append(f"{_field('fine_amount')}必须大于0")
    if "points" in okind.requires and points is not None:
        if isinstance(points, bool) or not isinstance(points, int) or not 1 <= points <= MAX_LICENCE_POINTS:
            errors.append(f"{_field('points')}必须是1到{MAX_LICENCE_POINTS}之间的整数")
    if okind is OutcomeKind.POINTS and tkind is not None and not tkind.is_motor_vehicle:
        errors.append(f"扣分只适用于机动车类对象，“{tkind.label}”不是机动车")
    if "seized_items" in okind.requires and seized_items is not None:
        items = [seized_items] if isinstance(seized_items, str) else list(seized_items)
        if not items or any(not isinstance(i, str) or not i.strip() for i in items):
            errors.append(f"{_field('seized_items')}不能为空")
    if "case_number" in okind.requires and case_number is not None:
        if not isinstance(case_number, str) or not case_number.strip():
            errors.append(f"{_field('case_number')}不能为空")
    return errors
