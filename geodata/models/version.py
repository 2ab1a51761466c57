"""A log of changes to the road network, so that every process can tell cheaply whether
its in-memory network index is still current.

The database writes it: statement-level triggers (migrations 0002, 0003) append a row after
any INSERT, UPDATE, DELETE or TRUNCATE on roads, segments, intersections, their road links,
landmarks and areas, whoever makes the change (an import, the admin, a bulk update, plain
SQL), with the ids of the rows the statement changed (`ids`; for road links, the
intersections'; NULL after a TRUNCATE or past 256 rows), so that a small edit can be applied
to the index in place. Appending takes no lock that another writer waits for, and the network's version is
the pair (number of rows, highest id): a change that commits late, with a lower id than
one already seen, still changes the count. Imports trim the log (fewer rows is a change
too, so that only costs a rebuild).
"""
from django.contrib.postgres.fields import ArrayField
from django.db import models

NETWORK_TABLES = (
    "geodata_road", "geodata_roadsegment", "geodata_intersection", "geodata_intersection_roads",
    "geodata_landmark", "geodata_area",
)


class NetworkChange(models.Model):
    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField("时间")
    table_name = models.CharField("数据表", max_length=63)
    ids = ArrayField(models.BigIntegerField(), verbose_name="变更行", null=True, blank=True,
                     help_text="ids of the rows the statement changed (road links: their intersections); "
                               "NULL: unknown or too many")

    class Meta:
        verbose_name = "路网变更"
        verbose_name_plural = "路网变更"

    def __str__(self) -> str:
        return f"{self.table_name} {self.at:%Y-%m-%d %H:%M:%S}"
