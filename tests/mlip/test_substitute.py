"""substitute(): orderings, charge neutrality, one-potential hulls, non-convergence."""

from __future__ import annotations

import json
import math

import pytest

from ssenb import keys as K
from ssenb.errors import IncompatibleSourcesError, InvalidInputError, UnsupportedMaterialError
from ssenb.mlip import DopingResult, benchmark_potential, substitute
from ssenb.mlip.substitute import CANDIDATE, SUPERCELL

# A tiny Li-Co-Ni-O set on which LiCoO2 and LiNiO2 are both on the hull, so the hull at
# Li2CoNiO4 is their average and a candidate 0.010 eV/atom above that average has
# E_hull = 0.010 eV/atom exactly.
IDS = (
    "mp-1018134-GGA",
    "mp-54-GGA",
    "mp-23-GGA",
    "mp-12957-GGA",
    "mp-22526-GGA+U",
    "mp-2348641-GGA+U",
)
ABOVE = 0.010


@pytest.fixture
def setup(by_id, fake):
    entries = [by_id[i] for i in IDS]
    table = {e.composition.reduced_formula: e.energy_per_atom for e in entries}
    lco, lno = table["LiCoO2"], table["LiNiO2"]

    def mix(comp):  # Li(Co1-xNix)O2: linear in x plus ABOVE
        x = comp["Ni"] / (comp["Ni"] + comp["Co"])
        return (1 - x) * lco + x * lno + ABOVE

    pot = fake(table, fallback=mix)
    bench = benchmark_potential(entries, pot, progress=False)
    return by_id["mp-22526-GGA+U"].structure, pot, bench


def test_half_ni_on_co_sits_above_the_hull_by_the_hand_value(setup):
    host, pot, bench = setup
    res = substitute(
        host, {"Co": {"Ni": 0.5}}, competing=bench, potential=pot, max_cells=2, progress=False
    )
    t = res.table.set_index(CANDIDATE)
    assert t.loc["host", K.E_HULL_MLIP] == pytest.approx(0.0, abs=1e-9)
    # MP's 4-atom cell has a = b = 2.84 Å, α = β (a and b related by symmetry) and c = 4.99 Å:
    # doubling a or b gives one ordering of 1 Co + 1 Ni, doubling c another. Supercells are
    # tried in the order 1x1x2, 1x2x1, 2x1x1; each class is named by its first.
    assert list(t.index) == ["host", "#1", "#2"]
    assert set(t[SUPERCELL][1:]) == {"1x1x2", "1x2x1"}
    assert (t.loc[["#1", "#2"], K.FORMULA] == "Li2CoNiO4").all()
    assert t.loc[["#1", "#2"], K.E_HULL_MLIP].tolist() == pytest.approx([ABOVE, ABOVE], abs=1e-9)
    assert t.loc["#1", K.E_HULL_ERR] == pytest.approx(bench.e_hull_mae)
    assert res.best()[CANDIDATE] in ("#1", "#2")
    assert "Fake 1.0" in res.source


def test_formulas_are_written_the_one_way_and_the_host_key_is_kept(setup):
    """2/3 Ni on Co gives Li3CoNi2O6, which pymatgen's reduced_formula groups as
    Li3Co(NiO3)2; the table writes it as the rest of ssenb does (display_formula)."""
    host, pot, bench = setup
    res = substitute(
        host,
        {"Co": {"Ni": 2 / 3}},
        competing=bench,
        potential=pot,
        max_cells=3,
        max_atoms=12,
        n_relax=1,
        progress=False,
    )
    assert res.table[K.FORMULA].tolist() == ["LiCoO2", "Li3CoNi2O6"]
    assert res.best()[K.FORMULA] == "Li3CoNi2O6"
    # the host stays pymatgen's reduced formula: the key saved caches are looked up by
    assert res.host == host.composition.reduced_formula == "LiCoO2"
    assert res.title().startswith("LiCoO2 doped with")


def test_the_result_flows_into_thermo_as_a_named_mlip_source(setup):
    from ssenb.thermo import phase_stability, stability_window

    host, pot, bench = setup
    res = substitute(
        host, {"Co": {"Ni": 0.5}}, competing=bench, potential=pot, max_cells=2, progress=False
    )
    src = res.entry_source()
    assert src.name == "Fake 1.0 (MLIP, MP2020-compatible)"
    assert all(e.data["energy_source"] == src.name for e in src.entries(["Li", "Co", "Ni", "O"]))
    ps = phase_stability("Li2CoNiO4", source=src)
    assert ps.e_above_hull == pytest.approx(ABOVE, abs=1e-9)
    assert ps.source == src.name
    w = stability_window("Li2CoNiO4", source=src)
    assert w.source == src.name and w.metastable
    assert math.isfinite(w.reduction_v)


def test_charged_substitutions_are_refused(setup):
    host, pot, bench = setup
    with pytest.raises(InvalidInputError, match="leaves the cell charged"):
        substitute(
            host, {"Co": {"Ni": 0.5}}, competing=bench, potential=pot, oxidation_states={"Ni": 2}
        )
    with pytest.raises(UnsupportedMaterialError, match="does not take the oxidation state"):
        substitute(
            host, {"Co": {"Ni": 0.5}}, competing=bench, potential=pot, oxidation_states={"Ni": 5}
        )


def test_dopant_outside_the_competing_phases_is_refused(setup):
    host, pot, bench = setup
    # Ni2+/Mn4+ co-doping is neutral, but the shipped Li-Co-Ni-O phases have no Mn
    with pytest.raises(UnsupportedMaterialError, match="have no Mn"):
        substitute(
            host,
            {"Co": {"Ni": 0.5, "Mn": 0.5}},
            competing=bench,
            potential=pot,
            oxidation_states={"Ni": 2, "Mn": 4},
        )


