"""What a build does after its per-article passes: the collector left as it was found, whatever happens."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from dashboard.errors import OutputError
from dashboard.preprocess import pipeline
from dashboard.preprocess.pipeline import BuildOptions, run_build
from dashboard.schema import read_table
from dashboard.settings import Settings


def options(tmp_path: Path) -> BuildOptions:
    folder = tmp_path / "articles"
    folder.mkdir(exist_ok=True)
    (folder / "one.txt").write_text("Gunmen killed four people in Kirkuk on Monday, police said.", encoding="utf-8")
    return BuildOptions(inputs=(folder,), out=tmp_path / "reports.csv", incidents_out=tmp_path / "incidents.csv",
                        settings=Settings(jobs=1), use_cache=False)


def test_the_tables_are_made_with_the_live_objects_out_of_the_collectors_scans(tmp_path: Path,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    frozen_while_reconciling: list[int] = []
    real = pipeline.reconciled

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        frozen_while_reconciling.append(gc.get_freeze_count())
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "reconciled", spy)
    before = gc.get_freeze_count()
    run_build(options(tmp_path))
    assert frozen_while_reconciling and frozen_while_reconciling[0] > before
    assert gc.get_freeze_count() == before == 0
    assert len(read_table(tmp_path / "incidents.csv")) >= 1


def test_a_failed_write_leaves_the_collector_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full_disk(items):  # type: ignore[no-untyped-def]
        raise OutputError("cannot write: no space left on device")

    monkeypatch.setattr(pipeline, "atomic_write_many", full_disk)
    with pytest.raises(OutputError):
        run_build(options(tmp_path))
    assert gc.get_freeze_count() == 0
    assert not (tmp_path / "reports.csv").exists()
