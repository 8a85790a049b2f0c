"""benchmark_potential bookkeeping on hand-made energies; the real CHGNet on a CI subset."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from ssenb import keys as K
from ssenb.errors import (
    IncompatibleSourcesError,
    InvalidInputError,
    SsenbError,
    UnsupportedMaterialError,
)
from ssenb.mlip import PotentialBenchmark, benchmark_potential

# Hand-made Li-O system (eV/atom). DFT formation energies: Li2O -1.9, Li2O2 -1.0; the hull at
# x_O = 1/2 lies on the Li2O-O2 tie line: -1.9 * (1 - 1/2) / (1 - 1/3) = -1.425, so
# E_hull(Li2O2) = 0.425. The MLIP puts Li2O2 0.5 eV/atom lower (formation -1.5): on its hull.
DFT = {"Li": -1.9, "O2": -4.9, "Li2O": -4.8, "Li2O2": -4.4}
MLIP = {**DFT, "Li2O2": -4.9}
IDS = ("mp-1018134-GGA", "mp-12957-GGA", "mp-1960-GGA", "mp-841-GGA")


@pytest.fixture
def hand_entries(by_id):
    from pymatgen.entries.computed_entries import ComputedStructureEntry

    out = []
    for i in IDS:
        s = by_id[i].structure
        e = ComputedStructureEntry(s, DFT[s.composition.reduced_formula] * len(s), entry_id=i)
        out.append(e)
    return out


def test_hand_made_benchmark(hand_entries, fake):
    b = benchmark_potential(hand_entries, fake(MLIP, convention="raw"), progress=False)
    t = b.table.set_index(K.FORMULA)
    assert t.loc["Li2O", K.E_FORM_DFT] == pytest.approx(-1.9)
    assert t.loc["Li2O2", K.E_FORM_DFT] == pytest.approx(-1.0)
    assert t.loc["Li2O2", K.E_HULL_DFT] == pytest.approx(0.425)
    assert t.loc["Li2O2", K.E_HULL_MLIP] == pytest.approx(0.0, abs=1e-9)
    assert b.energy_per_atom_mae == pytest.approx(0.5 / 4)
    assert b.energy_mae == pytest.approx(0.5 / 4)
    assert b.e_hull_mae == pytest.approx(0.425 / 4)
    assert b.confusion["0"] == {"both": 3, "mlip_only": 1, "dft_only": 0, "neither": 0}
    assert b.confusion["50"] == {"both": 3, "mlip_only": 1, "dft_only": 0, "neither": 0}


def test_corrections_applied_once_on_real_entries(mp_entries, fake):
    # a raw potential that returns MP's uncorrected DFT energies must, after ssenb's one
    # MP2020 pass, agree with MP's corrected entries exactly (twice or never would not)
    chosen = [e for e in mp_entries if len(e.structure) <= 4]
    raw = {e.composition.reduced_formula: e.uncorrected_energy_per_atom for e in chosen}
    # polymorphs share a formula: keep one entry per formula
    keep = {e.composition.reduced_formula: e for e in chosen}
    entries = [
        e
        for e in keep.values()
        if raw[e.composition.reduced_formula] == e.uncorrected_energy_per_atom
    ]
    b = benchmark_potential(entries, fake(raw, convention="raw"), progress=False)
    assert b.energy_per_atom_mae == pytest.approx(0.0, abs=1e-6)
    assert b.e_hull_mae == pytest.approx(0.0, abs=1e-6)
    assert b.correction_scheme == "MP2020"


def test_relax_not_converged_is_recorded_not_used(hand_entries, fake):
    pot = fake(MLIP, convention="raw", force=1.0, force_on={"Li2O2"})
    b = benchmark_potential(hand_entries, pot, relax=True, steps=3, progress=False)
    t = b.table.set_index(K.FORMULA)
    assert list(t[K.CONVERGED]) == [True, True, True, False]
    assert "not converged in 3 steps" in t.loc["Li2O2", K.ERROR]
    assert pd.isna(t.loc["Li2O2", K.E_MLIP]) and pd.isna(t.loc["Li2O2", K.E_HULL_MLIP])
    assert t.loc["Li2O", K.E_MLIP] == pytest.approx(-4.8)  # zero forces: converged at once


def test_potential_failure_is_recorded(hand_entries, fake):
    # no energy for Li2O2: that row fails, the rest is benchmarked
    table = {k: v for k, v in MLIP.items() if k != "Li2O2"}
    b = benchmark_potential(hand_entries, fake(table, convention="raw"), progress=False)
    t = b.table.set_index(K.FORMULA)
    assert "no energy for Li2O2" in t.loc["Li2O2", K.ERROR]
    assert t[K.E_MLIP].isna().sum() == 1
    with pytest.raises(SsenbError, match="Li2O2"):
        benchmark_potential(
            hand_entries, fake(table, convention="raw"), errors="raise", progress=False
        )


def test_bad_inputs(hand_entries, fake, by_id):
    with pytest.raises(InvalidInputError, match="structures"):
        benchmark_potential([object()], fake(MLIP), progress=False)
    with pytest.raises(InvalidInputError, match="errors="):
        benchmark_potential(hand_entries, fake(MLIP), errors="skip", progress=False)
    with pytest.raises(IncompatibleSourcesError, match="MP2020-corrected energies"):
        benchmark_potential(hand_entries, fake(MLIP), progress=False)  # raw DFT vs corrected MLIP
    with pytest.raises(InvalidInputError, match="Potential"):
        benchmark_potential(hand_entries, "chgnet", progress=False)


def test_result_convention(hand_entries, fake):
    b = benchmark_potential(hand_entries, fake(MLIP, convention="raw"), progress=False)
    frame = b.to_frame()
    assert list(frame[K.FORMULA]) == ["Li", "O2", "Li2O", "Li2O2"]
    frame.loc[0, K.E_MLIP] = 99.0
    assert b.table.loc[0, K.E_MLIP] != 99.0  # a copy
    html = b._repr_html_()
    assert "E_hull MAE" in html and "0.106 eV/atom" in html
    back = PotentialBenchmark.from_dict(json.loads(json.dumps(b.as_dict())))
    assert back.e_hull_mae == pytest.approx(b.e_hull_mae)
    assert back.confusion == b.confusion
    assert back.table[K.E_HULL_MLIP].tolist() == pytest.approx(b.table[K.E_HULL_MLIP].tolist())
    # subsets rebuild both hulls from the table alone
    assert b.subset(max_atoms=8).e_hull_mae == pytest.approx(0.425 / 4)
    with pytest.raises(UnsupportedMaterialError, match="elemental entry of O"):
        b.subset(max_atoms=3)


def test_chgnet_on_the_shipped_small_entries(mp_entries):
    # CI subset of the benchmark quoted in ssenb.mlip.benchmark (≤ 20 atoms: formation MAE
    # 0.048, E_hull MAE 0.049 eV/atom; CHGNet paper: ~0.03 eV/atom energy MAE on MPtrj):
    # single points on the entries of at most 4 atoms
    from ssenb.mlip import load_chgnet

    b = benchmark_potential(mp_entries, load_chgnet(), max_atoms=4, progress=False)
    n = sum(len(e.structure) <= 4 for e in mp_entries)
    assert len(b.table) == n and b.n_skipped == len(mp_entries) - n
    assert b.table[K.E_MLIP].notna().sum() >= n - 2
    assert 0.005 < b.energy_mae < 0.1
    assert 0.005 < b.e_hull_mae < 0.1
    assert b.spearman > 0.5
    assert b.potential == "CHGNet 0.3.0 (MLIP, MP2020-compatible)"
    # elemental references lie on both hulls
    t = b.table[b.table[K.FORMULA].isin(["Li", "Co", "Ni"])]
    assert t[K.E_FORM_MLIP].min() == pytest.approx(0.0, abs=1e-9)


def test_the_number_of_entries_is_bounded(hand_entries, fake, monkeypatch):
    from ssenb.mlip import benchmark

    monkeypatch.setattr(benchmark, "MAX_ENTRIES", 3)
    with pytest.raises(InvalidInputError, match="4 entries to compute; at most 3 per benchmark"):
        benchmark_potential(hand_entries, fake(MLIP, convention="raw"), progress=False)
