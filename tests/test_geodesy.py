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
