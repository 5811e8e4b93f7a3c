"""Points and distances on the earth's surface; nothing else lives here."""

from __future__ import annotations

from math import asin, cos, isfinite, radians, sin, sqrt

EARTH_RADIUS_KM = 6371.0088


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance between two WGS84 points.

    Good to a few metres over the distances that matter here (< 300 km):

    >>> round(distance_km(52.0907, 5.1214, 52.3676, 4.9041), 1)   # Utrecht - Amsterdam
    34.4
    """
    phi1, phi2 = radians(lat1), radians(lat2)
    dphi, dlambda = phi2 - phi1, radians(lon2 - lon1)
    a = sin(dphi / 2) ** 2 + cos(phi1) * cos(phi2) * sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * asin(min(1.0, sqrt(a)))


def is_on_earth(lat: float, lon: float) -> bool:
    """Whether a point is a real WGS84 coordinate: finite, latitude ±90, longitude ±180.

    A shared location or a place id in button data can be forged (``1e308``, ``nan``):

    >>> is_on_earth(52.09, 5.12), is_on_earth(1e308, 5.0), is_on_earth(float("nan"), 0.0)
    (True, False, False)
    """
    return isfinite(lat) and isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180
