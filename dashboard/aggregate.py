"""Report table -> incident table: the reports sharing an ``incident_id`` become one row.

Shared by both wings: ``build --incidents`` writes it, the app shows it (and switches to reports).
Grouping itself (which reports are one incident) is decided upstream by ``preprocess.reconcile``;
this module only summarises each group, the way Iraq Body Count and UCDP GED do: the lowest and
the highest figure any report gives, and every source.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Iterable

import numpy as np
import pandas as pd

from dashboard.same_incident import toll_range
from dashboard.schema import (
    COLUMNS,
    DATE_PRECISIONS,
    GEO_PRECISIONS,
    INCIDENT_COLUMNS,
    REVIEW_COLUMN,
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


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value)


def _joined_unique(values: Iterable[Any], separator: str = JOIN) -> str:
    seen: dict[str, None] = {}
    for value in values:
        text = "" if _missing(value) else str(value).strip()
        for part in text.split(separator) if separator == JOIN else [text]:
            if part.strip():
                seen.setdefault(part.strip(), None)
    return separator.join(seen)


def _most_common(values: Iterable[str]) -> str:
    counts = Counter(v for v in values if v)
    return counts.most_common(1)[0][0] if counts else ""


def _missing_last(value: Any) -> tuple[bool, Any]:
    """Sort key that puts empty values (None, NaT, NA) after every real one."""
    return (True, 0) if _missing(value) else (False, value)


def _review_of(group: list[dict[str, Any]]) -> str:
    """An incident's review state: rejected when every report is, else unreviewed while one report is,
    else corrected when one report is, else verified."""
    states = {r.get(C.review, "unreviewed") for r in group}
    if states == {"rejected"}:
        return "rejected"
    states.discard("rejected")
    return next(s for s in ("unreviewed", "corrected", "verified") if s in states)


def _summarise(group: list[dict[str, Any]]) -> dict[str, Any]:
    """The rows of one incident (plain dicts: pandas per group costs ~15 ms, this ~20 us) -> one row.

    Rejected reports take no part unless every report of the incident is rejected."""
    review = _review_of(group)
    group = [r for r in group if r.get(C.review) != "rejected"] or group
    group = sorted(group, key=lambda r: (_missing_last(r[C.published]), r[C.article]))
    row: dict[str, Any] = {C.incident_id: group[0][C.incident_id]}

    by_date = min(group, key=lambda r: (_DATE_RANK.get(r[C.date_precision], len(_DATE_RANK)),
                                        _missing_last(r[C.date])))
    row[C.date] = by_date[C.date]
    row[C.date_precision] = by_date[C.date_precision]

    # A row with a point beats one without, whatever its geo_precision says (it has no point to show).
    place_counts = Counter(r[C.location] for r in group)
    by_place = min(group, key=lambda r: (_missing(r[C.latitude]) or _missing(r[C.longitude]),
                                         _GEO_RANK.get(r[C.geo_precision], len(_GEO_RANK)),
                                         -place_counts[r[C.location]]))
    row.update({name: by_place[name] for name in _PLACE_FIELDS})

    types = [r[C.event_type] for r in group if r[C.event_type] != "mention"]
    row[C.event_type] = _most_common(types) or "mention"
    for kind in TOLL_KINDS:
        low, high = toll_range([r[f"{kind}_min"] for r in group], [r[f"{kind}_max"] for r in group])
        row[f"{kind}_min"], row[f"{kind}_max"] = low, high
    row[C.actor] = _most_common(r[C.actor] for r in group)
    for name in (C.source, C.source_url, C.article, C.title):
        row[name] = _joined_unique(r[name] for r in group)
    published = [r[C.published] for r in group if not _missing(r[C.published])]
    row[C.published] = min(published) if published else None
    row[C.evidence] = _joined_unique((r[C.evidence] for r in group), EVIDENCE_JOIN)
    row[SOURCES_COLUMN.name] = len({r[C.article] for r in group})
    row[REVIEW_COLUMN.name] = review
    return row


def incidents_from_reports(reports: pd.DataFrame) -> pd.DataFrame:
    """A validated report table -> one row per incident (``INCIDENT_COLUMNS``, and ``review`` when the
    reports have it), in order of first report.

    An incident of one report (most of them) is that report's row as it is, but for what
    :func:`_summarise` makes of one row (:func:`_alone`): taken column by column. The others are
    summarised group by group."""
    reviewed = (REVIEW_COLUMN.name,) if REVIEW_COLUMN.name in reports.columns else ()
    out_columns = list(INCIDENT_COLUMNS + reviewed)
    if reports.empty:
        return coerce(pd.DataFrame(columns=out_columns))
    names = COLUMNS + reviewed
    ids = reports[C.incident_id]
    alone = ~ids.duplicated(keep=False).to_numpy()
    parts = []
    if alone.any():
        parts.append(_alone(reports.iloc[np.flatnonzero(alone)], out_columns, np.flatnonzero(alone)))
    if not alone.all():
        shared = np.flatnonzero(~alone)
        groups: dict[str, list[dict[str, Any]]] = {}
        first: dict[str, int] = {}  # each incident's first report, by position: the incidents' order
        # Rows as dicts built from whole columns: DataFrame.to_dict("records") boxes every cell one by one.
        rows = reports.iloc[shared]
        columns = [rows[name].tolist() for name in names]
        for position, record in zip(shared.tolist(), (dict(zip(names, values)) for values in zip(*columns))):
            key = record[C.incident_id]
            if key not in groups:
                groups[key], first[key] = [], position
            groups[key].append(record)
        summaries = coerce(pd.DataFrame([_summarise(group) for group in groups.values()], columns=out_columns))
        summaries.index = list(first.values())
        parts.append(summaries)
    table = pd.concat(parts) if len(parts) > 1 else parts[0]  # both coerced: the same dtypes
    return table.sort_index(kind="stable").reset_index(drop=True)


def _alone(reports: pd.DataFrame, out_columns: list[str], positions: np.ndarray) -> pd.DataFrame:
    """The incidents of one report each: what :func:`_summarise` gives for a group of one row, a
    column at a time (indexed by the reports' positions)."""
    out: dict[str, Any] = {}
    for name in out_columns:
        if name == SOURCES_COLUMN.name:
            out[name] = np.ones(len(reports), dtype=np.int64)  # one article
            continue
        values = reports[name]
        if name == C.event_type:  # _most_common of the one type that is not 'mention', else 'mention'
            texts = values.tolist()
            out[name] = [v if type(v) is str and v else _most_common([v]) or "mention" for v in texts]
        elif name == C.actor:
            out[name] = [v if type(v) is str else _most_common([v]) for v in values.tolist()]
        elif name in _JOINED:  # the cell's own names, each once, trimmed
            out[name] = [v if type(v) is str and "; " not in v and v == v.strip() else _joined_unique([v])
                         for v in values.tolist()]
        elif name == C.evidence:
            out[name] = [v.strip() if type(v) is str else _joined_unique([v], EVIDENCE_JOIN) for v in values.tolist()]
        else:  # the report's own date, place, figures (a range of one range is itself), review state
            out[name] = values.array
    return coerce(pd.DataFrame(out, columns=out_columns, index=positions))


_JOINED = (C.source, C.source_url, C.article, C.title)
