"""SevenNet behind the Potential protocol: raw-PBE convention, corrections applied once."""

from __future__ import annotations

import pytest

from ssenb.errors import UnknownNameError
from ssenb.mlip.entries import mlip_entry
from ssenb.mlip.potential import Potential
from ssenb.mlip.sevennet import POTENTIAL_NAMES, load_potential


@pytest.fixture(scope="session")
def sevennet():
    from ssenb.mlip import load_sevennet

    return load_sevennet("7net-0")


def test_unknown_names_list_the_shipped_ones():
    with pytest.raises(UnknownNameError, match="7net-0"):
        load_potential("mace")
    from ssenb.mlip.sevennet import SevenNetPotential

    with pytest.raises(UnknownNameError, match="7net-l3i5"):
        SevenNetPotential("7net-9")
    assert "7net-0" in POTENTIAL_NAMES


def test_sevennet_raw_energy_plus_mp2020_once_matches_dft(by_id, sevennet):
    # LiCoO2 (mp-22526, MP2020-corrected, 4 atoms): MP's correction is -3.012 eV per cell
    lco = by_id["mp-22526-GGA+U"]
    assert isinstance(sevennet, Potential) and sevennet.energy_convention == "raw"
    calc = sevennet.calculate(lco.structure)
    n = len(lco.structure)
    # raw SevenNet lies near MP's *uncorrected* energy (measured: -5.60 vs -5.73 eV/atom) and
    # far from the corrected one (-6.48): the correction (0.75 eV/atom) is not inside it
    e = calc.energy_eV / n
    assert abs(e - lco.uncorrected_energy / n) < 0.2 < 0.5 < abs(e - lco.energy_per_atom)
    entry = mlip_entry(lco.structure, calc.energy_eV, sevennet, parameters=lco.parameters)
    assert entry.correction == pytest.approx(lco.correction, abs=1e-6)  # applied once
    assert entry.energy_per_atom == pytest.approx(lco.energy_per_atom, abs=0.2)
    assert "SevenNet" in entry.data["energy_source"] and "raw" in entry.data["energy_source"]
    assert calc.forces_eV_A.shape == (n, 3) and calc.stress_GPa.shape == (3, 3)
