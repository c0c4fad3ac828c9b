"""The review controls of one report row in the details panel: verify, reject, and a correction form.

In: a report row, its report key and the :class:`~dashboard.review.ReviewStore`. Out: entries in the
store (who: the name typed in the panel; when: now); the page reruns and loads the corrected rows.
A row's place is corrected by picking another candidate of the why file, a place found by name
among the why file's places (:func:`dashboard.ui.why.search_places`), or a point clicked on the map
(:data:`PICK_KEY` arms it, :func:`note_map_click` takes the click).
Nothing is drawn when the page is served read-only. Text from the data fills the inputs as values
(plain text), never as Markdown.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from dashboard.errors import DashboardError, one_line
from dashboard.review import FIELDS, REJECTED, VERIFIED, Correction, ReviewStore
from dashboard.schema import EVENT_TYPES, C
from dashboard.ui.why import describe, search_places
from dashboard.why import WhyData, WhyPlace

#: Session keys: the reviewer's name (kept for the session), the last message of a review action.
NAME_KEY = "review_name"
MESSAGE_KEY = "review_message"
#: Session keys of the map pick: (report key, the map's last click when armed), and the click taken.
PICK_KEY = "review_pick"
PICKED_KEY = "review_picked"
#: Session key where the map leaves its last click (set by the map panel, read here).
LAST_CLICK_KEY = "map_last_clicked"


@dataclass(frozen=True, slots=True)
class ReviewContext:
    """What the details panel needs to take reviews (None in the app when the page is read-only)."""

    store: ReviewStore
    keys: pd.Series  # report key by report row index
    why: WhyData | None = None  # the why file: each row's candidates, the places one may search


def show_name_input() -> None:
    """The reviewer's name, asked once above the details (every entry carries it)."""
    st.text_input("Your name (for reviews)", key=NAME_KEY)
    message = st.session_state.pop(MESSAGE_KEY, None)
    if message:
        kind, text = message
        (st.error if kind == "error" else st.success)("Review not saved." if kind == "error" else "Review saved.")
        st.text(text)


def _save(store: ReviewStore, correction: Correction) -> None:
    try:
        store.add(correction)
    except DashboardError as err:
        st.session_state[MESSAGE_KEY] = ("error", one_line(str(err)))
    else:
        st.session_state[MESSAGE_KEY] = ("ok", f"{correction.state or 'corrected'} by {correction.reviewer}")


def _reviewer() -> str:
    return str(st.session_state.get(NAME_KEY) or "").strip()


def _mark(store: ReviewStore, key: str, state: str) -> None:
    if not _reviewer():
        st.session_state[MESSAGE_KEY] = ("error", "type your name above first")
        return
    _save(store, Correction(key, _reviewer(), state=state))


def _text(value: Any) -> str:
    """A table value as the text an input shows ('' for empty)."""
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _submit(store: ReviewStore, key: str, before: dict[str, str]) -> None:
    if not _reviewer():
        st.session_state[MESSAGE_KEY] = ("error", "type your name above first")
        return
    typed = {name: str(st.session_state.get(f"review_{key}_{name}", before[name])).strip() for name in FIELDS}
    changed = {name: value for name, value in typed.items() if value != before[name]}
    if (C.latitude in changed) != (C.longitude in changed):  # a point moves as a whole
        changed[C.latitude], changed[C.longitude] = typed[C.latitude], typed[C.longitude]
    note = str(st.session_state.get(f"review_{key}_note", "")).strip()
    if not changed and not note:
        st.session_state[MESSAGE_KEY] = ("error", "nothing was changed")
        return
    _save(store, Correction(key, _reviewer(), values=changed, note=note))


def place_values(place: WhyPlace) -> dict[str, str]:
    """The correction that moves a row to a gazetteer place."""
    return {C.location: place.name, C.latitude: repr(place.latitude), C.longitude: repr(place.longitude),
            C.geo_precision: "place", C.admin1: place.admin1, C.country: place.country}


def point_values(latitude: float, longitude: float) -> dict[str, str]:
    """The correction that moves a row to a point clicked on the map (its names stay as they are)."""
    return {C.latitude: f"{latitude:.6f}", C.longitude: f"{longitude:.6f}", C.geo_precision: "place"}


