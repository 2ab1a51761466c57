"""Complaints follow the road network when an import changes it (geodata.signals.network_changed).

A complaint located on a segment that left the live network or changed its geometry is
put on the nearest live segment within RESNAP_M of its point (or on none); its point and
text are left alone. Without this a re-import would drop its complaints out of the
未诉先办 forecast, which counts complaints by segment.
"""
from __future__ import annotations

from django.contrib.gis.db.models.functions import Distance

from geodata.models import RoadSegment

from ..models import Complaint

RESNAP_M = 50.0  # as for patrol problems (patrol.services.problems.RESNAP_M)


def complaints_resnap(*, segment_ids) -> int:
    """Put the complaints on `segment_ids` on the nearest live segment. Returns how many changed."""
    ids = list(segment_ids)
    if not ids:
        return 0
    changed = 0
    for c in Complaint.objects.filter(segment_id__in=ids, geom__isnull=False).only("id", "geom", "segment_id"):
        seg = (RoadSegment.objects.live().filter(geom__dwithin=(c.geom, RESNAP_M))
               .annotate(d=Distance("geom", c.geom)).order_by("d", "id").only("id").first())
        new = seg.pk if seg else None
        if new != c.segment_id:
            Complaint.objects.filter(pk=c.pk).update(segment_id=new)
            changed += 1
    return changed
