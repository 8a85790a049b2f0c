"""Recall@k of ssenb.design.propose_substitutions on doped variants mined from OBELiX (train).

Run: SSENB_DATA_DIR=... SSENB_OFFLINE=1 python scripts/design_recall.py [--out ranks.csv]
Prints the number of mined (parent, dopant, site) triples and recall@5/10/20 for both
rankings (probability, then radius; probability only). See docs/design.md.
"""

from __future__ import annotations

import argparse
import time

import ssenb
from ssenb.design import mine_dopant_pairs, recall_at_k
from ssenb.design.recall import dopant_ranks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", help="write the per-triple ranks (CSV) here (a new file)")
    args = parser.parse_args()
    frame = ssenb.data.load_obelix("train")
    pairs = mine_dopant_pairs(frame).drop_duplicates(["parent", "dopant", "site"])
    print(
        f"OBELiX train: {len(frame)} rows, {len(pairs)} distinct (parent, dopant, site) "
        f"triples from {pairs['parent'].nunique()} parents"
    )
    for rank_by in ("probability_then_radius", "probability"):
        t = time.perf_counter()
        ranks = dopant_ranks(pairs, rank_by=rank_by)
        refused = ranks.loc[ranks["error"] != "", "parent"].nunique()
        print(
            f"\nrank_by={rank_by!r} ({time.perf_counter() - t:.0f} s; parents refused: {refused})"
        )
        print(recall_at_k(ranks).to_string(index=False, float_format="{:.3f}".format))
        if args.out and rank_by == "probability_then_radius":
            with open(args.out, "x") as fh:  # never overwrite
                ranks.to_csv(fh, index=False)


if __name__ == "__main__":
    main()
