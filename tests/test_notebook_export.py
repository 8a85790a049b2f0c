"""Notebooks keep their figures through the standard HTML export (issue 13).

Executes a tutorial with nbclient and exports it with nbconvert's HTMLExporter, exactly
what ``jupyter nbconvert --to html --execute`` does, then counts the plotly figures in
the HTML. Tutorial 01 is the small one (data load and one structure figure).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
#: every notebook CI runs (new tutorials are picked up)
NOTEBOOKS = sorted(REPO.glob("tutorials/*.ipynb")) + sorted(REPO.glob("notebooks/*.ipynb"))
FIGURE_DIV = re.compile(r'<div class="plotly-graph-div" id="[0-9a-f-]+"')


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_first_code_cell_sets_the_export_safe_renderer(path):
    nb = json.loads(path.read_text())
    first = next(c for c in nb["cells"] if c["cell_type"] == "code")
    assert "use_notebook_renderer()" in "".join(first["source"])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_cell_has_a_unique_id(path):
    """nbformat >= 4.5 cells carry ids (nbformat warns, and will refuse, without them)."""
    nb = json.loads(path.read_text())
    assert (nb["nbformat"], nb["nbformat_minor"]) >= (4, 5)
    ids = [c.get("id") for c in nb["cells"]]
    missing = [i for i, cell_id in enumerate(ids) if not cell_id]
    assert not missing, f"cells {missing} have no id: nbformat.validator.normalize() adds them"
    assert len(set(ids)) == len(ids)


@pytest.mark.slow
def test_exported_tutorial_carries_its_figures_offline(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nbconvert = pytest.importorskip("nbconvert")
    path = REPO / "tutorials" / "01_data_and_structures.ipynb"
    nb = nbformat.read(path, as_version=4)
    nbclient.NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    figures = [
        out
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.outputs
        if "application/vnd.plotly.v1+json" in out.get("data", {})
    ]
    html, _ = nbconvert.HTMLExporter().from_notebook_node(nb)
    divs = FIGURE_DIV.findall(html)
    assert len(figures) >= 1  # tutorial 01 draws a structure
    assert len(divs) == len(figures)  # every figure survives the export
    # offline: plotly.js is embedded once, not loaded from a CDN
    assert html.count("* plotly.js v") == 1 and 'src="https://cdn.plot.ly' not in html
    (tmp_path / "01.html").write_text(html)


def _check_export():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "check_export", REPO / "scripts" / "check_export.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_export_check_tells_drawn_from_blank_figures_offline(tmp_path):
    """scripts/check_export.py (CI's check of exported tutorial 06) on a page of known content."""
    import shutil

    import plotly.graph_objects as go

    check_export = _check_export()
    if not any(shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")):
        pytest.skip("no Chromium (apt-get install chromium); CI installs it")
    bar, line = go.Figure(go.Bar(y=[1, 3])), go.Figure(go.Scatter(y=[2, 1]))
    page = tmp_path / "page.html"
    page.write_text(
        "<html><body>"
        + bar.to_html(include_plotlyjs=True, full_html=False)  # plotly.js once, inline
        + line.to_html(include_plotlyjs=False, full_html=False)
        + '<div class="plotly-graph-div" id="never-drawn"></div>'  # a blank widget's place
        + "</body></html>"
    )
    divs, drawn, svgs = check_export.drawn_figures(page)
    assert (divs, drawn) == (3, 2)
    assert svgs >= 2  # each drawn figure has its main-svg layers
