"""PolymerExplorer driven headlessly: change a control, check the figures and traits changed."""

import ipywidgets as w
import pytest

from ssenb.widgets import PolymerExplorer


@pytest.fixture(scope="module")
def explorer(polymer_model, polymer_data):
    return PolymerExplorer("*CCO*", salt="LiTFSI", model=polymer_model, data=polymer_data)


def _curve_y(ex):
    return list(next(t for t in ex.figure.data if t.name and t.name.startswith("predicted")).y)


def test_is_a_widget_with_a_curve_a_drawing_and_neighbours(explorer):
    assert isinstance(explorer, w.VBox)
    assert "<svg" in explorer.drawing.value
    assert "*CCO*" in explorer.nearest.value  # PEO itself is in the data, at distance 0
    assert explorer.result is not None and "log10 σ" in explorer.status.message
    names = [t.name for t in explorer.figure.data]
    assert any(n and n.startswith("measured: *CCO*") for n in names)
    assert len(explorer.shap_figure.data) == 1


def test_changing_the_molality_changes_the_curve(explorer):
    before = _curve_y(explorer)
    explorer.molality.value = 3.0
    assert _curve_y(explorer) != before
    explorer.molality.value = 1.0


def test_changing_the_polymer_redraws_it(explorer):
    svg = explorer.drawing.value
    explorer.polymer.value = "*OC(=O)OCCC*"
    assert explorer.drawing.value != svg and "⚠" not in explorer.status.text
    explorer.polymer.value = "*CCO*"


def test_temperatures_outside_the_data_are_flagged(explorer):
    explorer.temperatures.value = (150.0, 250.0)
    assert "outside the training range" in explorer.notes.value
    explorer.temperatures.value = (-30.0, 190.0)


@pytest.mark.parametrize(
    ("field", "value", "match"),
    [
        ("polymer", "CCO", "chain-end markers"),
        ("polymer", "*CC(O*", "not valid SMILES"),
        ("molality", -1.0, "negative"),
    ],
)
def test_bad_input_shows_a_message_and_clears_the_figure(explorer, field, value, match):
    old = getattr(explorer, field).value
    getattr(explorer, field).value = value
    assert "⚠" in explorer.status.text and match in explorer.status.message
    assert explorer.result is None and len(explorer.figure.data) == 0
    if field == "polymer":
        assert explorer.drawing.value == ""
    getattr(explorer, field).value = old
    assert explorer.result is not None
