"""The Explorer driven headlessly; each test builds its own widget (no shared state)."""

import datetime
import tarfile

import ipywidgets as w
import pytest

from ssenb.results import formula_html
from ssenb.widgets import Explorer


@pytest.fixture
def explorer(small_models, obelix):
    return Explorer(models=small_models, obelix=obelix)


def _row_with_cif(obelix, formula=None):
    from ssenb.data import display_formula

    mask = obelix["structure"].notna()
    if formula:
        mask &= obelix["reduced_composition"].map(display_formula) == formula
    return obelix.index[mask][0]


def test_is_a_widget_with_observable_traits(explorer):
    box = w.VBox([explorer])
    assert box.children[0] is explorer
    seen = []
    explorer.observe(lambda ch: seen.append(ch["new"]), names="summary")
    explorer.formula.value = "Li3PS4"
    assert seen[-1].formula == "Li3PS4"


def test_first_view_says_what_to_do(small_models, obelix):
    ex = Explorer(models=small_models, obelix=obelix)
    assert "Pick an OBELiX material" in ex.stability.value
    ready = Explorer("Li7La3Zr2O12", models=small_models, obelix=obelix)
    assert formula_html("Li7La3Zr2O12") in ready.stability.value  # subscripted


def test_picker_is_sorted_and_readable(explorer):
    labels = [label for label, _ in explorer.pick.options[1:]]
    assert labels == sorted(labels, key=str.lower)
    assert all(label[0].isupper() for label in labels)  # formulas first, ids last


def test_default_picker_reads_no_cif(small_models, obelix):
    """Without a table the picker lists the same entries, no CIF parsed until a pick."""
    light = Explorer(models=small_models, predict=False)
    assert light._obelix is None
    full = Explorer(models=small_models, obelix=obelix, predict=False)
    assert light.pick.options == full.pick.options


def test_waterfall_is_drawn_at_once_when_its_tab_is_open(explorer):
    explorer.tabs.selected_index = 1  # Conductivity
    explorer.formula.value = "Li3PS4"
    assert len(explorer.waterfall.data) == 1
    assert explorer.status.message.endswith("done")


def test_obelix_pick_fills_every_tab(explorer, obelix):
    explorer.pick.value = _row_with_cif(obelix)
    assert any(t.type == "scatter3d" for t in explorer.structure_fig.data)
    assert "composition+structure" in explorer.conductivity.value  # the model that answered
    assert len(explorer.waterfall.data) == 0  # drawn when its tab opens, not before
    explorer.tabs.selected_index = 1  # Conductivity
    assert len(explorer.waterfall.data) == 1
    assert "energy above hull" in explorer.stability.value
    assert explorer.window.result is not None
    assert len(explorer.interface_fig.data) >= 1
    assert "barrier" in explorer.transport_note.value.lower()  # BVSE pathway of the structure
    assert len(explorer.transport_fig.data) >= 2


def test_formula_uses_a_composition_model_and_flags_the_domain(explorer):
    explorer.formula.value = "Na3PS4"
    assert "composition model" in explorer.conductivity.value
    assert "contains no Li" in explorer.conductivity.value
    assert "A formula has no structure" in explorer.structure_note.value
    assert len(explorer.structure_fig.data) == 0
    assert "need a structure" in explorer.transport_note.value
    assert len(explorer.transport_fig.data) == 0


def test_electrode_and_window_follow_the_material(explorer):
    explorer.formula.value = "Li6PS5Cl"
    before = list(explorer.interface_fig.data[0].y)
    explorer.electrode.value = "Li"
    assert list(explorer.interface_fig.data[0].y) != before
    explorer.window.voltage.value = 2.0
    assert "Li2S" in explorer.window.phases.value  # Li6PS5Cl's equilibrium at 2 V


def test_one_current_material_in_every_input(explorer, obelix):
    explorer.pick.value = _row_with_cif(obelix)
    explorer.formula.value = "Li3PO4"
    assert explorer.pick.value is None
    assert explorer.summary.formula == "Li3PO4"
    no_cif = obelix.index[obelix["structure"].isna()][0]
    explorer.pick.value = no_cif
    assert explorer.formula.value == ""
    assert "no CIF" in explorer.structure_note.value and len(explorer.structure_fig.data) == 0


