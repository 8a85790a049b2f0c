"""The band-gap/moduli panel: a new formula changes what is shown; bad input goes to the status."""

from ssenb.widgets import PropertiesPanel


def test_typing_a_formula_changes_the_panel():
    panel = PropertiesPanel("LiF", predict=False)
    assert panel.properties.band_gap_eV == 11.7 and "experiment" in panel.table.value
    panel.formula.value = "Li3PS4"
    assert panel.properties.formula == "Li3PS4"
    assert "G / G_Li" in panel.table.value
    assert panel.message.startswith("Li3PS4: uncertain")  # G/G_Li 2.6, 2σ range touches 2


def test_bad_formula_is_a_status_line_not_an_exception():
    panel = PropertiesPanel(predict=False)
    panel.formula.value = "Li3Xq"
    assert panel.properties is None and panel.table.value == ""
    assert "not an element symbol" in panel.message
