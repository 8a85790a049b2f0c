"""Fault battery, silent wrong numbers: a potential is never run on a cell it cannot mean.

CHGNet on two atoms at one position returned ``energy_eV = nan`` with no error (and its
relaxation then failed inside scipy); a NaN coordinate or an atom alone in 30 Å of vacuum
gave numbers without meaning. These are input errors, found by one structure check
(``ssenb.mlip.potential.check_structure``) before any potential runs, at every entry
point: a single point, a batch of energies, a relaxation, entry energies, a substitution.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from pymatgen.core import Lattice, Structure

from ssenb.errors import InvalidInputError, UnsupportedMaterialError
from ssenb.mlip.potential import Calculation


def rocksalt() -> Structure:
    return Structure(Lattice.cubic(4.03), ["Li", "F"], [[0, 0, 0], [0.5, 0.5, 0.5]])


def overlapping() -> Structure:
    s = rocksalt()
    s.append("Li", [0.0, 0.0, 0.0], validate_proximity=False)  # a duplicated site
    return s


def nan_coordinate() -> Structure:
    s = rocksalt()
    s.append("F", [math.nan, 0.5, 0.5])
    return s


def vacuum_cell() -> Structure:
    return Structure(Lattice.cubic(30.0), ["Li", "F"], [[0, 0, 0], [0.5, 0.5, 0.5]])  # 26 Å apart


def stray_atom() -> Structure:
    s = Structure(Lattice.cubic(20.0), ["Li", "F"], [[0, 0, 0], [0.1, 0, 0]])
    s.append("Li", [0.5, 0.5, 0.5])  # 17 Å from the nearest atom
    return s


BAD = {
    "two atoms on one position": (overlapping, r"atoms 0 \(Li\) and 2 \(Li\) are 0\.000 Å apart"),
    "NaN coordinate": (nan_coordinate, r"site 2 \(F\) has a NaN or infinite coordinate"),
    "30 Å vacuum": (vacuum_cell, r"atom 0 \(Li\) has no neighbour within 6\.0 Å \(.* 2 such"),
    "one stray atom": (stray_atom, r"atom 2 \(Li\) has no neighbour within 6\.0 Å"),
}


class RecordingModel:
    """Stands in for CHGNet's model: records calls, returns ``energy`` eV/atom."""

    def __init__(self, energy=-4.0):
        self.calls = 0
        self.energy = energy
        self.graph_converter = type("G", (), {"atom_graph_cutoff": 6.0})()

    def predict_structure(self, structure, task="efs", batch_size=16):
        self.calls += 1
        one = {"e": self.energy, "f": np.zeros((len(structure), 3)), "s": np.zeros((3, 3))}
        return [one] * len(structure) if isinstance(structure, list) else one


def chgnet_with(model):
    """The real CHGNetPotential class around a stand-in model (no torch needed)."""
    from ssenb.mlip import CHGNetPotential

    pot = object.__new__(CHGNetPotential)
    pot.model, pot.version, pot.device, pot._max_z = model, "0.3.0", "cpu", 94
    pot.cutoff_A = model.graph_converter.atom_graph_cutoff
    return pot


class Fake:
    name, version, energy_convention, cutoff_A = "Fake", "1", "MP2020-corrected", 6.0

    def __init__(self):
        self.calls = 0

    def calculate(self, structure):
        self.calls += 1
        return Calculation(-4.0 * len(structure), np.zeros((len(structure), 3)), np.zeros((3, 3)))


@pytest.mark.parametrize(("make", "message"), BAD.values(), ids=list(BAD))
def test_chgnet_single_point_and_batch_refuse_before_the_model_runs(make, message):
    model = RecordingModel()
    pot = chgnet_with(model)
    with pytest.raises(InvalidInputError, match=message):
        pot.calculate(make())
    with pytest.raises(InvalidInputError, match=message):
        pot.energies([rocksalt(), make()])
    assert model.calls == 0
    assert pot.calculate(rocksalt()).energy_eV == pytest.approx(-8.0)  # a good cell runs


@pytest.mark.parametrize(("make", "message"), BAD.values(), ids=list(BAD))
def test_relax_and_entry_energies_refuse_before_the_potential_runs(make, message):
    from pymatgen.entries.computed_entries import ComputedStructureEntry

    from ssenb.mlip import relax
    from ssenb.mlip.entry_energies import mlip_energies

    fake = Fake()
    with pytest.raises(InvalidInputError, match=message):
        relax(make(), fake)
    entry = ComputedStructureEntry(make(), -10.0, entry_id="bad")
    (row,) = mlip_energies(
        [entry], fake, relaxed=False, fmax=0.05, steps=10, errors="record", progress=False
    )
    assert math.isnan(row["energy"]) and re.search(message, row["error"])
    assert fake.calls == 0


def test_substitute_refuses_a_host_with_overlapping_atoms():
    from ssenb.mlip import substitute

    fake = Fake()
    with pytest.raises(InvalidInputError, match=r"0\.000 Å apart"):
        substitute(overlapping(), {"Li": {"Na": 0.5}}, competing=[], potential=fake)
    assert fake.calls == 0


def test_a_nan_energy_from_the_model_is_an_error_not_a_number():
    pot = chgnet_with(RecordingModel(energy=math.nan))
    with pytest.raises(UnsupportedMaterialError, match="gave energy nan eV for LiF"):
        pot.calculate(rocksalt())
    with pytest.raises(UnsupportedMaterialError, match="gave energy nan eV"):
        pot.energies([rocksalt()])
