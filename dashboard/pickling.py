"""Records pickled as their values: what a build sends between processes and keeps on disk.

A slots dataclass pickles by default as a list of its values made field by field, and comes back
by setting each attribute in turn (``object.__setattr__`` for a frozen one): a few microseconds a
record, paid for every row, article and parse a build's workers send and get. :func:`as_values`
makes such a class pickle as ``(cls, values)`` instead, so that it comes back through its
constructor with the values as they were.
"""

from __future__ import annotations

import dataclasses
import operator
from typing import Any, TypeVar

Record = TypeVar("Record")


def as_values(cls: type[Record]) -> type[Record]:
    """Class decorator, put above ``@dataclass`` (it needs the fields): ``cls`` pickles as its
    values in field order (every field is one the constructor takes)."""
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    if not all(f.init for f in fields):
        raise TypeError(f"{cls.__name__}: every field must be one the constructor takes")
    values = operator.attrgetter(*(f.name for f in fields))

    if len(fields) == 1:  # an attrgetter of one name gives the value itself
        def __reduce__(self: Any) -> tuple[type[Record], tuple[Any, ...]]:
            return cls, (values(self),)
    else:
        def __reduce__(self: Any) -> tuple[type[Record], tuple[Any, ...]]:
            return cls, values(self)

    cls.__reduce__ = __reduce__  # type: ignore[assignment,method-assign]
    return cls
