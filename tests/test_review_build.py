"""A rebuild of the same articles keeps every review: the build applies the store beside its output."""

from __future__ import annotations

from pathlib import Path

from dashboard.preprocess.pipeline import BuildOptions, run_build
from dashboard.review import Correction, ReviewStore, default_path, report_keys
from dashboard.schema import C, read_table
from dashboard.settings import Settings

ARTICLES = {
    "one.txt": "Gunmen killed four people in Kirkuk on Monday, police said.",
    "two.txt": "A roadside bomb wounded three soldiers near Mosul on Tuesday.",
}


def build(folder: Path, out: Path, settings: Settings = Settings()) -> None:
    run_build(BuildOptions(inputs=(folder,), out=out, incidents_out=out.with_name("incidents.csv"),
                           settings=settings, progress=False))


def test_a_rebuild_keeps_corrections_and_rejections(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    out = tmp_path / "reports.csv"
    build(folder, out)
    first = read_table(out)
    assert set(first[C.review]) == {"unreviewed"}
    assert not default_path(out).exists()  # a build creates no store
    keys = report_keys(first)
    one = first.index[(first[C.article] == "one.txt") & (first[C.event_type] != "mention")][0]
    two = first.index[(first[C.article] == "two.txt") & (first[C.event_type] != "mention")][0]
    store = ReviewStore(default_path(out))
    store.add(Correction(keys[one], "Ann", values={"latitude": "35.1", "longitude": "44.2", "killed_min": "5",
                                                   "killed_max": "5"}))
    store.add(Correction(keys[two], "Bob", state="rejected"))
    (folder / "three.txt").write_text("Clashes in Basra killed two fighters on Sunday.", encoding="utf-8")
    build(folder, out)
    again = read_table(out).set_index(report_keys(read_table(out)))
    assert (again.loc[keys[one], C.latitude], again.loc[keys[one], C.killed_max]) == (35.1, 5)
    assert again.loc[keys[one], C.review] == "corrected"
    assert again.loc[keys[two], C.review] == "rejected"
    incidents = read_table(out.with_name("incidents.csv"))
    assert "rejected" in set(incidents[C.review]) and "corrected" in set(incidents[C.review])
