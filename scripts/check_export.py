#!/usr/bin/env python
"""Export an executed notebook to HTML and check, in headless Chromium offline, that its figures are drawn.

    python scripts/check_export.py executed.ipynb [--min-figures 6] [--out DIR]

What a reader of an exported notebook gets: the notebook (already executed, e.g. by
``pytest --nbmake --overwrite`` in scripts/test.sh) is exported by nbconvert's HTML
exporter as ``jupyter nbconvert --to html`` does, without the widget state (JupyterLab does
not save it by default, and offline the widget manager it needs cannot load anyway: the
widgets' figures must come from their static snapshots). The page is opened by headless
Chromium with every host name unresolvable (no network), its DOM after the scripts ran is
read back: every plotly output of the notebook must be a figure in the page (plotly.js
embedded once), and every figure must have been drawn by plotly.js (its
``js-plotly-plot`` class and a ``main-svg`` inside). A screenshot of the top of the page
is written beside the HTML to look at. Exit status 1 with the reason when a check fails.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

#: Chromium flags: headless, no sandbox (root in CI), no GPU, nothing fetched behind our back;
#: the resolver maps every host to nothing, so the page can load no remote script.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--hide-scrollbars",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--virtual-time-budget=20000",  # ms of page time for plotly.js to draw every figure
)
CHROMIUM_TIMEOUT_S = 180
FIGURE_DIV = re.compile(r'<div\b[^>]*\bclass="([^"]*\bplotly-graph-div\b[^"]*)"')
REMOTE_SCRIPT = re.compile(r'<script\b[^>]*\bsrc="(https?:)?//', re.IGNORECASE)


def chromium() -> str:
    """Debian's chromium (``apt-get install chromium``), or another Chrome on PATH."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    raise SystemExit("check_export: no Chromium found: apt-get install chromium")


def export_html(notebook: Path) -> tuple[str, int]:
    """The notebook as ``jupyter nbconvert --to html`` writes it, without widget state.

    Returns the HTML and the number of plotly figure outputs the notebook holds.
    """
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(notebook, as_version=4)
    nb.metadata.pop("widgets", None)
    outputs = sum(
        "application/vnd.plotly.v1+json" in out.get("data", {})
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.outputs
    )
    body, _ = HTMLExporter().from_notebook_node(nb)
    return body, outputs


def run_chromium(page: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Open ``page`` in headless Chromium with a throwaway profile; its stdout (the DOM)."""
    with tempfile.TemporaryDirectory(prefix="ssenb-chromium-") as profile:
        return subprocess.run(
            [
                chromium(),
                *CHROMIUM_FLAGS,
                f"--user-data-dir={profile}",
                *args,
                page.resolve().as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=CHROMIUM_TIMEOUT_S,
            check=False,
        )


def drawn_figures(page: Path) -> tuple[int, int, int]:
    """(figure divs, figures plotly.js drew, main-svg layers) in ``page`` after its scripts ran."""
    dom = run_chromium(page, "--dump-dom").stdout
    if "</html>" not in dom:
        raise SystemExit(f"check_export: Chromium returned no DOM for {page}")
    classes = FIGURE_DIV.findall(dom)
    drawn = sum("js-plotly-plot" in c.split() for c in classes)
    return len(classes), drawn, dom.count('class="main-svg"')


def check(notebook: Path, *, min_figures: int, out: Path) -> list[str]:
    """Export ``notebook`` into ``out`` and return what is wrong with the page (empty: fine)."""
    out.mkdir(parents=True, exist_ok=True)
    page = out / f"{notebook.stem}.html"
    body, outputs = export_html(notebook)
    page.write_text(body, encoding="utf-8")
    problems = []
    size_mb = page.stat().st_size / 1e6
    print(f"{page}: {size_mb:.1f} MB")
    # nbconvert's template and plotly's divs reference MathJax and require.js on a CDN;
    # the figures must be drawn without them (Chromium resolves no host name)
    print(f"{len(REMOTE_SCRIPT.findall(body))} remote scripts (unreachable here)")
    if body.count("* plotly.js v") != 1:
        problems.append(f"plotly.js embedded {body.count('* plotly.js v')} times, not once")
    divs, drawn, svgs = drawn_figures(page)
    print(f"{divs} plotly figures in the page, {drawn} drawn by plotly.js, {svgs} main-svg layers")
    if divs != outputs:
        problems.append(f"{outputs} plotly outputs in the notebook, {divs} figures in the page")
    if drawn < divs:
        problems.append(f"{divs - drawn} of {divs} figures were not drawn")
    if drawn < min_figures:
        problems.append(f"{drawn} figures drawn, expected at least {min_figures}")
    shot = page.with_suffix(".png")
    run_chromium(page, f"--screenshot={shot}", "--window-size=1200,6000")
    print(f"screenshot: {shot}" if shot.is_file() else "no screenshot written")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebook", type=Path, help="an executed notebook (.ipynb)")
    parser.add_argument("--min-figures", type=int, default=1)
    parser.add_argument("--out", type=Path, help="folder for the HTML and PNG (default: beside it)")
    args = parser.parse_args(argv)
    problems = check(
        args.notebook, min_figures=args.min_figures, out=args.out or args.notebook.parent
    )
    for problem in problems:
        print(f"check_export: {args.notebook.name}: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
