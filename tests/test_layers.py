"""The layers of pyproject.toml's import-linter contracts hold, and an upward import breaks them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: import-linter's own command (its ``lint-imports`` script), run by this Python.
LINT_IMPORTS = "from importlinter.cli import lint_imports_command; lint_imports_command()"


def lint_imports(package_parent: Path) -> subprocess.CompletedProcess[str]:
    """Run import-linter on the ``dashboard`` package found in ``package_parent``."""
    env = {**os.environ, "PYTHONPATH": str(package_parent)}
    return subprocess.run([sys.executable, "-c", LINT_IMPORTS, "--config", str(ROOT / "pyproject.toml"),
                           "--no-cache"], cwd=package_parent, env=env, capture_output=True, text=True, check=False)


def test_every_layer_imports_only_from_layers_below() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_stage_importing_a_later_stage_breaks_the_contract(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "dashboard", tmp_path / "dashboard", ignore=shutil.ignore_patterns("static", "__pycache__"))
    module = tmp_path / "dashboard" / "preprocess" / "places" / "geoparse.py"
    module.write_text(module.read_text(encoding="utf-8") + "\nfrom dashboard.preprocess import reconcile  # noqa\n",
                      encoding="utf-8")
    result = lint_imports(tmp_path)
    assert result.returncode != 0
    assert "dashboard.preprocess.places.geoparse -> dashboard.preprocess.reconcile" in result.stdout


def test_the_app_wing_running_the_pipeline_breaks_the_contract(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "dashboard", tmp_path / "dashboard", ignore=shutil.ignore_patterns("static", "__pycache__"))
    module = tmp_path / "dashboard" / "ui" / "filters.py"
    module.write_text(module.read_text(encoding="utf-8") + "\nfrom dashboard.preprocess import pipeline  # noqa\n",
                      encoding="utf-8")
    result = lint_imports(tmp_path)
    assert result.returncode != 0
    assert "dashboard.ui.filters -> dashboard.preprocess.pipeline" in result.stdout
