"""One row that changes whenever the road network does, so that every process can tell
cheaply whether its in-memory network index is still current.

The database keeps it: statement-level triggers (migration 0002) give it a fresh random
token after any INSERT, UPDATE, DELETE or TRUNCATE on roads, segments, intersections,
their road links, landmarks and areas, whoever makes the change (an import, the admin,
a bulk update, plain SQL). A token, not a counter: a value once seen is never seen again,
even after the row is flushed and made anew.
"""
from django.db import models

NETWORK_TABLES = (
    "geodata_road", "geodata_roadsegment", "geodata_intersection", "geodata_intersection_roads",
    "geodata_landmark", "geodata_area",
)


class NetworkVersion(models.Model):
    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    token = models.UUIDField("版本标识")
    changed_at = models.DateTimeField("变更时间")

    class Meta:
        verbose_name = "路网版本"
        verbose_name_plural = "路网版本"

    def __str__(self) -> str:
        return f"{self.token} ({self.changed_at:%Y-%m-%d %H:%M:%S})"
