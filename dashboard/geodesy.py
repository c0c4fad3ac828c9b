"""Distances on the Earth: the one great-circle formula every stage and the app share."""

from __future__ import annotations

import math

import numpy as np

EARTH_RADIUS_KM = 6371.0088


def km_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in km between two WGS84 points."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((phi2 - phi1) / 2) ** 2
         + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def km_between_many(lats: np.ndarray, lons: np.ndarray, lat0: float, lon0: float) -> np.ndarray:
    """The same formula over arrays: the distance in km of each point from one point."""
    phi1, phi2 = np.radians(lats), math.radians(lat0)
    a = np.sin((phi2 - phi1) / 2) ** 2 + np.cos(phi1) * math.cos(phi2) * np.sin(np.radians(lon0 - lons) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
