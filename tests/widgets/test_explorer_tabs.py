"""The Explorer's Interphase and Properties tabs, and a structure model fitted off the UI thread."""

import threading

import pytest

from ssenb import keys as K
from ssenb.widgets import Explorer
from ssenb.widgets.explorer import TABS

INTERPHASE, PROPERTIES = TABS.index("Interphase"), TABS.index("Properties")
TOP = 2.9999996  # V: rounds to 3.0 at 6 decimals


@pytest.fixture
def counted(monkeypatch):
    """thermo.interphase with a 3-voltage scan (fast), counting calls.

    The top voltage has more digits than a slider keeps (as a real cathode's potential).
    """
    import ssenb.thermo

    real, calls = ssenb.thermo.interphase, []

    def scan(electrolyte, electrode, **kw):
        calls.append((electrolyte, electrode, kw.get("voltage")))
        if kw.get("voltages") is None and electrode != "Li":
            kw["voltages"] = [0.0, 1.5, TOP]
        return real(electrolyte, electrode, **kw)

    monkeypatch.setattr(ssenb.thermo, "interphase", scan)
    return calls


def test_properties_tab_shows_the_summarys_band_gap_and_moduli():
    ex = Explorer("LiF", predict=False)
    shown = ex.properties_panel.properties
    assert shown is ex.summary.properties  # the summary's: no second computation
    assert shown.band_gap_source == "experiment" and shown.band_gap_eV == 11.7
    assert "G / G_Li" in ex.properties_panel.table.value
    ex.tabs.selected_index = PROPERTIES
    ex.formula.value = "Li3PS4"
    assert ex.properties_panel.properties.formula == "Li3PS4"
    assert ex.properties_panel.formula.layout.display == "none"  # no second formula box


def test_interphase_tab_computes_when_opened_and_follows_the_slider(counted):
    ex = Explorer("Li3PS4", predict=False)
    options = list(ex.interphase.electrode.options)
    assert options[:2] == ["Li", "LiCoO2"] and len(set(options)) == len(options)
    assert counted == [] and ex.interphase.result is None  # never before the first result
    ex.interphase.electrode.value = "Li"  # tab closed: still nothing
    assert counted == []
    ex.tabs.selected_index = INTERPHASE
    ex.interphase.wait()
    r = ex.interphase.result
    assert r.verdict == "passivating" and sorted(r.products[K.PHASE]) == ["Li2S", "Li3P"]
    assert ex.interphase.voltage.disabled  # the Li metal sits at 0 V only
    ex.interphase.electrode.value = "LiCoO2"
    ex.interphase.wait()
    assert (ex.interphase.voltage.min, ex.interphase.voltage.max) == (0.0, TOP)
    assert ex.interphase.result.voltage == TOP and not ex.interphase.voltage.disabled
    ex.interphase.voltage.value = 1.5 + 4e-7  # a slider's float near a scanned voltage
    assert ex.interphase.result.voltage == 1.5  # that voltage itself: no extra column
    assert sorted({float(x) for t in ex.interphase.bands_slot.figure.data for x in t.x}) == [
        0.0,
        1.5,
        TOP,
    ]
    ex.interphase.voltage.value = 1.0  # a release of the slider
    assert ex.interphase.result.voltage == 1.0 and ex.interphase.result.electrode == "LiCoO2"
    bands = ex.interphase.bands_slot.figure
    assert "chosen 1.00 V" in bands.layout.xaxis2.title.text  # the marker moved to 1 V
    columns = sorted({float(x) for t in bands.data for x in t.x})
    assert columns == [0.0, 1.0, 1.5, TOP]  # 1 V has its own bar, between the scan's
    widths = {float(x): w for t in bands.data for x, w in zip(t.x, t.width)}
    assert widths[1.0] == pytest.approx(0.4) and widths[TOP] == pytest.approx(1.2)  # no overlap
    n = len(counted)
    ex.interphase.electrode.value = "Li"  # back and forth: both pairs cached
    ex.interphase.electrode.value = "LiCoO2"
    ex.interphase.voltage.value = 1.0
    assert len(counted) == n
    assert "⚠" not in ex.status.text


def test_interphase_failure_goes_to_the_status_line(monkeypatch):
    import ssenb.thermo
    from ssenb.errors import InvalidInputError

    def refuse(*args, **kw):
        raise InvalidInputError("voltage=2.0 V is refused here; choose another")

    ex = Explorer("Li3PS4", predict=False)
    monkeypatch.setattr(ssenb.thermo, "interphase", refuse)
    ex.tabs.selected_index = INTERPHASE  # the scan fails in its thread
    ex.interphase.wait()
    assert ex.status.message.endswith("voltage=2.0 V is refused here; choose another")
    assert ex.interphase.result is None and "not computed" in ex.interphase.note.value


def test_a_refused_input_leaves_no_interphase_to_open(counted):
    """Seen in the browser: after a refused formula, opening the Interphase tab showed the
    previous material's interphase (the tab was cleared but kept its material)."""
    ex = Explorer("Li3PS4", predict=False)
    ex.formula.value = "Li1e400S"  # refused: every tab says so
    assert "⚠" in ex.status.text
    ex.tabs.selected_index = INTERPHASE
    ex.interphase.wait()
    assert counted == [] and ex.interphase.job is None  # nothing computed for Li3PS4
    assert ex.interphase.result is None
    assert "no material" in ex.interphase.note.value
    assert not ex.interphase.table_slot.made  # the message, no table


def test_first_structure_pick_never_waits_for_the_structure_models_fit(
    monkeypatch, small_models, obelix, tiny_property_models
):
    import ssenb.models.gap_moduli as gap_moduli
    import ssenb.models.predictor as predictor
    import ssenb.widgets._model_jobs as jobs

    gate = threading.Event()

    def slow_fit(preset, progress=True, **kw):  # a first fit: until the test lets it end
        assert gate.wait(60)
        return small_models[preset]

    monkeypatch.setattr(predictor, "default_model", slow_fit)
    # property models already cached: the first answer uses them (never fits one)
    monkeypatch.setattr(
        gap_moduli, "default_property_model", lambda name, **kw: tiny_property_models[name]
    )
    monkeypatch.setattr(jobs, "_JOBS", {})
    monkeypatch.setattr(jobs, "QUICK_S", 0.05)
    ex = Explorer(models={"composition": small_models["composition"]}, obelix=obelix)
    ex.pick.value = obelix.index[obelix["structure"].notna()][0]
    assert ex.summary.prediction.preset == "composition"  # the first answer, at once
    assert "Fitting the composition+structure model" in ex.model_note.value
    assert ex.summary.properties.moduli_source == "model (composition)"  # Li7BiO6: no data
    gate.set()
    jobs._JOBS["composition+structure"].thread.join(30)
    for _ in range(100):  # the answer is swapped by the job's listener
        if ex.summary.prediction.preset == "composition+structure":
            break
        threading.Event().wait(0.05)
    assert ex.summary.prediction.preset == "composition+structure"
    assert "composition+structure" in ex.conductivity.value and ex.model_note.value == ""
