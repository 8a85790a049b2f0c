"""Every voltage axis is labelled from the data's ion by the one function (keys.label)."""

import pytest

from ssenb import keys as K
from ssenb.design import screen_candidates
from ssenb.errors import InvalidInputError
from ssenb.thermo import screen, stability_window
from ssenb.viz import window_bars, window_profile
from ssenb.viz.screening import candidates_window_bars

REFERENCE = {"Li": "Li/Li⁺", "Na": "Na/Na⁺", "Mg": "Mg/Mg²⁺", "Ca": "Ca/Ca²⁺", "Zn": "Zn/Zn²⁺",
             "Al": "Al/Al³⁺"}  # fmt: skip
MATERIAL = {
    "Li": "Li3PS4",
    "Na": "NaCl",
    "Mg": "MgSc2Se4",
    "Ca": "CaF2",
    "Zn": "ZnCl2",
    "Al": "AlF3",
}


@pytest.mark.parametrize("ion", list(REFERENCE))
def test_voltage_axes_name_the_ion_with_its_charge(ion):
    expected = f"voltage (V vs {REFERENCE[ion]})"
    assert K.label(K.VOLTAGE, ion=ion) == expected
    w = stability_window(MATERIAL[ion], ion=ion)
    assert window_profile(w).layout.xaxis.title.text == expected
    assert window_bars([w]).layout.yaxis.title.text == expected
    table = screen([MATERIAL[ion]], ion=ion, progress=False)
    assert window_bars(table).layout.yaxis.title.text == expected
    cands = screen_candidates([MATERIAL[ion]], ion=ion, progress=False)
    assert candidates_window_bars(cands).layout.yaxis.title.text == expected


def test_windows_of_two_ions_share_no_axis():
    with pytest.raises(InvalidInputError, match="different ions"):
        window_bars([stability_window("MgS", ion="Mg"), stability_window("LiF")])
