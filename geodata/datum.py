"""Conversions between the three datums used for maps of China.

* ``wgs84`` -- WGS84 longitude/latitude (GPS, OpenStreetMap, EPSG:4326).
* ``gcj02`` -- the obfuscated "Mars" datum (GB/T 2260 GCJ-02) used by Amap, Tencent
  and most Chinese map data; it is WGS84 shifted by a smooth, published, nonlinear offset
  of a few hundred metres.
* ``bd09``  -- Baidu's further-shifted version of GCJ-02.

WGS84 -> GCJ-02 is the public forward formula; GCJ-02 -> WGS84 is its exact inverse,
found by fixed-point iteration to below 1e-9 degree (about 0.1 mm), not the common
one-step approximation (which is off by up to a couple of metres). GCJ-02 <-> BD-09 use
Baidu's published formulas; BD-09 -> GCJ-02 is likewise refined by iteration so that the
pair round-trips exactly.

Outside mainland China (the usual bounding-box ``out_of_china`` rule) GCJ-02 equals WGS84.
BD-09 is always applied, as Baidu does.

Every point function accepts scalars; the ``*_np`` versions accept numpy arrays and are
what :func:`convert_geometry` uses through :func:`shapely.transform`.

>>> lon, lat = wgs84_to_gcj02(116.404, 39.915)   # near 天安门
>>> round(lon, 9), round(lat, 9)
(116.410244499, 39.916404282)
>>> back = gcj02_to_wgs84(lon, lat)
>>> abs(back[0] - 116.404) < 1e-9 and abs(back[1] - 39.915) < 1e-9
True
>>> convert(2.2945, 48.8584, "wgs84", "gcj02")      # Paris: outside China, unchanged
(2.2945, 48.8584)

This module imports neither Django nor GDAL; only numpy (and shapely for geometries).
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "DATUMS",
    "out_of_china",
    "wgs84_to_gcj02",
    "gcj02_to_wgs84",
    "gcj02_to_bd09",
    "bd09_to_gcj02",
    "wgs84_to_bd09",
    "bd09_to_wgs84",
    "wgs84_to_gcj02_np",
    "gcj02_to_wgs84_np",
    "gcj02_to_bd09_np",
    "bd09_to_gcj02_np",
    "wgs84_to_bd09_np",
    "bd09_to_wgs84_np",
    "convert",
    "convert_np",
    "convert_geometry",
]

DATUMS = ("wgs84", "gcj02", "bd09")

# Krasovsky 1940 ellipsoid, as used by the GCJ-02 formula.
_A = 6378245.0
_EE = 0.00669342162296594323
_X_PI = math.pi * 3000.0 / 180.0

#: Iteration tolerance for the inverses, in degrees (1e-9 deg is about 0.1 mm).
TOLERANCE = 1e-12
_MAX_ITER = 50


def _as_arrays(lon, lat):
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)


def _out_of_china_np(lon, lat):
    return (lon < 72.004) | (lon > 137.8347) | (lat < 0.8293) | (lat > 55.8271)


def out_of_china(lon: float, lat: float) -> bool:
    """True where GCJ-02 is not applied (the usual rough bounding box of China).

    >>> out_of_china(116.4, 39.9), out_of_china(24.94, 60.17)
    (False, True)
    """
    return bool(_out_of_china_np(*_as_arrays(lon, lat)))


def _transform_lat(x, y):
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    ret += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lon(x, y):
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    ret += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    return ret


def _gcj_offset(lon, lat):
    """(dlon, dlat) in degrees that GCJ-02 adds to a WGS84 point (ignoring out_of_china)."""
    dlat = _transform_lat(lon - 105.0, lat - 35.0)
    dlon = _transform_lon(lon - 105.0, lat - 35.0)
    radlat = lat / 180.0 * np.pi
    magic = 1 - _EE * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrtmagic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * np.cos(radlat) * np.pi)
    return dlon, dlat


# --------------------------------------------------------------------------- vectorised


def wgs84_to_gcj02_np(lon, lat):
    """Vectorised WGS84 -> GCJ-02; returns two float arrays."""
    lon, lat = _as_arrays(lon, lat)
    dlon, dlat = _gcj_offset(lon, lat)
    outside = _out_of_china_np(lon, lat)
    return np.where(outside, lon, lon + dlon), np.where(outside, lat, lat + dlat)


def gcj02_to_wgs84_np(lon, lat):
    """Vectorised exact GCJ-02 -> WGS84 by fixed-point iteration.

    Solves ``wgs84_to_gcj02(w) == g`` for ``w``: start at ``w = g`` and repeat
    ``w <- w - (wgs84_to_gcj02(w) - g)``. The offset changes by well under 1e-3 per degree,
    so this contracts fast (about 1e-5 per step); 3-4 steps reach 1e-12 degree.
    Points whose GCJ-02 coordinates are outside China are returned unchanged.
    """
    glon, glat = _as_arrays(lon, lat)
    wlon, wlat = glon.copy(), glat.copy()
    for _ in range(_MAX_ITER):
        tlon, tlat = wgs84_to_gcj02_np(wlon, wlat)
        elon, elat = tlon - glon, tlat - glat
        wlon = wlon - elon
        wlat = wlat - elat
        if not (np.any(np.abs(elon) > TOLERANCE) or np.any(np.abs(elat) > TOLERANCE)):
            break
    outside = _out_of_china_np(glon, glat)
    return np.where(outside, glon, wlon), np.where(outside, glat, wlat)


def gcj02_to_bd09_np(lon, lat):
    """Vectorised GCJ-02 -> BD-09 (Baidu's published formula)."""
    lon, lat = _as_arrays(lon, lat)
    z = np.sqrt(lon * lon + lat * lat) + 0.00002 * np.sin(lat * _X_PI)
    theta = np.arctan2(lat, lon) + 0.000003 * np.cos(lon * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def _bd09_to_gcj02_approx(lon, lat):
    x = lon - 0.0065
    y = lat - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta), z * np.sin(theta)


def bd09_to_gcj02_np(lon, lat):
    """Vectorised BD-09 -> GCJ-02: Baidu's published inverse, refined by iteration so that
    ``gcj02_to_bd09(bd09_to_gcj02(p)) == p`` to 1e-12 degree (the published inverse alone
    is only good to about 1e-6 degree)."""
    blon, blat = _as_arrays(lon, lat)
    glon, glat = _bd09_to_gcj02_approx(blon, blat)
    for _ in range(_MAX_ITER):
        tlon, tlat = gcj02_to_bd09_np(glon, glat)
        elon, elat = tlon - blon, tlat - blat
        glon = glon - elon
        glat = glat - elat
        if not (np.any(np.abs(elon) > TOLERANCE) or np.any(np.abs(elat) > TOLERANCE)):
            break
    return glon, glat


def wgs84_to_bd09_np(lon, lat):
    """Vectorised WGS84 -> BD-09 (via GCJ-02)."""
    return gcj02_to_bd09_np(*wgs84_to_gcj02_np(lon, lat))


def bd09_to_wgs84_np(lon, lat):
    """Vectorised BD-09 -> WGS84 (via GCJ-02)."""
    return gcj02_to_wgs84_np(*bd09_to_gcj02_np(lon, lat))


# --------------------------------------------------------------------------- scalar


def _scalar(fn, lon, lat):
    x, y = fn(lon, lat)
    return float(x), float(y)


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """WGS84 -> GCJ-02.

    The pair below is the published example of the widely used ``coordtransform``
    library (wandergis/coordtransform, test/app.js).

    >>> wgs84_to_gcj02(116.404, 39.915)
    (116.41024449916938, 39.91640428150164)
    """
    return _scalar(wgs84_to_gcj02_np, lon, lat)


def gcj02_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    """GCJ-02 -> WGS84, exact inverse of :func:`wgs84_to_gcj02` (to 1e-12 degree).

    >>> lon, lat = gcj02_to_wgs84(*wgs84_to_gcj02(116.3, 39.85))
    >>> abs(lon - 116.3) < 1e-9 and abs(lat - 39.85) < 1e-9
    True
    """
    return _scalar(gcj02_to_wgs84_np, lon, lat)


def gcj02_to_bd09(lon: float, lat: float) -> tuple[float, float]:
    """GCJ-02 -> BD-09.

    >>> [round(v, 9) for v in gcj02_to_bd09(116.404, 39.915)]
    [116.410369494, 39.921336994]
    """
    return _scalar(gcj02_to_bd09_np, lon, lat)


def bd09_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """BD-09 -> GCJ-02, exact inverse of :func:`gcj02_to_bd09`.

    >>> lon, lat = bd09_to_gcj02(*gcj02_to_bd09(116.4, 39.9))
    >>> abs(lon - 116.4) < 1e-9 and abs(lat - 39.9) < 1e-9
    True
    """
    return _scalar(bd09_to_gcj02_np, lon, lat)


def wgs84_to_bd09(lon: float, lat: float) -> tuple[float, float]:
    """WGS84 -> BD-09.

    >>> [round(v, 6) for v in wgs84_to_bd09(116.404, 39.915)]
    [116.416627, 39.9227]
    """
    return _scalar(wgs84_to_bd09_np, lon, lat)


def bd09_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    """BD-09 -> WGS84, exact inverse of :func:`wgs84_to_bd09`.

    >>> lon, lat = bd09_to_wgs84(*wgs84_to_bd09(116.3, 39.85))
    >>> abs(lon - 116.3) < 1e-9 and abs(lat - 39.85) < 1e-9
    True
    """
    return _scalar(bd09_to_wgs84_np, lon, lat)


# --------------------------------------------------------------------------- dispatch

_TO_WGS84 = {"wgs84": None, "gcj02": gcj02_to_wgs84_np, "bd09": bd09_to_wgs84_np}
_FROM_WGS84 = {"wgs84": None, "gcj02": wgs84_to_gcj02_np, "bd09": wgs84_to_bd09_np}
_DIRECT = {
    ("gcj02", "bd09"): gcj02_to_bd09_np,
    ("bd09", "gcj02"): bd09_to_gcj02_np,
}


def _normalise(name, role):
    key = str(name).strip().lower().replace("-", "").replace("_", "") if isinstance(name, str) else None
    if key not in DATUMS:
        raise ValueError(
            f"unknown {role} datum {name!r}: expected one of {', '.join(repr(d) for d in DATUMS)}"
        )
    return key


def convert_np(lon, lat, src: str, dst: str):
    """Vectorised :func:`convert`: arrays in, two float arrays out."""
    src = _normalise(src, "source")
    dst = _normalise(dst, "target")
    lon, lat = _as_arrays(lon, lat)
    if src == dst:
        return lon.copy(), lat.copy()
    direct = _DIRECT.get((src, dst))
    if direct is not None:
        return direct(lon, lat)
    to_wgs, from_wgs = _TO_WGS84[src], _FROM_WGS84[dst]
    if to_wgs is not None:
        lon, lat = to_wgs(lon, lat)
    if from_wgs is not None:
        lon, lat = from_wgs(lon, lat)
    return lon, lat


def convert(lon: float, lat: float, src: str, dst: str) -> tuple[float, float]:
    """Convert one point between ``"wgs84"``, ``"gcj02"`` and ``"bd09"``.

    Names are case-insensitive and may be spelled ``"GCJ-02"``, ``"BD_09"``, ....

    >>> [round(v, 9) for v in convert(116.41024449916938, 39.91640428150164, "GCJ-02", "wgs84")]
    [116.404, 39.915]
    >>> convert(116.4, 39.9, "wgs84", "mars")
    Traceback (most recent call last):
        ...
    ValueError: unknown target datum 'mars': expected one of 'wgs84', 'gcj02', 'bd09'
    """
    x, y = convert_np(lon, lat, src, dst)
    return float(x), float(y)


def convert_geometry(geom, src: str, dst: str):
    """Convert every vertex of a shapely geometry (or array of geometries) between datums.

    Z values, if any, are kept unchanged. Returns a new geometry; the input is not modified.

    >>> from shapely.geometry import LineString
    >>> line = convert_geometry(LineString([(116.3, 39.85), (116.31, 39.86)]), "wgs84", "gcj02")
    >>> back = convert_geometry(line, "gcj02", "wgs84")
    >>> max(abs(a - b) for p, q in zip(back.coords, [(116.3, 39.85), (116.31, 39.86)])
    ...     for a, b in zip(p, q)) < 1e-9
    True
    """
    import shapely

    src_n = _normalise(src, "source")
    dst_n = _normalise(dst, "target")
    if src_n == dst_n:
        return geom

    def _fn(coords):
        x, y = convert_np(coords[:, 0], coords[:, 1], src_n, dst_n)
        out = np.array(coords, dtype=float, copy=True)
        out[:, 0] = x
        out[:, 1] = y
        return out

    return shapely.transform(geom, _fn, include_z=None)
