"""files: atomic writes leave either the old files or the new ones, with ordinary permissions; one line on failure."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from dashboard import files
from dashboard.errors import OutputError
from dashboard.files import atomic_write_bytes


def test_a_new_file_gets_the_permissions_open_would_give(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        atomic_write_bytes(tmp_path / "sub" / "a.csv", b"x")
    finally:
        os.umask(umask)
    assert (tmp_path / "sub" / "a.csv").stat().st_mode & 0o777 == 0o644


def test_an_existing_file_keeps_its_permissions_and_a_failed_write_keeps_its_content(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"old")
    path.chmod(0o640)
    atomic_write_bytes(path, b"new")
    assert path.read_bytes() == b"new" and path.stat().st_mode & 0o777 == 0o640

    with pytest.raises(TypeError):
        atomic_write_bytes(path, "not bytes")  # type: ignore[arg-type]
    assert path.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["a.csv"]


def test_a_full_disk_is_one_output_error_and_leaves_the_old_file_and_no_temporary(tmp_path: Path,
                                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"old")

    def full_disk(stream, data):  # the injected writer: the disk fills up half way
        stream.write(data[:1])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files, "_write", full_disk)
    with pytest.raises(OutputError) as caught:
        files.atomic_write_bytes(path, b"new")
    assert str(caught.value) == f"cannot write {path}: No space left on device"
    assert path.read_bytes() == b"old" and sorted(p.name for p in tmp_path.iterdir()) == ["a.csv"]


def test_a_parent_that_is_a_file_is_one_output_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match="cannot write"):
        files.atomic_write_bytes(tmp_path / "file" / "a.csv", b"new")


def test_several_files_are_replaced_together_or_not_at_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = tmp_path / "reports.csv", tmp_path / "incidents.csv"
    first.write_bytes(b"old reports")
    second.write_bytes(b"old incidents")
    real_replace = os.replace

    def second_rename_fails(source, target):  # the second rename meets an error (or an interrupt)
        if Path(target) == second:
            raise KeyboardInterrupt
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", second_rename_fails)
    with pytest.raises(KeyboardInterrupt):
        files.atomic_write_many([(first, b"new reports"), (second, b"new incidents")])
    monkeypatch.setattr(os, "replace", real_replace)
    assert first.read_bytes() == b"old reports" and second.read_bytes() == b"old incidents"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["incidents.csv", "reports.csv"]  # no .tmp or .old left

    files.atomic_write_many([(first, b"new reports"), (second, b"new incidents")])
    assert first.read_bytes() == b"new reports" and second.read_bytes() == b"new incidents"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["incidents.csv", "reports.csv"]


def test_a_first_file_that_did_not_exist_is_removed_again_when_the_second_fails(tmp_path: Path,
                                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = tmp_path / "reports.csv", tmp_path / "sub-is-a-file" / "incidents.csv"
    (tmp_path / "sub-is-a-file").write_text("x")
    with pytest.raises(OutputError):
        files.atomic_write_many([(first, b"new"), (second, b"new")])
    assert not first.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["sub-is-a-file"]
