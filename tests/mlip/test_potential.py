"""The potential protocol, relaxation, CHGNet itself, and the missing-extra message."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest

from ssenb.errors import InvalidInputError, MissingExtraError, UnsupportedMaterialError
from ssenb.mlip import Relaxation, relax


def test_import_is_light_and_never_imports_torch():
    code = "import sys, ssenb, ssenb.mlip, ssenb.thermo; print(sorted(m for m in ('torch', 'chgnet', 'ase') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_missing_extra_gives_the_install_commands(monkeypatch):
    from ssenb.mlip.potential import CHGNetPotential

    monkeypatch.setitem(sys.modules, "chgnet", None)  # import chgnet -> ImportError
    with pytest.raises(MissingExtraError, match=r"torch==2\.13\.0") as info:
        CHGNetPotential()
    assert 'uv pip install -e ".[mlip]"' in str(info.value)
    assert isinstance(info.value, ImportError)


def test_not_a_potential_is_refused(by_id):
    with pytest.raises(InvalidInputError, match=r"does not follow ssenb\.mlip\.Potential"):
        relax(by_id["mp-1960-GGA"].structure, object())


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


# --- the real CHGNet (its weights ship in the wheel; CPU) -------------------------------------


@pytest.fixture(scope="module")
def chgnet():
    from ssenb.mlip import load_chgnet

    return load_chgnet()


def test_chgnet_single_point_symmetry_and_stress_sign(by_id, chgnet):
    s = by_id["mp-1960-GGA"].structure  # Li2O, antifluorite, DFT-relaxed
    calc = chgnet.calculate(s)
    assert calc.forces_eV_A.shape == (3, 3)
    assert np.abs(calc.forces_eV_A).max() < 1e-3  # every site is a centre of symmetry here
    # MP2020-corrected DFT: -4.9835 eV/atom; CHGNet's MPtrj error is tens of meV/atom
    assert calc.energy_eV / 3 == pytest.approx(by_id["mp-1960-GGA"].energy_per_atom, abs=0.1)
    squeezed = s.copy()
    squeezed.scale_lattice(s.volume * 0.9)
    stress = chgnet.calculate(squeezed).stress_GPa
    assert np.all(np.diag(stress) < -1.0)  # compressed: negative in ASE's convention


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


def test_chgnet_refuses_unknown_elements(chgnet):
    from pymatgen.core import Lattice, Structure

    s = Structure(Lattice.cubic(4.0), ["Am", "O"], [[0, 0, 0], [0.5, 0.5, 0.5]])
    with pytest.raises(UnsupportedMaterialError, match="Z ≤ 94"):
        chgnet.calculate(s)
