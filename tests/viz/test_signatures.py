"""Every public figure function has the figure signature (STYLE.md, habit 6)."""

import inspect

import plotly.graph_objects as go
import pytest

import ssenb.viz as viz

NOT_FIGURES = {
    "save_figure",
    "element_color",
    "use_notebook_renderer",
    "formula_html",
    "publication_style",
    "apply_publication_style",
}
FIGURES = sorted(
    name
    for name in viz.__all__
    if callable(getattr(viz, name)) and name not in NOT_FIGURES and not name[0].isupper()
)


def test_there_are_figure_functions():
    assert len(FIGURES) >= 9


@pytest.mark.parametrize("name", FIGURES)
def test_figure_signature(name):
    sig = inspect.signature(getattr(viz, name))
    params = list(sig.parameters.values())
    assert params[0].kind is inspect.Parameter.POSITIONAL_OR_KEYWORD, "data comes first"
    rest = [p for p in params[1:] if p.kind is not inspect.Parameter.VAR_KEYWORD]
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in rest), "the rest keyword-only"
    assert "fig" in sig.parameters and sig.parameters["fig"].default is None
    assert any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params), "**kwargs to the trace"
    func = getattr(viz, name)
    ret = inspect.get_annotations(func).get("return")
    if isinstance(ret, str):  # postponed annotations: evaluate with plotly in scope
        ret = eval(ret, {**func.__globals__, "go": go})
    assert ret is go.Figure
