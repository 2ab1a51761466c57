"""The 管理后台's list action "delete selected" of the ground (geodata.admin.AuditedGISAdmin):
the change list is not run in one transaction (Django wraps only the add/change/delete views),
so the deletion commits on its own and `audit.record` then refuses to run outside a
transaction: the user gets a 500, the rows are gone, and no audit event says so."""
import pytest
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import Point
from django.test import Client

from core.models import AuditEvent
from geodata.models import Landmark

pytestmark = pytest.mark.django_db(transaction=True)


def test_deleting_landmarks_by_the_list_action_is_in_the_audit_log():
    user = get_user_model().objects.filter(username="review-su").first() or \
        get_user_model().objects.create_superuser("review-su", password="patrol-demo-xyz")
    mark = Landmark.objects.create(key="n-review-1", source="review", name="审计测试地标", kind="poi",
                                   geom=Point(450000, 4420000, srid=4548))
    client = Client(raise_request_exception=False)
    client.force_login(user)
    r = client.post("/admin/geodata/landmark/", {"action": "delete_selected", "_selected_action": [mark.pk],
                                                "post": "yes"})
    gone = not Landmark.objects.filter(pk=mark.pk).exists()
    events = AuditEvent.objects.filter(subject_type="geodata.landmark", subject_id=str(mark.pk), verb="deleted")
    assert r.status_code == 302, (r.status_code, "landmark deleted anyway" if gone else "landmark kept")
    assert gone and events.count() == 1
