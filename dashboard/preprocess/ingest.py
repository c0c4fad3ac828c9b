"""Files -> Article: text (HTML reduced to its main text), title, source, published, url.

Each article has a key (:attr:`Article.name`, the ``article`` column), unique in a build: its path
relative to the input it was found under (a folder argument: the path below that folder, such as
``2016/10/report.txt``; a file argument: its file name). When two inputs give the same key (two
file arguments ``x/report.txt`` and ``y/report.txt``, or two folders holding the same relative
path), each of them takes as many more of its parent folders as it needs to differ
(``x/report.txt``, ``y/report.txt``). An article that does not move keeps its key, and so its ids.

Metadata comes, in order of precedence, from the manifest (columns file, source, published, url,
title), a front-matter block at the top of the article (``---`` lines of ``key: value``), HTML
``<meta>`` tags, and finally what the text itself states (a "Source: X" line, a dated byline, the
first line as headline). An article that cannot be used raises :class:`ArticleError` with the
reason; the caller reports and skips it.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import logging
import operator
import os
import re
import stat
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator

from dashboard import wordlists
from dashboard.errors import ArticleError, ManifestError
from dashboard.pickling import as_values

ARTICLE_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")
#: Files in a folder that document the folder rather than report news.
NOT_ARTICLES = re.compile(r"^(readme|license|licence|changelog|contributing|notice)(\.|$)", re.IGNORECASE)
MANIFEST_COLUMNS = ("file", "source", "published", "url", "title")


@as_values
@dataclass(frozen=True, slots=True)
class Article:
    name: str  # the article's key, unique in a build (see the module docstring): the `article` column
    text: str  # plain text of the article body
    title: str
    source: str  # publisher ("" when unknown)
    published: dt.date | None
    url: str
    replaced: int = 0  # invalid byte sequences replaced by U+FFFD when decoding


@as_values
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


@as_values
@dataclass(frozen=True, slots=True)
class Skipped:
    name: str
    reason: str


# --- finding the files -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ArticleFile:
    where: str  # the file's path as found (its input's path, then the parts below it)
    key: str  # the article's key in the build (relative path, see the module docstring)

    @property
    def path(self) -> Path:
        return Path(self.where)


def find_articles(inputs: Iterable[Path]) -> tuple[list[ArticleFile], list[Skipped]]:
    """Expand files and folders into article files (each once, with its key), and every path passed over.

    A file named on the command line is taken whatever its suffix; in a folder only article suffixes
    count. Everything else is reported with its reason: inputs that do not exist, README/LICENSE-like
    files, other suffixes, hidden files and folders, broken links, links to folders (not followed),
    FIFOs, sockets and devices, and folders that cannot be read.
    """
    found: dict[str, tuple[str, tuple[str, ...]]] = {}  # real path -> (path as found, its parts below the input)
    passed: list[Skipped] = []
    for path in inputs:
        kind = _kind(path)
        if kind == "folder":
            # Links to folders are not followed, so a file that is no link is at its folder's real
            # path: one resolve per input, not one per file (that walks every part of the path).
            real_root = str(path.resolve())
            real_root += "" if real_root.endswith(os.sep) else os.sep
            for child, parts, link in _walk(path, passed):
                real = str(Path(child).resolve()) if link else real_root + os.sep.join(parts)
                found.setdefault(real, (child, parts))
        elif kind == "file":
            found.setdefault(str(path.resolve()), (str(path), (path.name,)))
        elif kind == "missing":
            passed.append(Skipped(str(path), "no such file or folder"))
        else:
            passed.append(Skipped(str(path), kind))
    files = [ArticleFile(path, key) for (path, _), key in zip(found.values(), _unique_keys(list(found.values())))]
    return sorted(files, key=lambda f: f.key), passed


def find_article_files(inputs: Iterable[Path]) -> tuple[list[Path], list[Skipped]]:
    """:func:`find_articles` as bare paths (in key order) and the paths passed over."""
    files, passed = find_articles(inputs)
    return [f.path.resolve() for f in files], passed


def _kind(path: Path) -> str:
    """'file', 'folder', 'missing', or why the path is neither (a broken link, a FIFO ...)."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "broken link (its target does not exist)" if path.is_symlink() else "missing"
    except OSError as err:
        return f"cannot be looked at ({err.strerror or err})"
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISREG(mode):
        return "file"
    return "not a regular file (a FIFO, socket or device)"


