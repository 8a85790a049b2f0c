"""Widgets driven headlessly: change a control, check the figure data changed."""

import pytest

from ssenb.widgets import Explorer, PhaseDiagramViewer, ShapExplorer, WindowExplorer


def test_window_explorer_updates_on_new_formula():
    ex = WindowExplorer("Li3PO4")
    before = list(ex.figure.data[0].y)
    ex.formula.value = "Li7La3Zr2O12"
    assert list(ex.figure.data[0].y) != before
    assert "0.05" in ex.status.text and "2.91" in ex.status.text


def test_window_slider_shows_phases_and_marker():
    ex = WindowExplorer("Li3PS4")
    ex.voltage.value = 2.0
    assert ex.phases.value.endswith("Li3PS4")
    ex.voltage.value = 0.1
    assert "Li2S" in ex.phases.value
    assert any(s.name == "voltage" and s.x0 == pytest.approx(0.1) for s in ex.figure.layout.shapes)


def test_bad_formula_shows_a_message_not_a_traceback():
    ex = WindowExplorer("Li3PS4")
    ex.formula.value = "Li3Xq"
    assert "⚠" in ex.status.text and "not an element symbol" in ex.status.text


def test_phase_diagram_viewer():
    v = PhaseDiagramViewer("Li-S")
    n = len(v.figure.data)
    v.system.value = "Li-P-S"
    assert len(v.figure.data) != n
    v.system.value = "Li-He"
    assert "⚠" in v.status.text


def test_shap_explorer(fitted, obelix):
    from ssenb.explain import explain

    ex = ShapExplorer(explain(fitted, obelix.head(30)))
    first = list(ex.figure.data[0].y)
    ex.feature.value = ex.feature.options[1]
    assert list(ex.figure.data[0].y) != first


@pytest.fixture(scope="module")
def explorer(fitted):
    return Explorer(model=fitted)


def test_explorer_obelix_pick_fills_every_tab(explorer):
    idx = explorer.obelix.index[explorer.obelix["structure"].notna()][0]
    explorer.pick.value = idx
    assert any(t.type == "scatter3d" for t in explorer.structure_fig.data)
    assert "Predicted log10 σ" in explorer.conductivity.value
    assert len(explorer.waterfall.data) == 1
    assert "energy above hull" in explorer.stability.value
    assert len(explorer.window_fig.data) >= 1 and len(explorer.interface_fig.data) == 2


def test_explorer_formula_and_electrode(explorer):
    explorer.formula.value = "Li6PS5Cl"
    assert "No structure" in explorer.structure_note.value
    before = list(explorer.interface_fig.data[0].y)
    explorer.electrode.value = "Li"
    assert list(explorer.interface_fig.data[0].y) != before
    explorer.voltage.value = 2.0
    assert "Li2S" in explorer.window_phases.value  # Li6PS5Cl's equilibrium at 2 V


def test_explorer_bad_inputs(explorer, mirror):
    explorer.formula.value = "notaformula!!"
    assert "⚠" in explorer.status.text
    explorer.load_cif("this is not a CIF", name="junk.cif")
    assert "junk.cif could not be read" in explorer.status.text


def test_explorer_cif_upload(explorer, mirror):
    import datetime
    import tarfile

    with tarfile.open(mirror / "obelix" / "train_cifs.tar.gz") as tf:
        text = tf.extractfile("train_randomized_cifs/jqc.cif").read()
    explorer.upload.value = (
        {
            "name": "jqc.cif",
            "type": "",
            "size": len(text),
            "content": memoryview(text),
            "last_modified": datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc),
        },
    )
    assert "jqc.cif" in explorer.status.text
    assert any(t.type == "scatter3d" for t in explorer.structure_fig.data)
