"""Fault battery, checkpoint folders (coating_screen(checkpoint=), ssenb coatings --checkpoint).

A checkpoint's manifest is a file anyone can edit: one nested without end used to escape as
a RecursionError, a huge one was read whole, and a damaged one was reported as "another
run". On the command line, a checkpoint folder at the output's path was only found after
the screen had run.
"""

from __future__ import annotations

import pytest

from ssenb.errors import InvalidInputError


@pytest.fixture
def finished(tmp_path):
    from ssenb.batch import CheckpointStore

    CheckpointStore(tmp_path / "run", run="abc", info={"candidates": 2})
    return tmp_path / "run"


@pytest.mark.parametrize(
    "damage",
    [
        lambda p: p.write_text("[" * 100_000 + "]" * 100_000),  # was RecursionError
        lambda p: p.write_text('{"format": 2, "run'),  # cut short
        lambda p: p.write_text('{"format": 2, "run": 5}'),
        lambda p: p.write_bytes(b"\xff\xfe not utf-8"),
        lambda p: p.write_text('{"format": 2, "run": "abc", "pad": "' + "x" * 1_100_000 + '"}'),
    ],
    ids=["nested", "truncated", "run-not-text", "not-utf8", "huge"],
)
def test_a_damaged_manifest_is_refused_as_damaged(finished, damage):
    from ssenb.batch import CheckpointStore

    manifest = finished / CheckpointStore.MANIFEST
    damage(manifest)
    before = manifest.read_bytes()
    with pytest.raises(InvalidInputError, match=r"has a damaged ssenb-checkpoint.json; use a new"):
        CheckpointStore(finished, run="abc")
    assert manifest.read_bytes() == before  # nothing of the folder replaced


def test_another_runs_manifest_is_still_another_run(finished):
    from ssenb.batch import CheckpointStore

    with pytest.raises(InvalidInputError, match=r"holds another run"):
        CheckpointStore(finished, run="xyz")


def test_coatings_cli_refuses_one_path_for_the_output_and_the_checkpoint(tmp_path, capsys):
    from ssenb.cli import main

    same = str(tmp_path / "out")
    args = ["coatings", "LiCoO2", "Li3PS4", "Li3PO4", "-q", "--checkpoint", same, "-o", same]
    assert main(args) == 2
    assert "--output and --checkpoint are both" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []  # refused before the screen: nothing made
