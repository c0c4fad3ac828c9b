"""Text -> place mentions -> resolved places, ambiguous names resolved from the article's context.

CONTRACT (filled in by the geoparsing work):
    Mention, ResolvedMention   frozen dataclasses, see below
    geoparse(text, gazetteer) -> list[ResolvedMention]   every place mention, in text order
"""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.preprocess.gazetteer import Place


@dataclass(frozen=True, slots=True)
class Mention:
    text: str  # the words as written
    start: int  # character offsets in the article text
    end: int


@dataclass(frozen=True, slots=True)
class ResolvedMention:
    mention: Mention
    place: Place | None  # None: noticed as a place name but not resolved
    latitude: float | None  # the point used for the row (the place's, or its parent town's)
    longitude: float | None
    geo_precision: str  # a key of dashboard.schema.GEO_PRECISIONS ("" when unresolved)
