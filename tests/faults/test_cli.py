"""Fault battery, command line: each user error is one line, exit code 2, nothing left behind."""

import subprocess
import sys

import pandas as pd
import pytest

from ssenb.cli import main


def _one_line_error(capsys, *needles):
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("ssenb: error: ")
    assert "Traceback" not in captured.err
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


@pytest.fixture()
def existing(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text("the user's own data\n")
    return path


@pytest.mark.parametrize(
    "argv",
    [
        ["report", "LiF", "-o", "{file}"],
        ["screen", "LiF", "-q", "-o", "{file}"],
        ["cv", "-q", "--n-models", "1", "--n-estimators", "5", "-o", "{file}"],
        ["window", "LiF", "-o", "{file}"],
        ["interface", "LiF", "Li", "-o", "{file}"],
    ],
    ids=["report", "screen", "cv", "window", "interface"],
)
def test_an_existing_output_is_refused_without_force(argv, existing, capsys):
    if argv[0] == "report":  # the report writes HTML only
        existing = existing.rename(existing.with_suffix(".html"))
    argv = [a.replace("{file}", str(existing)) for a in argv]
    assert main(argv) == 2
    line = _one_line_error(capsys, "already exists", "add --force")
    assert "overwrite=True" not in line  # a Python argument means nothing on the command line
    assert existing.read_text() == "the user's own data\n"


def test_force_replaces_the_file(existing, capsys):
    assert main(["screen", "LiF", "-q", "-o", str(existing), "--force"]) == 0
    assert pd.read_csv(existing)["input"].tolist() == ["LiF"]


@pytest.mark.parametrize(
    ("argv", "needles"),
    [
        (["report", "LiF", "-o", "{dir}"], ["is a folder"]),
        (["report", "LiF", "-o", "{dir}/missing/r.html"], ["does not exist"]),
        (["screen", "LiF", "-o", "{dir}/missing/s.csv"], ["does not exist"]),
        (["cv", "-o", "{dir}"], ["is a folder"]),
        (["cv", "--splits", "1"], ["--splits", "1 is outside 2..20"]),
        (["cv", "--splits", "two"], ["'two' is not a whole number"]),
        (["cv", "--scheme", "loo"], ["invalid choice: 'loo'"]),
        (["lab", "/nonexistent"], ["'/nonexistent' does not exist"]),
        (["report", "Li3Xq", "-o", "{dir}/x.html"], ["Xq is not an element symbol"]),
        (["report", "Li1e400S", "-o", "{dir}/x.html"], ["not a finite number"]),
        (["report", "LiF", "--ion", "li", "-o", "{dir}/x.html"], ["did you mean 'Li'?"]),
        (["screen", "Li3PS4", "Li0PS4"], ["'Li0PS4'", "is zero"]),
        (["report", "Li\udcff", "-o", "{dir}/x.html"], ["not valid UTF-8", "\\udcff"]),
        (["fetch", "nope"], ["obelix-train"]),
        (["frobnicate"], ["invalid choice"]),
        (
            ["report", "LiCoO2", "-o", "{dir}/out.pdf"],
            ["writes an HTML page, not a .pdf", "out.html"],
        ),
        (["report", "LiCoO2", "-o", "{dir}/out"], ["not a file without an ending"]),
        (["window", "Li3Xq"], ["Xq is not an element symbol"]),
        (["interface", "Li3PS4", "LiCoO2", "--open-element", "li"], ["did you mean 'Li'?"]),
        (["predict", "obelix:nope"], ["no OBELiX training entry has id 'nope'"]),
    ],
)
def test_user_errors_are_one_line_and_exit_2(argv, needles, tmp_path, capsys):
    argv = [a.replace("{dir}", str(tmp_path)) for a in argv]
    assert main(argv) == 2
    _one_line_error(capsys, *needles)
    assert list(tmp_path.iterdir()) == []  # no output, no temporary file


def test_a_failure_while_writing_leaves_no_partial_file(tmp_path, monkeypatch, capsys):
    def half_then_fail(self, path, *args, **kwargs):
        with open(path, "w") as fh:
            fh.write("input,reduced")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_csv", half_then_fail)
    assert main(["screen", "LiF", "-q", "-o", str(tmp_path / "s.csv")]) == 2
    _one_line_error(capsys, "No space left on device")
    assert list(tmp_path.iterdir()) == []


def test_a_failing_report_leaves_no_file(tmp_path, monkeypatch, capsys):
    import ssenb.report
    from ssenb.errors import UnsupportedMaterialError

    def fail(*args, **kwargs):
        raise UnsupportedMaterialError("element Xx is not in the data")

    monkeypatch.setattr(ssenb.report, "build_report", fail)
    assert main(["report", "LiF", "-o", str(tmp_path / "r.html")]) == 2
    _one_line_error(capsys, "not in the data")
    assert list(tmp_path.iterdir()) == []


def test_help_exits_0(capsys):
    assert main(["report", "--help"]) == 0
    out = capsys.readouterr().out
    assert "--output FILE" in out and "--force" in out and "--ion SYMBOL" in out


def test_a_real_process_prints_no_traceback(tmp_path):
    """Through the interpreter, with bytes that are not UTF-8 in argv."""
    env_cmd = [sys.executable, "-m", "ssenb.cli"]
    for args in (["cv", "--splits", "1"], ["report", b"Li\xff".decode(errors="surrogateescape")]):
        proc = subprocess.run(
            [*env_cmd, *[a.encode(errors="surrogateescape") for a in args]],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            timeout=120,
        )
        assert proc.returncode == 2, proc.stderr
        assert proc.stderr.startswith("ssenb: error: ")
        assert "Traceback" not in proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []
