"""Proves that a change leaves the build's output byte for byte the same.

Builds, through the real command line (``python -m dashboard build``), the seed articles and each
dev-set file of ``../shared/devset`` with every item written as one article (its text, its date
as ``published`` in a front-matter block), and prints the SHA-256 of each reports and incidents
table and of the reports' why file (and checks that the reports table written alone, twice through
the article cache, is the same bytes). ``--save FILE`` keeps the digests; ``--check FILE`` compares them with a saved run and exits
1 on any difference (naming the corpora that differ). Used for refactors that must not change rows:

    python bench/same_output.py --save /tmp/before.json     # on the old code
    python bench/same_output.py --check /tmp/before.json    # on the new code
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashboard.why import why_file  # noqa: E402
SHARED = ROOT.parent / "shared"

#: Dev-set file -> (the text column, a function from a row to its ISO date).
DEVSETS = {
    "ucdp_iraq_dev.csv": ("source_headline", lambda r: r["date_start"][:10]),
    "gtd_dev_rows.csv": ("summary", lambda r: f"{int(r['iyear']):04d}-{max(int(r['imonth']), 1):02d}-{max(int(r['iday']), 1):02d}"),
    "acled_dev_rows.csv": ("notes", lambda r: _acled_date(r["event_date"])),
}


def _acled_date(text: str) -> str:
    """ACLED's three date spellings (20190312, 12 March 2019, 2019-03-12) as ISO; else empty."""
    import datetime as dt
    for form in ("%Y%m%d", "%d %B %Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text.strip(), form).date().isoformat()
        except ValueError:
            continue
    return ""


def write_articles(devset: Path, folder: Path) -> int:
    """One ``NNNN.txt`` article per dev-set row (front matter with the date when it is ISO)."""
    text_column, date_of = DEVSETS[devset.name]
    with devset.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for index, row in enumerate(rows):
        date = date_of(row)
        head = f"---\npublished: {date}\n---\n" if date else ""
        (folder / f"{index:04d}.txt").write_text(head + row[text_column] + "\n", encoding="utf-8")
    return len(rows)


def build(inputs: list[Path], out: Path, manifest: Path | None = None) -> dict[str, str]:
    """Run the build command; the digests of its two tables and of the reports' why file."""
    reports, incidents = out / "reports.csv", out / "incidents.csv"
    command = [sys.executable, "-m", "dashboard", "build", *map(str, inputs),
               "--out", str(reports), "--incidents", str(incidents)]
    if manifest:
        command += ["--manifest", str(manifest)]
    subprocess.run(command, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    # The reports table alone is written from the cache's lines (a CSV table without --incidents):
    # built twice (the lines kept, then written), it must be the same bytes as with --incidents.
    alone = out / "alone.csv"
    for _ in range(2):
        subprocess.run([*command[:command.index("--out")], "--out", str(alone), *command[command.index("--out") + 4:]],
                       check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
        if alone.read_bytes() != reports.read_bytes() or why_file(alone).read_bytes() != why_file(reports).read_bytes():
            raise SystemExit(f"the reports table of {inputs[0]} written alone, from the cache, differs from the one "
                             "written with --incidents")
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in (reports, incidents, why_file(reports))}


def digests() -> dict[str, dict[str, str]]:
    result: dict[str, dict[str, str]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        seeds_out = Path(tmp, "seeds")
        seeds_out.mkdir()
        result["seeds"] = build([SHARED / "seeds"], seeds_out, SHARED / "seeds" / "manifest.csv")
        for name in DEVSETS:
            articles, out = Path(tmp, name, "articles"), Path(tmp, name, "out")
            articles.mkdir(parents=True)
            out.mkdir()
            count = write_articles(SHARED / "devset" / name, articles)
            result[name] = build([articles], out)
            print(f"{name}: {count} articles", file=sys.stderr)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--save", type=Path, help="write the digests to this JSON file")
    group.add_argument("--check", type=Path, help="compare with the digests in this JSON file")
    args = parser.parse_args()
    found = digests()
    for corpus, files in found.items():
        for name, digest in files.items():
            print(f"{corpus:22} {name:18} {digest[:16]}")
    if args.save:
        args.save.write_text(json.dumps(found, indent=1), encoding="utf-8")
    if args.check:
        expected = json.loads(args.check.read_text(encoding="utf-8"))
        differ = [corpus for corpus in expected if expected[corpus] != found.get(corpus)]
        print("identical" if not differ else "DIFFERENT: " + ", ".join(differ))
        return 1 if differ else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
