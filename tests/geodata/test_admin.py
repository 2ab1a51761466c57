"""The admin works for every geodata model, with its map widget served locally."""
import re

import pytest

from geodata.models import Area, Intersection, Landmark, Road, RoadSegment

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [Area, Road, RoadSegment, Intersection, Landmark])
def test_admin_change_page_uses_local_map_assets(admin_client, model):
    obj = model.objects.first()
    name = model._meta.model_name
    assert admin_client.get(f"/admin/geodata/{name}/").status_code == 200
    response = admin_client.get(f"/admin/geodata/{name}/{obj.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "maps/vendor/ol/ol.js" in html
    external = [u for u in re.findall(r"""(?:src|href)=["'](https?://[^"']+)""", html)]
    assert external == []


def test_an_edit_of_the_ground_in_the_admin_is_one_audit_event(admin_client):
    from core.models import AuditEvent
    road = Road.objects.order_by("id").first()
    page = admin_client.get(f"/admin/geodata/road/{road.pk}/change/")
    form = page.context["adminform"].form
    data = {name: form.initial.get(name) for name in form.fields}
    data = {k: ("" if v is None else getattr(v, "pk", v)) for k, v in data.items()}
    data["geom"] = road.geom.wkt if "geom" in form.fields else None
    data = {k: v for k, v in data.items() if v is not None}
    data["name"] = road.name + "（测试）"
    for prefix in ("segments", "roadsegment_set"):  # the inline's management form, whichever it is
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    before = AuditEvent.objects.count()
    r = admin_client.post(f"/admin/geodata/road/{road.pk}/change/", data)
    assert r.status_code == 302, getattr(r, "context", None) and r.context["adminform"].form.errors
    event = AuditEvent.objects.order_by("-id").first()
    assert AuditEvent.objects.count() == before + 1
    assert (event.verb, event.subject_type, event.subject_id) == ("updated", "geodata.road", str(road.pk))
    assert event.after["name"] == road.name + "（测试）" and event.before["name"] == road.name


def test_an_import_of_the_network_is_one_audit_event(fixtures_dir):
    from core.models import AuditEvent
    from geodata.services.network_import import network_import
    before = AuditEvent.objects.filter(verb="imported", subject_type="geodata.network").count()
    report = network_import(path=fixtures_dir / "osm" / "beijing_haidian_xueyuanlu.osm", source="另一来源",
                            allow_overlap=True)
    assert report.changed
    assert AuditEvent.objects.filter(verb="imported", subject_type="geodata.network").count() == before + 1
