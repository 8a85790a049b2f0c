"""Fault battery, widgets: no input reaches the user as a traceback.

Every hostile input below goes through the widget's own control, as a user would type
or upload it; the widget must answer in its status line and show nothing stale.
"""

import pytest

from ssenb.widgets import Explorer, PhaseDiagramViewer, WindowExplorer

HOSTILE_FORMULAS = [
    "Li1e400S",  # overflow inside pymatgen
    "Li1e21PS4",  # absurd amount
    "Li0PS4",  # a zero amount silently dropped by pymatgen
    "<script>alert(1)</script>",  # must be escaped, never rendered
    "Li" * 600,  # very long text
    "LiNaKRbCsBaSrCaMgBeAlGaInTlSi",  # 15 elements: a hull too large to build
    "Li3Xq4",  # unknown symbol
    "li3ps4",  # lower case
]


@pytest.mark.parametrize("text", HOSTILE_FORMULAS)
def test_window_explorer_answers_in_its_status_line(text):
    ex = WindowExplorer("Li3PS4")
    ex.formula.value = text
    assert "⚠" in ex.status.text
    assert "<script>" not in ex.status.text
    assert ex.result is None and len(ex.figure.data) == 0


@pytest.mark.parametrize("text", HOSTILE_FORMULAS[:4])
def test_explorer_answers_in_its_status_line(small_models, obelix, text):
    ex = Explorer("Li3PS4", models=small_models, obelix=obelix)
    ex.formula.value = text
    assert "⚠" in ex.status.text and "<script>" not in ex.status.text
    assert ex.summary is None and "Li3PS4" not in ex.stability.value


@pytest.mark.parametrize(
    "cif",
    [
        b"\xff\xfe not utf-8 \x00\x00",
        b"data_x\n" + b"_symmetry_equiv_pos_as_xyz 'x,y,z'\n" * 20_000,
        b"data_x\n_cell_length_a 4\n" + b"#" * 600_000,
    ],
)
def test_explorer_upload_of_hostile_cifs(small_models, obelix, cif):
    ex = Explorer(models=small_models, obelix=obelix)
    ex.load_cif(cif, name="evil.cif")
    assert "⚠" in ex.status.text and "evil.cif" in ex.status.message


@pytest.mark.parametrize("system", ["Li-Xx", "li-p-s", "Li--S", "-".join(["Li"] * 12), ""])
def test_phase_diagram_viewer_answers_in_its_status_line(system):
    v = PhaseDiagramViewer("Li-S")
    v.system.value = system or " "
    assert "⚠" in v.status.text and len(v.figure.data) == 0
