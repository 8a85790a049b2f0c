"""The potential protocol, CHGNet itself, and the missing-extra message."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from ssenb.errors import InvalidInputError, MissingExtraError, SsenbError, UnsupportedMaterialError
from ssenb.mlip.potential import check_potential, label


def test_import_is_light_and_never_imports_torch(fresh_python):
    code = "import sys, ssenb, ssenb.mlip, ssenb.thermo; print(sorted(m for m in ('torch', 'chgnet', 'ase') if m in sys.modules))"
    assert fresh_python(code).strip() == "[]"


def test_missing_extra_gives_the_install_commands(monkeypatch):
    from ssenb.mlip.potential import CHGNetPotential

    monkeypatch.setitem(sys.modules, "chgnet", None)  # import chgnet -> ImportError
    with pytest.raises(MissingExtraError, match=r"torch==2\.13\.0") as info:
        CHGNetPotential()
    assert 'uv pip install -e ".[mlip]"' in str(info.value)
    assert 'pip install "ssenb[mlip]"' in str(info.value)  # the extra, by name
    assert isinstance(info.value, ImportError) and isinstance(info.value, SsenbError)


def test_missing_extra_error_has_one_home_and_the_old_paths_still_work():
    import ssenb.mlip
    import ssenb.mlip._extra

    assert ssenb.mlip.MissingExtraError is MissingExtraError
    assert ssenb.mlip._extra.MissingExtraError is MissingExtraError
    assert MissingExtraError.__module__ == "ssenb.errors"


def test_not_a_potential_is_refused():
    with pytest.raises(InvalidInputError, match=r"does not follow ssenb\.mlip\.Potential"):
        check_potential(object())


def test_unknown_energy_convention_is_refused(fake):
    with pytest.raises(InvalidInputError, match=r"energy_convention='PBE'"):
        check_potential(fake({}, convention="PBE"))


def test_label_names_potential_version_and_convention(fake):
    assert label(fake({})) == "Fake 1.0 (MLIP, MP2020-compatible)"
    assert label(fake({}, convention="raw")) == "Fake 1.0 (MLIP, raw)"


# --- the real CHGNet (its weights ship in the wheel; CPU) -------------------------------------


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


def test_chgnet_refuses_unknown_elements(chgnet):
    from pymatgen.core import Lattice, Structure

    s = Structure(Lattice.cubic(4.0), ["Am", "O"], [[0, 0, 0], [0.5, 0.5, 0.5]])
    with pytest.raises(UnsupportedMaterialError, match="Z ≤ 94"):
        chgnet.calculate(s)
