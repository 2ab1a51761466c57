"""What the tablet needs to know before it goes offline."""
from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from org.models import Officer
from org.selectors import jurisdiction_area_ids

from ..models import Category

USAGE_DAYS = 90


def category_usage(officer: Officer, *, days: int = USAGE_DAYS) -> list[tuple[str, str, int]]:
    """(code, name, problems reported in the officer's jurisdiction in the last `days`) for
    every active category, in catalogue order."""
    since = timezone.now() - timedelta(days=days)
    areas = jurisdiction_area_ids(officer)
    rows = (Category.objects.filter(active=True)
            .annotate(used=Count("problem", filter=Q(problem__created_at__gte=since,
                                                     problem__subdistrict_id__in=areas)))
            .order_by("code").values_list("code", "name", "used"))
    return list(rows)
