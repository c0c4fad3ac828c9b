"""The command line: one clear line for unusable arguments, bad articles reported and skipped."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from dashboard import schema
from dashboard.cli import main

ROOT = Path(__file__).resolve().parents[1]
GOOD = "Bomb kills four in town\n\nA roadside bomb killed four soldiers near Kandahar on Monday, officials said.\n"


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "dashboard", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)


@pytest.mark.parametrize(
    ("args", "fragment"),
    [(["build", "{tmp}", "--out", "{tmp}/out.txt"], "must end in .csv or .parquet"),
     (["build", "{tmp}", "--out", "{tmp}/o.csv", "--merge-km", "far"], "--merge-km"),
     (["build", "{tmp}/nothing-here", "--out", "{tmp}/o.csv"], "no articles found"),
     (["build", "{tmp}", "--out", "{tmp}/o.csv", "--manifest", "{tmp}/absent.csv"], "manifest")],
)
def test_unusable_arguments_exit_non_zero_with_one_line(tmp_path: Path, args: list[str], fragment: str) -> None:
    (tmp_path / "a.txt").write_text(GOOD)
    result = run_cli(*[a.format(tmp=tmp_path) for a in args])
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and fragment in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_articles_are_reported_and_skipped_and_the_rest_is_built(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "good.txt").write_text(GOOD)
    (articles / "empty.txt").write_text("")
    (articles / "binary.txt").write_bytes(b"\x00\x01\x02PK\x03\x04" * 50)
    (articles / "huge.md").write_text("word " * 2000)
    out = tmp_path / "out.csv"
    assert main(["build", str(articles), "--out", str(out), "--max-article-bytes", "5000"]) == 0
    summary = capsys.readouterr().err
    assert "articles read: 1; skipped: 3" in summary
    for name, reason in (("empty.txt", "empty"), ("binary.txt", "binary"), ("huge.md", "oversized")):
        assert f"skipped {name}: {reason}" in summary
    table = schema.read_table(out)
    assert set(table[schema.C.article]) == {"good.txt"}
    assert (table[schema.C.killed_min] == 4).any()


def test_a_failed_build_leaves_the_previous_output_untouched(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    (tmp_path / "a.txt").write_text(GOOD)
    assert main(["build", str(tmp_path / "a.txt"), "--out", str(out), "--quiet"]) == 0
    before = out.read_bytes()
    assert main(["build", str(tmp_path / "missing"), "--out", str(out), "--quiet"]) == 2
    assert out.read_bytes() == before
