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
OWNED = sorted(REPO.glob("tutorials/0[1-5]_*.ipynb")) + sorted(REPO.glob("notebooks/*.ipynb"))
FIGURE_DIV = re.compile(r'<div class="plotly-graph-div" id="[0-9a-f-]+"')


@pytest.mark.parametrize("path", OWNED, ids=lambda p: p.name)
def test_first_code_cell_sets_the_export_safe_renderer(path):
    nb = json.loads(path.read_text())
    first = next(c for c in nb["cells"] if c["cell_type"] == "code")
    assert "use_notebook_renderer()" in "".join(first["source"])


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


@pytest.mark.parametrize("path", OWNED, ids=lambda p: p.name)
def test_every_cell_has_an_id_and_the_notebook_validates(path):
    """issue 19: nbformat warned about cells without ids (MissingIDFieldWarning)."""
    nbformat = pytest.importorskip("nbformat")
    nb = json.loads(path.read_text())
    ids = [c.get("id") for c in nb["cells"]]
    assert all(ids) and len(set(ids)) == len(ids)
    nbformat.validate(nbformat.from_dict(nb))
