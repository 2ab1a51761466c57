"""The top navigation of every page: the rooms a person can go to, for the pages that exist.

A room's pages join the bar by having a URL name listed here; a room not installed (its URL
name does not resolve) is left out rather than shown as a broken link.
"""
from django.urls import NoReverseMatch, reverse

#: (key, label, URL name), in the order of the bar, after 工作台 and 问题.
ROOMS = [
    ("focus", "未诉先办", "dashboard-focus"),
    ("publications", "发布清单", "publications"),
    ("thematic", "专题图", "dashboard-thematic"),
    ("coverage", "巡查覆盖", "coverage"),
    ("hotline", "12345诉求", "hotline-ranking"),
]


def extra_nav(request) -> dict:
    items = []
    for key, label, name in ROOMS:
        try:
            items.append({"key": key, "label": label, "url": reverse(name)})
        except NoReverseMatch:
            continue
    return {"extra_nav": items}
