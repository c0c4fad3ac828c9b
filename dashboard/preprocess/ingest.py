"""Files -> Article: text (HTML reduced to its main text), title, source, published, url.

Metadata comes, in order of precedence, from the manifest (columns file, source, published, url,
title), a front-matter block at the top of the article (``---`` lines of ``key: value``), HTML
``<meta>`` tags, and finally what the text itself states (a "Source: X" line, a dated byline, the
first line as headline). An article that cannot be used raises :class:`ArticleError` with the
reason; the caller reports and skips it.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterable

from dashboard.errors import ArticleError, ManifestError

ARTICLE_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")
#: Files in a folder that document the folder rather than report news.
NOT_ARTICLES = re.compile(r"^(readme|license|licence|changelog|contributing|notice)(\.|$)", re.IGNORECASE)
MANIFEST_COLUMNS = ("file", "source", "published", "url", "title")


@dataclass(frozen=True, slots=True)
class Article:
    name: str  # file name (or URL): the `article` column
    text: str  # plain text of the article body
    title: str
    source: str  # publisher ("" when unknown)
    published: dt.date | None
    url: str


@dataclass(frozen=True, slots=True)
class Metadata:
    """What is known about an article besides its text; empty strings / None when unknown."""

    title: str = ""
    source: str = ""
    published: dt.date | None = None
    url: str = ""

    def over(self, other: "Metadata") -> "Metadata":
        """This metadata, with gaps filled from ``other``."""
        return Metadata(
            title=self.title or other.title,
            source=self.source or other.source,
            published=self.published or other.published,
            url=self.url or other.url,
        )


@dataclass(frozen=True, slots=True)
class Skipped:
    name: str
    reason: str


# --- finding the files -------------------------------------------------------------------------


def find_article_files(inputs: Iterable[Path]) -> tuple[list[Path], list[Skipped]]:
    """Expand files and folders into article files (sorted, each once); report inputs that do not exist.

    A file named on the command line is taken whatever its suffix; in a folder only article suffixes
    count, and README/LICENSE-like files are passed over.
    """
    found: dict[Path, None] = {}
    missing: list[Skipped] = []
    for path in inputs:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if (child.is_file() and child.suffix.lower() in ARTICLE_SUFFIXES
                        and not NOT_ARTICLES.match(child.name) and not child.name.startswith(".")):
                    found.setdefault(child.resolve(), None)
        elif path.is_file():
            found.setdefault(path.resolve(), None)
        else:
            missing.append(Skipped(str(path), "no such file or folder"))
    return list(found), missing


# --- manifest ----------------------------------------------------------------------------------


def read_manifest(path: Path) -> dict[str, Metadata]:
    """Manifest CSV -> metadata by file name. A manifest that cannot be used raises ManifestError."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as stream:
            reader = csv.DictReader(stream)
            columns = [c.strip().lower() for c in reader.fieldnames or []]
            if "file" not in columns:
                raise ManifestError(f"manifest {path}: needs a 'file' column (columns: {', '.join(MANIFEST_COLUMNS)})")
            entries: dict[str, Metadata] = {}
            for line, raw in enumerate(reader, start=2):
                row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()}
                if not row.get("file"):
                    continue
                published = parse_date(row.get("published", ""))
                if row.get("published") and published is None:
                    raise ManifestError(f"manifest {path}, line {line}: published {row['published']!r} is not a date")
                entries[Path(row["file"]).name] = Metadata(
                    title=row.get("title", ""), source=row.get("source", ""), published=published, url=row.get("url", "")
                )
            return entries
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        raise ManifestError(f"manifest {path} cannot be read: {err}") from err


# --- reading one article -----------------------------------------------------------------------


def read_article(path: Path, metadata: Metadata | None = None, max_bytes: int = 5_000_000) -> Article:
    """One file -> Article; raise ArticleError (unreadable, empty, binary, oversized, not text)."""
    name = path.name
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise ArticleError(name, f"oversized ({size:,} bytes; the limit is {max_bytes:,})")
        data = path.read_bytes()
    except OSError as err:
        raise ArticleError(name, f"unreadable ({err.strerror or err})") from err
    return parse_article(name, data, metadata or Metadata(), is_html=path.suffix.lower() in (".html", ".htm"))


