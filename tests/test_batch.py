"""Safe output files: refuse surprises, leave nothing half-written."""

import os
import pickle

import pytest

from ssenb.batch import capture_row, check_output_path, run_row, write_new_file
from ssenb.errors import CancelledError, InvalidInputError


def test_writes_through_a_temporary_file_and_keeps_the_umask(tmp_path):
    target = tmp_path / "out.txt"
    seen = []

    def write(tmp):
        seen.append(tmp)
        assert tmp.parent == tmp_path and tmp != target and not target.exists()
        tmp.write_text("done")

    assert write_new_file(target, write) == target
    assert target.read_text() == "done"
    assert not seen[0].exists()
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask
    assert os.listdir(tmp_path) == ["out.txt"]


def test_existing_file_is_refused_unless_overwrite(tmp_path):
    target = tmp_path / "mine.csv"
    target.write_text("my data")
    with pytest.raises(InvalidInputError, match=r"already exists.*overwrite=True"):
        write_new_file(target, lambda p: p.write_text("new"))
    assert target.read_text() == "my data"
    write_new_file(target, lambda p: p.write_text("new"), overwrite=True)
    assert target.read_text() == "new"


def test_a_failing_writer_leaves_nothing(tmp_path):
    def write(tmp):
        tmp.write_text("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        write_new_file(tmp_path / "x.csv", write)
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda d: d, "is a folder"),
        (lambda d: d / "missing" / "x.csv", "does not exist"),
        (lambda d: "", "is a folder"),
    ],
)
def test_impossible_paths_are_refused_before_work(tmp_path, make, match):
    with pytest.raises(InvalidInputError, match=match):
        check_output_path(make(tmp_path))


def test_unwritable_folder_is_a_clear_error(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root can write into a read-only folder")
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(InvalidInputError, match="cannot write in folder"):
            write_new_file(folder / "x.csv", lambda p: p.write_text("x"))
    finally:
        folder.chmod(0o700)


@pytest.mark.parametrize("errors", ["record", "raise"])
def test_a_cancel_is_never_a_rows_failure(errors):
    """Like Ctrl-C, a Cancel stops the batch; recording it would cache a half-done row."""

    def cancelled():
        raise CancelledError("cancelled after 3 ionic steps of relaxing LiF", n_steps=3)

    with pytest.raises(CancelledError, match="after 3 ionic steps"):
        run_row(cancelled, errors)
    with pytest.raises(CancelledError, match="after 3 ionic steps") as e:
        capture_row(cancelled)
    assert e.value.n_steps == 3
    assert pickle.loads(pickle.dumps(e.value)).n_steps == 3  # back from a worker intact
    assert run_row(lambda: 1 / 0, "record") == (None, "ZeroDivisionError: division by zero")