_by_name = operator.attrgetter("name")


def _suffix(name: str) -> str:
    """The suffix of a file name that does not start with a dot, lower case ("" when none), as
    ``os.path.splitext`` gives it (without its call's generality: it runs once a file)."""
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


def _walk(root: Path, passed: list[Skipped]) -> Iterator[tuple[str, tuple[str, ...], bool]]:
    """The article files under ``root`` (sorted, not following links), each as its path (text:
    ``root``'s, then its parts), its parts below ``root`` and whether it is a link, reporting what
    is passed over: a folder's own files first, then its subfolders, each in name order (as
    ``os.walk`` goes). A plain file is known from its folder's listing, without a look at the file
    itself, and its path is joined as text (no path object a file)."""
    def listing(folder: str) -> list[os.DirEntry[str]]:
        try:
            with os.scandir(folder) as entries:
                return sorted(entries, key=_by_name)
        except OSError as err:
            passed.append(Skipped(str(err.filename or folder), f"folder cannot be read ({err.strerror or err})"))
            return []

    def is_folder(entry: os.DirEntry[str]) -> bool:
        try:
            return entry.is_dir()
        except OSError:
            return False

    def walk(folder: str, below: tuple[str, ...]) -> Iterator[tuple[str, tuple[str, ...], bool]]:
        entries = listing(folder or os.curdir)
        prefix = folder if not folder or folder.endswith(os.sep) else folder + os.sep
        folders = [entry for entry in entries if is_folder(entry)]
        folder_names = {entry.name for entry in folders}
        descend = []
        for entry in folders:
            if entry.name.startswith("."):
                passed.append(Skipped(prefix + entry.name, "hidden folder"))
            elif entry.is_symlink():
                passed.append(Skipped(prefix + entry.name, "link to a folder (not followed)"))
            else:
                descend.append(entry.name)
        for entry in entries:
            name = entry.name
            if name in folder_names:
                continue
            child = prefix + name
            link = entry.is_symlink()
            kind = "file" if not link and entry.is_file(follow_symlinks=False) else _kind(Path(child))
            if kind == "folder":
                passed.append(Skipped(child, "link to a folder (not followed)"))
            elif kind != "file":
                passed.append(Skipped(child, kind if kind != "missing" else "vanished while listed"))
            elif name.startswith("."):
                passed.append(Skipped(child, "hidden file"))
            elif NOT_ARTICLES.match(name):
                passed.append(Skipped(child, "documents the folder (README, LICENSE ...), not an article"))
            elif _suffix(name) not in ARTICLE_SUFFIXES:
                passed.append(Skipped(child, f"not an article suffix ({', '.join(ARTICLE_SUFFIXES)})"))
            else:
                yield child, (*below, name), link
        for name in descend:
            yield from walk(prefix + name, (*below, name))

    # as the path object writes it ("." is no part: its files are "a.txt", as Path(".") / "a.txt" is)
    yield from walk("" if str(root) == os.curdir else str(root), ())


#: Characters a file name may hold that would break a line or a record where the key is shown.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _printable(part: str) -> str:
    """A path part with line breaks and other control characters written as escapes (``\\n``, ``\\x1b``)."""
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), part)


