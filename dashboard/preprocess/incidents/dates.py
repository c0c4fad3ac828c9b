"""Date words in a sentence -> the day an incident happened, resolved against the publication date.

In: a sentence and the article's publication date (or None). Out: :func:`find_date` gives a
:class:`DateReading` (date, precision from ``schema.DATE_PRECISIONS``, and whether the sentence
points back to another incident's day: "on the same day as ...") or None when the sentence has no
date words. Rules (README "columns" / "date"):

* "21 October 2016", "October 21, 2016", "Oct. 21" (year: the latest such day on or before
  publication) -> that day;
* a weekday ("on Friday", "Sunday", "Friday's attack") -> the latest such day on or before
  publication; "last Friday" -> strictly before it;
* "today", "this morning", "tonight" -> publication day; "yesterday", "last night", "overnight" -> the day before;
* "this week"/"earlier this week" -> week (the Monday of the publication week);
  "last week" -> week (the Monday of the week before);
* "this month"/"earlier this month" -> month (its first day); "last month" -> month (its first day);
* a date word right after a reporting verb ("said Monday", "a Monday statement") dates the report,
  not the incident, and is skipped.
Without a publication date only absolute dates with a year can be resolved.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from dashboard.preprocess.incidents.vocabulary import MONTHS, REPORTING, WEEKDAYS

DAY, WEEK, MONTH, UNKNOWN = "day", "week", "month", "unknown"


@dataclass(frozen=True, slots=True)
class DateReading:
    date: dt.date | None
    precision: str  # a key of schema.DATE_PRECISIONS
    refers_back: bool = False  # "on the same day as ...": the day of an incident told before


_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_WEEKDAY = "|".join(WEEKDAYS)
_REPORTING = "(?:%s)" % "|".join(REPORTING)
# Every alternative starts a word: "\b(?=\w)" first lets the engine try the eight only where a word
# starts (the same matches, about twice as fast).
_PATTERNS = re.compile(
    rf"""
    \b(?=\w)(?:
    (?P<dmy>\b(?P<d1>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m1>{_MONTH})\.?(?:,?\s+(?P<y1>(?:19|20)\d\d))?\b)
  | (?P<mdy>\b(?P<m2>{_MONTH})\.?\s+(?P<d2>[0-3]?\d)(?:st|nd|rd|th)?\b(?!\s*(?:%|percent|km|miles|people))
        (?:,?\s+(?P<y2>(?:19|20)\d\d)\b)?)
  | (?P<same>\b(?:on\s+)?the\s+same\s+day\b|\bthat\s+(?:same\s+)?day\b)
  | (?P<weekday>\b(?P<last>last\s+)?(?P<wd>{_WEEKDAY})(?:'s|’s)?\b)
  | (?P<yesterday>\b(?:the\s+day\s+before\s+)?yesterday\b|\blast\s+night\b|\bovernight\b)
  | (?P<today>\btoday\b|\bthis\s+(?:morning|afternoon|evening)\b|\btonight\b|\bearlier\s+today\b)
  | (?P<week>\b(?:(?P<lastweek>last|past|previous)|this|earlier\s+this)\s+week\b)
  | (?P<month>\b(?:(?P<lastmonth>last|previous)|this|earlier\s+this)\s+month\b)
    )""",
    re.VERBOSE | re.IGNORECASE,
)
_REPORT_BEFORE = re.compile(rf"\b{_REPORTING}\s+(?:on\s+|late\s+|early\s+|in\s+a\s+|a\s+)?$", re.IGNORECASE)
_REPORT_AFTER = re.compile(r"^(?:'s|’s)?\s+(?:statement|report|press conference|briefing|interview)", re.IGNORECASE)


_KEYWORDS = frozenset(MONTHS) | frozenset(WEEKDAYS) | {"today", "yesterday", "tonight", "overnight", "night", "week",
                                                        "month", "day", "morning", "afternoon", "evening"}
_LETTERS = re.compile(r"[a-z]+")


def find_date(sentence: str, published: dt.date | None) -> DateReading | None:
    """The incident date a sentence states, or None when it has no date words (see the module rules)."""
    if _KEYWORDS.isdisjoint(_LETTERS.findall(sentence.lower())):
        return None  # most sentences: no need to run the large pattern
    for match in _PATTERNS.finditer(sentence):
        before = sentence[max(0, match.start() - 30):match.start()]
        if _REPORT_BEFORE.search(before) or _REPORT_AFTER.match(sentence[match.end():match.end() + 25]):
            continue
        reading = _resolve(match, published, sentence)
        if reading is not None:
            return reading
    return None


def _resolve(match: re.Match[str], published: dt.date | None, sentence: str) -> DateReading | None:
    kind = match.lastgroup  # the outer group of the alternative that matched
    if kind in ("dmy", "mdy"):
        day = int(match.group("d1") or match.group("d2"))
        month_word = (match.group("m1") or match.group("m2"))
        if month_word == "may" or month_word.lower() == "mar" and month_word[0].islower():
            return None  # the verb "may", "mar"
        month = MONTHS[month_word.lower()]
        year_text = match.group("y1") or match.group("y2")
        return _absolute(day, month, int(year_text) if year_text else None, published)
    if kind == "same":
        return DateReading(None, UNKNOWN, refers_back=True)
    if published is None:
        return None
    if kind == "weekday":
        target = WEEKDAYS[match.group("wd").lower()]
        back = (published.weekday() - target) % 7
        if match.group("last") and back == 0:
            back = 7
        return DateReading(published - dt.timedelta(days=back), DAY)
    if kind == "yesterday":
        days = 2 if match.group().lower().startswith("the day before") else 1
        return DateReading(published - dt.timedelta(days=days), DAY)
    if kind == "today":
        return DateReading(published, DAY)
    if kind == "week":
        monday = published - dt.timedelta(days=published.weekday())
        return DateReading(monday - dt.timedelta(days=7) if match.group("lastweek") else monday, WEEK)
    if kind == "month":
        first = published.replace(day=1)
        if match.group("lastmonth"):
            first = (first - dt.timedelta(days=1)).replace(day=1)
        return DateReading(first, MONTH)
    return None


def _absolute(day: int, month: int, year: int | None, published: dt.date | None) -> DateReading | None:
    if year is None:
        if published is None:
            return None
        year = published.year
        try:
            if dt.date(year, month, day) > published:
                year -= 1
        except ValueError:
            return None
    try:
        return DateReading(dt.date(year, month, day), DAY)
    except ValueError:
        return None
