"""Notebooks keep their figures through the standard HTML export (issues 13, 19).

The export itself is checked by scripts/check_export.py, which scripts/test.sh runs on
tutorial 06 executed in the Binder environment (every plotly output becomes a figure in
the page, plotly.js embedded once, each figure drawn by headless Chromium offline); here
the rules every notebook follows, and the check itself on a page of known content.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
#: every notebook CI runs (new tutorials are picked up)
NOTEBOOKS = sorted(REPO.glob("tutorials/*.ipynb")) + sorted(REPO.glob("notebooks/*.ipynb"))


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


def test_the_export_check_tells_drawn_from_blank_figures_offline(tmp_path, load_script):
    """scripts/check_export.py (CI's check of exported tutorial 06) on a page of known content."""
    import shutil

    import plotly.graph_objects as go

    check_export = load_script("check_export")
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
