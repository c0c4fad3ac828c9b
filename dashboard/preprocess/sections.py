"""A very long article text -> sections read one after another, so that what reading holds at once is
one section's worth, not the whole text's.

No news article comes near :data:`SECTION_CHARS` (a long report is some 10,000 characters); a text
that does is an archive, a transcript or a feed saved as one file. Such a text is read section by
section: each section's places are found and resolved with that section's own context, and its
incidents read from its own sentences, as if each were an article of the same metadata. The rows of
every section together are the article's rows. A section ends at a line break when one lies in its
second half, else after a sentence's full stop, else at a space: never inside a word.
"""

from __future__ import annotations

#: Characters of text read at once; longer texts are read in sections of at most this size.
SECTION_CHARS = 1_000_000


def sections(text: str, size: int | None = None) -> list[str]:
    """``text`` cut into consecutive pieces of at most ``size`` characters (:data:`SECTION_CHARS`
    unless given; all of it, in order); a text no longer than that is its own one section."""
    size = SECTION_CHARS if size is None else size
    if size < 2:
        raise ValueError("a section holds at least two characters")
    out: list[str] = []
    start = 0
    while len(text) - start > size:
        end = start + size
        cut = text.rfind("\n", start + size // 2, end) + 1
        if not cut:
            cut = text.rfind(". ", start + size // 2, end - 1) + 2
        if cut < 2:
            cut = text.rfind(" ", start + size // 2, end) + 1
        if not cut:
            cut = end
        out.append(text[start:cut])
        start = cut
    out.append(text[start:])
    return out