@pytest.mark.parametrize("bad", ["notaformula!!", "Li1e400S"])
def test_bad_input_clears_every_tab(explorer, bad):
    explorer.formula.value = "Li3PS4"
    explorer.formula.value = bad
    assert "⚠" in explorer.status.text
    assert explorer.summary is None
    assert "Li3PS4" not in explorer.stability.value
    assert len(explorer.window.figure.data) == 0 and len(explorer.interface_fig.data) == 0


def test_cif_upload_and_junk(explorer, mirror):
    with tarfile.open(mirror / "obelix" / "train_cifs.tar.gz") as tf:
        text = tf.extractfile("train_randomized_cifs/jqc.cif").read()
    explorer.upload.value = (
        {
            "name": "jqc.cif",
            "type": "",
            "size": len(text),
            "content": memoryview(text),
            "last_modified": datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
        },
    )
    assert "jqc.cif" in explorer.status.text
    assert any(t.type == "scatter3d" for t in explorer.structure_fig.data)
    explorer.load_cif(b"this is not a CIF", name="junk.cif")
    assert "junk.cif could not be read" in explorer.status.text
    assert len(explorer.structure_fig.data) == 0


def test_huge_cell_is_a_message_not_an_exception(explorer):
    cif = """data_x
_cell_length_a 1e9
_cell_length_b 4
_cell_length_c 4
_cell_angle_alpha 90
_cell_angle_beta 90
_cell_angle_gamma 90
_symmetry_space_group_name_H-M 'P 1'
loop_
_atom_site_label
_atom_site_type_symbol
_atom_site_fract_x
_atom_site_fract_y
_atom_site_fract_z
Li1 Li 0 0 0
S1 S 0.5 0.5 0.5
"""
    explorer.load_cif(cif, name="huge.cif")
    assert "⚠" in explorer.status.text


def test_errors_reach_the_status_line_when_the_output_area_swallows_them(explorer):
    """Inside a kernel, ipywidgets' Output prints and swallows exceptions raised in it."""

    class Swallowing:
        def clear_output(self):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return True  # as Output does under IPython

    explorer.formula.value = "Li3PS4"
    explorer.progress = Swallowing()
    explorer.formula.value = "Li1e400S"
    assert "not a finite number" in explorer.status.message
    assert "UnboundLocalError" not in explorer.status.message
    assert explorer.window.figure.layout.title.text == ""  # no stale title in the browser


# --- the Transport tab: pathway, barriers, and the σ-vs-barrier map --------------------
TRANSPORT = 5  # tab index
MAP_IDS = ["wyu", "nhq", "122", "9lo", "gvd", "fwz", "b4c"]  # b4c: no Li, recorded failure


@pytest.fixture(scope="module")
def small_map(obelix):
    from ssenb.transport import migration_barriers

    rows = obelix[obelix["id"].isin(MAP_IDS)]
    table = migration_barriers(rows, progress=False)
    table["log10_sigma"] = rows["log10_sigma"]
    return table


def _pick(explorer, obelix, row_id):
    explorer.pick.value = obelix.index[obelix["id"] == row_id][0]


def test_transport_tab_places_the_pick_on_the_sigma_map(obelix, small_map):
    ex = Explorer(obelix=obelix, predict=False, barriers=small_map)
    _pick(ex, obelix, "nhq")
    assert "3D barrier" in ex.transport_note.value
    assert any(t.name.startswith("hops") for t in ex.transport_fig.data)  # the network
    ex.tabs.selected_index = TRANSPORT
    assert ex.transport.job is None  # given barriers: nothing computed
    star = ex.transport.map.data[-1]
    barrier = ex.summary.transport.barrier_3d
    sigma = float(obelix.loc[obelix["id"] == "nhq", "log10_sigma"].iloc[0])
    assert (list(star.x), list(star.y)) == ([barrier], [sigma])
    assert star.name == "OBELiX nhq"
    assert [a.text for a in ex.transport.map.layout.annotations] == ["OBELiX nhq"]
    assert "n = 6" in ex.transport.map.layout.title.text  # b4c has no barrier
    assert f"3D barrier {barrier:.2f} eV" in ex.transport.map_note.value
    ex.formula.value = "Li3PS4"  # no structure: the map stays, nothing is placed
    assert len(ex.transport.map.data) == 1 and "needs a structure" in ex.transport.map_note.value