def parse_article(name: str, data: bytes, metadata: Metadata = Metadata(), is_html: bool | None = None) -> Article:
    """Bytes of one article -> Article, metadata from ``metadata`` first, then from the article itself."""
    if not data.strip():
        raise ArticleError(name, "empty")
    if b"\x00" in data[:8192] or _control_ratio(data[:8192]) > 0.05:
        raise ArticleError(name, "binary, not text")
    text = _decode(name, data)
    if is_html is None:
        is_html = bool(re.match(r"\s*(<!doctype html|<html)", text, re.IGNORECASE))
    front, text = split_front_matter(text)
    own = front
    if is_html:
        page = html_to_text(text)
        text = page.text
        own = own.over(page.metadata)
    text = normalise_text(text)
    if not text.strip():
        raise ArticleError(name, "empty (no text after removing markup)")
    own = own.over(metadata_from_text(text))
    merged = metadata.over(own)
    return Article(name=name, text=text, title=merged.title, source=merged.source,
                   published=merged.published, url=merged.url)


#: Control bytes that plain text does not hold (tab, line feed, form feed and carriage return are text).
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))


def _control_ratio(sample: bytes) -> float:
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))  # deleting them counts them in C
    return controls / max(len(sample), 1)


def _decode(name: str, data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ArticleError(name, "not text in UTF-8 or Windows-1252")


#: Runs of spaces and tabs, but not a lone space: replacing each single space by itself is most of the cost.
_SPACE_RUNS = re.compile(r"[ \t\f\v]{2,}|[\t\f\v]")


def normalise_text(text: str) -> str:
    """Unify line ends and spaces so offsets and sentences are stable."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    if "  " in text or "\t" in text or "\f" in text or "\v" in text:  # most texts need neither regex pass
        text = _SPACE_RUNS.sub(" ", text)
    if "\n\n\n" in text:
        text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


# --- front matter ------------------------------------------------------------------------------

_FRONT = re.compile(r"\A\ufeff?---[ \t]*\n(.*?)\n---[ \t]*(\n|\Z)", re.DOTALL)
_FRONT_KEYS = {"title": "title", "headline": "title", "source": "source", "publisher": "source",
               "published": "published", "date": "published", "url": "url", "link": "url"}


def split_front_matter(text: str) -> tuple[Metadata, str]:
    """A leading ``---`` block of ``key: value`` lines -> (Metadata, the rest of the text)."""
    match = _FRONT.match(text)
    if not match:
        return Metadata(), text
    values: dict[str, str] = {}
    for line in match.group(1).splitlines():
        key, sep, value = line.partition(":")
        field = _FRONT_KEYS.get(key.strip().lower())
        if sep and field and field not in values:
            values[field] = value.strip().strip("'\"")
    published = parse_date(values.pop("published", ""))
    return Metadata(published=published, **values), text[match.end():]


# --- what the text states ----------------------------------------------------------------------

_SOURCE_LINE = re.compile(r"(?:^|\|)\s*Source\s*:\s*([^|\n]{2,80}?)\s*(?:\||$)", re.MULTILINE | re.IGNORECASE)
#: A wire dateline naming the agency: "BAGHDAD (Reuters) -", "KABUL, Oct 3 (AFP) —".
_DATELINE_AGENCY = re.compile(r"^[A-Z][A-Za-z .'-]{1,40}(?:,[^()\n]{1,30})?\s+\(([A-Z][A-Za-z .&-]{1,30})\)\s*[-–—:]",
                              re.MULTILINE)
_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], start=1)}
_MONTH_ABBREVIATIONS = {m[:3]: i for m, i in _MONTHS.items()} | {"sept": 9}
_MONTH = r"(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{2})-(\d{2})"),
    re.compile(rf"^{_MONTH}\s+(\d{{1,2}}),?\s+(\d{{4}})$", re.IGNORECASE),
    re.compile(rf"^(\d{{1,2}})\s+{_MONTH},?\s+(\d{{4}})$", re.IGNORECASE),
)
_BYLINE_DATE = re.compile(
    rf"^(?:(?:Published|Updated|Posted)(?:\s+on)?:?\s*)?(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?"
    rf"({_MONTH}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH},?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})\b.{{0,30}}$",
    re.IGNORECASE,
)


def parse_date(text: str) -> dt.date | None:
    """'2016-10-25', 'October 25, 2016', '25 Oct 2016' (and ISO datetimes) -> date; None otherwise."""
    text = text.strip()
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        groups = match.groups()
        try:
            if pattern is _DATE_PATTERNS[0]:
                return dt.date(int(groups[0]), int(groups[1]), int(groups[2]))
            if pattern is _DATE_PATTERNS[1]:
                return dt.date(int(groups[2]), _month_number(groups[0]), int(groups[1]))
            return dt.date(int(groups[2]), _month_number(groups[1]), int(groups[0]))
        except ValueError:
            return None
    return None


def _month_number(word: str) -> int:
    word = word.lower().rstrip(".")
    return _MONTHS.get(word) or _MONTH_ABBREVIATIONS[word[:4] if word.startswith("sept") else word[:3]]


def metadata_from_text(text: str) -> Metadata:
    """Title (a short first line), source (a 'Source: X' line, else a wire dateline's agency) and a dated byline."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    title = lines[0] if lines and len(lines[0]) <= 200 and not lines[0].endswith((".", ":")) else ""
    sources = _SOURCE_LINE.findall(text)
    dateline = _DATELINE_AGENCY.search("\n".join(lines[:8]))
    source = sources[-1].strip() if sources else (dateline.group(1).strip() if dateline else "")
    published = None
    for line in lines[:12]:
        match = _BYLINE_DATE.match(line)
        if match:
            published = parse_date(match.group(1).replace(",", ", ").replace("  ", " ").replace(" ,", ","))
            if published:
                break
    return Metadata(title=title, source=source, published=published)


# --- HTML --------------------------------------------------------------------------------------

_SKIP = {"script", "style", "noscript", "template", "svg", "nav", "header", "footer", "aside", "form",
         "iframe", "button", "select", "figure", "figcaption"}
_BLOCK = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
          "main", "blockquote", "tr", "table", "pre", "hr", "dd", "dt"}
_VOID = {"br", "hr", "img", "meta", "link", "input", "source", "wbr", "area", "base", "col", "embed", "param", "track"}


@dataclass(frozen=True, slots=True)
class Page:
    text: str
    metadata: Metadata


class _MainText(HTMLParser):
    """Collects the text of <article> or <main> when present (else <body>), without scripts or chrome."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.skip_depth = 0
        self.in_title = False
        self.title = ""
        self.meta: dict[str, str] = {}
        self.all_parts: list[str] = []
        self.main_parts: list[str] = []
        self.main_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta":
            key = (attributes.get("property") or attributes.get("name") or attributes.get("itemprop") or "").lower()
            if key and attributes.get("content"):
                self.meta.setdefault(key, attributes["content"].strip())
            return
        if tag == "link" and attributes.get("rel", "").lower() == "canonical" and attributes.get("href"):
            self.meta.setdefault("canonical", attributes["href"].strip())
            return
        if tag in _VOID:
            if tag in _BLOCK:
                self._add("\n")
            return
        if self.skip_depth or tag in _SKIP:
            self.skip_depth += 1
            return
        if tag == "title":
            self.in_title = True
        if tag in ("article", "main"):
            self.main_depth += 1
        if tag in _BLOCK:
            self._add("\n\n" if tag in ("p", "h1", "h2", "h3", "h4", "h5", "h6") else "\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        if self.skip_depth:
            self.skip_depth -= 1
            return
        if tag == "title":
            self.in_title = False
        if tag in ("article", "main") and self.main_depth:
            self.main_depth -= 1
        if tag in _BLOCK:
            self._add("\n\n" if tag in ("p", "h1", "h2", "h3", "h4", "h5", "h6") else "\n")

    def handle_data(self, data: str) -> None:
        if self.skip_depth:
            return
        if self.in_title:
            self.title += data
            return
        self._add(data)

    def _add(self, text: str) -> None:
        self.all_parts.append(text)
        if self.main_depth:
            self.main_parts.append(text)


def html_to_text(html: str) -> Page:
    """HTML -> its main text (no scripts, styles, navigation or markup) and the metadata its tags give."""
    parser = _MainText()
    parser.feed(html)
    parser.close()
    parts = parser.main_parts if "".join(parser.main_parts).strip() else parser.all_parts
    text = re.sub(r"[ \t]*\n[ \t]*", "\n", "".join(parts))
    meta = parser.meta
    published = None
    for key in ("article:published_time", "datepublished", "date", "pubdate", "dc.date"):
        if meta.get(key):
            published = parse_date(meta[key][:10]) or parse_date(meta[key])
            if published:
                break
    title = meta.get("og:title") or parser.title.strip()
    metadata = Metadata(title=title, source=meta.get("og:site_name", ""), published=published,
                        url=meta.get("og:url") or meta.get("canonical", ""))
    return Page(text=text, metadata=metadata)