def _unique_keys(found: list[tuple[str, tuple[str, ...]]]) -> list[str]:
    """The key of each file: its parts below its input, lengthened by parent folders where two collide."""
    parts = [list(p) for _, p in found]
    full: dict[int, tuple[str, ...]] = {}  # the absolute path's parts, of the files whose keys collide
    while True:
        keys = ["/".join(p) for p in parts]
        keys = [key if _UNPRINTABLE.search(key) is None else "/".join(map(_printable, p))
                for key, p in zip(keys, parts)]
        if len(set(keys)) == len(keys):  # (most corpora: no two alike)
            return keys
        seen: dict[str, list[int]] = {}
        for index, key in enumerate(keys):
            seen.setdefault(key, []).append(index)
        clashes = [indices for indices in seen.values() if len(indices) > 1]
        if not clashes:
            return keys
        grown = False
        for indices in clashes:
            for index in indices:
                whole = full.setdefault(index, Path(os.path.abspath(found[index][0])).parts)
                if len(parts[index]) < len(whole) - 1:  # never the file system's root
                    parts[index] = list(whole[-len(parts[index]) - 1:])
                    grown = True
        if not grown:  # cannot happen for distinct files; a guard against looping forever
            return [key if len(seen[key]) == 1 else f"{key}#{n}" for n, key in enumerate(keys)]


# --- manifest ----------------------------------------------------------------------------------


def read_manifest(path: Path) -> dict[str, Metadata]:
    """Manifest CSV -> metadata by the ``file`` column (as written, '/'-separated) and by bare file name.

    An article takes the entry of its key (see the module docstring), else of its file name; a file
    name is an entry of its own only when one row names it. A manifest that cannot be used (no
    ``file`` column, a row with more cells than the header, a bad date) raises ManifestError.
    """
    try:
        with path.open(newline="", encoding="utf-8-sig") as stream:
            reader = csv.DictReader(stream)
            columns = [c.strip().lower() for c in reader.fieldnames or []]
            if "file" not in columns:
                raise ManifestError(f"manifest {path}: needs a 'file' column (columns: {', '.join(MANIFEST_COLUMNS)})")
            entries: dict[str, Metadata] = {}
            names: dict[str, list[str]] = {}
            for raw in reader:
                line = reader.line_num
                if None in raw:
                    raise ManifestError(f"manifest {path}, line {line}: {len(columns) + len(raw[None])} cells, "
                                        f"but the header names {len(columns)} columns")
                row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()}
                if not row.get("file"):
                    continue
                published = parse_date(row.get("published", ""))
                if row.get("published") and published is None:
                    raise ManifestError(f"manifest {path}, line {line}: published {row['published']!r} is not a date")
                key = manifest_key(row["file"])
                entries[key] = Metadata(
                    title=row.get("title", ""), source=row.get("source", ""), published=published, url=row.get("url", "")
                )
                names.setdefault(key.rsplit("/", 1)[-1], []).append(key)
            for name, keys in names.items():
                if len(set(keys)) == 1:
                    entries.setdefault(name, entries[keys[0]])
            return entries
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        raise ManifestError(f"manifest {path} cannot be read: {err}") from err


def manifest_key(file: str) -> str:
    """A manifest's ``file`` value as an article key: '/'-separated, without a leading './'."""
    parts = [part for part in file.replace("\\", "/").split("/") if part not in ("", ".")]
    return "/".join(parts)


def manifest_entry(manifest: dict[str, Metadata], key: str) -> Metadata | None:
    """The manifest's metadata for the article with key ``key``: by key, else by its file name."""
    return manifest.get(key) or manifest.get(key.rsplit("/", 1)[-1])


# --- reading one article -----------------------------------------------------------------------


def read_article(path: Path, metadata: Metadata | None = None, max_bytes: int = 5_000_000,
                 name: str | None = None) -> Article:
    """One file -> Article named ``name`` (default: the file name); raise ArticleError (unreadable,
    empty, binary, oversized, not text)."""
    name = name or path.name
    data = read_bytes(path, max_bytes, name)
    return parse_article(name, data, metadata or Metadata(), is_html=is_html_path(path))


def is_html_path(path: str | Path) -> bool:
    return os.path.splitext(path)[1].lower() in (".html", ".htm")


