"""The review controls of one report row in the details panel: verify, reject, and a correction form.

In: a report row, its report key and the :class:`~dashboard.review.ReviewStore`. Out: entries in the
store (who: the name typed in the panel; when: now); the page reruns and loads the corrected rows.
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

#: Session keys: the reviewer's name (kept for the session), the last message of a review action.
NAME_KEY = "review_name"
MESSAGE_KEY = "review_message"


@dataclass(frozen=True, slots=True)
class ReviewContext:
    """What the details panel needs to take reviews (None in the app when the page is read-only)."""

    store: ReviewStore
    keys: pd.Series  # report key by report row index


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
        return repr(float(value))  # a numpy float64 prints as np.float64(...)
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


def show_review(report: pd.Series, key: str, context: ReviewContext) -> None:
    """The row's review state, verify and reject buttons, and the correction form."""
    st.text(f"review: {report.get(C.review, 'unreviewed')}")
    left, right = st.columns(2)
    left.button("Verify", key=f"verify_{key}", on_click=_mark, args=(context.store, key, VERIFIED))
    right.button("Reject", key=f"reject_{key}", on_click=_mark, args=(context.store, key, REJECTED))
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
