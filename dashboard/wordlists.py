"""Word lists as data: every vocabulary the pipeline matches against lives under ``data/words/``.

One format, one loader. A topic is one TOML file, ``data/words/TOPIC.toml``; each list in it is a
table with a line saying what it is for and either its words or its named groups of words::

    [targets]
    about = "What an attack hit, as a sentence names it; two reports naming different targets are two incidents."
    [targets.groups]
    mosque = ["mosque", "masjid"]

    [weak_cues]
    about = "Words right before a place name that make an unknown capitalised word a place."
    words = ["in", "near"]

Words are kept as written (order kept, duplicates dropped); matching rules (case, plurals) belong
to the code that matches. A file that cannot be read, or a list without ``about`` or with words
that are not strings, stops with one line (:class:`WordListError`) naming the file and the list.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dashboard.errors import WordListError

WORDS_DIR = Path(__file__).resolve().parents[1] / "data" / "words"


@dataclass(frozen=True, slots=True)
class WordList:
    """One list: its name, what it is for, and its words (or its groups of words)."""

    name: str
    about: str
    words: tuple[str, ...] = ()
    groups: tuple[tuple[str, tuple[str, ...]], ...] = ()


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(word, str) and word.strip() for word in value):
        raise WordListError(f"{where}: expected a list of non-empty strings")
    return tuple(dict.fromkeys(word.strip() for word in value))


def _word_list(name: str, table: Any, path: Path) -> WordList:
    where = f"{path}: [{name}]"
    if not isinstance(table, dict) or not isinstance(table.get("about"), str) or not table["about"].strip():
        raise WordListError(f"{where} needs an `about` line saying what the list is for")
    if ("words" in table) == ("groups" in table):
        raise WordListError(f"{where} needs either `words` or `groups`")
    if "words" in table:
        return WordList(name, table["about"].strip(), words=_strings(table["words"], where))
    groups = table["groups"]
    if not isinstance(groups, dict) or not groups:
        raise WordListError(f"{where}: `groups` must be a table of lists")
    return WordList(name, table["about"].strip(),
                    groups=tuple((key, _strings(value, f"{where} {key}")) for key, value in groups.items()))


def load_topic(path: Path) -> dict[str, WordList]:
    """Every list of one topic file, by name, in file order."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise WordListError(f"{path}: cannot read the word lists ({err})".splitlines()[0]) from err
    return {name: _word_list(name, table, path) for name, table in data.items()}


@functools.lru_cache(maxsize=None)
def topic(name: str, folder: Path = WORDS_DIR) -> dict[str, WordList]:
    """The lists of ``data/words/NAME.toml`` (read once per process)."""
    return load_topic(folder / f"{name}.toml")


def words(topic_name: str, list_name: str) -> tuple[str, ...]:
    """The words of one list, e.g. ``words("places", "weak_cues")``."""
    return _get(topic_name, list_name).words


def groups(topic_name: str, list_name: str) -> dict[str, tuple[str, ...]]:
    """The named groups of one list, e.g. ``groups("targets", "targets")["mosque"]``."""
    return dict(_get(topic_name, list_name).groups)


def _get(topic_name: str, list_name: str) -> WordList:
    lists = topic(topic_name)
    if list_name not in lists:
        raise WordListError(f"{WORDS_DIR / topic_name}.toml has no list [{list_name}]")
    return lists[list_name]
