"""Loading the category catalogue (patrol.domain.categories) into the database."""
from django.db import transaction

from core import audit
from core.domain.verbs import Verb

from ..domain.categories import CATALOGUE_VERSION, all_categories
from ..models import Category


def categories_load() -> dict[str, int]:
    """Create every catalogue entry that is missing, bring entries of an older catalogue
    version up to this one, and deactivate entries no longer in it. Entries already at this
    version are left as they are: a district administrator's edits (a name, a deadline,
    switched off) survive `load_demo` and every `make run`, until a new catalogue release."""
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
            elif obj.version != CATALOGUE_VERSION and any(getattr(obj, k) != v for k, v in values.items()):
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


def category_update(*, actor, category: Category, changes: dict) -> Category:
    """A district administrator's edit of one catalogue entry, with its audit event."""
    changed = {k: v for k, v in changes.items() if getattr(category, k) != v}
    if not changed:
        return category
    with transaction.atomic():
        before = {k: getattr(category, k) for k in changed}
        for k, v in changed.items():
            setattr(category, k, v)
        category.save(update_fields=list(changed))
        audit.record(actor=actor, verb=Verb.UPDATED, subject=category, before=before, after=changed)
    return category
