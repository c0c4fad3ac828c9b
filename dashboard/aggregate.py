"""Report table -> incident table: the reports sharing an ``incident_id`` become one row.

Shared by both wings: ``build --incidents`` writes it, the app shows it (and switches to reports).
Grouping itself (which reports are one incident) is decided upstream by ``preprocess.reconcile``;
this module only summarises each group, the way Iraq Body Count and UCDP GED do: the lowest and
the highest figure any report gives, and every source.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Iterable

import pandas as pd

from dashboard.schema import (
    COLUMNS,
    DATE_PRECISIONS,
    GEO_PRECISIONS,
    INCIDENT_COLUMNS,
    SOURCES_COLUMN,
    TOLL_KINDS,
    C,
    coerce,
)

JOIN = "; "
EVIDENCE_JOIN = " | "
_PLACE_FIELDS = (C.location, C.mention, C.admin1, C.country, C.country_code, C.latitude, C.longitude, C.geo_precision)
_DATE_RANK = {name: rank for rank, name in enumerate(DATE_PRECISIONS)}  # day first
_GEO_RANK = {name: rank for rank, name in enumerate(GEO_PRECISIONS)}  # place first


def toll_range(lows: Iterable[Any], highs: Iterable[Any]) -> tuple[int | None, int | None]:
    """The range covering several reports' ranges: lowest low, highest high (an open high stays open).

    A report with no figure at all takes no part; a report with a low but no high ("more than 40")
    makes the incident's high open too.
    """
    pairs = [(_int(lo), _int(hi)) for lo, hi in zip(lows, highs)]
    pairs = [(lo, hi) for lo, hi in pairs if lo is not None or hi is not None]
    if not pairs:
        return None, None
    known_lows = [lo for lo, _ in pairs if lo is not None]
    low = min(known_lows) if len(known_lows) == len(pairs) else None
    high = None if any(hi is None for _, hi in pairs) else max(hi for _, hi in pairs)
    return low, high


def _int(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def _joined_unique(values: Iterable[Any], separator: str = JOIN) -> str:
    seen: dict[str, None] = {}
    for value in values:
        text = "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value).strip()
        for part in text.split(separator) if separator == JOIN else [text]:
            if part.strip():
                seen.setdefault(part.strip(), None)
    return separator.join(seen)


def _most_common(values: Iterable[str]) -> str:
    counts = Counter(v for v in values if v)
    return counts.most_common(1)[0][0] if counts else ""


def _summarise(group: pd.DataFrame) -> dict[str, Any]:
    group = group.sort_values([C.published, C.article], kind="stable", na_position="last")
    row: dict[str, Any] = {C.incident_id: group[C.incident_id].iloc[0]}

    by_date = group.assign(_rank=group[C.date_precision].map(_DATE_RANK))
    by_date = by_date.sort_values(["_rank", C.date], kind="stable", na_position="last").iloc[0]
    row[C.date] = by_date[C.date]
    row[C.date_precision] = by_date[C.date_precision]

    place_counts = Counter(group[C.location])
    # A row with a point beats one without, whatever its geo_precision says (it has no point to show).
    by_place = group.assign(
        _no_point=group[C.latitude].isna() | group[C.longitude].isna(),
        _rank=group[C.geo_precision].map(_GEO_RANK).fillna(len(_GEO_RANK)),
        _count=-group[C.location].map(place_counts),
    ).sort_values(["_no_point", "_rank", "_count"], kind="stable").iloc[0]
    row.update({name: by_place[name] for name in _PLACE_FIELDS})

    types = [t for t in group[C.event_type] if t != "mention"]
    row[C.event_type] = _most_common(types) or "mention"
    for kind in TOLL_KINDS:
        low, high = toll_range(group[f"{kind}_min"], group[f"{kind}_max"])
        row[f"{kind}_min"], row[f"{kind}_max"] = low, high
    row[C.actor] = _most_common(group[C.actor])
    for name in (C.source, C.source_url, C.article, C.title):
        row[name] = _joined_unique(group[name])
    row[C.published] = group[C.published].min()
    row[C.evidence] = _joined_unique(group[C.evidence], EVIDENCE_JOIN)
    row[SOURCES_COLUMN.name] = group[C.article].nunique()
    return row


def incidents_from_reports(reports: pd.DataFrame) -> pd.DataFrame:
    """A validated report table -> one row per incident (``INCIDENT_COLUMNS``), in order of first report."""
    if reports.empty:
        return coerce(pd.DataFrame(columns=list(INCIDENT_COLUMNS)))
    key = C.incident_id
    rows = [_summarise(group) for _, group in reports[list(COLUMNS)].groupby(key, sort=False)]
    return coerce(pd.DataFrame(rows, columns=list(INCIDENT_COLUMNS)))
