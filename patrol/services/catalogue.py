"""Loading the category catalogue (patrol.domain.categories) into the database."""
from django.db import transaction

from core import audit
from core.domain.verbs import Verb
from core.errors import Forbidden
from org.domain.permissions import denial
from org.selectors import district_wide, officer_of

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


def may_edit_catalogue(actor) -> bool:
    """Whether `actor` may edit the catalogue: it serves every subdistrict of the district, so a
    superuser or a district administrator whose jurisdiction is the whole district, not a
    district administrator limited to one subdistrict."""
    try:
        catalogue_editor_check(actor)
    except Forbidden:
        return False
    return True


def catalogue_editor_check(actor) -> None:
    """Forbidden unless `actor` may edit the catalogue (`may_edit_catalogue`)."""
    if actor is not None and actor.is_authenticated and actor.is_active and actor.is_superuser:
        return
    officer = officer_of(actor)
    why = denial(officer.role, "manage_people")
    if why:
        raise Forbidden(why)
    if not district_wide(officer):
        raise Forbidden("问题类别目录全区通用，只有全区辖区的区级管理员可以修改")


def category_update(*, actor, category: Category, changes: dict) -> Category:
    """A district administrator's edit of one catalogue entry, with its audit event.

    Forbidden for anyone but a superuser or a district-wide district administrator."""
    catalogue_editor_check(actor)
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
