"""The project's exceptions: one root, typed subclasses that also inherit the built-in they resemble.

Errors are translated once at each boundary: the CLI prints ``str(error)`` as one line and exits
non-zero; the app shows it with ``st.error``. Code in between raises, it does not print.
"""

from __future__ import annotations

import re

#: Characters that would break a one-line message (a file name may hold any of them).
_LINE_BREAKERS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(text: str) -> str:
    """``text`` with line breaks and other control characters written as escapes, so it stays one line."""
    return _LINE_BREAKERS.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


class DashboardError(Exception):
    """Root of every error this project raises on purpose."""


class SettingError(DashboardError, ValueError):
    """A setting or command-line argument that cannot be used (the run stops with one line)."""


class ArticleError(DashboardError, ValueError):
    """One article that cannot be read: unreadable, empty, binary or too large (it is skipped)."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason


class ManifestError(DashboardError, ValueError):
    """A manifest file that cannot be used."""


class OutputError(DashboardError, OSError):
    """An output file that cannot be written (read-only folder, a parent that is a file, a full disk ...)."""


class NothingReadError(DashboardError, ValueError):
    """A build in which no article could be read: the previous outputs are left as they were."""


class SchemaError(DashboardError, ValueError):
    """A table that does not follow :mod:`dashboard.schema`; ``problems`` lists every failure found."""

    def __init__(self, problems: list[str]) -> None:
        shown = "; ".join(problems[:5]) + (f" (and {len(problems) - 5} more)" if len(problems) > 5 else "")
        super().__init__(f"not an incident table: {shown}")
        self.problems = problems


class GazetteerError(DashboardError, RuntimeError):
    """The embedded gazetteer could not be loaded or built."""


class GeocoderError(DashboardError, RuntimeError):
    """A geocoding service failed; the build goes on without its answer."""


class AssetError(DashboardError, RuntimeError):
    """The offline map assets could not be fetched or are incomplete."""


class WordListError(DashboardError, ValueError):
    """A word list under data/words cannot be used (unreadable, no `about` line, not strings)."""
