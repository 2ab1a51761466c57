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