def test_hull_of_another_potential_is_refused(setup, fake):
    host, _, bench = setup
    other = fake({})
    other.name = "Other"
    with pytest.raises(IncompatibleSourcesError, match="one hull takes one potential"):
        substitute(host, {"Co": {"Ni": 0.5}}, competing=bench, potential=other)


def test_non_converged_relaxation_is_reported_without_energy(setup, fake):
    host, pot, bench = setup
    stuck = fake(pot.table, fallback=pot.fallback, force=1.0, force_on={"LiCoNiO4", "Li2CoNiO4"})
    res = substitute(
        host,
        {"Co": {"Ni": 0.5}},
        competing=bench,
        potential=stuck,
        max_cells=2,
        steps=3,
        progress=False,
    )
    for cid in ("#1", "#2"):
        row = res.table.set_index(CANDIDATE).loc[cid]
        assert not row[K.CONVERGED]
        assert math.isnan(row[K.E_MLIP]) and math.isnan(row[K.E_HULL_MLIP])
        assert "not converged in 3 steps" in row[K.ERROR]
    assert res.best() is None
    assert "not converged" in res._repr_html_()


def test_a_relaxation_that_raises_is_recorded_and_the_rest_kept(setup, fake):
    """Out of memory (or CHGNet's "isolated atoms") on one ordering loses only that row."""
    host, pot, bench = setup

    class RunsOutOfMemory(fake):
        def calculate(self, structure):
            if "Ni" in structure.composition and structure.lattice.c > 9.0:  # the 1x1x2 cell
                raise MemoryError("CUDA out of memory")
            return super().calculate(structure)

    flaky = RunsOutOfMemory(pot.table, fallback=pot.fallback)
    args = {"competing": bench, "potential": flaky, "max_cells": 2, "progress": False}
    res = substitute(host, {"Co": {"Ni": 0.5}}, **args)
    t = res.table.set_index(SUPERCELL)
    assert t.loc["1x1x2", K.ERROR] == (
        "relaxation failed (MemoryError: CUDA out of memory): energy withheld"
    )
    assert math.isnan(t.loc["1x1x2", K.E_MLIP]) and math.isnan(t.loc["1x1x2", K.E_HULL_MLIP])
    assert not t.loc["1x1x2", K.CONVERGED]
    assert t.loc["1x1x1", K.E_HULL_MLIP] == pytest.approx(0.0, abs=1e-9)  # the relaxed host
    assert t.loc["1x2x1", K.E_HULL_MLIP] == pytest.approx(ABOVE, abs=1e-9)  # the other one
    assert res.best()[SUPERCELL] == "1x2x1"
    with pytest.raises(MemoryError, match="CUDA out of memory"):
        substitute(host, {"Co": {"Ni": 0.5}}, errors="raise", **args)


def test_limits_and_bad_input(setup):
    host, pot, bench = setup
    with pytest.raises(InvalidInputError, match="whole atoms"):
        substitute(host, {"Co": {"Ni": 0.3}}, competing=bench, potential=pot, max_cells=2)
    with pytest.raises(InvalidInputError, match="max_atoms"):
        substitute(host, {"Co": {"Ni": 0.5}}, competing=bench, potential=pot, max_atoms=500)
    with pytest.raises(InvalidInputError, match="site element 'Mn'"):
        substitute(host, {"Mn": {"Ni": 0.5}}, competing=bench, potential=pot)
    with pytest.raises(InvalidInputError, match="competing"):
        substitute(host, {"Co": {"Ni": 0.5}}, competing="mp", potential=pot)


def test_result_round_trip(setup):
    host, pot, bench = setup
    res = substitute(
        host, {"Co": {"Ni": 0.5}}, competing=bench, potential=pot, max_cells=2, progress=False
    )
    back = DopingResult.from_dict(json.loads(json.dumps(res.as_dict())))
    assert back.table[K.E_HULL_MLIP].tolist() == pytest.approx(res.table[K.E_HULL_MLIP].tolist())
    assert back.structures[1] == res.structures[1]
    assert back.entry_source().name == res.entry_source().name
    assert "Ni on Co" in res._repr_html_()
    assert res.to_frame().shape == res.table.shape


def test_competing_phases_left_out_for_size_are_named_in_the_notes(setup, by_id):
    host, pot, _ = setup
    entries = [by_id[i] for i in IDS]
    small = max(len(e.structure) for e in entries if len(e.composition.elements) == 1)
    bench = benchmark_potential(entries, pot, max_atoms=small, progress=False)
    assert bench.n_skipped > 0  # the premise: some compound is over the limit
    res = substitute(
        host, {"Co": {"Ni": 0.5}}, competing=bench, potential=pot, max_cells=2, progress=False
    )
    note = next(n for n in res.notes if "competing phase" in n)
    assert f"{bench.n_skipped} competing phase(s) with more than {small} sites" in note


def test_orderings_relaxed_on_an_executor_give_the_serial_result(setup):
    """substitute(executor=) relaxes through relax_many, one task per ordering: same table."""
    from concurrent.futures import ThreadPoolExecutor

    import pandas as pd

    host, pot, bench = setup
    args = {"competing": bench, "potential": pot, "max_cells": 2, "progress": False}
    serial = substitute(host, {"Co": {"Ni": 0.5}}, **args)
    with ThreadPoolExecutor(2) as pool:
        pooled = substitute(host, {"Co": {"Ni": 0.5}}, executor=pool, **args)
    pd.testing.assert_frame_equal(pooled.table, serial.table, check_exact=True)
    assert pooled.structures == serial.structures
    with pytest.raises(InvalidInputError, match="executor='dask'"):
        substitute(host, {"Co": {"Ni": 0.5}}, executor="dask", **args)
