"""Real-browser check of the DopingExplorer's Compute and Cancel, in JupyterLab and headless Chromium.

The served notebook builds the DopingExplorer for Ni on Co in LiCoO2 with a fake potential
(MP energies of six entries, no torch): exact energies for the benchmark, then 0.3 s per
force call and a constant force, so the relaxation would run for all 300 steps. The page
presses Compute, waits, presses Cancel, and waits for the status line to say the
relaxation was cancelled; one picture per stage:

    0_ready.png        the selection, Compute enabled, Cancel disabled
    1_running.png      the elapsed time and "relaxing ... in the background"
    2_cancelling.png   right after Cancel
    3_cancelled.png    "cancelled after N ionic steps ...: nothing of it is kept", idle

``log.txt`` records the status line at each stage and the buttons' state at the end.
Run from the repo root (same needs as scripts/browser_check.py):

    SSENB_DATA_DIR=/work/shared/data SSENB_OFFLINE=1 \\
        python scripts/browser_check_doping.py [-o out/pictures_doping] [--force]

Exit code 0 when the relaxation was cancelled and Compute is enabled again.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import browser_check as bc  # the JupyterLab and Chromium helpers

NOTEBOOK = "doping_cancel.ipynb"
CELL = """\
import time

import numpy as np

from ssenb.data import load_mp2020_entries
from ssenb.mlip import benchmark_potential
from ssenb.mlip.potential import Calculation
from ssenb.widgets.doping import DopingExplorer

IDS = ("mp-1018134-GGA", "mp-54-GGA", "mp-23-GGA", "mp-12957-GGA", "mp-22526-GGA+U",
       "mp-2348641-GGA+U")
by_id = {e.entry_id: e for e in load_mp2020_entries()}
entries = [by_id[i] for i in IDS]
table = {e.composition.reduced_formula: e.energy_per_atom for e in entries}


class SlowFake:
    \"\"\"Hand-made energies (the LiCoO2-LiNiO2 line + 10 meV/atom); slow, pushed relaxations.\"\"\"

    name, version, energy_convention = "Fake", "1.0", "MP2020-corrected"
    slow = False

    def calculate(self, s):
        c = s.composition
        if c.reduced_formula in table:
            e = table[c.reduced_formula]
        else:
            x = c["Ni"] / (c["Ni"] + c["Co"])
            e = (1 - x) * table["LiCoO2"] + x * table["LiNiO2"] + 0.010
        forces = np.zeros((len(s), 3))
        if self.slow:  # a relaxation that would run for all its steps
            time.sleep(0.3)
            forces[:, 0] = 1.0
        return Calculation(e * len(s), forces, np.zeros((3, 3)))


pot = SlowFake()
bench = benchmark_potential(entries, pot, progress=False)
pot.slow = True
ex = DopingExplorer(
    bench,
    hosts={"LiCoO2 (mp-22526)": by_id["mp-22526-GGA+U"].structure},
    potential=pot,
    substitute_kwargs={"max_cells": 4, "max_atoms": 16, "n_relax": 1, "steps": 300},
)
ex.site.value, ex.dopant.value, ex.fraction.value = "Co", "Ni", 0.75
ex.add_class("ssenb-doping")  # handles for the browser check, nothing else
ex.status.widget.add_class("ssenb-status")
ex
"""
BUTTONS_JS = (
    "[...document.querySelectorAll('.ssenb-doping button')].filter(b => b.innerText.trim())"
    ".map(b => b.innerText.trim() + (b.disabled ? ' (disabled)' : ''))"
)


def write_notebook(folder: Path) -> None:
    cell = {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": []}
    nb = {
        "cells": [{**cell, "source": CELL}],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    (folder / NOTEBOOK).write_text(json.dumps(nb, indent=1))


def drive(page, out_dir: Path, log: list[str]) -> bool:
    widget = page.locator(".ssenb-doping").first

    def status() -> str:
        return page.evaluate(bc.STATUS_JS)

    def shoot(name: str) -> None:
        widget.screenshot(path=str(out_dir / f"{name}.png"))
        log.append(f"{name}: {status()} | buttons {page.evaluate(BUTTONS_JS)}")

    shoot("0_ready")
    widget.locator("button", has_text="Compute").first.click()
    time.sleep(4)
    shoot("1_running")
    widget.locator("button", has_text="Cancel").first.click()
    time.sleep(0.2)
    shoot("2_cancelling")
    page.wait_for_function(f"{bc.STATUS_JS}.includes('cancelled')", timeout=60_000)
    time.sleep(1)
    shoot("3_cancelled")
    return "cancelled after" in status() and "Compute" in page.evaluate(BUTTONS_JS)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-o", "--output-dir", default="out/pictures_doping")
    parser.add_argument("--force", action="store_true", help="overwrite existing pictures")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()

    out_dir = Path(args.output_dir)
    if out_dir.exists() and any(out_dir.iterdir()) and not args.force:
        raise SystemExit(f"{out_dir} is not empty; pass --force to overwrite its pictures")
    out_dir.mkdir(parents=True, exist_ok=True)
    log: list[str] = []
    with tempfile.TemporaryDirectory(prefix="ssenb-browser-") as tmp:
        root = Path(tmp)
        write_notebook(root)
        with bc.lab_page(root, NOTEBOOK, root / "lab.log", args.chromium) as (page, url):
            bc.open_and_run(page, url, ".ssenb-doping")
            ok = drive(page, out_dir, log)
    (out_dir / "log.txt").write_text("\n".join(log) + "\n")
    print("\n".join(log))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
