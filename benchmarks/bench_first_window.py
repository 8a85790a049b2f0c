"""First answer in a fresh process: stability_window("Li10GeP2S12") vs pandas reading the CSVs.

Each measurement is a fresh Python subprocess, run side by side in one go:

- pandas: ``import pandas`` and ``read_csv`` of the six MP ~2019 snapshot files (what any
  loader of this data must at least do);
- ssenb: ``import ssenb.thermo`` and the first ``stability_window("Li10GeP2S12")``, with
  the derived index cold (empty $SSENB_CACHE_DIR: parsed and written) and warm (read);
- ssenb, libraries pre-imported: the same first call (``import ssenb.thermo`` included)
  after ``import pandas, pymatgen.analysis.phase_diagram`` (a fixed cost of any pymatgen
  user, ~1-2 s on a quiet machine, dominated by matplotlib and scipy), so that ssenb's
  own data and hull work is set against the CSV read alone (whose ``import pandas`` is
  not counted either).

Medians of --repeat runs. Later calls in the same process are timed too.

Run: SSENB_DATA_DIR=../shared/data python benchmarks/bench_first_window.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

PANDAS = """
import json, os, time
t0 = time.perf_counter()
import pandas as pd
t1 = time.perf_counter()
root = os.path.join(os.environ["SSENB_DATA_DIR"], "mp2019-allmp")
frames = [pd.read_csv(os.path.join(root, f"CritExam__{q}", f"{s}.csv"))
          for q in ("Ef", "Ed") for s in ("train", "val", "test")]
t2 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "work": t2 - t1, "rows": sum(map(len, frames)) // 2}))
"""

SSENB = """
import json, time
t0 = time.perf_counter()
if PREIMPORT:
    import pandas, pymatgen.analysis.phase_diagram
t1 = time.perf_counter()
from ssenb.thermo import stability_window
w = stability_window("Li10GeP2S12")
t2 = time.perf_counter()
later = []
for f in ("Li3PS4", "Li6PS5Cl", "Li10GeP2S12", "Li7P3S11", "Li4GeS4"):
    t = time.perf_counter(); stability_window(f); later.append(time.perf_counter() - t)
print(json.dumps({"import": t1 - t0, "work": t2 - t1, "window": [w.reduction_v, w.oxidation_v],
                  "later_ms": 1000 * max(later)}))
"""


def run(code: str, env: dict) -> dict:
    t = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300
    )
    wall = time.perf_counter() - t
    if out.returncode:
        raise SystemExit(out.stderr)
    data = json.loads(out.stdout.strip().splitlines()[-1])
    data["wall"] = wall
    return data


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    base = dict(os.environ, SSENB_OFFLINE="1")
    if "SSENB_DATA_DIR" not in base:
        raise SystemExit("set SSENB_DATA_DIR to the data folder (e.g. ../shared/data)")
    results: dict[str, list[dict]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(args.repeat):
            cold_dir = os.path.join(tmp, f"cold{k}")  # a new, empty derived cache each time
            warm = dict(base, SSENB_CACHE_DIR=os.path.join(tmp, "warm"))
            plan = [
                ("pandas read_csv", PANDAS, base),
                (
                    "ssenb, cold index",
                    SSENB.replace("PREIMPORT", "False"),
                    dict(base, SSENB_CACHE_DIR=cold_dir),
                ),
                ("ssenb, warm index", SSENB.replace("PREIMPORT", "False"), warm),
                ("ssenb, warm, libraries imported", SSENB.replace("PREIMPORT", "True"), warm),
            ]
            if k == 0:  # fill the warm cache once
                run(SSENB.replace("PREIMPORT", "False"), warm)
            for name, code, env in plan:
                results.setdefault(name, []).append(run(code, env))

    def med(name, key):
        return statistics.median(r[key] for r in results[name])

    print(
        f"fresh-process timings, median of {args.repeat} (s); machine load {os.getloadavg()[0]:.1f}"
    )
    print(f"{'':34}{'process wall':>14}{'imports':>10}{'work':>10}")
    for name in results:
        print(
            f"{name:34}{med(name, 'wall'):14.2f}{med(name, 'import'):10.2f}{med(name, 'work'):10.2f}"
        )
    read = med("pandas read_csv", "work")
    w = results["ssenb, warm index"][0]["window"]
    print(f"\nwindow Li10GeP2S12: {w[0]:.3f}-{w[1]:.3f} V vs Li/Li+")
    print(f"later calls in the same process: max {med('ssenb, warm index', 'later_ms'):.0f} ms")
    print("ratios vs pandas (goal: <= 1.5x)")
    print(
        f"  first window, ssenb's own work (libraries imported) / CSV read:  "
        f"{med('ssenb, warm, libraries imported', 'work') / read:5.2f}x"
    )
    print(
        f"  whole fresh process, warm index / whole pandas process:            "
        f"{med('ssenb, warm index', 'wall') / med('pandas read_csv', 'wall'):5.2f}x"
    )
    print(
        f"  whole fresh process, cold index / whole pandas process:            "
        f"{med('ssenb, cold index', 'wall') / med('pandas read_csv', 'wall'):5.2f}x"
    )


if __name__ == "__main__":
    main()
