"""Fake potentials with hand-made energies, and small real structures for ssenb.mlip tests."""

from __future__ import annotations

import numpy as np
import pytest

from ssenb.mlip.potential import Calculation


class FakePotential:
    """Energies from a lookup table: {reduced formula: eV/atom}; a fallback for others.

    Forces and stress are zero (a relaxation converges at once) unless ``force`` is set:
    then every atom of the formulas in ``force_on`` (all if None) feels that constant force
    (eV/Å), so their relaxation never converges.
    """

    name = "Fake"
    version = "1.0"

    def __init__(
        self, table, *, convention="MP2020-corrected", fallback=None, force=0.0, force_on=None
    ):
        self.table = dict(table)
        self.energy_convention = convention
        self.fallback = fallback
        self.force = force
        self.force_on = force_on
        self.calls = 0

    def calculate(self, structure):
        self.calls += 1
        formula = structure.composition.reduced_formula
        if formula in self.table:
            e = self.table[formula]
        elif self.fallback is not None:
            e = self.fallback(structure.composition)
        else:
            raise KeyError(f"fake potential has no energy for {formula}")
        forces = np.zeros((len(structure), 3))
        if self.force_on is None or formula in self.force_on:
            forces[:, 0] = self.force
        return Calculation(float(e) * len(structure), forces, np.zeros((3, 3)))


@pytest.fixture(scope="session")
def mp_entries(mirror):
    from ssenb.data import load_mp2020_entries

    return load_mp2020_entries()


@pytest.fixture(scope="session")
def by_id(mp_entries):
    return {e.entry_id: e for e in mp_entries}


@pytest.fixture
def fake():
    return FakePotential


@pytest.fixture(scope="session")
def chgnet():
    """The real CHGNet 0.3.0 (weights ship in the chgnet wheel; CPU), loaded once."""
    from ssenb.mlip import load_chgnet

    return load_chgnet()
