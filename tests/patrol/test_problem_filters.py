"""The problem filter read from a URL and written back: what a colleague opens is what was sent."""
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from patrol.domain.filters import DEFAULT_SORT, SORTS, SOURCES, ProblemFilter, parse, to_query
from patrol.domain.workflow import STATUS_LABELS

CODES = ("0101", "0102", "0204", "L01")


def _as_params(pairs):
    params: dict[str, list[str]] = {}
    for key, value in pairs:
        params.setdefault(key, []).append(value)
    return params


filters = st.builds(
    ProblemFilter,
    q=st.text(alphabet="学院路北侧垃圾 0123abc", max_size=20).map(str.strip),
    category=st.lists(st.sampled_from(CODES), unique=True).map(lambda v: tuple(sorted(v))),
    status=st.lists(st.sampled_from(sorted(STATUS_LABELS)), unique=True).map(lambda v: tuple(sorted(v))),
    source=st.lists(st.sampled_from(sorted(SOURCES)), unique=True).map(lambda v: tuple(sorted(v))),
    area=st.none() | st.integers(1, 10**6),
    since=st.none() | st.dates(date(2000, 1, 1), date(2050, 12, 31)),
    until=st.none(),
    overdue=st.booleans(),
    sort=st.sampled_from(sorted(SORTS)),
    page=st.integers(1, 500),
)


@given(filters)
def test_a_filter_survives_the_trip_through_its_query_string(f):
    again, errors = parse(_as_params(to_query(f, page=True)), categories=CODES)
    assert errors == []
    assert again == f


@given(filters)
def test_the_query_string_of_a_filter_is_canonical(f):
    shuffled = list(reversed(to_query(f, page=True)))
    again, _ = parse(_as_params(shuffled), categories=CODES)
    assert to_query(again, page=True) == to_query(f, page=True)


@given(st.dictionaries(st.sampled_from(["q", "category", "status", "source", "area", "since", "until", "overdue",
                                        "sort", "page", "other"]),
                       st.lists(st.text(max_size=12), max_size=3)))
def test_any_query_string_gives_a_filter_and_readable_reasons(params):
    f, errors = parse(params, categories=CODES)
    assert isinstance(f, ProblemFilter)
    assert all(isinstance(e, str) and e for e in errors)
    assert f.sort in SORTS and f.page >= 1


def test_unknown_values_are_named_and_left_out():
    f, errors = parse({"status": ["reported", "flying"], "category": ["0101", "9999"], "area": ["abc"],
                       "sort": ["sideways"], "overdue": ["maybe"]}, categories=CODES)
    assert f.status == ("reported",) and f.category == ("0101",) and f.area is None
    assert f.sort == DEFAULT_SORT and f.overdue is False
    assert errors == ["未知类别“9999”，已忽略", "未知状态“flying”，已忽略", "区域“abc”无效，已忽略",
                      "“超期”只能是 1 或 0，收到“maybe”", "未知排序“sideways”，按最新上报排序"]


def test_a_period_that_ends_before_it_starts_keeps_its_start():
    f, errors = parse({"since": ["2025-03-10"], "until": ["2025-03-01"]}, categories=CODES)
    assert f.since == date(2025, 3, 10) and f.until is None
    assert errors == ["截止日期 2025-03-01 早于起始日期 2025-03-10，已忽略截止日期"]


def test_comma_separated_and_repeated_keys_mean_the_same():
    a, _ = parse({"status": ["reported,closed"]}, categories=CODES)
    b, _ = parse({"status": ["closed", "reported"]}, categories=CODES)
    assert a == b and a.status == ("closed", "reported")


def test_digits_other_than_ascii_and_a_nul_are_named_not_raised():
    # "²".isdigit() is True but int("²") fails; PostgreSQL refuses a NUL in a text.
    f, errors = parse({"page": ["²"], "area": ["٣"], "q": ["纸\x00箱"]}, categories=CODES)
    assert f.page == 1 and f.area is None and f.q == ""
    assert errors == ["搜索词含有空字符（NUL），已忽略", "区域“٣”无效，已忽略", "页码“²”不是正整数"]
