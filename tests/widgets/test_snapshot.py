"""Static copies of widgets for saved, exported and printed notebooks (issue 19)."""

from __future__ import annotations

import ipywidgets as w
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from ssenb.errors import SsenbWarning
from ssenb.widgets import WindowExplorer
from ssenb.widgets._snapshot import FALLBACK, snapshot_items


@pytest.fixture(scope="module")
def window():
    ex = WindowExplorer("Li3PS4")
    ex.voltage.value = 2.0
    return ex


@pytest.fixture
def in_a_kernel(monkeypatch):
    """Pretend to run in IPython; collect what would be displayed."""
    import IPython
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython, "get_ipython", lambda: object())
    monkeypatch.setattr(IPython.display, "display", lambda obj, **kw: shown.append(obj))
    monkeypatch.setattr(pio.renderers, "default", "plotly_mimetype+notebook")
    return shown


def test_items_are_what_the_widget_shows_in_screen_order(window):
    items = snapshot_items(window)
    texts = [i for i in items if isinstance(i, str)]
    figures = [i for i in items if isinstance(i, go.Figure)]
    assert len(figures) == 1 and not isinstance(figures[0], go.FigureWidget)
    assert figures[0].data[0].y == window.figure.data[0].y  # the same traces, static
    assert any(s.name == "voltage" and s.x0 == 2.0 for s in figures[0].layout.shapes)
    assert texts[0] == "<p>formula: Li3PS4 · ion: Li</p>"  # the controls' row, then the status
    at_figure = items.index(figures[0])
    # the slider sits below the figure, its value as its readout shows it (".2f"; the
    # exported tutorial 06 printed the Interphase slider's 3.39234)
    assert "<p>V vs Li/Li⁺: 2.00</p>" in items[at_figure:]
    assert items[-1] == "Stable at 2.00 V vs Li/Li⁺: Li3PS4"


def test_tabs_give_their_titles_and_what_says_nothing_in_print_is_left_out():
    fig = go.FigureWidget(go.Bar(y=[1, 2]))
    tabs = w.Tab(children=[w.VBox([w.HTML("<b>σ</b>"), fig]), w.HTML("")])
    tabs.set_title(0, "Conductivity")
    tabs.set_title(1, "Empty")
    box = w.VBox(
        [
            w.HBox([w.Dropdown(options=[("LLZO (garnet)", 3)], value=3, description="pick")]),
            w.HBox([w.Text(value="", description="formula"), w.Button(), w.FileUpload()]),
            w.IntProgress(value=1, description="fitting"),
            w.HTML("hidden note", layout=w.Layout(display="none")),
            tabs,
        ]
    )
    items = snapshot_items(box)
    assert items[0] == "<p>pick: LLZO (garnet)</p>"  # a Dropdown by its label, not its value
    assert "Conductivity</h4>" in items[1] and items[2] == "<b>σ</b>"
    assert isinstance(items[3], go.Figure) and list(items[3].data[0].y) == [1, 2]
    assert "Empty</h4>" in items[4] and len(items) == 5


def test_snapshot_displays_a_header_the_texts_and_the_figures(window, in_a_kernel):
    from IPython.display import HTML

    window.snapshot()
    assert isinstance(in_a_kernel[0], HTML) and "WindowExplorer" in in_a_kernel[0].data
    assert sum(isinstance(o, go.Figure) for o in in_a_kernel) == 1
    assert in_a_kernel[-1].data == "Stable at 2.00 V vs Li/Li⁺: Li3PS4"


def test_a_renderer_the_export_drops_is_named(window, in_a_kernel, monkeypatch):
    monkeypatch.setattr(pio.renderers, "default", "plotly_mimetype")
    with pytest.warns(SsenbWarning, match=r"use_notebook_renderer"):
        window.snapshot()
    assert in_a_kernel  # still shown live


def test_outside_ipython_nothing_is_displayed(window, monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, **kw: shown.append(obj))
    window.snapshot()
    assert shown == []


def test_an_export_without_widget_state_shows_a_note_in_the_widgets_place(window):
    bundle = window._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == window.model_id
    assert bundle["text/html"] == FALLBACK.format(name="WindowExplorer")
