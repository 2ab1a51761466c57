"""Linking 12345 complaints to the patrol problems found near them.

At import a located complaint is linked to the nearest patrol problem of a matching
category within HOTLINE_PROBLEM_MATCH_M metres and HOTLINE_PROBLEM_MATCH_DAYS days either
side (`complaints_link_nearest`, called by hotline.services.imports). A problem reported after the complaint was imported — a
patrol sent to what a caller reported, or one that found it a day later — would stay
unlinked; `complaints_link_to_problem` runs when a problem is created (patrol's
`problem_created` signal → the job `hotline.tasks.link_complaints`) and links the
complaints still unlinked that the import would have matched to it.
"""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.gis.db.models.functions import Distance
from django.db import transaction

from core import audit
from core.domain.verbs import Verb

from ..domain.matching import category_candidates
from ..models import Complaint


def _window() -> tuple[float, dt.timedelta]:
    """How near (metres) and how close in time (either side) a complaint and a problem match."""
    return settings.HOTLINE_PROBLEM_MATCH_M, dt.timedelta(days=settings.HOTLINE_PROBLEM_MATCH_DAYS)


def complaints_link_nearest(ids: list[int]) -> None:
    """Each of these located complaints linked to the nearest patrol problem of a matching
    category within the window (at import)."""
    from patrol.models import Problem

    metres, days = _window()
    for c in Complaint.objects.filter(pk__in=ids, geom__isnull=False).only("pk", "geom", "received_at", "category"):
        names = category_candidates(c.category)
        if not names:
            continue
        problem = (Problem.objects.filter(category__name__in=names, geom__dwithin=(c.geom, metres),
                                          created_at__range=(c.received_at - days, c.received_at + days))
                   .annotate(d=Distance("geom", c.geom)).order_by("d", "pk").values_list("pk", flat=True).first())
        if problem is not None:
            Complaint.objects.filter(pk=c.pk).update(problem=problem)


def complaints_link_to_problem(problem_id: int) -> list[int]:
    """Ids of the complaints linked to the problem: located, not linked yet, within the
    distance and days set of it, of a category whose candidates include the problem's."""
    from patrol.models import Problem

    problem = Problem.objects.select_related("category").filter(pk=problem_id).first()
    if problem is None:  # deleted meanwhile
        return []
    metres, days = _window()
    with transaction.atomic():
        near = (Complaint.objects.select_for_update(skip_locked=True)
                .filter(problem__isnull=True, geom__dwithin=(problem.geom, metres),
                        received_at__range=(problem.created_at - days, problem.created_at + days))
                .only("pk", "category"))
        ids = [c.pk for c in near if problem.category.name in category_candidates(c.category)]
        if ids:
            Complaint.objects.filter(pk__in=ids).update(problem=problem)
            audit.record(actor=None, verb=Verb.UPDATED, subject=problem, after={"complaints_linked": ids},
                         reason="就近关联12345诉求")
    return ids
