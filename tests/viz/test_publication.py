import plotly.graph_objects as go
import pytest

from ssenb.errors import InvalidInputError
from ssenb.viz.publication import formula_html, mm_to_px, pt_to_px, publication_style


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Li7P3S11", "Li<sub>7</sub>P<sub>3</sub>S<sub>11</sub>"),
        ("Li10GeP2S12", "Li<sub>10</sub>GeP<sub>2</sub>S<sub>12</sub>"),
        ("LiTi2(PO4)3", "LiTi<sub>2</sub>(PO<sub>4</sub>)<sub>3</sub>"),
        ("Li0.33La0.56TiO3", "Li<sub>0.33</sub>La<sub>0.56</sub>TiO<sub>3</sub>"),
        ("Li3PS4 + Li4GeS4", "Li<sub>3</sub>PS<sub>4</sub> + Li<sub>4</sub>GeS<sub>4</sub>"),
        ("LiF", "LiF"),
        ("NMC111", "NMC111"),  # M is not an element: a name, not a formula
        ("LNMO", "LNMO"),
        ("a <b>", "a &lt;b&gt;"),  # everything else is escaped
        # ions: a charge with a digit, and a single one (was left as "Br-", "Li+")
        ("Si4+ on P5+, O2-", "Si<sup>4+</sup> on P<sup>5+</sup>, O<sup>2-</sup>"),
        ("Br- on S", "Br<sup>-</sup> on S"),
        ("V vs Li/Li+", "V vs Li/Li<sup>+</sup>"),
        ("(H-) has none.", "(H<sup>-</sup>) has none."),
        ("Ti3+-rich", "Ti<sup>3+</sup>-rich"),
        # a sign before a letter, digit or bracket is no charge: a range, bond, alloy, SMILES
        ("Li6+xPS5Cl", "Li<sub>6</sub>+xPS5Cl"),  # was Li<sup>6+</sup>xPS5Cl
        ("Li2S-P2S5", "Li<sub>2</sub>S-P<sub>2</sub>S<sub>5</sub>"),
        ("S2-P2S5", "S<sub>2</sub>-P<sub>2</sub>S<sub>5</sub>"),  # was S<sup>2-</sup>P<sub>2</sub>…
        ("Li-In | S-S", "Li-In | S-S"),
        ("Li + O2 -> Li2O", "Li + O<sub>2</sub> -&gt; Li<sub>2</sub>O"),
        ("[Li+].[I-]", "[Li+].[I-]"),
        ("Xx- A+", "Xx- A+"),  # not elements
    ],
)
def test_formula_html(text, expected):
    assert formula_html(text) == expected


def test_print_units():
    assert mm_to_px(25.4) == pytest.approx(96.0)  # one inch is 96 CSS px
    assert pt_to_px(72) == pytest.approx(96.0)  # one inch is 72 pt
    assert pt_to_px(8) == pytest.approx(10.6667, abs=1e-3)


def test_publication_style_sizes_fonts_and_drops_the_title():
    fig = go.Figure(go.Bar(x=["a"], y=[1]), layout={"title": "A title", "width": 900})
    fig.add_annotation(x="a", y=1, text="note", font={"size": 20})
    out = publication_style(fig, column="single", font_pt=8)
    assert out.layout.width == round(85 / 25.4 * 96)  # 321 px
    assert out.layout.height == round(85 * 0.75 / 25.4 * 96)
    assert out.layout.font.size == pytest.approx(8 / 72 * 96)
    assert out.layout.annotations[0].font.size == pytest.approx(7 / 72 * 96)
    assert not out.layout.title.text
    assert fig.layout.title.text == "A title" and fig.layout.width == 900  # input untouched
    double = publication_style(fig, column="double", keep_title=True)
    assert double.layout.width == round(180 / 25.4 * 96) and double.layout.title.text == "A title"


def test_publication_style_bad_input():
    with pytest.raises(InvalidInputError, match="not a column width"):
        publication_style(go.Figure(), column="triple")
    with pytest.raises(InvalidInputError, match="printable width"):
        publication_style(go.Figure(), column=1000.0)
    with pytest.raises(InvalidInputError, match="journals ask for 7–9 pt"):
        publication_style(go.Figure(), font_pt=3)
