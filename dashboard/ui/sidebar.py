"""The sidebar widgets: they read the URL once, produce a FilterState, and write it back to the URL;
and the form that adds articles (:func:`articles_sidebar`, not drawn on a read-only page).

In: the choices the table offers. Out: a :class:`~dashboard.ui.filters.FilterState`. The state
lives in ``st.query_params`` (bookmarkable); the widgets are seeded from it on a session's first
run, and the reset button clears both. Values the URL holds that cannot be used are dropped; the
page says which (:func:`query_notes`), naming the parameter, never echoing the value.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from dashboard.schema import REVIEW_STATES

from dashboard.ui.filters import (
    VIEW_INCIDENTS,
    VIEW_REPORTS,
    FilterOptions,
    MAX_KILLED,
    QUERY_KEYS,
    FilterState,
    read_query,
    restrict_to,
    to_query,
)
from dashboard.ui.uploads import ARTICLE_SUFFIXES, NewArticle, UploadError, add_articles, pasted_article

_PREFIX = "filter_"
_SEEDED = "filters_seeded_from_url"
_NOTES = "filters_query_notes"  # (what the URL asked for once read, the notes about what was dropped)
_KEYS = ("view", "locations", "sources", "dates", "event_types", "min_killed", "text", "show_mentions", "reviews")


def _key(name: str) -> str:
    return _PREFIX + name


def _seed(options_by_view: dict[str, FilterOptions], has_reports: bool) -> None:
    """Put the URL's filters into the widgets' session state (first run of a session only)."""
    asked, notes = read_query(_lists())
    notes = list(notes)
    if asked.view == VIEW_REPORTS and not has_reports:
        notes.append(f"{QUERY_KEYS['view']}: this table holds incidents only")
    view = asked.view if has_reports else VIEW_INCIDENTS
    options = options_by_view[view]
    state = restrict_to(asked, options)
    for name in ("locations", "sources", "event_types"):
        dropped = len(getattr(asked, name)) - len(getattr(state, name))
        if dropped:
            notes.append(f"{QUERY_KEYS[name]}: {dropped} value(s) not in this table")
    dates = _date_value(state, options)
    asked_dates = (state.date_from, state.date_to)
    if any(asked_dates) and not dates:
        notes.append(f"{QUERY_KEYS['date_from']}, {QUERY_KEYS['date_to']}: this table has no dates")
    elif any(day is not None and day != shown for day, shown in zip(asked_dates, dates)):
        notes.append(f"{QUERY_KEYS['date_from']}, {QUERY_KEYS['date_to']}: outside the table's dates")
    values = {
        "view": view,
        "locations": list(state.locations), "sources": list(state.sources),
        "dates": dates, "event_types": list(state.event_types),
        "min_killed": state.min_killed, "text": state.text, "show_mentions": state.show_mentions,
        "reviews": list(state.reviews),
    }
    for name, value in values.items():
        st.session_state[_key(name)] = value
    st.session_state[_SEEDED] = True
    st.session_state[_NOTES] = (None, tuple(notes))


def query_notes(state: FilterState) -> tuple[str, ...]:
    """What the page's address asked for that was ignored, one note per parameter; shown until a filter changes."""
    seeded, notes = st.session_state.get(_NOTES, (None, ()))
    if seeded is None:  # the first state drawn is the one the URL gave
        st.session_state[_NOTES] = (state, notes)
    elif seeded != state:
        st.session_state.pop(_NOTES, None)
        return ()
    return notes


def _lists() -> dict[str, list[str]]:
    """Repeated query keys (``?place=a&place=b``) as lists; ``to_dict`` keeps only the last value."""
    return {key: st.query_params.get_all(key) for key in st.query_params}


def _date_value(state: FilterState, options: FilterOptions) -> tuple[dt.date, ...]:
    """The date widget's value: the state's range, open ends at the table's first and last day.

    A range reaching outside the table's span (the widget refuses it) becomes the whole span.
    """
    if options.first_date is None or options.last_date is None:
        return ()
    low, high = state.date_from or options.first_date, state.date_to or options.last_date
    if not (options.first_date <= low <= high <= options.last_date):
        low, high = options.first_date, options.last_date
    return (low, high)


def _prune(options: FilterOptions) -> None:
    """Drop selections the current view does not offer (switching views must not break a widget)."""
    for name, offered in (("locations", options.locations), ("sources", options.sources),
                          ("event_types", options.event_types)):
        chosen = st.session_state.get(_key(name))
        if chosen:
            st.session_state[_key(name)] = _offered(chosen, offered)
    dates = st.session_state.get(_key("dates"))
    if options.first_date is not None and options.last_date is not None:
        span = (options.first_date, options.last_date)
        if not dates or any(not span[0] <= d <= span[1] for d in dates):
            st.session_state[_key("dates")] = span


def _offered(chosen: list[str], offered: list[str]) -> list[str]:
    """The chosen values the list offers (a set: a URL may name thousands of places)."""
    allowed = set(offered)
    return [v for v in chosen if v in allowed]


def _reset() -> None:
    for name in _KEYS:
        st.session_state.pop(_key(name), None)
    st.session_state.pop(_SEEDED, None)
    st.session_state.pop(_NOTES, None)
    st.query_params.clear()


