"""The popup texts in pieces: which pieces are made when, their URLs, and that a piece reads as the whole table does."""

from __future__ import annotations

import gzip

import numpy as np

from dashboard.aggregate import incidents_from_reports
from dashboard.schema import C
from dashboard.ui.mapview import map_details_json, map_points_json
from dashboard.ui.payloads import (
    AHEAD_PIECES, CACHE_URL, PIECE_FIELD, pieces_of, publish_pieces, wait_for_pending,
)
from tests.ui.test_mapview import popups
from tests.ui.tables import sample_reports


def _file(folder, url: str):
    return folder / url.rsplit("/", 1)[1]


def test_pieces_hold_the_rows_they_name_and_the_first_are_made_at_once(tmp_path) -> None:
    made: list[tuple[int, int]] = []

    def make(start: int, end: int) -> bytes:
        made.append((start, end))
        return f"{start}:{end}".encode()

    rows = 4 * (AHEAD_PIECES + 2) + 1  # the last piece holds one row
    spec = publish_pieces("table-v1|details", rows, make, cache_dir=tmp_path, piece_rows=4)
    wait_for_pending()
    assert spec["rows"] == 4 and spec["pieces"] == AHEAD_PIECES + 3
    assert spec["url"].startswith(CACHE_URL + "/") and PIECE_FIELD in spec["url"]
    assert sorted(made) == [(4 * p, 4 * p + 4) for p in range(AHEAD_PIECES)]
    assert not _file(tmp_path, spec["url"].replace(PIECE_FIELD, str(AHEAD_PIECES))).exists()
    # a click asks for the last piece (and one past the end, which does not exist)
    again = publish_pieces("table-v1|details", rows, make, [AHEAD_PIECES + 2, AHEAD_PIECES + 3], tmp_path, piece_rows=4)
    wait_for_pending()
    assert again == spec and made[-1] == (rows - 1, rows)
    last = _file(tmp_path, spec["url"].replace(PIECE_FIELD, str(AHEAD_PIECES + 2)))
    assert gzip.decompress(last.read_bytes()) == f"{rows - 1}:{rows}".encode()
    publish_pieces("table-v1|details", rows, make, [0], tmp_path, piece_rows=4)  # there already: not made again
    wait_for_pending()
    assert len(made) == AHEAD_PIECES + 1
    other = publish_pieces("table-v2|details", rows, make, [], tmp_path, piece_rows=4)
    assert other["url"] != spec["url"]


def test_an_empty_table_has_no_pieces(tmp_path) -> None:
    spec = publish_pieces("empty|details", 0, lambda a, b: b"", cache_dir=tmp_path)
    wait_for_pending()
    assert spec["pieces"] == 0 and list(tmp_path.iterdir()) == []


def test_pieces_of_rows() -> None:
    assert pieces_of(np.array([9, 0, 3, 4, 4]), piece_rows=4) == [0, 1, 2]
    assert pieces_of([]) == []


def test_a_piece_reads_as_the_whole_table_does_for_its_rows() -> None:
    reports = sample_reports()
    incidents = incidents_from_reports(reports)
    for table, behind in ((reports, None), (incidents, reports)):
        whole = popups(map_points_json(table), map_details_json(table, behind))
        start, end = 2, len(table) - 1
        piece = table.iloc[start:end]
        shown = popups(map_points_json(piece, np.arange(start, end)), map_details_json(piece, behind), first=start)
        assert shown == whole[start:end] and [p["evidence"] for p in shown] == list(piece[C.evidence])


def test_the_points_file_keeps_five_decimals_the_radius_and_the_rows() -> None:
    from tests.ui.test_mapview import decoded_points

    rows = sample_reports().head(5).copy()
    rows[C.latitude] = [33.123456, -0.000004, -85.05112, 89.99999, 0.5]
    rows[C.longitude] = [-179.999996, 44.444445, 180.0, -0.00001, 12.3]
    rows[C.killed_max] = [None, 0, 3, 100000, None]
    points = decoded_points(map_points_json(rows, np.array([3, 7, 8, 9, 20])))
    assert points["lat"] == [33.12346, -0.0, -85.05112, 89.99999, 0.5]
    for shown, value in zip(points["lat"] + points["lng"], list(rows[C.latitude]) + list(rows[C.longitude])):
        assert abs(shown - value) <= 0.51e-5 and float(round(shown * 1e5)) == round(shown * 1e5, 6)
    assert points["k"] == [3, 7, 8, 9, 20]
    assert points["r"][3] == 18.0 and min(points["r"]) >= 5.0  # the largest circle; none below the smallest
    assert [points["types"][t] for t in points["t"]] == list(rows[C.event_type])
