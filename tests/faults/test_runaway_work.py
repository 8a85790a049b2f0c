"""Fault battery, runaway work: a tiny input must not cost minutes, gigabytes or forever.

- a 2.6 kB CIF with 40 sites (Li, 16 transition metals, O) once made pymatgen's
  oxidation-state guesser walk ~3 x 10^7 combinations (134 s, 3.2 GB) for every path that
  builds a BVSE framework (a landscape, a barrier row, a report or the Explorer's upload);
- a named pipe at a BVSE cache path blocked ``barrier_row(cache="disk")`` forever;
- ``pareto_rank`` compared all pairs (60 000 rows: minutes); it must equal that count.
"""

from __future__ import annotations

import os
import threading
import time

import numpy as np
import pandas as pd
import pytest
from pymatgen.core import Lattice, Structure

from ssenb.errors import UnsupportedMaterialError

TRANSITION_METALS = ["Sc", "Ti", "V", "Cr", "Mn", "Fe", "Co", "Ni"]
TRANSITION_METALS += ["Cu", "Zn", "Y", "Zr", "Nb", "Mo", "Ru", "Rh"]


@pytest.fixture(scope="module")
def many_element_cif() -> str:
    """Li, 16 transition metals and 23 O on a 4 x 4 x 3 grid of a 9 Å cube: 40 sites."""
    grid = [(i / 4, j / 4, k / 3) for i in range(4) for j in range(4) for k in range(3)]
    species = ["Li", *TRANSITION_METALS] + ["O"] * 23
    text = Structure(Lattice.cubic(9.0), species, grid[:40]).to(fmt="cif")
    assert len(text) < 3000  # the size of the reported file
    return text


@pytest.fixture
def no_slow_guesser(monkeypatch):
    """Record every call of pymatgen's oxidation-state guesser (it must not run here)."""
    from pymatgen.core import Composition

    calls = []
    real = Composition._get_oxi_state_guesses

    def guarded(self, *args, **kwargs):
        calls.append(len(self))
        if len(self) > 8:  # the runaway case: do not spend minutes proving it
            raise AssertionError("pymatgen's guesser was called on an 18-element formula")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Composition, "_get_oxi_state_guesses", guarded)
    yield
    assert max(calls, default=0) <= 8, "pymatgen's guesser ran on the 18-element formula"


LIMIT = r"18 elements need 2\.8e\+07 oxidation-state combinations, more than the 100,000"


def test_a_landscape_of_a_many_element_cif_fails_fast(many_element_cif, no_slow_guesser):
    from ssenb.data.cif import read_cif
    from ssenb.transport import migration_landscape

    start = time.perf_counter()
    with pytest.raises(UnsupportedMaterialError, match=LIMIT):
        migration_landscape(read_cif(many_element_cif))
    assert time.perf_counter() - start < 30


def test_a_barrier_batch_records_it_and_a_report_or_upload_too(many_element_cif, no_slow_guesser):
    from ssenb.data.cif import read_cif
    from ssenb.summary import summarize
    from ssenb.transport import migration_barriers

    structure = read_cif(many_element_cif)
    start = time.perf_counter()
    table = migration_barriers([structure], progress=False, cache="none")
    assert table["error"].str.contains("more than the 100,000").all()
    # `ssenb report x.cif` and the Explorer's CIF upload both go through summarize
    summary = summarize(structure, predict=False, electrodes=())
    assert "more than the 100,000" in summary.errors["transport"]
    assert time.perf_counter() - start < 60


def test_the_guesser_bound_counts_what_pymatgen_walks():
    from ssenb.data.materials import oxidation_guess_cost as guesser_cost

    # LiCoO2, by hand: Li {+1}, Co {+1,+2,+3,+4} (pymatgen's ICSD states), O {-2} twice:
    # multisets of states 1 + 4 + 1, distinct sums 1 x 4 x 1
    assert guesser_cost({"Li": 1, "Co": 1, "O": 2}) == 1 + 4 + 1 + 4
    assert guesser_cost({"Co": 2}) == 10 + 7  # C(5, 2) multisets of 2 states; sums 2..8


