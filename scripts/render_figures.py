#!/usr/bin/env python
"""Render every paper figure and the report of three materials to PNG, to look at them.

    python scripts/render_figures.py                 # everything -> out/pictures/
    python scripts/render_figures.py --only report --materials NaCl
    python scripts/render_figures.py --only paper --skip-shap
    python scripts/render_figures.py --only figures  # the screen figures, as Chromium shows them

Paper figures are drawn exactly as notebooks/fig_*.ipynb draw them (journal style, one or
two columns) and written by kaleido as PNG at 300 dpi, the file a journal gets (kaleido is
the ``figures`` extra and drives Chromium: without either the script stops at once and says
which). A step that writes nothing, or warns that a file was not written, makes the exit
status 1. Reports
are built with :func:`ssenb.report.build_report`, written to HTML and screenshotted by
headless Chromium (``apt-get install chromium``), as a reader sees them. The SHAP figures
fit the default model first (about 2 min on a quiet 2-core machine, longer when busy).

``--only figures`` draws the screen figures the Explorer and the report show, at plotly's
default 700 x 450 px (a SHAP waterfall of a small model, reaction-energy curves with a deep
and a near-zero minimum and a metastable reactant's note, an empty stability window), each
screenshotted by Chromium. The structure view has its own script, render_structures.py.

Explorer states (formula, OBELiX pick, CIF upload, bad input) plug in through
:data:`EXTRA_RENDERERS`: append a function ``f(out: Path) -> list[Path]``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

from ssenb.errors import SsenbWarning

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_MATERIALS = ("Li10GeP2S12", "Li7La3Zr2O12", "NaCl")
CHROMIUM_TIMEOUT_S = 120

#: Hook for more pictures (the Explorer states): functions f(out_dir) -> written PNGs.
EXTRA_RENDERERS: list[Callable[[Path], list[Path]]] = []


def chromium() -> str:
    """The headless browser to drive (Debian: apt-get install chromium)."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    raise SystemExit("no Chromium found: apt-get install chromium")


def screenshot(html: Path, png: Path, *, width: int = 1000, height: int = 700) -> Path:
    """Screenshot a local HTML file with headless Chromium (no network)."""
    cmd = [
        chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        f"--screenshot={png}",
        f"--window-size={width},{height}",
        "--virtual-time-budget=8000",
        html.resolve().as_uri(),
    ]
    subprocess.run(cmd, capture_output=True, timeout=CHROMIUM_TIMEOUT_S, check=False)
    if not png.is_file():
        raise SystemExit(f"Chromium wrote no screenshot of {html}")
    _trim_bottom(png)
    return png


def _trim_bottom(png: Path, margin: int = 20) -> None:
    """Cut the empty page below the content (pages are shot taller than they are)."""
    try:
        from PIL import Image, ImageChops
    except ImportError:
        return
    with Image.open(png) as img:
        rgb = img.convert("RGB")
    box = ImageChops.difference(rgb, Image.new("RGB", rgb.size, "white")).getbbox()
    if box and box[3] + margin < rgb.height:
        rgb.crop((0, 0, rgb.width, box[3] + margin)).save(png)


def _save(fig, stem: Path) -> list[Path]:
    from ssenb.viz import save_figure

    return save_figure(fig, stem, formats=("png",), dpi=300, overwrite=True)


def paper_window_bars(out: Path) -> list[Path]:
    """notebooks/fig_window_bars.ipynb's figure."""
    from ssenb.thermo import screen
    from ssenb.viz import window_bars
    from ssenb.viz.publication import publication_style

    electrolytes = ["Li2S", "Li3PS4", "Li7P3S11", "Li10GeP2S12", "Li6PS5Cl", "Li3InCl6"]
    electrolytes += ["Li3OCl", "Li2PO2N", "Li3PO4", "Li7La3Zr2O12", "LiTi2(PO4)3", "LiF"]
    fig = window_bars(screen(electrolytes, progress=False))
    return _save(publication_style(fig, column="single", height_mm=70), out / "paper_window_bars")


def paper_interface_map(out: Path) -> list[Path]:
    """notebooks/fig_interface_map.ipynb's figure."""
    import pandas as pd

    from ssenb.thermo import interface_reactions
    from ssenb.viz.interface import interface_heatmap
    from ssenb.viz.publication import publication_style

    electrolytes = ["Li3PS4", "Li6PS5Cl", "Li10GeP2S12", "Li3InCl6", "Li7La3Zr2O12", "Li3PO4"]
    electrolytes += ["Li2PO2N", "LiTi2(PO4)3"]
    cathodes = ["LiCoO2", "NMC111", "NMC811", "LiMn2O4", "LiFePO4", "LNMO"]
    cells = pd.DataFrame(
        {c: [interface_reactions(e, c) for e in electrolytes] for c in cathodes},
        index=electrolytes,
    )
    fig = interface_heatmap(cells, unit="meV/atom")
    return _save(publication_style(fig, column="single", height_mm=75), out / "paper_interface_map")


