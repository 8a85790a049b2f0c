"""Render ssenb's structure view of LLZO, Li3PS4, LiF and a disordered SE to PNG (headless Chromium).

For people to look at: the pictures should be what a crystallographer draws (cation-anion
bonds only, boundary atoms repeated, framework polyhedra, translucent partial occupancy),
and the drawing should fill the figure with its legend whole, at 980 x 780 px and at the
Explorer's size (its FigureWidget: about 1300 x 450 px in JupyterLab at 1400 px).

    export SSENB_DATA_DIR=/work/shared/data SSENB_OFFLINE=1
    python scripts/render_structures.py --out /tmp/ssenb_structures

Needs Debian's ``chromium`` (``apt-get install -y chromium``) and the OBELiX training split
in the data mirror. Writes <name>.html and <name>.png into --out (a new or empty folder;
existing files are never overwritten).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--virtual-time-budget=8000",
]


def structures() -> dict[str, object]:
    """LLZO, Li3PS4 and LGPS from the OBELiX training split, and rock-salt LiF by hand."""
    from pymatgen.core import Lattice, Structure

    from ssenb.data import load_obelix

    table = load_obelix("train")
    by_formula = {}
    for s in table["structure"]:
        if s is not None:
            by_formula.setdefault(s.composition.reduced_formula, s)
    lif = Structure.from_spacegroup(
        "Fm-3m", Lattice.cubic(4.027), ["Li", "F"], [[0, 0, 0], [0.5, 0.5, 0.5]]
    )  # LiF, a = 4.027 Å (ICSD 41409)
    return {
        "llzo": by_formula["Li7La3Zr2O12"],
        "li3ps4": by_formula["Li3PS4"],
        "lif": lif,
        "llzo_zr_polyhedra": by_formula["Li7La3Zr2O12"],
        "lgps_disordered": by_formula["Li10Ge(PS6)2"],
        "lgps_explorer_size": by_formula["Li10Ge(PS6)2"],
        # LGPS-type Li-Ge-P-S-I CIF: 5 elements in 10 occupancy bins (the longest legend)
        "lgps_iodide_explorer_size": by_formula["Li26.4592Ge2.4584P1.5416S20I4"],
    }


OPTIONS = {"llzo_zr_polyhedra": {"polyhedra": ["Zr"]}}  # the switch: only ZrO6 octahedra
#: Figure size (px) per picture; default 980 x 780.
SIZES = {"lgps_explorer_size": (1300, 450), "lgps_iodide_explorer_size": (1300, 450)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/ssenb_structures"))
    parser.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    from ssenb.viz import structure_3d

    for name, structure in structures().items():
        html, png = args.out / f"{name}.html", args.out / f"{name}.png"
        if html.exists() or png.exists():
            print(f"{png} exists; not overwriting (choose another --out)", file=sys.stderr)
            return 2
        fig = structure_3d(structure, **OPTIONS.get(name, {}))
        width, height = SIZES.get(name, (980, 780))
        fig.update_layout(width=width, height=height)
        fig.write_html(html, include_plotlyjs=True)
        window = f"--window-size={width + 20},{height + 20}"
        subprocess.run(
            [
                args.chromium,
                *CHROMIUM_FLAGS,
                window,
                f"--screenshot={png}",
                html.resolve().as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        print(png)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
