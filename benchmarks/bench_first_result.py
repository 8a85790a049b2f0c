"""First result of the Explorer and of ``ssenb report`` in a fresh process; goal under 3 s.

Each measurement is a whole fresh Python process, timed from outside (interpreter start,
imports, data and model loading, the analysis, exit), median of --repeat runs:

- Explorer: ``from ssenb.widgets import Explorer; Explorer("Li10GeP2S12")``: the widget
  is built and has analysed the formula (its status line says "done") — the first summary
  a notebook user sees, with the cached default conductivity model (predict=True). Every
  number of every tab is computed; figures are made when their tab is shown (the SHAP
  waterfall, too), so the first result does not wait for plotly's FigureWidget import
  (1.5 s) or for figures in closed tabs;
- ``ssenb report Li10GeP2S12 --no-predict`` and ``ssenb report Li10GeP2S12`` (with the
  cached default model): the HTML file written.

The default model is taken from ssenb's model cache (``$SSENB_MODEL_DIR`` or the OS cache,
as a user has it after the first fit); if it is missing it is fitted once first (untimed,
about a minute). The snapshot's derived index is warm too. The machine's load average is
printed beside the times: other jobs on the same 2 cores slow every number here.

Bytecode: this sandbox sets PYTHONDONTWRITEBYTECODE=1 (every process would recompile all
imported modules, which no installed package does); the children use a private bytecode
cache in a temporary folder (PYTHONPYCACHEPREFIX), warmed before timing.

Run: SSENB_DATA_DIR=../shared/data python benchmarks/bench_first_result.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

GOAL_S = 3.0
FORMULA = "Li10GeP2S12"

EXPLORER = f"""
from ssenb.widgets import Explorer
e = Explorer({FORMULA!r})
assert e.summary is not None and e.status.message.endswith("done"), e.status.message
"""

FIT = """
from ssenb.models import default_model
default_model("composition")
"""


def run(argv: list[str], env: dict) -> tuple[float, float]:
    """(wall s, CPU s: user + system) of one fresh process; fails loudly if it fails."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    out = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=600)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if out.returncode:
        raise SystemExit(f"{' '.join(argv)} failed:\n{out.stderr[-3000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    env = dict(os.environ, SSENB_OFFLINE="1")
    if "SSENB_DATA_DIR" not in env:
        raise SystemExit("set SSENB_DATA_DIR to the data folder (e.g. ../shared/data)")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    py = sys.executable
    script = shutil.which("ssenb", path=os.path.dirname(py))  # the installed command
    cli = [script] if script else [py, "-m", "ssenb.cli"]
    with tempfile.TemporaryDirectory() as tmp:
        env["PYTHONPYCACHEPREFIX"] = os.path.join(tmp, "pycache")
        out = os.path.join(tmp, "report.html")
        plan = {
            "Explorer (formula, predict)": [py, "-c", EXPLORER],
            "ssenb report --no-predict": [*cli, "report", FORMULA, "--no-predict", "-o", out, "-f"],
            "ssenb report (predict)": [*cli, "report", FORMULA, "-o", out, "-f"],
        }
        print("setup: default model and index (fitted/built once if missing), bytecode ...")
        run([py, "-c", FIT], env)
        for argv in plan.values():  # warm the bytecode cache
            run(argv, env)
        load_before = os.getloadavg()[0]
        walls: dict[str, list[float]] = {name: [] for name in plan}
        cpus: dict[str, list[float]] = {name: [] for name in plan}
        for _ in range(args.repeat):
            for name, argv in plan.items():
                wall, cpu = run(argv, env)
                walls[name].append(wall)
                cpus[name].append(cpu)
        load_after = os.getloadavg()[0]
    print(
        f"first result in a fresh process (s), median of {args.repeat}; load average "
        f"{load_before:.1f} before, {load_after:.1f} after, on {os.cpu_count()} cores"
    )
    print(f"  {'':30}{'wall':>6}  {'(min-max)':>11}  {'CPU':>5}")
    for name, w in walls.items():
        med = statistics.median(w)
        verdict = "met" if med < GOAL_S else "NOT met"
        print(
            f"  {name:30}{med:6.2f}  ({min(w):.2f}-{max(w):.2f})  {statistics.median(cpus[name]):5.2f}"
            f"   goal < {GOAL_S:.0f} s wall: {verdict}"
        )
    print(
        "  CPU = user + system seconds of the process: roughly its wall time on an idle "
        "machine (most of the work is single-threaded); less sensitive to the load"
    )


if __name__ == "__main__":
    main()
