"""relax_many / single_points: rows in input order, honest non-convergence, executors, resume."""

from __future__ import annotations

import math
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd
import pytest
from pymatgen.core import Lattice, Structure

from ssenb import keys as K
from ssenb.errors import InvalidInputError, SsenbError, TaskLostError
from ssenb.mlip import batch, relax, relax_many, single_points

PARENT = os.getpid()
_RELAX = batch.relax


def _lif(a=4.03):
    return Structure(Lattice.cubic(a), ["Li", "F"], [[0, 0, 0], [0.5, 0.5, 0.5]])


def _li2o(a=4.61):
    return Structure.from_spacegroup(
        "Fm-3m", Lattice.cubic(a), ["Li", "O"], [[0.25, 0.25, 0.25], [0, 0, 0]]
    )


def _dies_on_li2o(structure, potential, **kwargs):
    """relax(), except that a worker process exits (a killed node) on Li2O."""
    if structure.composition.reduced_formula == "Li2O" and os.getpid() != PARENT:
        os._exit(1)
    return _RELAX(structure, potential, **kwargs)


@pytest.fixture
def pot(fake):
    return fake({"LiF": -4.8, "Li2O": -4.7})


def test_rows_in_input_order_with_their_failures(pot):
    items = [_lif(), "LiF", _li2o(), _lif(4.1)]
    table = relax_many(items, pot, progress=False)
    assert list(table.columns) == batch.RELAX_COLUMNS
    assert table[K.FORMULA].tolist() == ["LiF", None, "Li2O", "LiF"]
    # zero forces and stress: converged at once, energy = the table's eV/atom
    assert table[K.E_POTENTIAL].iloc[[0, 2, 3]].tolist() == [-4.8, -4.7, -4.8]
    assert table[K.CONVERGED].tolist() == [True, False, True, True]
    assert table[K.N_ATOMS].fillna(0).tolist() == [2, 0, 12, 2]  # from_spacegroup: conventional
    assert "expected a pymatgen Structure" in table[K.ERROR].iloc[1]
    assert math.isnan(table[K.E_POTENTIAL].iloc[1]) and table[K.STRUCTURE].iloc[1] is None
    assert table[K.POTENTIAL].unique().tolist() == ["Fake 1.0 (MLIP, MP2020-compatible)"]
    assert table.attrs["potential"] == "Fake 1.0 (MLIP, MP2020-compatible)"
    # the same relaxation as relax() itself
    one = relax(items[2], pot)
    assert table[K.STRUCTURE].iloc[2] == one.structure
    with pytest.raises(InvalidInputError, match="expected a pymatgen Structure"):
        relax_many(items, pot, progress=False, errors="raise")


def test_formulas_are_written_the_one_way_in_every_kind_of_row(fake, by_id):
    """Li3CoNi2O6 (mp-754316), grouped Li3Co(NiO3)2 by pymatgen's reduced_formula, is
    written as ssenb.data.display_formula writes it: relaxed, single point and failed rows."""
    s = by_id["mp-754316-GGA+U"].structure
    assert s.composition.reduced_formula == "Li3Co(NiO3)2"
    pot = fake({"Li3Co(NiO3)2": -5.0})
    assert relax_many([s], pot, progress=False)[K.FORMULA].tolist() == ["Li3CoNi2O6"]
    assert single_points([s], pot, progress=False)[K.FORMULA].tolist() == ["Li3CoNi2O6"]
    failed = relax_many([s], fake({}), progress=False)  # the fake has no energy: it raises
    assert failed[K.FORMULA].tolist() == ["Li3CoNi2O6"]
    assert "no energy for Li3Co(NiO3)2" in failed[K.ERROR].iloc[0]


def test_a_non_converged_relaxation_is_never_reported_converged(fake):
    stuck = fake({"LiF": -4.8, "Li2O": -4.7}, force=1.0, force_on={"Li2O"})
    table = relax_many([_lif(), _li2o()], stuck, steps=3, progress=False)
    assert table[K.CONVERGED].tolist() == [True, False]
    assert math.isnan(table[K.E_POTENTIAL].iloc[1])  # withheld, as relax() withholds it
    assert table[K.N_STEPS].iloc[1] == 3
    assert table[K.MAX_FORCE].iloc[1] == pytest.approx(1.0)
    assert table[K.ERROR].iloc[1] == (
        "relaxation not converged in 3 steps (max force 1.000 > 0.05 eV/Å): energy withheld"
    )
    assert table[K.STRUCTURE].iloc[1] is not None  # the last structure, for diagnosis


