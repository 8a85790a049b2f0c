"""The multi-property table of Li compounds: real rows, sources, intervals, the data card."""

import pytest

from ssenb.cli import main
from ssenb.errors import SsenbWarning
from ssenb.li_table import li_property_table, li_table_card


@pytest.fixture(scope="module")
def lips(small_models, tiny_property_models):
    return li_property_table(
        within="Li-P-S", models=small_models, property_models=tiny_property_models
    )


def test_every_value_has_a_source(lips):
    t = lips.set_index("reduced_formula")
    assert t.loc["Li3PS4", "band_gap_source"] == "experiment"
    assert t.loc["Li3PS4", "band_gap_eV"] == 3.68  # matbench_expt_gap row
    assert t.loc["Li3PS4", "moduli_source"] == "MP data (DFT elastic tensor)"
    assert t.loc["Li3PS4", "G_VRH_GPa"] == pytest.approx(10**1.0413926851582251)
    assert t.loc["Li3PS4", "e_above_hull_eV_atom"] == 0.0
    # Li7PS6 has a PBE gap but no elastic tensor: the model fills G and K, and says so
    assert t.loc["Li7PS6", "moduli_source"] == "model (composition)"
    assert t.loc["Li7PS6", "log10_G_VRH_std"] >= 0
    assert set(lips["sigma_source"]) == {"model (OBELiX composition, XGBoost ensemble)"}


def test_sigma_interval_is_the_models_calibrated_two_sigma_interval(lips, small_models):
    # the same rule as a single prediction (predict_conductivity): the calibrated 2σ interval
    names = lips["reduced_formula"].tolist()
    with pytest.warns(SsenbWarning, match="outside"):  # the table has it in its in_domain column
        low, high = small_models["composition"].predict_interval(names, 0.9545)
    assert lips["log10_sigma_low"].to_numpy() == pytest.approx(low)
    assert lips["log10_sigma_high"].to_numpy() == pytest.approx(high)
    assert (lips["log10_sigma_low"] < lips["log10_sigma_pred"]).all()


def test_data_card_counts_every_compound(lips):
    card = li_table_card(lips)
    for _prop, part in card.groupby("property"):
        assert part["n_compounds"].sum() == len(lips)
    gap = card[card["property"] == "band gap"].set_index("source")["n_compounds"]
    assert gap["experiment"] >= 1


def test_cli_writes_the_table_and_never_overwrites(tmp_path, capsys):
    out = tmp_path / "li.csv"
    args = ["table", "--all-li", "--chemsys", "Li-P", "--no-predict", "-q", "-o", str(out)]
    assert main(args) == 0
    assert "band_gap_source" in out.read_text().splitlines()[0]
    assert "values by source" in capsys.readouterr().out
    assert main(args) == 2
    assert "already exists" in capsys.readouterr().err
