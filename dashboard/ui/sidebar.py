"""The sidebar widgets: they read the URL once, produce a FilterState, and write it back to the URL.

In: the choices the table offers. Out: a :class:`~dashboard.ui.filters.FilterState`. The state
lives in ``st.query_params`` (bookmarkable); the widgets are seeded from it on a session's first
run, and the reset button clears both.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import streamlit as st

from dashboard.ui.filters import (
    VIEW_INCIDENTS,
    VIEW_REPORTS,
    FilterOptions,
    FilterState,
    from_query,
    restrict_to,
    to_query,
)

_PREFIX = "filter_"
_SEEDED = "filters_seeded_from_url"
_KEYS = ("view", "locations", "sources", "dates", "event_types", "min_killed", "text", "show_mentions")


def _key(name: str) -> str:
    return _PREFIX + name


def _seed(options_by_view: dict[str, FilterOptions], has_reports: bool) -> None:
    """Put the URL's filters into the widgets' session state (first run of a session only)."""
    state = from_query(_lists())
    options = options_by_view[state.view if has_reports else VIEW_INCIDENTS]
    state = restrict_to(state, options)
    values = {
        "view": state.view if has_reports else VIEW_INCIDENTS,
        "locations": list(state.locations), "sources": list(state.sources),
        "dates": _date_value(state, options), "event_types": list(state.event_types),
        "min_killed": state.min_killed, "text": state.text, "show_mentions": state.show_mentions,
    }
    for name, value in values.items():
        st.session_state[_key(name)] = value
    st.session_state[_SEEDED] = True


def _lists() -> dict[str, list[str]]:
    """Repeated query keys (``?place=a&place=b``) as lists; ``to_dict`` keeps only the last value."""
    return {key: st.query_params.get_all(key) for key in st.query_params}


def _date_value(state: FilterState, options: FilterOptions) -> tuple[dt.date, ...]:
    if options.first_date is None or options.last_date is None:
        return ()
    return (state.date_from or options.first_date, state.date_to or options.last_date)


def _prune(options: FilterOptions) -> None:
    """Drop selections the current view does not offer (switching views must not break a widget)."""
    for name, offered in (("locations", options.locations), ("sources", options.sources),
                          ("event_types", options.event_types)):
        chosen = st.session_state.get(_key(name))
        if chosen:
            st.session_state[_key(name)] = [v for v in chosen if v in offered]
    dates = st.session_state.get(_key("dates"))
    if options.first_date is not None and options.last_date is not None:
        span = (options.first_date, options.last_date)
        if not dates or any(not span[0] <= d <= span[1] for d in dates):
            st.session_state[_key("dates")] = span


def _reset() -> None:
    for name in _KEYS:
        st.session_state.pop(_key(name), None)
    st.session_state.pop(_SEEDED, None)
    st.query_params.clear()


def filter_sidebar(options_by_view: dict[str, FilterOptions], has_reports: bool) -> FilterState:
    """Draw the filters in the sidebar; return the state they describe (also written to the URL)."""
    if not st.session_state.get(_SEEDED):
        _seed(options_by_view, has_reports)
    sidebar = st.sidebar
    sidebar.header("Filters")
    view = VIEW_INCIDENTS
    if has_reports:
        view = sidebar.radio("Show", (VIEW_INCIDENTS, VIEW_REPORTS), key=_key("view"), horizontal=True,
                             help="incidents: the reports of one incident joined into one row, every source kept; "
                                  "reports: one row per article's report")
    options = options_by_view[view]
    _prune(options)
    locations = sidebar.multiselect("Location", options.locations, key=_key("locations"),
                                    help="a town also selects the neighbourhoods placed at its point")
    sources = sidebar.multiselect("Source", options.sources, key=_key("sources"))
    dates: tuple[dt.date, ...] = ()
    if options.first_date is not None and options.last_date is not None:
        chosen = sidebar.date_input("Date range", key=_key("dates"), min_value=options.first_date,
                                    max_value=options.last_date)
        dates = tuple(chosen) if isinstance(chosen, (tuple, list)) else (chosen,)  # one end picked so far
    event_types = sidebar.multiselect("Event type", options.event_types, key=_key("event_types"))
    min_killed = sidebar.number_input("Minimum killed", min_value=0, step=1, key=_key("min_killed"),
                                      help="rows whose killed range reaches this number ('40+' always does)")
    text = sidebar.text_input("Search the evidence", key=_key("text"))
    show_mentions = sidebar.toggle("Show mention rows", key=_key("show_mentions"),
                                   help="places an article names with nothing reported there")
    sidebar.button("Reset filters", on_click=_reset, key="filter_reset")

    state = FilterState(
        locations=tuple(v for v in locations if v in options.locations),
        sources=tuple(v for v in sources if v in options.sources),
        event_types=tuple(event_types),
        min_killed=int(min_killed or 0),
        text=text or "",
        show_mentions=bool(show_mentions),
        view=view,
    )
    if len(dates) == 2:
        state = replace(state, date_from=None if dates[0] == options.first_date else dates[0],
                        date_to=None if dates[1] == options.last_date else dates[1])
    query = to_query(state)
    as_lists = {k: v if isinstance(v, list) else [v] for k, v in query.items()}
    if as_lists != _lists():  # writing the same URL again would add a browser history entry
        st.query_params.from_dict(query)
    return state
