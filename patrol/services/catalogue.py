"""Loading the category catalogue (patrol.domain.categories) into the database."""
from django.db import transaction

from core import audit
from core.domain.verbs import Verb

from ..domain.categories import CATALOGUE_VERSION, all_categories
from ..models import Category


def categories_load() -> dict[str, int]:
    """Create or update every catalogue entry; deactivate entries no longer in it."""
    counts = {"created": 0, "updated": 0, "unchanged": 0, "deactivated": 0}
    specs = all_categories()
    with transaction.atomic():
        existing = {c.code: c for c in Category.objects.all()}
        for spec in specs:
            values = dict(name=spec.name, big_class=spec.big_class, big_class_code=spec.big_class_code,
                          agency_name=spec.agency, deadline_hours=spec.deadline_hours, source=spec.source,
                          version=CATALOGUE_VERSION, active=True)
            obj = existing.pop(spec.code, None)
            if obj is None:
                Category.objects.create(code=spec.code, **values)
                counts["created"] += 1
            elif any(getattr(obj, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(obj, k, v)
                obj.save()
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
        stale = [c.pk for c in existing.values() if c.active]
        counts["deactivated"] = Category.objects.filter(pk__in=stale).update(active=False)
        if counts["created"] or counts["updated"] or counts["deactivated"]:
            audit.record(actor=None, verb=Verb.IMPORTED, subject=("patrol.category", CATALOGUE_VERSION),
                         after=counts)
    return counts
