"""Files -> Article: text (HTML reduced to its main text), title, source, published, url.

CONTRACT: Article (below); read_article(path, metadata) -> Article raising ArticleError;
find_article_files(inputs) -> list[Path]; read_manifest(path) -> dict[str, Metadata].
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Article:
    name: str  # file name (or URL): the `article` column
    text: str  # plain text of the article body
    title: str
    source: str  # publisher ("" when unknown)
    published: dt.date | None
    url: str