def test_a_frame_keeps_its_index_and_is_not_modified(pot):
    frame = pd.DataFrame({K.STRUCTURE: [_lif(), None], "mine": [1, 2]}, index=[10, 20])
    before = frame.copy()
    out = relax_many(frame, pot, progress=False)
    assert list(out.index) == [10, 20] and out[K.CONVERGED].tolist() == [True, False]
    pd.testing.assert_frame_equal(frame, before)


@pytest.mark.parametrize(
    ("structures", "kwargs", "match"),
    [
        (_lif(), {}, "wrap one structure in a list"),
        ("LiF", {}, "wrap one structure in a list"),
        ([_lif()], {"steps": 0}, "steps=0 must be an integer"),
        ([_lif()], {"fmax": -1}, "fmax=-1 must be a positive force"),
        ([_lif()], {"executor": "dask"}, "executor='dask'"),
        ([_lif()], {"errors": "skip"}, "errors='skip'"),
        (pd.DataFrame({"cif": [1]}), {}, "no 'structure' column"),
    ],
)
def test_bad_arguments_are_refused_before_any_work(pot, structures, kwargs, match):
    with pytest.raises(InvalidInputError, match=match):
        relax_many(structures, pot, progress=False, **kwargs)
    assert pot.calls == 0


def test_single_points_equal_the_potential_itself(pot):
    table = single_points([_li2o(), _lif(30.0), _lif()], pot, progress=False)
    assert list(table.columns) == batch.SINGLE_POINT_COLUMNS
    assert table[K.E_POTENTIAL].iloc[[0, 2]].tolist() == [-4.7, -4.8]
    assert table[K.MAX_FORCE].iloc[0] == 0.0
    assert "has no neighbour within" in table[K.ERROR].iloc[1]  # an atom in vacuum


def test_a_shipped_potential_travels_by_name_and_is_checked_on_arrival(pot):
    assert batch.potential_spec(pot) is pot  # any other potential travels as it is
    with pytest.raises(SsenbError, match=r"not the caller's CHGNet 9\.9"):
        batch.load_spec(pot, "CHGNet 9.9 (MLIP, MP2020-compatible)")


def test_a_dead_worker_loses_only_its_rows_and_a_rerun_resumes_them(pot, monkeypatch, tmp_path):
    """A worker that dies mid-run: finished rows kept and written; the rerun computes only
    the lost ones; the resumed table equals an uninterrupted serial one exactly."""
    items = [_lif(), _lif(4.1), _li2o(), _lif(4.2)]
    serial = relax_many(items, pot, progress=False)
    monkeypatch.setattr(batch, "relax", _dies_on_li2o)
    folder = tmp_path / "run"
    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
    try:
        first = relax_many(items, pot, executor=pool, checkpoint=folder, progress=False)
    finally:
        pool.shutdown(cancel_futures=True)
    lost = first[K.ERROR].fillna("").str.contains("TaskLostError")
    assert lost.iloc[2] and "rerun these inputs" in first[K.ERROR].iloc[2]
    done = ~lost
    assert done.iloc[0]  # the task before the death came back and was kept
    pd.testing.assert_frame_equal(first[done], serial[done])
    written = sorted(p.name for p in folder.glob("row_*.csv"))
    assert written == [f"row_{i:07d}.csv" for i in np.flatnonzero(done)]  # lost: not written
    calls = []

    def counted(structure, potential, **kwargs):
        calls.append(structure.composition.reduced_formula)
        return _RELAX(structure, potential, **kwargs)

    monkeypatch.setattr(batch, "relax", counted)
    resumed = relax_many(items, pot, checkpoint=folder, progress=False)
    assert len(calls) == int(lost.sum())  # nothing finished is computed twice
    pd.testing.assert_frame_equal(resumed, serial, check_exact=True)
    for a, b in zip(resumed[K.STRUCTURE], serial[K.STRUCTURE]):  # every double, not ==
        assert a.lattice.matrix.tobytes() == b.lattice.matrix.tobytes()
        assert a.frac_coords.tobytes() == b.frac_coords.tobytes()
    monkeypatch.setattr(batch, "relax", _dies_on_li2o)
    with pytest.raises(TaskLostError, match="rerun these inputs"):
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as again:
            relax_many(items, pot, executor=again, errors="raise", progress=False)


