"""Incidents of violence extracted from news articles, geocoded, and shown on a map.

Two wings meet only in :mod:`dashboard.schema` and the table file it defines:
``dashboard.preprocess`` writes the table, ``dashboard.app`` / ``dashboard.ui`` read it.
"""

__version__ = "0.1.0"