@pytest.fixture
def disk_cache(tmp_path, monkeypatch):
    """An empty BVSE disk cache in tmp_path; computing a landscape raises a marker."""
    from ssenb.transport import batch

    monkeypatch.setenv("SSENB_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(batch, "_MEMORY", {})

    def computed(*_args, **_kwargs):
        raise LookupError("recomputed")

    monkeypatch.setattr(batch, "migration_landscape", computed)
    lif = Structure(Lattice.cubic(4.03), ["Li", "F"], [[0, 0, 0], [0.5, 0.5, 0.5]])
    path = batch._disk_path(batch.structure_key(lif, "Li", 0.2))
    path.parent.mkdir(parents=True, exist_ok=True)
    return lif, path


def test_a_named_pipe_in_the_cache_is_skipped_not_waited_on(disk_cache):
    from ssenb.transport import barrier_row

    lif, path = disk_cache
    os.mkfifo(path)
    outcome = []

    def run():
        try:
            barrier_row(lif, cache="disk")
        except LookupError as err:
            outcome.append(str(err))

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout=20)
    if worker.is_alive():  # free the blocked reader before failing
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
    assert outcome == ["recomputed"]


@pytest.mark.parametrize("objectives", [2, 3])
def test_pareto_rank_by_sorting_equals_the_pairwise_count(objectives):
    from ssenb import keys as K
    from ssenb._pareto import dominators_pairwise
    from ssenb.design import pareto_rank

    rng = np.random.default_rng(objectives)
    n = 1500
    values = rng.normal(size=(n, 3))
    values[: n // 3] = np.round(values[: n // 3], 1)  # ties in some objectives
    values[n // 3 : n // 3 + 20] = values[:20]  # and whole duplicate rows
    table = pd.DataFrame(
        {
            K.PREDICTION: values[:, 0],
            K.WINDOW_WIDTH_V: values[:, 1],
            K.ANODE_REACTION_ENERGY: values[:, 2],
            K.CATHODE_REACTION_ENERGY: values[:, 2] + rng.uniform(0, 0.1, n),
        }
    )
    table.loc[[5, 77], K.WINDOW_WIDTH_V] = np.nan
    use_sigma = objectives == 3
    ranks = pareto_rank(table, use_sigma=use_sigma)
    ok = table[K.WINDOW_WIDTH_V].notna().to_numpy()
    cols = [table[K.WINDOW_WIDTH_V], table[K.ANODE_REACTION_ENERGY]]  # min of both = anode
    obj = np.column_stack(([table[K.PREDICTION]] if use_sigma else []) + cols)[ok]
    assert ranks[ok].astype(int).tolist() == (dominators_pairwise(obj) + 1).tolist()
    assert ranks[~ok].isna().all()


def test_pareto_rank_scales():
    from ssenb._pareto import dominators

    points = np.random.default_rng(0).normal(size=(60_000, 3))
    start = time.perf_counter()
    counts = dominators(points)
    assert time.perf_counter() - start < 20  # pairwise: minutes
    assert counts.min() == 0 and counts.max() > 1000


def test_a_doping_host_from_a_many_element_cif_fails_fast(
    many_element_cif, no_slow_guesser, monkeypatch
):
    from pymatgen.analysis.bond_valence import BVAnalyzer

    from ssenb.data.cif import read_cif
    from ssenb.mlip.substitutions import with_oxidation_states

    def no_assignment(self, structure):  # as bond valence analysis fails on many hosts
        raise ValueError("Valences cannot be assigned!")

    monkeypatch.setattr(BVAnalyzer, "get_oxi_state_decorated_structure", no_assignment)
    start = time.perf_counter()
    with pytest.raises(UnsupportedMaterialError, match=r"2\.8e\+07 combinations"):
        with_oxidation_states(read_cif(many_element_cif))
    assert time.perf_counter() - start < 30
