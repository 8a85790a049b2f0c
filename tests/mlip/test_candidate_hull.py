"""The one-potential hull candidates are placed on: hand-made Li-O energies, E_hull by hand."""

from __future__ import annotations

import math

import pytest

from ssenb.errors import IncompatibleSourcesError, InvalidInputError
from ssenb.mlip import PotentialBenchmark, benchmark_potential
from ssenb.mlip.candidate_hull import (
    candidate_entry,
    competing_phases,
    e_above_mlip_hull,
    energy_scale,
    stable_phases,
)

# eV/atom. With these energies Li2O2 sits 0.425 eV/atom above the Li2O-O2 tie line (formation
# -1.0 against -1.9 * (1 - 1/2) / (1 - 1/3) = -1.425 at x_O = 1/2).
DFT = {"Li": -1.9, "O2": -4.9, "Li2O": -4.8, "Li2O2": -4.4}
IDS = {"Li": "mp-1018134-GGA", "O2": "mp-12957-GGA", "Li2O": "mp-1960-GGA", "Li2O2": "mp-841-GGA"}


@pytest.fixture
def entries(by_id):
    from pymatgen.entries.computed_entries import ComputedStructureEntry

    out = []
    for f, i in IDS.items():
        s = by_id[i].structure
        out.append(ComputedStructureEntry(s, DFT[f] * len(s), entry_id=i))
    return out


@pytest.fixture
def pot(fake):
    return fake(DFT, convention="raw")  # the potential agrees with DFT


@pytest.fixture
def bench(entries, pot):
    return benchmark_potential(entries, pot, progress=False)


def test_competing_entries_are_benchmarked_with_the_same_potential(entries, pot):
    b = competing_phases(entries, pot)
    assert isinstance(b, PotentialBenchmark)
    assert b.potential == "Fake 1.0 (MLIP, raw)"
    assert competing_phases(tuple(entries), pot).e_hull_mae == pytest.approx(0.0, abs=1e-9)


def test_a_benchmark_of_another_potential_or_no_phases_is_refused(bench, fake):
    other = fake(DFT, convention="raw")
    other.name = "Other"
    with pytest.raises(IncompatibleSourcesError, match="one hull takes one potential"):
        competing_phases(bench, other)
    with pytest.raises(InvalidInputError, match="competing=str"):
        competing_phases("mp", other)
    assert competing_phases(bench, fake(DFT, convention="raw")) is bench


def test_only_phases_on_the_mlip_hull_are_kept(bench):
    kept = stable_phases(bench)
    assert sorted(e.composition.reduced_formula for e in kept) == ["Li", "Li2O", "O2"]
    assert {e.data["energy_source"] for e in kept} == {bench.potential}


def test_energy_scale_follows_the_competing_phases(bench, by_id, fake):
    assert energy_scale(bench) == "raw"  # the hand-made DFT entries carry no corrections
    mp = [by_id[i] for i in IDS.values()]  # MP's own entries carry MP2020 corrections
    table = {e.composition.reduced_formula: e.energy_per_atom for e in mp}
    assert energy_scale(benchmark_potential(mp, fake(table), progress=False)) == "MP2020"


def test_e_hull_against_the_mlip_hull_by_hand(bench, by_id):
    li2o2 = by_id[IDS["Li2O2"]].structure
    hull = stable_phases(bench)
    e = e_above_mlip_hull(hull, [li2o2, li2o2, li2o2], [-4.4, -4.9, math.nan], bench.potential)
    assert e[0] == pytest.approx(0.425)
    assert e[1] == pytest.approx(-1.5 + 1.425)  # below the hull: negative, not clipped to 0
    assert math.isnan(e[2])


def test_candidate_entry_carries_the_potential(by_id):
    s = by_id[IDS["Li2O"]].structure
    entry = candidate_entry(s, -4.8, "Fake 1.0 (MLIP, raw)", "none (raw)", "#1")
    assert entry.energy == pytest.approx(-4.8 * len(s))
    assert entry.entry_id == "#1"
    assert entry.parameters["run_type"] == "MLIP"
    assert entry.data == {"energy_source": "Fake 1.0 (MLIP, raw)", "corrections": "none (raw)"}
