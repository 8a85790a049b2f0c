"""relax(): convergence reported honestly, limits, the ASE adapter's units, and the real CHGNet."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ssenb.errors import InvalidInputError
from ssenb.mlip import Relaxation, relax
from ssenb.mlip.potential import Calculation
from ssenb.mlip.relaxation import MAX_STEPS, _adapter

# 1 eV/Å³ = e · 1e30 / 1e9 GPa = 160.2176634 GPa (CODATA 2018 elementary charge)
GPA_PER_EV_A3 = 160.2176634


def test_generic_relaxation_reports_non_convergence(by_id, fake):
    s = by_id["mp-1960-GGA"].structure
    r = relax(s, fake({"Li2O": -4.8}, force=1.0), steps=4)
    assert not r.converged and r.n_steps == 4
    assert math.isnan(r.energy_eV) and math.isnan(r.energy_per_atom)
    assert r.last_energy_eV == pytest.approx(-4.8 * 3)
    assert r.max_force_eV_A == pytest.approx(1.0)
    assert "NO (after 4 steps)" in r._repr_html_()
    ok = relax(s, fake({"Li2O": -4.8}))
    assert ok.converged and ok.energy_per_atom == pytest.approx(-4.8)


def test_a_cancel_from_another_thread_stops_at_the_next_ionic_step(by_id, fake):
    """Cancel used to only stop waiting: the relaxation ran on to its last step, unused."""
    import threading

    from ssenb.errors import CancelledError

    s = by_id["mp-1960-GGA"].structure
    cancel, fifth = threading.Event(), threading.Event()

    class Pushed(fake):  # a constant force: FIRE would run all MAX_STEPS steps
        def calculate(self, structure):
            if self.calls == 4:
                fifth.set()
                cancel.wait(10)  # the next step waits until the other thread has cancelled
            return super().calculate(structure)

    pot = Pushed({"Li2O": -4.8}, force=1.0)
    helper = threading.Thread(target=lambda: fifth.wait(10) and cancel.set())
    helper.start()
    with pytest.raises(CancelledError, match="cancelled after 4 ionic steps of relaxing Li2O") as e:
        relax(s, pot, steps=MAX_STEPS, cancel=cancel)
    helper.join(10)
    # one force call per step (ASE caches them): the initial one and 4 steps, then the check
    assert e.value.n_steps == 4 and pot.calls == 5
    # set before it starts: stopped after the first force call, no step taken
    pot2 = fake({"Li2O": -4.8}, force=1.0)
    with pytest.raises(CancelledError, match="after 0 ionic steps") as e:
        relax(s, pot2, cancel=cancel)
    assert e.value.n_steps == 0 and pot2.calls == 1
    # an event never set changes nothing
    assert relax(s, fake({"Li2O": -4.8}), cancel=threading.Event()).converged


def test_relaxation_limits(by_id, fake):
    s = by_id["mp-1960-GGA"].structure
    with pytest.raises(InvalidInputError, match="steps=0"):
        relax(s, fake({}), steps=0)
    with pytest.raises(InvalidInputError, match="fmax=-1"):
        relax(s, fake({}), fmax=-1)
    with pytest.raises(InvalidInputError, match="at most 200 sites"):
        relax(s * (6, 6, 6), fake({}))
    with pytest.raises(InvalidInputError, match="pymatgen Structure"):
        relax("Li2O", fake({}))


def test_more_steps_than_the_limit_are_refused(by_id, fake):
    s = by_id["mp-1960-GGA"].structure
    with pytest.raises(InvalidInputError, match=f"integer in 1..{MAX_STEPS}"):
        relax(s, fake({"Li2O": -4.8}), steps=MAX_STEPS + 1)


class StressedPotential:
    """A constant, non-symmetric-looking stress tensor (GPa) and energy (eV), zero forces."""

    name, version, energy_convention = "Stressed", "1.0", "raw"
    stress = np.array([[1.0, 0.4, 0.5], [0.4, 2.0, 0.6], [0.5, 0.6, 3.0]])

    def calculate(self, structure):
        return Calculation(-7.5, np.zeros((len(structure), 3)), self.stress)


def test_ase_adapter_converts_gpa_to_ev_per_a3_in_voigt_order(by_id):
    from pymatgen.io.ase import AseAtomsAdaptor

    atoms = AseAtomsAdaptor.get_atoms(by_id["mp-1960-GGA"].structure)
    atoms.calc = _adapter(StressedPotential())
    assert atoms.get_potential_energy() == pytest.approx(-7.5)
    # ASE's Voigt order: xx, yy, zz, yz, xz, xy
    expected = np.array([1.0, 2.0, 3.0, 0.6, 0.5, 0.4]) / GPA_PER_EV_A3
    assert atoms.get_stress() == pytest.approx(expected, rel=1e-6)
    assert np.all(atoms.get_forces() == 0.0)


# --- the real CHGNet (its weights ship in the wheel; CPU) -------------------------------------


def test_chgnet_relaxes_a_strained_cell_back(by_id, chgnet):
    dft = by_id["mp-1960-GGA"].structure
    strained = dft.copy()
    strained.scale_lattice(dft.volume * 1.08)
    strained.perturb(0.05, seed=0)
    r = relax(strained, chgnet, fmax=0.05, steps=200)
    assert isinstance(r, Relaxation)
    assert r.converged and r.n_steps < 200
    assert r.max_force_eV_A <= 0.05
    assert r.structure.volume == pytest.approx(dft.volume, rel=0.04)  # back to the DFT volume
    assert r.energy_per_atom < chgnet.calculate(strained).energy_eV / 3  # relaxing lowers it
    assert "CHGNet" in r.potential
