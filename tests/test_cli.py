"""The command line: one clear line for unusable arguments, bad articles reported and skipped."""

from __future__ import annotations

import errno
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard import files, schema
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


def one_error_line(capsys: pytest.CaptureFixture) -> str:
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.startswith("error: ") and "Traceback" not in err, err
    return err


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path, bytes, bytes]:
    """A first build of one good article: (reports, incidents, their bytes) that a failed run must keep."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(GOOD)
    out, incidents = tmp_path / "reports.csv", tmp_path / "incidents.csv"
    assert main(["build", str(tmp_path / "in"), "--out", str(out), "--incidents", str(incidents), "--quiet",
                 "--geocoder", "none"]) == 0
    return out, incidents, out.read_bytes(), incidents.read_bytes()


def no_temporaries(folder: Path) -> bool:
    return not [p for p in folder.iterdir() if p.name.endswith((".tmp", ".old"))]


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [(["--incidents", "{tmp}/reports.csv"], "same file"),
     (["--incidents", "{tmp}/in/a.txt/x.csv"], "is not a folder"),
     (["--manifest", "{tmp}/manifest.csv"], "line 3: 4 cells"),
     (["--incidents", "{tmp}/in/../reports.csv"], "same file")],
)
def test_unusable_outputs_and_manifests_are_one_line_and_touch_nothing(built, tmp_path: Path, capsys, extra, fragment) -> None:
    out, incidents, before, before_incidents = built
    (tmp_path / "manifest.csv").write_text("file,source\na.txt,X\nb.txt,Y,surplus,cells\n")
    args = ["build", str(tmp_path / "in"), "--out", str(out), "--quiet", "--geocoder", "none"]
    assert main(args + [a.format(tmp=tmp_path) for a in extra]) == 2
    assert fragment in one_error_line(capsys)
    assert out.read_bytes() == before and incidents.read_bytes() == before_incidents


def test_an_output_that_is_an_input_is_refused(built, tmp_path: Path, capsys) -> None:
    out = built[0]
    assert main(["build", str(out), "--out", str(out), "--quiet"]) == 2
    assert "also an input" in one_error_line(capsys)
    assert main(["build", str(tmp_path / "in"), "--out", str(out), "--manifest", str(out), "--quiet"]) == 2
    assert "also an input" in one_error_line(capsys)


def test_a_full_disk_is_one_line_and_both_outputs_stay_as_they_were(built, tmp_path: Path, capsys,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    out, incidents, before, before_incidents = built
    calls = []

    def full_on_the_second_file(stream, data):
        calls.append(len(data))
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        stream.write(data)

    monkeypatch.setattr(files, "_write", full_on_the_second_file)
    (tmp_path / "in" / "b.txt").write_text(GOOD.replace("Kandahar", "Herat"))
    assert main(["build", str(tmp_path / "in"), "--out", str(out), "--incidents", str(incidents), "--quiet",
                 "--geocoder", "none"]) == 2
    assert "No space left on device" in one_error_line(capsys)
    assert out.read_bytes() == before and incidents.read_bytes() == before_incidents
    assert no_temporaries(tmp_path)


@pytest.mark.parametrize("signal_number", [signal.SIGTERM, signal.SIGINT])
def test_an_interrupted_build_removes_its_temporary_files_and_keeps_the_outputs(built, tmp_path: Path, capsys,
                                                                                monkeypatch, signal_number) -> None:
    out, incidents, before, before_incidents = built

    def interrupted_between_the_two_files(stream, data):  # the signal arrives while the second file is written
        stream.write(data)
        if len(list(tmp_path.glob(".*.tmp"))) == 2:
            # What the process does on the signal, run here and now: the handler the build installed
            # for SIGTERM, Python's KeyboardInterrupt for SIGINT. (A real os.kill is delivered whenever
            # the interpreter next looks, which on a busy machine may be after the write has finished.)
            if signal_number == signal.SIGTERM:
                signal.getsignal(signal.SIGTERM)(signal.SIGTERM, None)
            raise KeyboardInterrupt

    monkeypatch.setattr(files, "_write", interrupted_between_the_two_files)
    (tmp_path / "in" / "b.txt").write_text(GOOD.replace("Kandahar", "Herat"))
    code = main(["build", str(tmp_path / "in"), "--out", str(out), "--incidents", str(incidents), "--quiet",
                 "--geocoder", "none"])
    assert code == (143 if signal_number == signal.SIGTERM else 130)
    assert out.read_bytes() == before and incidents.read_bytes() == before_incidents
    assert no_temporaries(tmp_path)
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL  # the handler is put back


def test_a_run_that_reads_no_article_writes_nothing_and_says_why(built, tmp_path: Path, capsys) -> None:
    out, incidents, before, before_incidents = built
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_text("")
    (bad / "notes.pdf").write_text("x")
    assert main(["build", str(bad), "--out", str(out), "--incidents", str(incidents), "--quiet"]) == 2
    line = one_error_line(capsys)
    assert "no article could be read" in line and "empty.txt: empty" in line and "notes.pdf" in line
    assert out.read_bytes() == before and incidents.read_bytes() == before_incidents


def test_articles_with_one_name_in_two_folders_are_two_articles(tmp_path: Path) -> None:
    for folder, town, killed in (("a", "Kirkuk", "four"), ("b", "Basra", "nine")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "report.txt").write_text(
            f"Bomb in {town}\n\nA roadside bomb killed {killed} soldiers in {town} on Monday, officials said.\n")
    out, incidents = tmp_path / "reports.csv", tmp_path / "incidents.csv"
    assert main(["build", str(tmp_path), "--out", str(out), "--incidents", str(incidents), "--quiet",
                 "--geocoder", "none"]) == 0
    reports = schema.read_table(out)
    assert set(reports[schema.C.article]) == {"a/report.txt", "b/report.txt"}
    table = schema.read_table(incidents)
    killed = table[table[schema.C.event_type] != "mention"].set_index(schema.C.mention)[schema.C.killed_min]
    assert killed.to_dict() == {"Kirkuk": 4, "Basra": 9}
    # the same files named one by one: keys by name, made to differ by their folders
    assert main(["build", str(tmp_path / "a" / "report.txt"), str(tmp_path / "b" / "report.txt"), "--out",
                 str(out), "--quiet", "--geocoder", "none"]) == 0
    assert set(schema.read_table(out)[schema.C.article]) == {"a/report.txt", "b/report.txt"}