def test_an_upload_without_measured_sigma_is_a_line_at_its_barrier(obelix, small_map, mirror):
    ex = Explorer(obelix=obelix, predict=False, barriers=small_map)
    ex.tabs.selected_index = TRANSPORT
    with tarfile.open(mirror / "obelix" / "train_cifs.tar.gz") as tf:
        text = tf.extractfile("train_randomized_cifs/jqc.cif").read()
    ex.load_cif(text, name="jqc.cif")
    barrier = ex.summary.transport.barrier_3d
    (line,) = ex.transport.map.layout.shapes
    assert line.x0 == pytest.approx(barrier) and line.line.dash == "dash"
    assert any(
        "jqc.cif" in a.text and "no measured σ" in a.text
        for a in ex.transport.map.layout.annotations
    )
    assert len(ex.transport.map.data) == 1  # no star: it has no measured σ
    # the next material must remove the line in the browser too (a new layout without
    # shapes leaves them out of its message: they are cleared explicitly)
    sent = []
    ex.transport.map.observe(
        lambda ch: ch["new"] and sent.append(ch["new"]["relayout_data"]), names="_py2js_relayout"
    )
    ex.formula.value = "Li3PS4"
    assert {"shapes": []} in sent and {"annotations": []} in sent
    assert not ex.transport.map.layout.shapes


