"""Regenerate tutorials/data/design_cache.json: tutorial 12's relaxations (CHGNet, CPU).

    python scripts/make_design_cache.py --force          # ~2-5 min on 2 busy cores

Host: Li3SbS4 (OBELiX training entry mq1, 16 atoms, ordered). Needs the mlip extra
(scripts/setup.sh installs it) and the data mirror (SSENB_DATA_DIR). Writes JSON only
(ssenb.design.write_design); the tutorial reads it with read_design and reruns the design
from it with ``reuse=`` (no torch needed then). The settings below are the tutorial's:
change one here and there together, or the tutorial would need to relax again.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOST_ID = "mq1"  # Li3SbS4 in the OBELiX training split (Pmn2_1, 16 atoms)
#: the tutorial's design call, less the host, the model and reuse
SETTINGS = {
    "dopants": ["Se", "Cl", "Br", "P", "W", "Ge"],
    "sites": ["S", "Sb"],
    "top": 6,
    "fractions": [0.125, 0.25],
    "max_atoms": 32,
    "n_orderings": 1,
    "steps": 300,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "tutorials" / "data" / "design_cache.json"))
    parser.add_argument("--force", action="store_true", help="overwrite an existing cache")
    parser.add_argument("-j", "--jobs", type=int, default=None, help="worker processes")
    args = parser.parse_args()

    from ssenb.data import load_obelix
    from ssenb.design import design, write_design

    t0 = time.perf_counter()
    obelix = load_obelix("train")
    host = obelix.loc[obelix["id"] == HOST_ID, "structure"].iloc[0]
    # the CIF round trip the tutorial's host goes through is none: it reads this very cell
    res = design(host, potential="chgnet", model=False, executor=args.jobs, **SETTINGS)
    print(res.table.drop(columns=["reasons"]).to_string())
    path = write_design(args.out, res, overwrite=args.force)
    print(f"wrote {path} ({path.stat().st_size / 1e3:.0f} kB) in {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
