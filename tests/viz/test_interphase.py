import pytest

from ssenb.errors import InvalidInputError
from ssenb.thermo import coating_screen, interphase
from ssenb.viz import coating_map, interphase_bands, interphase_table


@pytest.fixture(scope="module")
def lps():
    return interphase("Li3PS4", "Li", band_gaps={"Li2S": 3.39, "Li3P": 0.70})


def test_bands_stack_each_voltages_products_to_one(lps):
    fig = interphase_bands(lps)
    top = [t for t in fig.data if t.xaxis == "x"]
    assert sorted(t.name for t in top) == ["Li2S", "Li3P"]
    assert sum(float(t.y[0]) for t in top) == pytest.approx(1.0)
    assert fig.layout.barmode == "stack"
    # one colour per phase in both panels, one legend entry
    colors = {t.name: t.marker.color for t in fig.data}
    assert len(set(colors.values())) == len(colors)
    assert sum(t.showlegend for t in fig.data) == len(colors)
    with pytest.raises(InvalidInputError, match="leave fig=None"):
        interphase_bands(lps, fig=fig)


def test_table_carries_labels_and_verdict(lps):
    fig = interphase_table(lps)
    cells = fig.data[0].cells.values
    assert list(cells[3]) == ["insulator", "semiconductor"]
    # phases subscripted as in every other label (the report and the Explorer showed "Li2S")
    assert list(cells[0]) == ["Li<sub>2</sub>S", "Li<sub>3</sub>P"]
    assert "passivating" in fig.layout.title.text
    with pytest.raises(InvalidInputError, match="expected an Interphase"):
        interphase_table("Li3PS4")


def test_coating_map_marks_passing_rows():
    s = coating_screen(
        "LiCoO2", "Li6PS5Cl", candidates=["Li3PO4", "LiNbO3"], band_gaps={"Li3PO4": 5.8},
        progress=False,
    )  # fmt: skip
    fig = coating_map(s, color="band_gap_pbe_eV")
    trace = fig.data[0]
    assert list(trace.text) == ["Li3PO4", "LiNbO3"]
    assert list(trace.marker.symbol) == ["diamond", "circle"]
    with pytest.raises(InvalidInputError, match="color='gap'"):
        coating_map(s, color="gap")