def test_the_map_is_computed_once_in_the_background(obelix, monkeypatch, tmp_path):
    """Opening the tab returns at once; the map appears when the thread is done."""
    import threading

    from ssenb import transport
    from ssenb.widgets import _transport

    monkeypatch.setenv("SSENB_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(_transport, "_JOBS", [])
    release = threading.Event()
    real = transport.migration_barriers
    calls = []

    def slow(rows, **kwargs):
        calls.append(len(rows))
        assert release.wait(60), "the test never released the job"
        return real(rows, **kwargs)

    monkeypatch.setattr(transport, "migration_barriers", slow)
    frame = obelix[obelix["id"].isin(MAP_IDS)]
    ex = Explorer(obelix=frame, predict=False)
    _pick(ex, frame, "wyu")
    assert ex.transport.job is None  # nothing runs until the tab is opened
    ex.tabs.selected_index = TRANSPORT  # returns while the job waits
    job = ex.transport.job
    assert job is not None and not job.finished and job.thread.is_alive()
    assert ex.transport.progress.layout.visibility == "visible"
    assert "computing their barriers" in ex.transport.map.layout.annotations[0].text
    again = Explorer(obelix=frame, predict=False)
    again.tabs.selected_index = TRANSPORT
    assert again.transport.job is job  # one job per OBELiX table, shared
    release.set()
    job.thread.join(120)
    assert calls == [len(frame)] and job.table is not None
    assert ex.transport.progress.layout.visibility == "hidden"
    assert ex.transport.map.data[-1].name == "OBELiX wyu"
    assert len(list((tmp_path / "transport").glob("*.json"))) == 6  # cached on disk


def test_a_failing_map_is_a_message_not_an_exception(obelix, monkeypatch):
    from ssenb import transport
    from ssenb.widgets import _transport

    monkeypatch.setattr(_transport, "_JOBS", [])

    def broken(rows, **kwargs):
        raise MemoryError("no room for the map")

    monkeypatch.setattr(transport, "migration_barriers", broken)
    frame = obelix[obelix["id"].isin(MAP_IDS)]
    ex = Explorer(obelix=frame, predict=False)
    _pick(ex, frame, "gvd")
    ex.tabs.selected_index = TRANSPORT
    ex.transport.job.thread.join(60)
    assert (
        "OBELiX barrier map failed: MemoryError: no room for the map" in ex.transport.map_note.value
    )
    assert len(ex.transport.map.data) == 0
    assert "3D barrier" in ex.transport_note.value  # the pathway and barriers still show
    assert "⚠" not in ex.status.text


def test_first_result_makes_no_figure_widget_for_closed_tabs(fresh_python):
    """A formula's first result (Structure tab open, nothing to draw there) imports no
    plotly FigureWidget (its import alone is about 1.5 s); opening a tab draws its figure."""

    code = (
        "import sys; from ssenb.widgets import Explorer;"
        "e = Explorer('Li3PS4', predict=False); first = 'plotly.basewidget' in sys.modules;"
        "e.tabs.selected_index = 4; drawn = len(e._interface_slot.figure.data);"
        "print(e.status.message, first, drawn > 0, e._structure_slot.made)"
    )
    assert fresh_python(code).splitlines()[-1].split() == [
        "Li3PS4:",
        "done",
        "False",
        "True",
        "False",
    ]


def test_opening_tabs_keeps_the_analysis_message(explorer):
    explorer.formula.value = "Li3PS4"
    assert explorer.status.message == "Li3PS4: done"
    for index in (1, 2, 3, 4, 5, 0):
        explorer.tabs.selected_index = index
        assert explorer.status.message == "Li3PS4: done", index
    assert len(explorer.waterfall.data) == 1 and len(explorer.interface_fig.data) >= 1


def test_a_figure_waiting_in_a_closed_tab_is_the_current_material(explorer):
    explorer.formula.value = "Li3PS4"
    explorer.tabs.selected_index = 4  # Interface: drawn for Li3PS4
    explorer.tabs.selected_index = 0
    explorer.formula.value = "Li7La3Zr2O12"  # drawn later, when the tab opens again
    explorer.tabs.selected_index = 4
    assert "Li<sub>7</sub>La<sub>3</sub>Zr<sub>2</sub>O<sub>12</sub>" in str(
        explorer.interface_fig.layout.title.text
    )


def test_a_curve_that_cannot_be_drawn_says_so_and_leaves_no_old_curve(explorer, monkeypatch):
    import ssenb.viz

    explorer.formula.value = "Li3PS4"
    explorer.tabs.selected_index = 4  # Interface: LiCoO2's curve is on screen
    assert len(explorer.interface_fig.data) >= 1

    def broken(*args, **kwargs):
        raise RuntimeError("drawing failed")

    monkeypatch.setattr(ssenb.viz, "reaction_energy_curve", broken)
    explorer.electrode.value = "Li"  # must not raise out of the observer
    assert "drawing failed" in explorer.status.message
    assert len(explorer.interface_fig.data) == 0
    assert "LiCoO2" not in str(explorer.interface_fig.layout.title.text)


def test_a_slot_drawn_from_two_threads_makes_one_widget(monkeypatch):
    """The map is drawn from a worker thread while the user may open the tab: one widget."""
    import threading
    import time

    import plotly.graph_objects as go

    from ssenb.widgets import _common

    made = []
    making = threading.Event()
    real = _common.figure_widget

    def slow(fig=None):
        making.set()
        time.sleep(0.3)  # as the first FigureWidget import
        widget = real(fig)
        made.append(widget)
        return widget

    monkeypatch.setattr(_common, "figure_widget", slow)
    slot = _common.FigureSlot()
    worker = threading.Thread(target=slot.draw, args=(lambda: go.Figure(go.Scatter(y=[1, 2])),))
    worker.start()
    assert making.wait(10)  # the worker is making the widget; the user opens the tab now
    slot.show()
    worker.join()
    assert len(made) == 1 and slot.box.children == (made[0],)
    assert len(slot.figure.data) == 1


def test_draw_all_draws_every_tab_for_an_exported_notebook(explorer):
    """Every tab's figure is made for the static copy; a closed tab gets no FigureWidget
    (each carries plotly.js, 5 MB of widget state) until it is opened, then shows that figure."""
    import plotly.graph_objects as go

    from ssenb.widgets._snapshot import snapshot_items
    from ssenb.widgets.explorer import TABS

    explorer.analyse(explorer.obelix.loc[[_row_with_cif(explorer.obelix)]])
    assert not explorer._interface_slot.made  # waiting for its tab
    explorer.draw_all()
    assert explorer.status.message.endswith("done")  # the analysis' message stays
    closed = (
        explorer._interface_slot,
        explorer.window.slot,
        explorer._waterfall_slot,
        explorer.transport.figure_slot,  # the BVSE pathway of the CIF
    )
    drawn = [slot.static() for slot in closed]
    assert all(isinstance(f, go.Figure) and len(f.data) >= 1 for f in drawn)
    assert not any(slot.made for slot in closed)
    in_copy = [item for item in snapshot_items(explorer) if isinstance(item, go.Figure)]
    assert all(any(f is item for item in in_copy) for f in drawn)
    explorer.tabs.selected_index = TABS.index("Interface")  # opened: the same figure
    assert explorer._interface_slot.made

    def traces(fig):
        return [(t.name, list(t.x), list(t.y)) for t in fig.data]

    assert traces(explorer.interface_fig) == traces(drawn[0])


def test_search_narrows_the_picker_and_a_hit_analyses(explorer, obelix):
    """issue 19: a 479-item dropdown could not be searched."""
    everything = len(explorer.pick.options)
    explorer.search.value = "argyrodites Li6PS5Cl"
    hits = explorer.pick.options[1:]
    assert 0 < len(hits) < everything - 1
    assert all("Li6PS5Cl" in label and "argyrodites" in label for label, _ in hits)
    assert explorer.pick.options[0][0].startswith(f"({len(hits)} of {everything - 1} match")
    assert explorer.summary is None  # narrowing is not a pick
    explorer.pick.value = hits[0][1]
    assert explorer.summary is not None and explorer.summary.formula == "Li6PS5Cl"
    explorer.search.value = "zzz-nothing"
    assert len(explorer.pick.options) == 1 and explorer.pick.value is None
    explorer.search.value = ""
    assert len(explorer.pick.options) == everything


def test_stability_tab_draws_the_phase_diagram_and_no_stale_formula(explorer):
    """issue 19: the Stability tab had no phase diagram; the Window tab's own formula box
    kept the previous formula after a refused input."""
    explorer.formula.value = "Li3PS4"
    explorer.tabs.selected_index = 2  # Stability
    hull = explorer._hull_slot.figure
    assert len(hull.data) > 0 and "Li" in str(hull.layout.title.text or "") + str(
        [t.name for t in hull.data]
    )
    assert explorer.window.formula.layout.display == "none"  # one formula box, the Explorer's
    explorer.formula.value = "Li3Xq"  # refused
    assert "⚠" in explorer.status.text
    assert explorer.window.formula.value == "" and explorer.window.result is None


def test_a_refused_input_removes_the_3d_hulls_labels():
    """Seen in the browser: a quaternary hull's phase labels (annotations of its 3D scene)
    stayed floating over the Stability tab's message after a refused formula."""
    ex = Explorer("Li6PS5Cl", predict=False)  # Cl-Li-P-S: a 3D hull, its labels in the scene
    ex.tabs.selected_index = 2  # Stability
    hull = ex._hull_slot.figure
    assert len(hull.layout.scene.annotations) > 0
    sent = []
    hull.observe(
        lambda ch: ch["new"] and sent.append(ch["new"]["relayout_data"]), names="_py2js_relayout"
    )
    ex.formula.value = "Li1e400S"  # refused
    assert "⚠" in ex.status.text and len(hull.data) == 0
    assert {"scene.annotations": []} in sent  # removed in the browser, not only here


def test_a_cif_composition_without_a_window_is_explained(explorer):
    """issue 19: OBELiX's LGPS CIF (Li20.06Ge2P4S24) got "no window" where the typed
    Li10GeP2S12 gets 1.72-2.29 V, with no word why."""
    from pymatgen.core import Composition

    explorer.analyse(Composition("Li20.06Ge2P4S24"), label="upload.cif")
    assert explorer.window.result.is_empty
    assert "partial occupancies" in explorer.window_note.value
    assert "Li10GeP2S12" in explorer.window_note.value
    explorer.formula.value = "Li10GeP2S12"
    assert not explorer.window.result.is_empty and explorer.window_note.value == ""


def test_a_disordered_structures_barrier_carries_its_caveat():
    """issue 19: LGPS's BVSE barrier (0.69 eV) above LLZO's (0.53 eV), unexplained."""
    from types import SimpleNamespace

    from ssenb.widgets._transport import _disorder_caveat

    disordered = SimpleNamespace(
        notes=["disordered sites: occupancy-weighted (mean-field) bond terms"]
    )
    assert "concerted hops" in _disorder_caveat(disordered)
    assert "LGPS gets 0.69 eV" in _disorder_caveat(disordered)
    # OBELiX wyu is the tetragonal garnet (space group 142, I4_1/acd), not the cubic one
    assert "above tetragonal LLZO" in _disorder_caveat(disordered)
    # a paragraph of its own: the landscape's provenance line before it also ends in
    # <small>, and the browser ran the two together ("bond termsDisordered structure")
    assert _disorder_caveat(disordered).startswith("<p>")
    assert _disorder_caveat(SimpleNamespace(notes=[])) == ""
