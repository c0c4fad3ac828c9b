"""geodesy: the one distance formula, against known great-circle distances."""

from __future__ import annotations

import pytest

from dashboard.geodesy import km_between


@pytest.mark.parametrize(
    ("a", "b", "expected_km"),
    [((51.5074, -0.1278), (48.8566, 2.3522), 343.6),  # London - Paris
     ((0.0, 0.0), (0.0, 180.0), 20015.1),  # half the equator
     ((35.4681, 44.3922), (35.4681, 44.3922), 0.0)],
)
def test_known_distances(a: tuple[float, float], b: tuple[float, float], expected_km: float) -> None:
    assert km_between(*a, *b) == pytest.approx(expected_km, abs=0.5)
    assert km_between(*b, *a) == pytest.approx(km_between(*a, *b))


def test_the_array_form_gives_the_same_distances() -> None:
    import numpy as np

    from dashboard.geodesy import km_between_many

    lats, lons = np.array([35.47, 36.34, -33.9]), np.array([44.39, 43.13, 151.2])
    many = km_between_many(lats, lons, 33.31, 44.36)
    for lat, lon, km in zip(lats, lons, many):
        assert abs(km_between(float(lat), float(lon), 33.31, 44.36) - km) < 1e-6
