"""Edits of the ground in the 管理后台 and their audit events (geodata.admin.AuditedGISAdmin)."""
import pytest

from core.models import AuditEvent
from geodata.models import Intersection, Road

pytestmark = pytest.mark.django_db


def _form_data(page):
    form = page.context["adminform"].form
    data = {}
    for name in form.fields:
        v = form.initial.get(name)
        if v is None:
            continue
        if isinstance(v, (list, tuple)):
            data[name] = [getattr(x, "pk", x) for x in v]
        elif hasattr(v, "wkt"):
            data[name] = v.wkt
        else:
            data[name] = getattr(v, "pk", v)
    return data


def test_changing_an_intersections_roads_is_saved_with_its_audit_event(admin_client):
    crossing = Intersection.objects.order_by("id").first()
    page = admin_client.get(f"/admin/geodata/intersection/{crossing.pk}/change/")
    data = _form_data(page)
    old = sorted(crossing.roads.values_list("pk", flat=True))
    extra = Road.objects.exclude(pk__in=old).order_by("id").first()
    data["roads"] = [*old, extra.pk]
    data["node_ids"] = ",".join(str(n) for n in crossing.node_ids)
    r = admin_client.post(f"/admin/geodata/intersection/{crossing.pk}/change/", data)
    assert r.status_code == 302, (r.status_code, getattr(r, "context", None) and r.context["adminform"].form.errors)
    assert sorted(crossing.roads.values_list("pk", flat=True)) == sorted([*old, extra.pk])
    event = AuditEvent.objects.filter(subject_type="geodata.intersection", subject_id=str(crossing.pk)).last()
    assert sorted(event.before["roads"]) == old and sorted(event.after["roads"]) == sorted([*old, extra.pk])
