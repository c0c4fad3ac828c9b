"""The correction form's inputs show table values as a reviewer would type them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.ui.reviewing import _text


def test_numbers_dates_and_gaps_are_shown_as_typed() -> None:
    assert _text(np.float64(35.46806)) == "35.46806"  # not np.float64(35.46806) (numpy 2's repr)
    assert _text(44.5) == "44.5"
    assert _text(np.int64(4)) == "4"
    assert _text(pd.Timestamp("2024-03-04")) == "2024-03-04"
    assert _text(None) == _text(float("nan")) == _text(pd.NA) == ""