def read_bytes(path: Path, max_bytes: int = 5_000_000, name: str | None = None) -> bytes:
    """The file's bytes for :func:`parse_article`; raise ArticleError (unreadable, oversized)."""
    name = name or path.name
    try:
        with open(path, "rb") as stream:  # opened once, its size from the open file
            size = os.fstat(stream.fileno()).st_size
            if size > max_bytes:
                raise ArticleError(name, f"oversized ({size:,} bytes; the limit is {max_bytes:,})")
            data = _read_at_most(stream, size, max_bytes)
        if data is None:
            raise ArticleError(name, f"oversized (more than {max_bytes:,} bytes)")
    except OSError as err:
        raise ArticleError(name, f"unreadable ({err.strerror or err})") from err
    return data


def _read_at_most(stream: BinaryIO, size: int, max_bytes: int) -> bytes | None:
    """The stream's bytes, or None once more than ``max_bytes`` are read (a file that grew since its size was read)."""
    chunks: list[bytes] = []
    total, want = 0, min(size, max_bytes) + 1
    while total <= max_bytes:
        chunk = stream.read(want)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
        want = min(1 << 20, max_bytes + 1 - total) if total <= max_bytes else 1
    return None


def parse_article(name: str, data: bytes, metadata: Metadata = Metadata(), is_html: bool | None = None) -> Article:
    """Bytes of one article -> Article, metadata from ``metadata`` first, then from the article itself."""
    if not data.strip():
        raise ArticleError(name, "empty")
    text, replaced = decode(data)
    if "\x00" in text[:8192] or _control_ratio(text[:8192]) > 0.05:
        raise ArticleError(name, "binary, not text")
    if not text.strip():
        raise ArticleError(name, "empty")
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
                   published=merged.published, url=merged.url, replaced=replaced)


#: Control characters that plain text does not hold (tab, line feed, form feed and carriage return are text).
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0e-\x1f]")


def _control_ratio(sample: str) -> float:
    return len(_CONTROL_CHARS.findall(sample)) / max(len(sample), 1)


#: Byte order marks, longest first (UTF-32 LE starts like UTF-16 LE).
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF8, "utf-8"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
#: A valid UTF-8 sequence of two to four bytes: its presence says the file is UTF-8, not Windows-1252.
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def decode(data: bytes) -> tuple[str, int]:
    """Bytes -> (text, number of invalid byte sequences replaced by U+FFFD).

    A byte order mark (UTF-8, UTF-16 LE/BE, UTF-32) decides the encoding, and is dropped; UTF-16
    without one is recognised by its zero bytes. Otherwise the text is UTF-8, or Windows-1252 when
    it is not valid UTF-8 and holds no UTF-8 sequence at all. Invalid bytes are replaced where they
    are: the rest of the text stays intact.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _replacing(data[len(bom):], encoding)
    encoding = _utf16_without_bom(data[:8192])
    if encoding:
        return _replacing(data, encoding)
    try:
        return data.decode("utf-8"), 0
    except UnicodeDecodeError:
        pass
    if _UTF8_MULTIBYTE.search(data) is None:
        return _replacing(data, "cp1252")
    return _replacing(data, "utf-8")


def _replacing(data: bytes, encoding: str) -> tuple[str, int]:
    text = data.decode(encoding, errors="replace")
    already = data.count("\ufffd".encode(encoding)) if encoding != "cp1252" else 0
    return text, text.count("\ufffd") - already


def _utf16_without_bom(sample: bytes) -> str:
    """'utf-16-le' / 'utf-16-be' when most odd / even bytes are zero (text in Latin script), else ''."""
    if len(sample) < 8 or b"\x00" not in sample:
        return ""
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.8 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.8 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return ""


#: Runs of spaces and tabs, but not a lone space: replacing each single space by itself is most of the cost.
_SPACE_RUNS = re.compile(r"[ \t\f\v]{2,}|[\t\f\v]")


def normalise_text(text: str) -> str:
    """Unify line ends and spaces so offsets and sentences are stable."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    if "\t" in text or "\f" in text or "\v" in text:  # most texts need no regex pass
        text = _SPACE_RUNS.sub(" ", text)
    while "  " in text:  # runs of spaces alone: halved by each pass, in C, faster than the regex
        text = text.replace("  ", " ")
    while "\n\n\n" in text:  # three line ends or more -> two
        text = text.replace("\n\n\n", "\n\n")
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
_MONTHS = {words[0]: int(number) for number, words in wordlists.groups("dates", "months").items()}
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


