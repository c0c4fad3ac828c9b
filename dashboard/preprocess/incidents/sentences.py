"""Article text -> sentences with character offsets, and the spans of quoted speech.

In: plain article text. Out: :func:`split_sentences` gives every :class:`Sentence` in order (its text
stripped, ``start``/``end`` offsets into the article text, and the index of its paragraph, a
paragraph being one line of text); :func:`quoted_spans` gives the (start, end) offsets of quoted
passages, so readers can tell reported speech from the writer's own statements.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dashboard.preprocess.incidents.vocabulary import ABBREVIATIONS


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str  # stripped; text == article_text[start:end]
    start: int
    end: int
    paragraph: int  # 0-based index of the non-empty line the sentence is on


#: Words that end with a full stop without ending the sentence ("Col. Jaff"): data/words/sentences.toml.
_ABBREVIATIONS = ABBREVIATIONS
#: A possible end: terminal punctuation, closing quotes/brackets, then space before a capital, digit or quote.
_END = re.compile(r"""[.!?]+["'”’)\]]*(?=\s+["'“‘(\[]?[A-Z0-9])""")
_WORD_BEFORE = re.compile(r"([A-Za-z.]+)\.$")
_LINE = re.compile(r"[^\n]+")


def split_sentences(text: str) -> list[Sentence]:
    """Every sentence of ``text`` in order; a line break always ends a sentence."""
    out: list[Sentence] = []
    paragraph = 0
    for line in _LINE.finditer(text):
        if not line.group().strip():
            continue
        begin = line.start()
        for end in _END.finditer(text, line.start(), line.end()):
            if _is_abbreviation(text[max(begin, end.end() - 24):end.end()]):  # its last word only
                continue
            _append(out, text, begin, end.end(), paragraph)
            begin = end.end()
        _append(out, text, begin, line.end(), paragraph)
        paragraph += 1
    return out


def _is_abbreviation(piece: str) -> bool:
    if not piece.endswith("."):
        return False
    match = _WORD_BEFORE.search(piece)
    if match is None:
        return False
    word = match.group(1)
    # "U.S." / "S." (initials) / a title such as "Col."
    return len(word) == 1 or "." in word or word.lower() in _ABBREVIATIONS


def _append(out: list[Sentence], text: str, start: int, end: int, paragraph: int) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if not stripped:
        return
    start += len(piece) - len(piece.lstrip())
    out.append(Sentence(stripped, start, start + len(stripped), paragraph))


_CURLY = re.compile(r"“[^”\n]*(?:”|$)", re.MULTILINE)
_STRAIGHT = re.compile(r'"[^"\n]*(?:"|$)', re.MULTILINE)


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each quoted passage; a quote left open runs to the end of its line."""
    spans = [(m.start(), m.end()) for m in _CURLY.finditer(text)]
    spans += [(m.start(), m.end()) for m in _STRAIGHT.finditer(text)]
    return sorted(spans)
