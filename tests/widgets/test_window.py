"""WindowExplorer driven headlessly: change a control, check the figure and traits changed."""

import ipywidgets as w
import pytest

from ssenb.widgets import WindowExplorer


def test_updates_on_new_formula_and_is_a_real_widget():
    ex = WindowExplorer("Li3PO4")
    assert isinstance(ex, w.VBox) and w.VBox([ex]).children[0] is ex
    seen = []
    ex.observe(lambda ch: seen.append(ch["new"]), names="result")
    before = list(ex.figure.data[0].y)
    ex.formula.value = "Li7La3Zr2O12"
    assert list(ex.figure.data[0].y) != before
    assert "0.05" in ex.status.text and "2.91" in ex.status.text
    assert seen[-1].formula == "Li7La3Zr2O12"


def test_changing_the_ion_recomputes_at_once():
    ex = WindowExplorer("Na3PS4", ion="Li")
    li = ex.result
    assert li.ion == "Li"
    assert "Na3PS4 holds no Li" in ex.status.message  # said, never silent
    ex.ion.value = "Na"
    assert ex.result.ion == "Na" and ex.result.oxidation_v != li.oxidation_v
    assert "Na/Na⁺" in ex.status.message and "Na/Na⁺" in ex.voltage.description
    ex.formula.value = "K3PS4"  # the user's choice of ion is kept, and the gap said
    assert ex.result.ion == "Na" and "K3PS4 holds no Na" in ex.status.message


def test_without_an_ion_each_material_gets_its_own_and_says_so():
    ex = WindowExplorer("Na3PS4")
    assert ex.result.ion == "Na" and ex.ion.value == "Na"
    assert "mobile ion Na" in ex.status.message
    ex.formula.value = "CaF2"
    assert ex.result.ion == "Ca" and "Ca/Ca²⁺" in ex.voltage.description


def test_every_ion_ssenb_names_is_offered_and_others_refused():
    from ssenb.errors import InvalidInputError

    ex = WindowExplorer("CaF2", ion="Ca")
    assert ex.result.ion == "Ca"
    assert {"Li", "Na", "K", "Mg", "Ca", "Zn", "Al"} <= set(ex.ion.options)
    with pytest.raises(InvalidInputError, match="ion='Xx'; use one of Li, Na"):
        WindowExplorer("CaF2", ion="Xx")


def test_slider_shows_phases_and_marks_the_voltage():
    ex = WindowExplorer("Li3PS4")
    ex.voltage.value = 2.0
    assert ex.phases.value.endswith("Li3PS4")
    ex.voltage.value = 0.1
    assert "Li2S" in ex.phases.value
    assert any(s.name == "voltage" and s.x0 == pytest.approx(0.1) for s in ex.figure.layout.shapes)


@pytest.mark.parametrize("bad", ["Li3Xq", "Li1e400S", "Li"])
def test_bad_formula_shows_a_message_and_clears_the_figure(bad):
    ex = WindowExplorer("Li3PS4")
    ex.formula.value = bad
    assert "⚠" in ex.status.text
    assert ex.result is None and len(ex.figure.data) == 0


def test_an_empty_window_is_not_shown_as_a_range():
    ex = WindowExplorer("Li4PS4")  # reduced and oxidised at the same 1.72 V
    assert "no window (decomposes at 1.72 V vs Li/Li⁺)" in ex.status.message
    assert "1.72–1.72" not in ex.status.message
