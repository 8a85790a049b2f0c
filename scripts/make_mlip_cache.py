"""Regenerate tutorials/data/mlip_cache.json: CHGNet benchmark and doped LiCoO2 (slow, CPU).

    python scripts/make_mlip_cache.py --force          # ~10-30 min on 2 busy cores

Needs the mlip extra (scripts/setup.sh installs it) and the data mirror (SSENB_DATA_DIR).
Writes JSON only (ssenb.mlip.write_results); the tutorial reads it with read_results.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOST_ID = "mp-22526-GGA+U"  # LiCoO2, R-3m, 4 atoms
DOPINGS = (
    ("LiCoO2 + 1/2 Ni on Co", {"Co": {"Ni": 0.5}}),
    ("LiCoO2 + 1/4 Ni on Co", {"Co": {"Ni": 0.25}}),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "tutorials" / "data" / "mlip_cache.json"))
    parser.add_argument(
        "--max-atoms", type=int, default=56, help="benchmark entries up to this size"
    )
    parser.add_argument("--force", action="store_true", help="overwrite an existing cache")
    parser.add_argument(
        "--reuse-benchmark",
        action="store_true",
        help="take the benchmark from the existing cache; recompute the dopings only",
    )
    args = parser.parse_args()

    from ssenb.data import load_mp2020_entries
    from ssenb.mlip import benchmark_potential, load_chgnet, read_results, substitute, write_results

    t0 = time.perf_counter()
    entries = load_mp2020_entries()
    pot = load_chgnet()
    if args.reuse_benchmark:
        bench = read_results(args.out)["benchmark"]
    else:
        bench = benchmark_potential(
            entries,
            pot,
            max_atoms=args.max_atoms,
            source="Materials Project Li-Co-Ni-O (MP2020), shipped demo",
        )
    print(f"benchmark of {len(bench.table)} entries: {time.perf_counter() - t0:.0f} s")
    for label, value in bench.subset(max_atoms=20).summary():
        print(f"  (≤ 20 atoms) {label}: {value}")
    results = {"benchmark": bench}
    path = write_results(
        args.out, results, overwrite=args.force or args.reuse_benchmark
    )  # kept even if a doping fails
    host = next(e.structure for e in entries if e.entry_id == HOST_ID)
    for name, subs in DOPINGS:
        t1 = time.perf_counter()
        res = substitute(
            host,
            subs,
            competing=bench,
            potential=pot,
            max_cells=4,
            max_atoms=16,
            n_relax=3,
            steps=300,
        )
        print(f"{name}: {time.perf_counter() - t1:.0f} s")
        print(res.table.to_string())
        results[name] = res
        path = write_results(args.out, results, overwrite=True)
    print(f"wrote {path} ({path.stat().st_size / 1e3:.0f} kB) in {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
