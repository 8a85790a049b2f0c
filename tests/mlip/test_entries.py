"""MP2020 corrections applied exactly once to MLIP energies, never mixed with DFT."""

from __future__ import annotations

import math

import pytest

from ssenb.errors import IncompatibleSourcesError, InvalidInputError
from ssenb.mlip.entries import correction_scheme_of, is_mlip_entry, mlip_entry, mlip_source


def test_corrected_potential_energy_is_taken_as_is(by_id, fake):
    lco = by_id["mp-22526-GGA+U"]
    pot = fake({}, convention="MP2020-corrected")
    e = mlip_entry(lco.structure, -25.0, pot, parameters=lco.parameters)
    assert e.energy == pytest.approx(-25.0)
    assert e.correction == 0.0
    assert e.data["energy_source"] == "Fake 1.0 (MLIP, MP2020-compatible)"


def test_raw_potential_gets_the_same_mp2020_correction_as_the_dft_entry(by_id, fake):
    # MP's own corrected entry of LiCoO2 carries -3.012 eV (2 x -0.687 oxide, -1.638 Co U)
    lco = by_id["mp-22526-GGA+U"]
    assert lco.correction == pytest.approx(2 * -0.687 - 1.638)
    pot = fake({}, convention="raw")
    raw = lco.uncorrected_energy
    e = mlip_entry(lco.structure, raw, pot, parameters=lco.parameters)
    assert e.energy == pytest.approx(lco.energy, abs=1e-6)
    # without DFT parameters the Materials Project's U values give the same correction
    e2 = mlip_entry(lco.structure, raw, pot)
    assert e2.energy == pytest.approx(lco.energy, abs=1e-6)


def test_a_second_correction_pass_is_refused_not_applied(by_id, fake):
    from pymatgen.entries.compatibility import MaterialsProject2020Compatibility

    lco = by_id["mp-22526-GGA+U"]
    e = mlip_entry(lco.structure, lco.uncorrected_energy, fake({}, convention="raw"))
    assert is_mlip_entry(e)
    again = MaterialsProject2020Compatibility(check_potcar=False).process_entries([e])
    assert again == []  # excluded, so never corrected twice


def test_corrected_potential_against_raw_dft_is_refused(by_id, fake):
    lco = by_id["mp-22526-GGA+U"]
    with pytest.raises(IncompatibleSourcesError, match="correct the DFT entries"):
        mlip_entry(lco.structure, -25.0, fake({}), scheme="raw")


def test_non_finite_energy_is_refused(by_id, fake):
    with pytest.raises(InvalidInputError, match="not a finite energy"):
        mlip_entry(by_id["mp-22526-GGA+U"].structure, math.nan, fake({}))


def test_scheme_of_dft_entries(mp_entries):
    assert correction_scheme_of(mp_entries) == "MP2020"
    assert correction_scheme_of([e for e in mp_entries if e.correction == 0][:3]) == "raw"


def test_mlip_source_refuses_dft_entries_and_other_potentials(by_id, fake):
    lco = by_id["mp-22526-GGA+U"]
    a = mlip_entry(lco.structure, -25.0, fake({}))
    with pytest.raises(IncompatibleSourcesError, match="never mixed"):
        mlip_source([a, by_id["mp-23-GGA"]], "Fake 1.0 (MLIP, MP2020-compatible)")
    other = fake({})
    other.name = "Other"
    b = mlip_entry(lco.structure, -25.0, other)
    with pytest.raises(IncompatibleSourcesError, match="one potential only"):
        mlip_source([a, b], "Fake 1.0 (MLIP, MP2020-compatible)")
