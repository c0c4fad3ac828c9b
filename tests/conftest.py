"""Shared fixtures: where the seed articles are (read from ../shared, never copied here)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    if not (SEEDS / "manifest.csv").exists():
        pytest.fail(f"the seed articles are expected in {SEEDS}")
    return SEEDS
