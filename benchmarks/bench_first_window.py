"""First answer in a fresh process: stability_window("Li10GeP2S12") vs pandas reading the CSVs.

Every measurement is a whole fresh Python process (interpreter start, imports, work, exit),
timed from outside, the two sides alternating in one run:

- pandas: ``import pandas`` and ``read_csv`` of the six MP ~2019 snapshot files (what any
  loader of this data must at least do);
- ssenb: ``from ssenb.thermo import stability_window`` and the first
  ``stability_window("Li10GeP2S12")``, the derived index already cached (warm: the state
  after the first use on a machine);
- for information: the same with an empty index cache (cold: parsed and written), and the
  same window by pymatgen's reference path (``PhaseDiagram.get_element_profile``), which
  the default path replaced.

The ratio is median(ssenb) / median(pandas); goal <= 1.5. Later calls in the same process
(other chemical systems, then a repeat) are timed in ms.

Bytecode: this sandbox sets PYTHONDONTWRITEBYTECODE=1, so every process would compile
every imported module from source (seconds), which no installed package does. The child
processes therefore use a private bytecode cache in a temporary folder (PYTHONPYCACHEPREFIX;
nothing is written next to the sources), warmed once before timing; ``--no-bytecode``
times the compile-from-source state instead.

Run: SSENB_DATA_DIR=../shared/data python benchmarks/bench_first_window.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

PANDAS = """
import json, os
import pandas as pd
root = os.path.join(os.environ["SSENB_DATA_DIR"], "mp2019-allmp")
frames = [pd.read_csv(os.path.join(root, f"CritExam__{q}", f"{s}.csv"))
          for q in ("Ef", "Ed") for s in ("train", "val", "test")]
print(json.dumps({"rows": sum(map(len, frames)) // 2}))
"""

SSENB = """
import json
from ssenb.thermo import stability_window
w = stability_window("Li10GeP2S12")
print(json.dumps({"window": [w.reduction_v, w.oxidation_v]}))
"""

REFERENCE = """
import json
from ssenb.data.materials import to_composition
from ssenb.thermo import get_source
from ssenb.thermo.window import window_of
w = window_of(to_composition("Li10GeP2S12"), "Li", get_source(), reference=True)
print(json.dumps({"window": [w.reduction_v, w.oxidation_v]}))
"""

LATER = """
import json, time
from ssenb.thermo import phase_stability, stability_window
stability_window("Li10GeP2S12")
later = {}
for f in ("Li3PS4", "Li6PS5Cl", "Li7La3Zr2O12", "Li3YCl6", "Li2PO2N", "Li10GeP2S12"):
    t = time.perf_counter(); stability_window(f); later[f] = 1000 * (time.perf_counter() - t)
t = time.perf_counter(); phase_stability("Li10GeP2S12")
later["phase_stability Li10GeP2S12"] = 1000 * (time.perf_counter() - t)
print(json.dumps(later))
"""


def run(code: str, env: dict) -> tuple[float, dict, float]:
    """(wall s of the whole process, its JSON output, its CPU s: user + system)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300
    )
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if out.returncode:
        raise SystemExit(out.stderr)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, json.loads(out.stdout.strip().splitlines()[-1]), cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-bytecode", action="store_true", help="compile every import")
    args = parser.parse_args()
    base = dict(os.environ, SSENB_OFFLINE="1")
    if "SSENB_DATA_DIR" not in base:
        raise SystemExit("set SSENB_DATA_DIR to the data folder (e.g. ../shared/data)")
    load_before = os.getloadavg()[0]
    walls: dict[str, list[float]] = {}
    cpus: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        if args.no_bytecode:
            base["PYTHONDONTWRITEBYTECODE"] = "1"
        else:
            base.pop("PYTHONDONTWRITEBYTECODE", None)
            base["PYTHONPYCACHEPREFIX"] = os.path.join(tmp, "pycache")
        warm = dict(base, SSENB_CACHE_DIR=os.path.join(tmp, "warm"))
        for code in (PANDAS, SSENB, REFERENCE):  # warm the index and the bytecode cache
            run(code, warm)
        _, window, _ = run(SSENB, warm)
        plan = [
            ("pandas read_csv", PANDAS, lambda k: base),
            ("ssenb first window", SSENB, lambda k: warm),
            ("ssenb, cold index", SSENB, lambda k: dict(base, SSENB_CACHE_DIR=f"{tmp}/c{k}")),
            ("pymatgen reference path", REFERENCE, lambda k: warm),
        ]
        for k in range(args.repeat):
            for name, code, env in plan:
                wall, _, cpu = run(code, env(k))
                walls.setdefault(name, []).append(wall)
                cpus.setdefault(name, []).append(cpu)
        later = [run(LATER, warm)[1] for _ in range(3)]
    load_after = os.getloadavg()[0]

    med = {name: statistics.median(w) for name, w in walls.items()}
    cpu = {name: statistics.median(c) for name, c in cpus.items()}
    state = "compiled from source" if args.no_bytecode else "bytecode cached"
    print(
        f"fresh-process wall time (s), median of {args.repeat} ({state}); "
        f"load average {load_before:.1f} before, {load_after:.1f} after, on {os.cpu_count()} cores"
    )
    print(f"  {'':28}{'wall':>7}  {'(min-max)':>11}  {'CPU':>5}")
    for name, w in walls.items():
        print(f"  {name:28}{med[name]:7.2f}  ({min(w):.2f}-{max(w):.2f})  {cpu[name]:5.2f}")
    lo, hi = window["window"]
    print(f"window Li10GeP2S12: {lo:.3f} to {hi:.3f} V vs Li/Li+")
    print("later calls in the same process (ms, median of 3 processes):")
    for key in later[0]:
        print(f"  {key:32}{statistics.median(r[key] for r in later):7.1f}")
    ratio = med["ssenb first window"] / med["pandas read_csv"]
    cpu_ratio = cpu["ssenb first window"] / cpu["pandas read_csv"]
    print(f"CPU ratio (user + system s; less sensitive to the machine's load): {cpu_ratio:.2f}x")
    print(
        f"RATIO first window / pandas CSV read: {ratio:.2f}x "
        f"(goal <= 1.5x: {'met' if ratio <= 1.5 else 'NOT met'}); "
        f"pymatgen reference path: {med['pymatgen reference path'] / med['pandas read_csv']:.2f}x; "
        f"cold index: {med['ssenb, cold index'] / med['pandas read_csv']:.2f}x"
    )


if __name__ == "__main__":
    main()
