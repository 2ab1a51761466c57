"""WGS84 ↔ storage CRS for geometries entering and leaving the database.

Transforms run in pyproj over whole coordinate arrays (shapely.transform), which is far
faster than one GDAL call per geometry during an import.
"""
from functools import lru_cache

import shapely
from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry
from pyproj import CRS, Transformer


@lru_cache(maxsize=8)
def _transformer(src: int, dst: int) -> Transformer:
    return Transformer.from_crs(src, dst, always_xy=True)


def to_storage(geom: shapely.Geometry) -> GEOSGeometry:
    """A WGS84 shapely geometry as a GEOS geometry in the storage CRS."""
    t = _transformer(settings.WGS84_SRID, settings.STORAGE_SRID)
    projected = shapely.transform(geom, lambda xy: _stack(t.transform(xy[:, 0], xy[:, 1])))
    return GEOSGeometry(memoryview(shapely.to_wkb(projected)), srid=settings.STORAGE_SRID)


def to_storage_many(geoms) -> list[GEOSGeometry]:
    """`to_storage` for a whole list at once: one projection over every coordinate (a
    pyproj call per geometry costs more than the projection itself during an import)."""
    if len(geoms) == 0:
        return []
    import numpy as np

    t = _transformer(settings.WGS84_SRID, settings.STORAGE_SRID)
    projected = shapely.transform(np.asarray(geoms, dtype=object),
                                  lambda xy: _stack(t.transform(xy[:, 0], xy[:, 1])))
    srid = settings.STORAGE_SRID
    return [GEOSGeometry(memoryview(wkb), srid=srid) for wkb in shapely.to_wkb(projected)]


def to_wgs84(geom: GEOSGeometry) -> shapely.Geometry:
    t = _transformer(geom.srid or settings.STORAGE_SRID, settings.WGS84_SRID)
    return shapely.transform(shapely.from_wkb(bytes(geom.wkb)), lambda xy: _stack(t.transform(xy[:, 0], xy[:, 1])))


def storage_area_of_use() -> tuple[float, float, float, float] | None:
    """(west, south, east, north) in degrees where the storage CRS is meant to be used."""
    aou = CRS.from_epsg(settings.STORAGE_SRID).area_of_use
    return None if aou is None else (aou.west, aou.south, aou.east, aou.north)


def _stack(xy):
    import numpy as np

    return np.column_stack(xy)
