"""pickling: records that cross processes pickle as their values and come back equal."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from dashboard.pickling import as_values
from dashboard.preprocess.ingest import Article
from dashboard.preprocess.places.gazetteer import load_gazetteer
from dashboard.preprocess.places.geoparse import parse


@as_values
@dataclasses.dataclass(frozen=True, slots=True)
class _Pair:
    first: int
    second: tuple[str, ...] = ()


@as_values
@dataclasses.dataclass(slots=True)
class _One:
    value: str


def test_a_record_pickles_as_its_class_and_values() -> None:
    pair = _Pair(1, ("a",))
    assert pair.__reduce__() == (_Pair, (1, ("a",)))
    assert pickle.loads(pickle.dumps(pair)) == pair
    assert _One("x").__reduce__() == (_One, ("x",))
    assert pickle.loads(pickle.dumps(_One("x"))) == _One("x")


def test_a_field_the_constructor_does_not_take_is_refused() -> None:
    with pytest.raises(TypeError, match="constructor"):
        @as_values
        @dataclasses.dataclass
        class _Counted:
            name: str
            count: int = dataclasses.field(default=0, init=False)


def test_what_the_first_pass_hands_on_comes_back_equal() -> None:
    text = "Gunmen attacked a checkpoint in Kirkuk, north of Baghdad, on Monday."
    parsed = parse(text, load_gazetteer())
    assert parsed.found, "the text names places"
    assert pickle.loads(pickle.dumps(parsed)) == parsed
    article = Article("a.txt", text, "Title", "Wire", None, "", 0)
    assert pickle.loads(pickle.dumps(article)) == article
