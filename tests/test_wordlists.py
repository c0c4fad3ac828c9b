"""The word-list loader: one format, an `about` line per list, one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard import wordlists
from dashboard.errors import WordListError


def test_every_list_under_data_words_loads_and_says_what_it_is_for() -> None:
    files = sorted(wordlists.WORDS_DIR.glob("*.toml"))
    assert files
    for path in files:
        for word_list in wordlists.load_topic(path).values():
            assert word_list.about
            assert word_list.words or word_list.groups


def test_words_and_groups_keep_their_order_and_drop_duplicates(tmp_path: Path) -> None:
    path = tmp_path / "t.toml"
    path.write_text('[cues]\nabout = "x"\nwords = ["near", "in", "near"]\n'
                    '[kinds]\nabout = "y"\n[kinds.groups]\nb = ["two"]\na = ["one", "uno"]\n', encoding="utf-8")
    lists = wordlists.load_topic(path)
    assert lists["cues"].words == ("near", "in")
    assert dict(lists["kinds"].groups) == {"b": ("two",), "a": ("one", "uno")}


@pytest.mark.parametrize("text, said", [
    ('[cues]\nwords = ["in"]\n', "about"),
    ('[cues]\nabout = "x"\nwords = ["in", 3]\n', "strings"),
    ('[cues]\nabout = "x"\n', "either"),
    ('[cues\n', "cannot read"),
])
def test_a_bad_list_stops_with_one_line_naming_the_file(tmp_path: Path, text: str, said: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(WordListError) as caught:
        wordlists.load_topic(path)
    message = str(caught.value)
    assert "\n" not in message and str(path) in message and said in message