def _move(store: ReviewStore, key: str, values: dict[str, str], how: str) -> None:
    if not _reviewer():
        st.session_state[MESSAGE_KEY] = ("error", "type your name above first")
        return
    st.session_state.pop(PICK_KEY, None)
    st.session_state.pop(PICKED_KEY, None)
    _save(store, Correction(key, _reviewer(), values=values, note=how))


def _move_to_choice(store: ReviewStore, key: str, choices: dict[str, WhyPlace], widget: str, how: str) -> None:
    chosen = choices.get(str(st.session_state.get(widget, "")))
    if chosen is None:
        st.session_state[MESSAGE_KEY] = ("error", "choose a place first")
        return
    _move(store, key, place_values(chosen), how)


def _arm_pick(key: str) -> None:
    st.session_state[PICK_KEY] = (key, st.session_state.get(LAST_CLICK_KEY))
    st.session_state.pop(PICKED_KEY, None)



def note_map_click(clicked: object) -> None:
    """The map's last click ({"lat", "lng"} or None): taken as the picked point when a pick is armed
    and the click is a new one."""
    st.session_state[LAST_CLICK_KEY] = clicked
    pick = st.session_state.get(PICK_KEY)
    if pick and isinstance(clicked, dict) and clicked != pick[1]:
        try:
            st.session_state[PICKED_KEY] = (pick[0], float(clicked["lat"]), float(clicked["lng"]))
        except (KeyError, TypeError, ValueError):
            return


def show_place_correction(key: str, context: ReviewContext) -> None:
    """Move the row: another candidate of the why file, a place found by name, or a map click."""
    why = context.why
    row = why.rows.get(key) if why is not None else None
    candidates = list(row.beaten + row.unbacked) if row is not None else []
    if candidates:
        labels = {describe(p): p for p in candidates}
        widget = f"why_candidate_{key}"
        st.selectbox("another candidate", list(labels), key=widget)
        st.button("Move to this candidate", key=f"why_use_candidate_{key}", on_click=_move_to_choice,
                  args=(context.store, key, labels, widget, "place: another candidate"))
    if why is not None and why.places:
        query = st.text_input("search a place by name", key=f"why_search_{key}")
        found = {describe(p): p for p in search_places(why.places, query)} if query else {}
        if query and not found:
            st.caption("No place of that name near the table's rows.")
        if found:
            widget = f"why_found_{key}"
            st.selectbox("places found", list(found), key=widget)
            st.button("Move to this place", key=f"why_use_found_{key}", on_click=_move_to_choice,
                      args=(context.store, key, found, widget, "place: found by name"))
    picked = st.session_state.get(PICKED_KEY)
    pick = st.session_state.get(PICK_KEY)
    if picked and picked[0] == key:
        _, lat, lng = picked
        st.text(f"map click: {lat:.5f}, {lng:.5f}")
        st.button("Move to the map click", key=f"why_use_click_{key}", on_click=_move,
                  args=(context.store, key, point_values(lat, lng), "place: clicked on the map"))
    elif pick and pick[0] == key:
        st.caption("Click the map where this row happened.")
    else:
        st.button("Pick the point on the map", key=f"why_pick_{key}", on_click=_arm_pick, args=(key,))


def show_review(report: pd.Series, key: str, context: ReviewContext) -> None:
    """The row's review state, verify and reject buttons, the place correction and the correction form."""
    st.text(f"review: {report.get(C.review, 'unreviewed')}")
    left, right = st.columns(2)
    left.button("Verify", key=f"verify_{key}", on_click=_mark, args=(context.store, key, VERIFIED))
    right.button("Reject", key=f"reject_{key}", on_click=_mark, args=(context.store, key, REJECTED))
    with st.expander("Correct the place"):
        show_place_correction(key, context)
    before = {name: _text(report.get(name)) for name in FIELDS}
    with st.expander("Correct this row"), st.form(f"correct_{key}", border=False):
        for name in FIELDS:
            widget_key = f"review_{key}_{name}"
            if name == C.event_type:
                types = list(EVENT_TYPES)
                st.selectbox("type", types, index=types.index(before[name]) if before[name] in types else 0,
                             key=widget_key)
            else:
                label = {C.date: "date (YYYY-MM-DD)", C.latitude: "latitude", C.longitude: "longitude"}.get(
                    name, name.replace("_", " "))
                st.text_input(label, value=before[name], key=widget_key)
        st.text_input("note", key=f"review_{key}_note")
        st.form_submit_button("Save correction", key=f"save_{key}", on_click=_submit, args=(context.store, key, before))
