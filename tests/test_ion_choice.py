"""The mobile ion is an explicit, validated input: never a silent Li default."""

import pytest

from ssenb.errors import InvalidInputError
from ssenb.report import build_report
from ssenb.summary import summarize
from ssenb.thermo import choose_ion


@pytest.mark.parametrize(
    ("material", "ion", "chosen", "note"),
    [
        ("Li3PS4", None, "Li", "mobile ion Li, the one in Li3PS4"),
        ("Na3PS4", None, "Na", "mobile ion Na, the one in Na3PS4"),
        ("MgSc2Se4", None, "Mg", "mobile ion Mg"),
        ("LiAlCl4", None, "Li", "the first in LiAlCl4 (it also holds Al)"),
        ("SiO2", None, "Li", "holds none of the mobile ions ssenb knows"),
        ("Na3PS4", "Na", "Na", ""),
        ("NaCl", "Li", "Li", 'NaCl holds no Li: no Li to release, so its window vs Li/Li⁺ has no oxidation limit; it holds Na: pass ion="Na"'),
        ("SiO2", "Mg", "Mg", "SiO2 holds no Mg: no Mg to release, so its window vs Mg/Mg²⁺"),
    ],
)  # fmt: skip
def test_the_ion_is_the_given_one_or_the_materials_own_and_said(material, ion, chosen, note):
    got, text = choose_ion(material, ion)
    assert got == chosen
    assert note in text if note else text == ""


def test_a_bad_ion_is_refused():
    with pytest.raises(InvalidInputError, match="ion"):
        choose_ion("NaCl", "Xx")


def test_a_sodium_material_is_summarised_as_a_sodium_conductor():
    s = summarize("NaCl", predict=True, transport=False)
    assert s.ion == "Na" and s.window.ion == "Na"
    assert list(s.interfaces) == ["Na"]  # the anode is Na metal, not Li
    assert not s.prediction.in_domain  # a Li-ion model: flagged outside its domain
    assert "contains no Li" in " ".join(s.prediction.domain_notes)
    assert ("mobile ion", "mobile ion Na, the one in NaCl (pass ion= to choose another)") in (
        s.summary()
    )


def test_the_report_of_nacl_is_about_sodium():
    page = build_report("NaCl", predict=False)
    assert "V vs Na/Na⁺" in page and "mobile ion Na" in page
    assert "V vs Li/Li⁺" not in page
    explicit = build_report("NaCl", ion="Li", predict=False)
    assert "NaCl holds no Li" in explicit  # asked for, and the gap said on the page


def test_cli_report_defaults_to_the_materials_ion(tmp_path):
    from ssenb.cli import main

    out = tmp_path / "nacl.html"
    assert main(["report", "NaCl", "--no-predict", "-o", str(out)]) == 0
    assert "V vs Na/Na⁺" in out.read_text(encoding="utf-8")


def test_a_screen_says_which_materials_hold_no_ion(capsys):
    from ssenb.cli import main
    from ssenb.design import screen_candidates

    notes = screen_candidates(["Li3PS4", "Na3PS4", "NaCl"], progress=False).notes
    assert "2 of 3 materials hold no Li (Na3PS4, NaCl)" in notes[0]
    assert main(["screen", "Li3PS4", "Na3PS4", "--quiet"]) == 0
    assert "note: 1 of 2 materials hold no Li (Na3PS4)" in capsys.readouterr().err
    assert main(["screen", "Li3PS4", "--quiet"]) == 0
    assert "note" not in capsys.readouterr().err
