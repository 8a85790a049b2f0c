from ssenb.report import _interphase_section
from ssenb.results import formula_html


def test_report_has_the_li_metal_interphase_section():
    ((title, fig, text),) = _interphase_section("Li3PS4", "Li", None)
    assert title == "Interphase with Li metal"
    assert "passivating" in text and formula_html("Li3PS4 + 8 Li -> 4 Li2S + Li3P") in text
    assert list(fig.data[0].cells.values[0]) == [formula_html("Li2S"), formula_html("Li3P")]


def test_report_leaves_out_an_interphase_it_cannot_compute():
    assert _interphase_section("Li", "Li", None) == []  # the ion metal has no window
