"""Place-name folding: a spelling of a place name -> the key it is indexed and looked up under.

In: any spelling of a name ("Al-Hawījah", "Hawija", "Dakuk", "Daquq", "Tes'in").
Out: a lower-case ASCII key in which the usual transliteration variants of Arabic, Kurdish,
Persian and Turkish names coincide, so "Dakuk" finds Daquq and "Hawijah" finds Al Hawija.

The folding is deliberately lossy; the resolver, not the key, tells places apart.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from dashboard import wordlists

# Letters that NFKD does not decompose into ASCII plus a combining mark.
_LETTERS = str.maketrans({
    "ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ß": "ss", "ł": "l", "Ł": "l",
    "đ": "d", "Đ": "d", "ð": "d", "þ": "th", "ı": "i", "ə": "a", "Ə": "a",
})
# Apostrophes, ayin and hamza signs vanish: "Tes'in" = "Tesin", "Ba‘qubah" = "Baqubah".
_MARKS = re.compile(r"['’‘`´ʿʾʻʼ]")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
# Arabic article and its sun-letter assimilations, written before a name ("al-", "ash-", "el ").
_ARTICLES = frozenset(wordlists.words("places", "folded_articles"))
# Transliteration variants, applied in order to each word.
_VARIANTS = (
    ("ck", "k"), ("q", "k"), ("ou", "u"), ("o", "u"), ("ee", "i"), ("y", "i"), ("ph", "f"),
    ("nb", "mb"), ("np", "mp"),  # n before b or p as it is said, m ("Tunbun" ~ "Tumbun", "Bonbofa" ~ "Bombofa")
)
#: Words spelled otherwise for one sound: the Arabic "spring" (Ain, Ayn, Ein) in "Ein Issa" ~ "Ayn Isa".
_WORD_VARIANTS = {"ein": "ain"}
_DOUBLED = re.compile(r"(.)\1+")
_FINAL_H = re.compile(r"(?<=[aeiu])h$")


@lru_cache(maxsize=65536)
def display_name(name: str) -> str:
    """A name in plain Latin letters, case kept, for the table ("Al Ḩawījah" -> "Al Hawijah", "Dāqūq" -> "Daquq")."""
    text = _MARKS.sub("", name.translate(_LETTERS))
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").strip() or name


@lru_cache(maxsize=65536)
def plain_name(name: str) -> str:
    """Diacritics and punctuation dropped, lower case, single spaces ("Al-Ḩawījah" -> "al hawijah")."""
    text = _MARKS.sub("", name.translate(_LETTERS))
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return _NOT_ALNUM.sub(" ", text).strip()


@lru_cache(maxsize=65536)
def fold_name(name: str) -> str:
    """The transliteration-aware key of a place name ("" when nothing is left).

    Diacritics, apostrophes, a leading Arabic article (al-, el-, ash- ...), doubled letters,
    k/q, u/o/ou, ee/i, y/i, nb/mb, np/mp, the word ein/ain and a final -ah/-eh are all folded,
    and words are joined:
    ``fold_name("Al-Hawījah") == fold_name("Hawija")`` and ``fold_name("Daquq") == fold_name("Dakuk")``.
    """
    words = plain_name(name).split()
    if len(words) > 1 and words[0] in _ARTICLES:
        words = words[1:]
    folded = []
    for word in words:
        word = _WORD_VARIANTS.get(word, word)
        word = _FINAL_H.sub("", word)
        for old, new in _VARIANTS:
            word = word.replace(old, new)
        word = _FINAL_H.sub("", word)
        if len(word) > 2 and word.endswith("e"):
            word = word[:-1] + "a"  # -e / -a / -ah endings ("Haweeje" ~ "Hawija")
        folded.append(word)
    return _DOUBLED.sub(r"\1", "".join(folded))