def filter_state(options_by_view: dict[str, FilterOptions], has_reports: bool) -> FilterState:
    """The state the filters hold now, read from the session (seeded from the URL on a session's
    first run), so that the page can draw the map before the filters' widgets: a widget's value
    on this run is its session value. :func:`filter_sidebar` draws the widgets afterwards."""
    if not st.session_state.get(_SEEDED):
        _seed(options_by_view, has_reports)
    session = st.session_state
    view = session.get(_key("view"), VIEW_INCIDENTS) if has_reports else VIEW_INCIDENTS
    options = options_by_view[view]
    _prune(options)
    state = FilterState(
        locations=tuple(_offered(session.get(_key("locations")) or [], options.locations)),
        sources=tuple(_offered(session.get(_key("sources")) or [], options.sources)),
        event_types=tuple(session.get(_key("event_types")) or ()),
        min_killed=int(session.get(_key("min_killed")) or 0),
        text=session.get(_key("text")) or "",
        show_mentions=bool(session.get(_key("show_mentions"))),
        view=view,
        reviews=tuple(r for r in session.get(_key("reviews")) or () if r in REVIEW_STATES),
    )
    chosen = session.get(_key("dates")) if options.first_date is not None and options.last_date is not None else ()
    dates = tuple(chosen) if isinstance(chosen, (tuple, list)) else (chosen,)  # one end picked so far
    if len(dates) == 2:
        state = replace(state, date_from=None if dates[0] == options.first_date else dates[0],
                        date_to=None if dates[1] == options.last_date else dates[1])
    return state


def filter_sidebar(options_by_view: dict[str, FilterOptions], has_reports: bool,
                   where: DeltaGenerator | None = None, state: FilterState | None = None) -> FilterState:
    """Draw the filters (in ``where``, else the sidebar); return the state they hold (also written
    to the URL): ``state`` when the page read it before them (:func:`filter_state`), else read now."""
    sidebar = where if where is not None else st.sidebar
    if state is None:
        state = filter_state(options_by_view, has_reports)  # seeds and prunes the widgets' values first
    sidebar.header("Filters")
    if has_reports:
        sidebar.radio("Show", (VIEW_INCIDENTS, VIEW_REPORTS), key=_key("view"), horizontal=True,
                      help="incidents: the reports of one incident joined into one row, every source kept; "
                           "reports: one row per article's report")
    options = options_by_view[state.view]
    sidebar.multiselect("Location", options.locations, key=_key("locations"),
                        help="a town also selects the neighbourhoods placed at its point")
    sidebar.multiselect("Source", options.sources, key=_key("sources"))
    if options.first_date is not None and options.last_date is not None:
        sidebar.date_input("Date range", key=_key("dates"), min_value=options.first_date, max_value=options.last_date)
    sidebar.multiselect("Event type", options.event_types, key=_key("event_types"))
    sidebar.number_input("Minimum killed", min_value=0, max_value=MAX_KILLED, step=1, key=_key("min_killed"),
                         help="rows whose killed range reaches this number ('40+' always does)")
    sidebar.text_input("Search the evidence", key=_key("text"))
    sidebar.toggle("Show mention rows", key=_key("show_mentions"),
                   help="places an article names with nothing reported there")
    sidebar.multiselect("Review", list(REVIEW_STATES), key=_key("reviews"),
                        help="rows a reviewer left in this state; none chosen: every row but the rejected")
    sidebar.button("Reset filters", on_click=_reset, key="filter_reset")
    query = to_query(state)
    as_lists = {k: v if isinstance(v, list) else [v] for k, v in query.items()}
    if as_lists != _lists():  # writing the same URL again would add a browser history entry
        st.query_params.from_dict(query)
    return state


#: Session key of the last addition's outcome, shown once after the page reran on the new table.
UPLOAD_MESSAGE = "upload_message"


def articles_sidebar(table: Path, folder: str) -> None:
    """*Add articles*: upload files or paste a text; they are checked, saved into ``folder`` and the
    table rebuilt (:func:`dashboard.ui.uploads.add_articles`), with a progress bar. File names and
    messages are drawn as plain text."""
    sidebar = st.sidebar
    message = st.session_state.pop(UPLOAD_MESSAGE, None)
    if message:
        kind, headline, text = message
        (sidebar.error if kind == "error" else sidebar.success)(headline)
        sidebar.text(text)
    with sidebar.expander("Add articles"):
        if not folder:
            st.caption("Serve with --articles FOLDER (the folder this table is built from) to add articles here.")
            return
        if not Path(folder).is_dir():
            st.caption("The articles folder (--articles) does not exist:")
            st.text(folder)  # a path: plain text
            return
        with st.form("upload_form", clear_on_submit=True, border=False):
            files = st.file_uploader("Article files", type=[s.lstrip(".") for s in ARTICLE_SUFFIXES],
                                     accept_multiple_files=True, key="upload_files",
                                     help="news articles as .txt, .md or .html (a page saved from a browser)")
            st.caption("or paste an article:")
            text = st.text_area("Article text", key="upload_text")
            title = st.text_input("Article title", key="upload_title")
            source = st.text_input("Article source", key="upload_source")
            published = st.date_input("Article published on", value=None, key="upload_published")
            url = st.text_input("Article URL", key="upload_url")
            submitted = st.form_submit_button("Add and rebuild the table")
        if not submitted:
            return
        bar = st.progress(0.0, text="starting")
        try:
            articles = [NewArticle(f.name, f.getvalue()) for f in files or ()]
            if text.strip():
                articles.append(pasted_article(text, title, source, published, url))
            added = add_articles(articles, table, Path(folder), lambda done, what: bar.progress(done, text=what))
        except UploadError as err:
            st.session_state[UPLOAD_MESSAGE] = ("error", "Nothing was added.", str(err))
        else:
            st.session_state[UPLOAD_MESSAGE] = ("ok", "Articles added.",
                                                f"saved: {', '.join(added.saved)}\n{added.summary}")
    st.rerun()  # the page again, on the rebuilt table (or with the message)
