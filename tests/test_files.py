"""files: atomic writes leave either the old file or the new one, with ordinary permissions."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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
