"""Reading the audit log by jurisdiction: which events a viewer limited to some areas may see.

An event is said of a subject and, for records that belong to another, of that record too
(its context: a photo's problem, an item's publication). It lies in an area when its subject
or its context is a record that lies there today, by the same lookups the other admin pages
scope their rows with (a problem by its subdistrict, an officer by their jurisdiction, a
credential or an account (a failed sign-in's, org.services) by the account's officer). Events of anything else (the category catalogue, the
ground, imports of the system), and of records that reach no area (a batch the command line
imported, a superuser's token, a sign-in under a name no account has), lie in no subdistrict: they are the district's, for
district-wide viewers only (`unlinked=True`; org.admin.RoleAdmin does the same for rows).

>>> sorted(AREA_LOOKUPS)[:3]
['api.apikey', 'api.apitoken', 'auth.user']
"""
from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast

from .models import AuditEvent

# subject type ("app.model", as core.audit.subject_of writes it) -> (model, lookups to an area id)
AREA_LOOKUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "patrol.problem": ("patrol.Problem", ("subdistrict_id",)),
    "patrol.problemphoto": ("patrol.ProblemPhoto", ("problem__subdistrict_id",)),
    "patrol.escalation": ("patrol.Escalation", ("problem__subdistrict_id",)),
    "patrol.reinspection": ("patrol.Reinspection", ("problem__subdistrict_id",)),
    "patrol.inspection": ("patrol.Inspection", ("area_id",)),
    "patrol.outcome": ("patrol.Outcome", ("problem__subdistrict_id", "inspection__area_id")),
    "patrol.outcomephoto": ("patrol.OutcomePhoto", ("outcome__problem__subdistrict_id",
                                                    "outcome__inspection__area_id")),
    "org.agency": ("org.Agency", ("area_id",)),
    "org.team": ("org.Team", ("area_id",)),
    "org.officer": ("org.Officer", ("jurisdiction_id",)),
    "shifts.shift": ("shifts.Shift", ("team__area_id",)),
    "publishing.publication": ("publishing.Publication", ("area_id",)),
    "publishing.publicationitem": ("publishing.PublicationItem", ("publication__area_id",)),
    "api.apikey": ("api.ApiKey", ("user__officer__jurisdiction_id",)),
    "api.apitoken": ("api.ApiToken", ("user__officer__jurisdiction_id",)),
    "hotline.importbatch": ("hotline.ImportBatch", ("imported_by__officer__jurisdiction_id",)),
    "auth.user": ("auth.User", ("officer__jurisdiction_id",)),
}


def _ids_in(model_label: str, lookups: tuple[str, ...], area_ids: list[int], unlinked: bool) -> QuerySet:
    """The ids, as the text the log stores, of the `model_label` rows that lie in `area_ids`
    (and, `unlinked`, of those that reach no area)."""
    condition = Q()
    for lookup in lookups:
        condition |= Q(**{f"{lookup}__in": area_ids})
    if unlinked:
        condition |= Q(**{f"{lookup}__isnull": True for lookup in lookups})
    model = apps.get_model(model_label)
    return (model._default_manager.filter(condition).order_by()
            .annotate(audit_id=Cast("pk", CharField())).values("audit_id"))


def events_in_areas(area_ids: Iterable[int], queryset: QuerySet[AuditEvent] | None = None, *,
                    unlinked: bool = False) -> QuerySet[AuditEvent]:
    """The events (of `queryset`, default all) whose subject or context lies in `area_ids`;
    with `unlinked` (a district-wide viewer) also those that lie in no area at all."""
    area_ids = list(area_ids)
    queryset = AuditEvent.objects.all() if queryset is None else queryset
    if not area_ids:
        return queryset.none()
    condition = Q()
    for subject_type, (model_label, lookups) in AREA_LOOKUPS.items():
        ids = _ids_in(model_label, lookups, area_ids, unlinked)
        condition |= Q(subject_type=subject_type, subject_id__in=ids)
        condition |= Q(context_type=subject_type, context_id__in=ids)
    if unlinked:
        known = sorted(AREA_LOOKUPS)
        condition |= ~Q(subject_type__in=known) & ~Q(context_type__in=known)
    return queryset.filter(condition)