def paper_shap(out: Path) -> list[Path]:
    """notebooks/fig_shap_summary.ipynb's figures (the CV step is skipped here)."""
    from ssenb.data import load_obelix
    from ssenb.explain import explain
    from ssenb.models import ConductivityModel
    from ssenb.viz import shap_bar, shap_beeswarm
    from ssenb.viz.publication import publication_style

    df = load_obelix("train")
    e = explain(ConductivityModel(random_state=0).fit(df), df)
    bees = publication_style(shap_beeswarm(e, max_features=15), column="double", height_mm=100)
    fam = publication_style(shap_bar(e.grouped()), column="single", height_mm=55)
    return _save(bees, out / "paper_shap_summary") + _save(fam, out / "paper_shap_families")


def _shot(fig, stem: Path, *, width: int = 700, height: int = 450) -> Path:
    """One figure as a screen shows it: fixed size HTML, screenshotted by Chromium."""
    fig = fig.update_layout(width=width, height=height)
    html = stem.with_suffix(".html")
    fig.write_html(html, include_plotlyjs=True)
    return screenshot(html, stem.with_suffix(".png"), width=width + 20, height=height + 20)


def screen_figures(out: Path) -> list[Path]:
    """The figures a user sees in the Explorer and the report (issue: visual defects)."""
    from ssenb.data import load_obelix
    from ssenb.explain import explain
    from ssenb.models import ConductivityModel
    from ssenb.thermo import interface_reactions, stability_window
    from ssenb.viz import reaction_energy_curve, shap_waterfall, window_bars, window_profile

    df = load_obelix("train", structures=False)
    small = ConductivityModel(random_state=0, n_models=2, n_estimators=80, n_jobs=1).fit(df)
    e = explain(small, df.head(4))
    written = [_shot(shap_waterfall(e, index=i), out / f"screen_waterfall_{i}") for i in (0, 3)]
    for electrolyte, name in (
        ("Li3PS4", "deep"),  # -0.40 eV/atom
        ("Li7La3Zr2O12", "near_zero"),  # about -1 meV/atom: nearly flat, with a note
        ("Li10GeP2S12", "metastable_note"),
        ("Li3PO4", "no_reaction"),
    ):
        r = interface_reactions(electrolyte, "LiCoO2")
        written.append(_shot(reaction_energy_curve(r), out / f"screen_interface_{name}"))
    empty = stability_window("Li4PS4")  # reduced and oxidised at the same 1.72 V
    written.append(_shot(window_profile(empty), out / "screen_window_empty"))
    bars = window_bars([stability_window(f) for f in ("Li3PS4", "Li4PS4", "Li7P3S11", "LiF")])
    written.append(_shot(bars, out / "screen_window_bars"))
    return written


def reports(out: Path, materials) -> list[Path]:
    """``ssenb report`` pages, full height, as Chromium shows them."""
    from ssenb.report import build_report

    written = []
    for material in materials:
        html = out / f"report_{material}.html"
        html.write_text(build_report(material), encoding="utf-8")
        written.append(screenshot(html, out / f"report_{material}.png", height=4200))
    return written


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-o", "--out", default="out/pictures", help="output folder")
    parser.add_argument(
        "--only", choices=["paper", "figures", "report", "extra"], help="one group only"
    )
    parser.add_argument("--materials", nargs="+", default=list(DEFAULT_MATERIALS))
    parser.add_argument("--skip-shap", action="store_true", help="skip the model fit")
    args = parser.parse_args(argv)
    os.environ.setdefault("SSENB_OFFLINE", "1")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    jobs: list[tuple[str, Callable[[], list[Path]]]] = []
    if args.only in (None, "paper"):
        jobs += [
            ("paper: window bars", lambda: paper_window_bars(out)),
            ("paper: interface map", lambda: paper_interface_map(out)),
        ]
        if not args.skip_shap:
            jobs.append(("paper: SHAP (fits the model)", lambda: paper_shap(out)))
    if args.only in (None, "figures"):
        jobs.append(("screen figures (fits a small model)", lambda: screen_figures(out)))
    if args.only in (None, "report"):
        jobs.append(("reports", lambda: reports(out, args.materials)))
    if args.only in (None, "extra"):
        jobs += [(f"extra: {f.__name__}", lambda f=f: f(out)) for f in EXTRA_RENDERERS]
    if args.only in (None, "paper"):
        _require_static_export()  # before minutes of model fitting, not after
    failed = []
    for name, job in jobs:
        t0 = time.perf_counter()
        print(f"{name} ...", flush=True)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", SsenbWarning)
            paths = job()
        for path in paths:
            print(f"  wrote {path}")
        problems = [str(w.message) for w in caught if issubclass(w.category, SsenbWarning)]
        for problem in problems:
            print(f"  not written: {problem}", file=sys.stderr)
        if problems or not paths:
            failed.append(name)
        print(f"  ({time.perf_counter() - t0:.0f} s)", flush=True)
    if failed:  # a picture script that writes nothing (or less) must not look like success
        print(f"render_figures: failed: {'; '.join(failed)}", file=sys.stderr)
        return 1
    return 0


def _require_static_export() -> None:
    """Stop with the fix when kaleido or a Chromium for it is missing (PNGs need both)."""
    try:
        import kaleido  # noqa: F401
    except ImportError:
        raise SystemExit(
            "render_figures: the paper figures are PNGs written by kaleido, which is not "
            "installed: pip install 'ssenb[figures]' (scripts/setup.sh installs it)"
        ) from None
    chromium()  # kaleido drives it; exits with "apt-get install chromium" when absent


if __name__ == "__main__":
    sys.exit(main())
