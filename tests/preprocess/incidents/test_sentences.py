"""Sentence splitting keeps offsets into the article text and does not break at abbreviations."""

from __future__ import annotations

from dashboard.preprocess.incidents.sentences import quoted_spans, split_sentences

TEXT = (
    "Headline without a full stop\n\n"
    "Col. A. B. Smith said the U.S. convoy was hit. Three died! Was it planned? \"Yes,\" he said.\n"
    "Second paragraph, one sentence at 5.30 pm."
)


def test_sentences_and_offsets() -> None:
    sentences = split_sentences(TEXT)
    assert [s.text for s in sentences] == [
        "Headline without a full stop",
        "Col. A. B. Smith said the U.S. convoy was hit.",
        "Three died!",
        "Was it planned?",
        "\"Yes,\" he said.",
        "Second paragraph, one sentence at 5.30 pm.",
    ]
    assert all(TEXT[s.start:s.end] == s.text for s in sentences)
    assert [s.paragraph for s in sentences] == [0, 1, 1, 1, 1, 2]


def test_empty_text_has_no_sentences() -> None:
    assert split_sentences("  \n\n ") == []


def test_quoted_spans_curly_straight_and_open() -> None:
    text = "He said “it burned” and \"they fled\". “Still open\nNext line."
    spans = [text[a:b] for a, b in quoted_spans(text)]
    assert spans == ["“it burned”", "\"they fled\"", "“Still open"]
