"""Why here, why this toll: the details panel's section and the popup's one-line brief.

In: the why file beside the table (:func:`dashboard.why.read_why`, written by ``build``) and a
report row's key. Out: :func:`why_html`, the section as HTML in which every piece of data is
escaped (the evidence sentence with its place and toll words marked as ``<mark>`` elements, the
place chosen, the candidates it beat, what decided); :func:`brief`, one line for the popup;
:func:`search_places`, the places a reviewer may move a row to, found by name. Pure functions:
no Streamlit here but the cached loader.
"""

from __future__ import annotations

import html
import unicodedata
from pathlib import Path
from typing import Iterable, Sequence

import pandas as pd
import streamlit as st

from dashboard.errors import one_line
from dashboard.schema import C
from dashboard.why import Span, WhyData, WhyFileError, WhyPlace, WhyRow, read_why, why_file

#: Colours of the marks: place words, toll words.
PLACE_MARK = "#cfe3ff"
TOLL_MARK = "#ffd9b3"
#: At most this many search results.
MAX_RESULTS = 20


@st.cache_resource(max_entries=4, show_spinner=False)
def _load(path: str, modified_ns: int, size: int) -> WhyData | None:
    return read_why(path)


def load_why(table: Path) -> WhyData | None:
    """The why file beside ``table`` (cached per file version); None when the table has none. A why
    file that cannot be read is said so in one line: the table is shown without it."""
    try:
        status = why_file(table).stat()
    except OSError:
        return None
    try:
        return _load(str(Path(table).resolve()), status.st_mtime_ns, status.st_size)
    except WhyFileError as err:
        st.warning("The explanations of the rows (why here, why this toll) cannot be read; rebuild the table.")
        st.text(one_line(str(err)))
        return None


def describe(place: WhyPlace) -> str:
    """ "Daquq (town; Kirkuk, Iraq; population 12,345)" as plain text."""
    where = ", ".join(part for part in (place.admin1, place.country) if part)
    facts = [place.kind or "place"] + ([where] if where else [])
    if place.population:
        facts.append(f"population {place.population:,}")
    return f"{place.name} ({'; '.join(facts)})"


def marked_parts(evidence: str, spans: Iterable[Span]) -> list[tuple[str, str]]:
    """The sentence cut at its spans: (text, "" | "place" | a toll kind); overlapping spans: the first wins."""
    parts: list[tuple[str, str]] = []
    at = 0
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        start, end = max(span.start, at), min(span.end, len(evidence))
        if start >= end:
            continue
        if start > at:
            parts.append((evidence[at:start], ""))
        parts.append((evidence[start:end], span.what))
        at = end
    if at < len(evidence):
        parts.append((evidence[at:], ""))
    return parts


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def why_html(why: WhyRow, evidence: str) -> str:
    """The "Why here, why this toll" section of one report as HTML; every piece of data escaped."""
    sentence = "".join(
        _e(text) if not what else
        f'<mark data-why="{_e("place" if what == "place" else "toll")}" title="{_e(what)}" '
        f'style="background:{PLACE_MARK if what == "place" else TOLL_MARK}">{_e(text)}</mark>'
        for text, what in marked_parts(evidence, why.spans))
    lines = ['<div class="why" style="font-size:14px;line-height:1.4">',
             f'<div class="why-sentence">{sentence}</div>']
    if why.mention:
        lines.append(f"<div><b>as written:</b> {_e(why.mention)}</div>")
    if why.chosen is not None:
        lines.append(f"<div><b>place chosen:</b> {_e(describe(why.chosen))}</div>")
    if why.reasons:
        lines.append("<div><b>what decided:</b><ul>" + "".join(f"<li>{_e(r)}</li>" for r in why.reasons)
                     + "</ul></div>")
    if why.beaten:
        lines.append("<div><b>candidates it beat:</b><ul>" + "".join(
            f"<li>{_e(describe(p))}" + (f" score {p.score:.2f}" if p.score is not None else "") + "</li>"
            for p in why.beaten) + "</ul></div>")
    if why.unbacked:
        lines.append("<div><b>not backed by the article:</b><ul>"
                     + "".join(f"<li>{_e(describe(p))}</li>" for p in why.unbacked) + "</ul></div>")
    tolls = sorted({what for _, what in marked_parts(evidence, why.spans) if what and what != "place"})
    if tolls:
        lines.append(f"<div><b>toll words:</b> {_e(', '.join(tolls))} (marked)</div>")
    lines.append("</div>")
    return "".join(lines)


def brief(why: WhyRow | None) -> str:
    """One line for the popup: the place chosen, how many it beat, the first thing that decided."""
    if why is None:
        return ""
    if why.chosen is None:
        return why.reasons[0] if why.reasons else ""
    others = len(why.beaten) + len(why.unbacked)
    head = f"{why.chosen.name}, {why.chosen.kind}" + (f" (over {others} other{'s' if others > 1 else ''})"
                                                      if others else "")
    return head + (f": {why.reasons[0]}" if why.reasons else "")


def briefs(table: pd.DataFrame, keys: pd.Series | None, data: WhyData | None,
           reports: pd.DataFrame | None = None) -> pd.Series:
    """The popup brief of every row of ``table``: a report row's own; an incident row's, its
    first report's (``reports`` with ``keys`` aligned to them). '' when unknown."""
    empty = pd.Series("", index=table.index, dtype=object)
    if data is None or keys is None:
        return empty
    own = keys.map(lambda key: brief(data.rows.get(key)))
    if reports is None:
        return own.reindex(table.index, fill_value="").astype(object)
    first = pd.Series(own.to_numpy(), index=reports[C.incident_id].to_numpy())
    first = first[~first.index.duplicated(keep="first")]
    return table[C.incident_id].map(first).fillna("").astype(object)


def fold(text: str) -> str:
    """Lower case without accents or punctuation, for the name search."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if ch.isalnum() or ch == " ").strip()


def search_places(places: Sequence[WhyPlace], query: str, limit: int = MAX_RESULTS) -> list[WhyPlace]:
    """Places whose name starts with ``query`` (folded), then those holding it; largest first within each."""
    wanted = fold(query)
    if not wanted:
        return []
    starts, holds = [], []
    for place in places:
        name = fold(place.name)
        if name.startswith(wanted):
            starts.append(place)
        elif wanted in name:
            holds.append(place)
        if len(starts) >= limit:
            break
    return (starts + holds)[:limit]
