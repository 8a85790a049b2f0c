"""Time the multi-property table of every Li compound (``ssenb table --all-li``), warm cache.

Runs :func:`ssenb.li_table.li_property_table` twice in one process (the first call warms
the snapshot index, the property tables and, with ``--predict``, loads the cached default
models; fitting them is first-use cost and not timed here), then prints the second call's
wall time beside the machine's load, and the plain screen (hull + window) of the same
compounds, the obvious lower bound.

Run: SSENB_DATA_DIR=../shared/data python benchmarks/bench_li_table.py [--predict] [--jobs 2]
"""

from __future__ import annotations

import argparse
import os
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--predict", action="store_true")
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args()

    from ssenb.data.mp_snapshot import snapshot_formulas
    from ssenb.li_table import li_property_table
    from ssenb.thermo import screen

    li_property_table(within="Li-P-S", predict=args.predict)  # warm every cache
    t0 = time.perf_counter()
    table = li_property_table(predict=args.predict, executor=args.jobs)
    t_table = time.perf_counter() - t0
    t0 = time.perf_counter()
    screen(snapshot_formulas(contains="Li"), executor=args.jobs, progress=False)
    t_screen = time.perf_counter() - t0
    print(
        f"{len(table)} Li compounds: table {t_table:.1f} s, screen alone {t_screen:.1f} s "
        f"(ratio {t_table / t_screen:.2f}); predict={args.predict}, jobs={args.jobs}, "
        f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
