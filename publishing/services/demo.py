"""The demo district's published 未诉先办 list, loaded by `load_demo` after the demo week: the
problems found in the demo subdistrict in the seven days before today, drawn up and published
by the demo publisher, so the 发布清单 pages, the exports and the problems' 曝光 have something
real to show. Once: a published list cannot be changed, and a second run finds it and skips."""
from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from geodata.models import Area, AreaKind
from geodata.services.demo import DEMO_SUBDISTRICT

from ..models import Publication
from .publications import draft_create, publish

DEMO_PUBLISHER = "publisher1"
DEMO_TITLE = "未诉先办（演示）"
DEMO_DAYS = 7


def demo_publication_load(*, today: dt.date | None = None) -> str:
    area = Area.objects.filter(kind=AreaKind.SUBDISTRICT, name=DEMO_SUBDISTRICT).first()
    publisher = get_user_model().objects.filter(username=DEMO_PUBLISHER).first()
    if area is None or publisher is None:
        return "演示清单: 未载入（缺少演示街道或发布人员）"
    if Publication.objects.filter(area=area, title=DEMO_TITLE).exists():
        return "演示清单: 已有，跳过"
    today = today or timezone.localdate()
    with transaction.atomic():
        draft = draft_create(actor=publisher, area_id=area.pk, period_from=today - dt.timedelta(days=DEMO_DAYS),
                             period_to=today - dt.timedelta(days=1), title=DEMO_TITLE)
        lines = draft.items.filter(position__isnull=False).count()
        if not lines:
            transaction.set_rollback(True)  # no empty draft left behind
            return "演示清单: 前7天没有可列的问题，未发布"
        pub = publish(actor=publisher, publication_id=draft.pk)
    return f"演示清单: 已发布 {pub.number}（{lines} 条）"
