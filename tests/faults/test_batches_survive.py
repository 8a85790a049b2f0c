"""One failure must not lose the batch: dead workers, raising relaxations, resumed runs.

Each class of failure is made on purpose here (a worker that exits mid-task, a potential
that raises on one structure, a run stopped between chunks) and the batch must keep every
finished row, say per row what was lost and how to retry it, and resume bit for bit.
"""

from __future__ import annotations

import math
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd
import pytest

from ssenb import keys as K
from ssenb.design import screen_candidates
from ssenb.errors import SsenbWarning, TaskLostError
from ssenb.thermo import screen, screening

# four hull groups that share no system, so each is its own task; Li-F (2 elements) is
# the cheapest group and so the last task submitted
GROUPS = ["Li3PS4", "Li3InCl6", "Li3PO4", "LiF"]
_ORIGINAL_ROW = screening._screen_row


def _dies_on_lif(hull, fractions, *, ion):
    """A row function whose worker process exits (as a killed or pre-empted node) on LiF."""
    if set(fractions) == {"Li", "F"} and os.getpid() != PARENT:
        os._exit(1)
    return _ORIGINAL_ROW(hull, fractions, ion=ion)


PARENT = os.getpid()


@pytest.fixture
def one_worker_dies(monkeypatch):
    """A forked one-process pool whose worker dies on the LiF task (the last one)."""
    monkeypatch.setattr(screening, "_screen_row", _dies_on_lif)
    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
    yield pool
    pool.shutdown(cancel_futures=True)


def test_screen_keeps_finished_tasks_and_records_the_lost_one(one_worker_dies):
    serial = screen(GROUPS, progress=False)
    table = screen(GROUPS, progress=False, executor=one_worker_dies)  # no raise
    lost = table[K.INPUT] == "LiF"
    reason = table.loc[lost, K.ERROR].iloc[0]
    assert "TaskLostError" in reason and "rerun these inputs" in reason
    assert "BrokenProcessPool" in reason  # what happened to the worker
    assert math.isnan(table.loc[lost, K.REDUCTION_V].iloc[0])
    kept = table[~lost]
    assert kept[K.ERROR].isna().all()  # the tasks finished before the death are all there
    pd.testing.assert_frame_equal(kept, serial[~lost])


def test_screen_raise_mode_names_the_lost_task(one_worker_dies):
    with pytest.raises(TaskLostError, match="rerun these inputs"):
        screen(GROUPS, progress=False, executor=one_worker_dies, errors="raise")


def test_candidates_keep_finished_tasks_when_a_worker_dies(one_worker_dies):
    # the pool is broken after the screen step: the reaction steps run here, and say so
    with pytest.warns(SsenbWarning, match="executor is broken.*run in this process"):
        table = screen_candidates(GROUPS, progress=False, executor=one_worker_dies).table
    assert table[K.ERROR].notna().tolist() == [False, False, False, True]
    assert "rerun these inputs" in table[K.ERROR].iloc[3]
    assert table[K.ANODE_REACTION_ENERGY].iloc[:3].notna().all()


def test_a_shut_down_executor_is_a_clear_error():
    from ssenb.errors import InvalidInputError

    pool = ProcessPoolExecutor(1)
    pool.shutdown()
    with pytest.raises(InvalidInputError, match="shut down"):
        screen(GROUPS, progress=False, executor=pool)


def test_checkpointed_and_resumed_runs_are_bit_identical(mp_table, tmp_path):
    """Every float of a checkpointed, and of a resumed, run is the uncheckpointed double."""
    formulas = mp_table[mp_table["chemsys"].str.contains("Li")].sample(30, random_state=7)
    items = [*formulas["formula"], "", "Xx2O"]  # an empty text and a failing row too
    plain = screen_candidates(items, chunk_size=10, progress=False).table
    folder = tmp_path / "run"
    first = screen_candidates(items, chunk_size=10, checkpoint=folder, progress=False).table
    (folder / "chunk_00001.csv").unlink()  # as if stopped before the second chunk ended
    resumed = screen_candidates(items, chunk_size=10, checkpoint=folder, progress=False).table
    for table in (first, resumed):
        pd.testing.assert_frame_equal(table, plain, check_exact=True)
        for col in (K.E_HULL, K.REDUCTION_V, K.OXIDATION_V, K.ANODE_REACTION_ENERGY):
            bits = table[col].to_numpy(float).view(np.int64)
            assert (bits == plain[col].to_numpy(float).view(np.int64)).all(), col
    assert resumed[K.INPUT].iloc[-2] == ""  # the empty text came back as text
