"""The category catalogue: well-formed, complete for the source, reachable from parser wording."""
import doctest

import pytest

from geodata.location.lexicon import CATEGORY_RULES
from geodata.location.parse import parse
from patrol.domain import categories
from patrol.domain.categories import (
    AGENCIES,
    BIG_CLASSES,
    CATALOGUE_VERSION,
    all_categories,
    by_code,
    by_name,
    category_for_text,
)

# The four numbered 未诉先办 lines of the seed page (000_10417ee54e7fd4ee.txt).
SEED_LINES = [
    ("东铁匠营街道，横五条北段与顺五条交叉路口向北5米，横五条北段西侧，积存垃圾。", ["积存垃圾渣土"]),
    ("西罗园街道，马家堡东路与革新南路交叉路口向东120米，革新南路南侧，天成酒店南侧10米，积存垃圾。",
     ["积存垃圾渣土"]),
    ("右安门街道，玉林南路与玉林东路交叉路口向北100米，玉林东路东侧，门店前堆物堆料，机动车、非机动车乱停。",
     ["乱堆物堆料", "机动车乱停放", "非机动车乱停放"]),
    ("玉泉营街道，南三环西路辅路与万柳园小区门前路交叉口向北60米，万柳园小区门前路东侧，积存垃圾。",
     ["积存垃圾渣土"]),
]


def test_docstring_examples_hold():
    assert doctest.testmod(categories).failed == 0


def test_catalogue_is_versioned():
    assert CATALOGUE_VERSION == "2026.1"


def test_codes_are_unique():
    codes = [c.code for c in all_categories()]
    assert len(codes) == len(set(codes))


def test_names_and_aliases_are_unique_within_the_version():
    wordings = [w for c in all_categories() for w in c.wordings]
    assert len(wordings) == len(set(wordings))


def test_big_classes_are_the_standards_five():
    assert BIG_CLASSES == {"01": "市容环境", "02": "宣传广告", "03": "施工管理", "04": "突发事件", "05": "街面秩序"}
    assert {c.big_class_code for c in all_categories()} == set(BIG_CLASSES)


def test_every_entry_is_well_formed():
    for c in all_categories():
        assert len(c.code) == 4 and c.code.isdigit(), c
        assert BIG_CLASSES[c.big_class_code] == c.big_class, c
        assert c.agency in AGENCIES, c
        assert c.deadline_hours > 0, c
        assert c.source in {"standard", "local"}, c


def test_standard_codes_start_with_their_big_class_and_local_codes_are_in_the_9x_range():
    for c in all_categories():
        if c.source == "standard":
            assert c.code[:2] == c.big_class_code, c
        else:
            assert c.code.startswith("9"), c


def test_standard_emergencies_are_due_within_four_hours():
    emergencies = [c for c in all_categories() if c.big_class_code == "04" and c.source == "standard"]
    assert emergencies and all(2 <= c.deadline_hours <= 4 for c in emergencies)


@pytest.mark.parametrize("name, big_class", [
    ("积存垃圾渣土", "市容环境"), ("乱堆物堆料", "市容环境"), ("店外经营", "街面秩序"),
    ("无照经营游商", "街面秩序"), ("机动车乱停放", "街面秩序"), ("非机动车乱停放", "街面秩序"),
    ("供暖管道破裂", "突发事件"), ("非法小广告", "宣传广告"), ("施工扰民", "施工管理"),
])
def test_the_required_standard_categories_are_present(name, big_class):
    spec = by_name(name)
    assert spec is not None and spec.name == name
    assert spec.big_class == big_class and spec.source == "standard"


@pytest.mark.parametrize("name", ["门前三包", "燃气安全", "背街小巷", "电动自行车停放", "供暖设施故障"])
def test_the_sources_local_categories_are_marked_local(name):
    spec = by_name(name)
    assert spec.name == name and spec.source == "local" and spec.is_local


def test_by_code_finds_an_entry_and_rejects_an_unknown_code():
    assert by_code("0103").name == "积存垃圾渣土"
    with pytest.raises(KeyError):
        by_code("9999")


@pytest.mark.parametrize("line, expected", SEED_LINES)
def test_the_seed_lines_problems_map_to_catalogue_entries(line, expected):
    problems = parse(line).problems
    assert [category_for_text(p).name for p in problems] == expected


@pytest.mark.parametrize("item, name", [
    ("积存垃圾", "积存垃圾渣土"),
    ("堆物堆料", "乱堆物堆料"),
    ("机动车乱停", "机动车乱停放"),
    ("非机动车乱停", "非机动车乱停放"),
    ("门店前堆物堆料", "乱堆物堆料"),
    ("店外经营", "店外经营"),
    ("无照经营", "无照经营游商"),
    ("违章停车", "机动车乱停放"),
    ("电动车乱停", "电动自行车停放"),
    ("暖气管道漏水", "供暖管道破裂"),
    ("“门前三包”不到位", "门前三包"),
])
def test_problem_wording_maps_to_its_category(item, name):
    assert category_for_text(item).name == name


def test_every_parser_category_maps_to_a_catalogue_entry():
    for _, parser_category in CATEGORY_RULES:
        assert category_for_text(parser_category) is not None, parser_category


def test_wording_outside_the_catalogue_has_no_category():
    assert category_for_text("墙皮脱落") is None
    assert category_for_text("  ") is None


@pytest.mark.django_db
def test_an_administrators_edit_survives_reloading_the_same_catalogue():
    from django.contrib.auth import get_user_model

    from core.models import AuditEvent
    from patrol.models import Category
    from patrol.services.catalogue import categories_load, category_update
    category = Category.objects.get(name="积存垃圾渣土")
    category_update(actor=get_user_model().objects.get(username="admin"), category=category,
                    changes={"deadline_hours": 6})
    assert AuditEvent.objects.for_subject("patrol.category", category.pk).filter(verb="updated").count() == 1
    categories_load()  # what load_demo, and so every `make run`, does
    assert Category.objects.get(pk=category.pk).deadline_hours == 6
    Category.objects.filter(pk=category.pk).update(version="2025.1")  # as if from an older release
    categories_load()
    assert Category.objects.get(pk=category.pk).deadline_hours != 6  # a new release brings its own
