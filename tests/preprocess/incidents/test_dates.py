"""Date words -> the incident day, resolved against the publication date (a Tuesday here)."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.preprocess.incidents.dates import DateReading, find_date

TUESDAY = dt.date(2019, 3, 12)


@pytest.mark.parametrize(
    ("sentence", "day", "precision"),
    [
        ("Gunmen attacked the village on Sunday.", dt.date(2019, 3, 10), "day"),
        ("Sunday's raid left five dead.", dt.date(2019, 3, 10), "day"),
        ("The convoy was ambushed early Friday morning.", dt.date(2019, 3, 8), "day"),
        ("The bomb went off on Tuesday.", TUESDAY, "day"),  # the publication day itself
        ("The bomb went off last Tuesday.", dt.date(2019, 3, 5), "day"),
        ("Two soldiers died yesterday.", dt.date(2019, 3, 11), "day"),
        ("Fighting broke out overnight.", dt.date(2019, 3, 11), "day"),
        ("Police made the arrests today.", TUESDAY, "day"),
        ("The market was shelled last week.", dt.date(2019, 3, 4), "week"),
        ("Three attacks took place earlier this week.", dt.date(2019, 3, 11), "week"),
        ("The camp was raided earlier this month.", dt.date(2019, 3, 1), "month"),
        ("The town fell last month.", dt.date(2019, 2, 1), "month"),
        ("The town fell on 21 October 2016.", dt.date(2016, 10, 21), "day"),
        ("The town fell on October 21, 2016.", dt.date(2016, 10, 21), "day"),
        ("The town fell on March 3.", dt.date(2019, 3, 3), "day"),
        ("The town fell on Dec. 30.", dt.date(2018, 12, 30), "day"),  # no year: the latest one before publication
    ],
)
def test_date_words(sentence: str, day: dt.date, precision: str) -> None:
    assert find_date(sentence, TUESDAY) == DateReading(day, precision)


def test_no_date_words_gives_none() -> None:
    assert find_date("Militants stormed the police station.", TUESDAY) is None


@pytest.mark.parametrize("sentence", ["The ministry said Monday that the road was open.",
                                      "In a Monday statement the army denied it."])
def test_the_day_a_report_was_made_is_not_the_incident_day(sentence: str) -> None:
    assert find_date(sentence, TUESDAY) is None


def test_same_day_points_back_to_another_incident() -> None:
    reading = find_date("A rocket hit the mosque on the same day as the assault on the town.", TUESDAY)
    assert reading is not None and reading.refers_back and reading.date is None


def test_without_a_publication_date_only_full_dates_resolve() -> None:
    assert find_date("The convoy was hit on Friday.", None) is None
    assert find_date("The convoy was hit on 2 May 2015.", None) == DateReading(dt.date(2015, 5, 2), "day")


def test_the_modal_may_is_not_a_month() -> None:
    assert find_date("Fighting may 5 times resume.", TUESDAY) is None
