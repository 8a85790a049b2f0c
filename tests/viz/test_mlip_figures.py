"""MLIP figures carry the numbers of their result (hand-made energies, no torch)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from ssenb.mlip import benchmark_potential, substitute
from ssenb.mlip.potential import Calculation
from ssenb.viz.mlip import benchmark_hull_parity, benchmark_parity, doping_bars

# hand-made Li-O (eV/atom): the MLIP puts Li2O2 0.5 eV/atom lower, onto its hull
DFT = {"Li": -1.9, "O2": -4.9, "Li2O": -4.8, "Li2O2": -4.4}
MLIP = {**DFT, "Li2O2": -4.9}
IDS = ("mp-1018134-GGA", "mp-12957-GGA", "mp-1960-GGA", "mp-841-GGA")


class Fake:
    name, version, energy_convention = "Fake", "1.0", "raw"

    def __init__(self, table, fallback=None):
        self.table, self.fallback = table, fallback

    def calculate(self, s):
        f = s.composition.reduced_formula
        e = self.table[f] if f in self.table else self.fallback(s.composition)
        return Calculation(e * len(s), np.zeros((len(s), 3)), np.zeros((3, 3)))


@pytest.fixture(scope="module")
def by_id(mirror):
    from ssenb.data import load_mp2020_entries

    return {e.entry_id: e for e in load_mp2020_entries()}


@pytest.fixture(scope="module")
def bench(by_id):
    from pymatgen.entries.computed_entries import ComputedStructureEntry

    entries = [
        ComputedStructureEntry(s, DFT[s.composition.reduced_formula] * len(s), entry_id=i)
        for i, s in ((i, by_id[i].structure) for i in IDS)
    ]
    return benchmark_potential(entries, Fake(MLIP), progress=False)


def test_parity_plots_the_formation_energies(bench):
    fig = benchmark_parity(bench, marker_symbol="square")
    assert isinstance(fig, go.Figure)
    pts = fig.data[1]
    assert list(pts.x) == pytest.approx([0, 0, -1.9, -1.0], abs=1e-9)
    assert list(pts.y) == pytest.approx([0, 0, -1.9, -1.5], abs=1e-9)
    assert pts.marker.symbol == "square"  # **kwargs reach the main trace
    assert "0.125 eV/atom" in fig.layout.title.text
    assert fig.layout.xaxis.title.text == "DFT formation energy (eV/atom)"


def test_hull_parity_classes_follow_the_threshold(bench):
    fig = benchmark_hull_parity(bench)
    names = [t.name for t in fig.data[1:]]
    assert names[0].endswith(": 3") and names[1].endswith(": 1")  # both / MLIP only (Li2O2)
    fp = fig.data[2]
    assert list(fp.x) == pytest.approx([0.425]) and list(fp.y) == pytest.approx([0.0], abs=1e-9)
    fig2 = benchmark_hull_parity(bench, e_max=0.2)
    assert "1 points beyond 0.2 eV/atom" in fig2.layout.title.text


def test_doping_bars_show_e_hull_and_error(by_id):
    ids = (
        "mp-1018134-GGA",
        "mp-54-GGA",
        "mp-23-GGA",
        "mp-12957-GGA",
        "mp-22526-GGA+U",
        "mp-2348641-GGA+U",
    )
    entries = [by_id[i] for i in ids]
    table = {e.composition.reduced_formula: e.energy_per_atom for e in entries}

    def mix(c):
        x = c["Ni"] / (c["Ni"] + c["Co"])
        return (1 - x) * table["LiCoO2"] + x * table["LiNiO2"] + 0.02

    pot = Fake(table, mix)
    pot.energy_convention = "MP2020-corrected"
    b = benchmark_potential(entries, pot, progress=False)
    res = substitute(
        by_id["mp-22526-GGA+U"].structure,
        {"Co": {"Ni": 0.5}},
        competing=b,
        potential=pot,
        max_cells=2,
        progress=False,
    )
    fig = doping_bars(res)
    bars = fig.data[0]
    assert list(bars.y) == pytest.approx([0.0, 0.02, 0.02], abs=1e-9)
    assert bars.x[0].startswith("host LiCoO2") and "Li2CoNiO4" in bars.x[1]
    assert "Ni on Co" in fig.layout.title.text