@pytest.mark.parametrize("errors", ["record", "raise"])
def test_a_cancel_stops_the_batch_and_writes_no_row_for_it(fake, tmp_path, errors):
    """A cancel is never a row's failure: the batch stops whatever ``errors``, the stopped
    relaxation leaves no checkpoint row, and a rerun computes only what is missing."""
    import threading

    from ssenb.errors import CancelledError

    cancel = threading.Event()

    class CancelsOnLi2O(fake):  # the Cancel arrives while Li2O (the 2nd row) relaxes
        def calculate(self, structure):
            if structure.composition.reduced_formula == "Li2O":
                cancel.set()
            return super().calculate(structure)

    pot = CancelsOnLi2O({"LiF": -4.8, "Li2O": -4.7})
    items, folder = [_lif(), _li2o(), _lif(4.1)], tmp_path / "run"
    with pytest.raises(CancelledError, match="cancelled after 0 ionic steps of relaxing Li2O"):
        relax_many(items, pot, checkpoint=folder, errors=errors, progress=False, cancel=cancel)
    assert sorted(p.name for p in folder.glob("row_*.csv")) == ["row_0000000.csv"]
    assert pot.calls == 2  # LiF's one force call, Li2O's first: the third was never started
    again = relax_many(items, pot, checkpoint=folder, progress=False)
    assert pot.calls == 2 + 2 and again[K.CONVERGED].all()


def test_a_checkpoint_of_other_settings_or_a_damaged_row_is_refused(pot, tmp_path):
    folder = tmp_path / "run"
    relax_many([_lif(), _li2o()], pot, checkpoint=folder, progress=False)
    with pytest.raises(InvalidInputError, match="holds another run"):
        relax_many([_lif(), _li2o()], pot, fmax=0.01, checkpoint=folder, progress=False)
    (folder / "row_0000001.csv").write_text("formula\nLi2O\n")
    with pytest.raises(InvalidInputError, match=r"row_0000001\.csv is not one row of this run"):
        relax_many([_lif(), _li2o()], pot, checkpoint=folder, progress=False)


# --- the real CHGNet on a 2-worker Dask LocalCluster -----------------------------------


def test_chgnet_on_a_local_cluster_equals_serial_and_resumes_bit_for_bit(chgnet, tmp_path):
    distributed = pytest.importorskip("distributed")
    import dask

    strained = _li2o(4.70).get_primitive_structure()  # 3 sites, 2 % too large, shaken
    strained.perturb(0.05, seed=1)
    items = [strained, _lif(3.95)]  # a few FIRE steps each
    settings = {"fmax": 0.1, "steps": 60, "progress": False}
    serial = relax_many(items, chgnet, **settings)
    assert serial[K.CONVERGED].all() and (serial[K.N_STEPS] > 1).all()
    with (
        # forked workers start with CHGNet already loaded: seconds, not a model load each
        dask.config.set({"distributed.worker.multiprocessing-method": "fork"}),
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        folder = tmp_path / "run"
        on_dask = relax_many(
            items, chgnet, executor=client.get_executor(), checkpoint=folder, **settings
        )
        points = single_points(items, chgnet, executor=client.get_executor(), progress=False)
        pids = client.run(os.getpid)
    assert len(set(pids.values()) - {PARENT}) == 2
    pd.testing.assert_frame_equal(on_dask, serial, check_exact=True)
    pd.testing.assert_frame_equal(
        points, single_points(items, chgnet, progress=False), check_exact=True
    )
    assert points[K.E_POTENTIAL].iloc[0] == chgnet.calculate(strained).energy_eV / 3
    (folder / "row_0000000.csv").unlink()  # as if its worker had died before writing it
    resumed = relax_many(items, chgnet, checkpoint=folder, **settings)
    pd.testing.assert_frame_equal(resumed, serial, check_exact=True)
    for a, b in zip(resumed[K.STRUCTURE], serial[K.STRUCTURE]):  # every double, not ==
        assert a.lattice.matrix.tobytes() == b.lattice.matrix.tobytes()
        assert a.frac_coords.tobytes() == b.frac_coords.tobytes()
