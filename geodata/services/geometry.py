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


def storage_box_bounds(west: float, south: float, east: float, north: float, *, samples: int = 16,
                       slack: float = 1e-3) -> tuple[tuple[float, float, float, float], tuple[float, float, float, float]]:
    """Two rectangles in the storage CRS for a WGS84 box: ``outer`` surely holds every point of the
    box, ``inner`` holds only points of the box (xmin, ymin, xmax, ymax each).

    The box's edges (meridians and parallels) are curved and tilted in a Gauss-Krüger CRS, so the
    rectangle around its 4 transformed corners is neither: each edge is sampled `samples` times,
    and both rectangles are moved away from the edges by `slack` of the box's larger side (plus
    1 cm), far more than the edges bend between two samples; `inner` also by a few float4 steps,
    so that it still holds only points of the box when compared with PostGIS' `&&`. `inner` is
    empty (xmin ≥ xmax) for a box too thin to hold one.

    >>> outer, inner = storage_box_bounds(116.34, 39.99, 116.35, 40.0)
    >>> outer[0] < inner[0] < inner[2] < outer[2] and outer[1] < inner[1] < inner[3] < outer[3]
    True
    """
    import numpy as np

    t = _transformer(settings.WGS84_SRID, settings.STORAGE_SRID)
    steps = np.linspace(0.0, 1.0, samples + 1)
    lons, lats = west + (east - west) * steps, south + (north - south) * steps
    edges = {"west": (np.full_like(lats, west), lats), "east": (np.full_like(lats, east), lats),
             "south": (lons, np.full_like(lons, south)), "north": (lons, np.full_like(lons, north))}
    xy = {name: t.transform(*lonlat) for name, lonlat in edges.items()}
    xs = np.concatenate([x for x, _ in xy.values()])
    ys = np.concatenate([y for _, y in xy.values()])
    margin = slack * max(xs.max() - xs.min(), ys.max() - ys.min()) + 0.01
    outer = (float(xs.min() - margin), float(ys.min() - margin), float(xs.max() + margin), float(ys.max() + margin))
    # PostGIS' `&&` compares float4 boxes, each rounded outwards by up to one float4 step: keep
    # `inner` four steps (of the largest coordinate) further in, so `geom && inner` is inside too
    margin += 4 * float(np.spacing(np.float32(max(np.abs(xs).max(), np.abs(ys).max()))))
    inner = (float(xy["west"][0].max() + margin), float(xy["south"][1].max() + margin),
             float(xy["east"][0].min() - margin), float(xy["north"][1].min() - margin))
    return outer, inner


def _stack(xy):
    import numpy as np

    return np.column_stack(xy)