_COLON_NEXT = re.compile(r"\s*:")


def _may_name_a_source(text: str) -> bool:
    """False when no "source" is followed by a colon: the 'Source: X' pattern, which tries every
    position of the text, need not run ("ſ" folds to "s" in that pattern: kept)."""
    lowered = text.lower()
    at = lowered.find("source")
    while at >= 0:
        if _COLON_NEXT.match(lowered, at + 6):
            return True
        at = lowered.find("source", at + 6)
    return "ſ" in text


def metadata_from_text(text: str) -> Metadata:
    """Title (a short first line), source (a 'Source: X' line, else a wire dateline's agency) and a dated byline."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    title = lines[0] if lines and len(lines[0]) <= 200 and not lines[0].endswith((".", ":")) else ""
    sources = _SOURCE_LINE.findall(text) if _may_name_a_source(text) else []
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
    """HTML -> its main text (no scripts, styles, navigation, comments, related links or markup) and metadata.

    The article is found by trafilatura (a maintained main-content extractor: a page saved from a
    browser keeps its menus, comments and "related" lists); its metadata (title, date, site name,
    URL) fill what the page's own tags (``<meta>``, ``<title>``, canonical link) leave empty. When
    trafilatura finds no article (a fragment of a few words) or cannot parse the page, the text is
    that of ``<article>``/``<main>`` (else ``<body>``) without scripts and chrome.
    """
    extracted = _extract_article(html)
    head_end = html.lower().find("</head>") if extracted is not None else -1
    parser = _MainText()
    parser.feed(html[:head_end] if head_end >= 0 else html)  # with an article found, only the tags of <head>
    parser.close()
    meta = parser.meta
    published = None
    for key in ("article:published_time", "datepublished", "date", "pubdate", "dc.date"):
        if meta.get(key):
            published = parse_date(meta[key][:10]) or parse_date(meta[key])
            if published:
                break
    title = meta.get("og:title") or parser.title.strip()
    own = Metadata(title=title, source=meta.get("og:site_name", ""), published=published,
                   url=meta.get("og:url") or meta.get("canonical", ""))
    if extracted is not None:
        return Page(text=extracted.text, metadata=own.over(extracted.metadata))
    parts = parser.main_parts if "".join(parser.main_parts).strip() else parser.all_parts
    text = re.sub(r"[ \t]*\n[ \t]*", "\n", "".join(parts))
    return Page(text=text, metadata=own)


def _extract_article(html: str) -> Page | None:
    """trafilatura's article text and metadata, or None when it finds no article in the page."""
    import trafilatura  # imported on first use: 1 s, paid only by builds that read HTML
    from lxml.etree import LxmlError

    try:
        document = trafilatura.bare_extraction(
            html, with_metadata=True, include_comments=False, favor_precision=True,
            date_extraction_params={"extensive_search": False, "original_date": True})
    except (LxmlError, ValueError) as err:  # markup lxml refuses (an XML declaration in text, NUL ...)
        logging.getLogger(__name__).debug("trafilatura could not read the page (%s); own parser used", err)
        return None
    if document is None or not (document.text or "").strip():
        return None
    published = parse_date(str(document.date or "")[:10])
    return Page(text=document.text, metadata=Metadata(title=document.title or "", source=document.sitename or "",
                                                      published=published, url=document.url or ""))
