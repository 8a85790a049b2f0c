"""Pareto rank of design candidates, and the reasons written on every row.

Objectives, all counted by :func:`ssenb._pareto.dominators_pairwise` (Fonseca & Fleming's
rank: 1 + the number of rows that dominate a row): energy above hull low (stability),
BVSE 3D Li barrier low (transport through the relaxed structure), the worse of the two
interface reaction energies small in magnitude (compatibility with Li metal and the
cathode), and, with a conductivity model, predicted log10 σ high. The window width is
reported, not ranked: it is the interface reactions' cause, counted once.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .. import keys as K
from ..results import fmt_number
from ._steps import finite

#: (column, "higher is better" sign, what it measures) of the Pareto rank
OBJECTIVES = (
    (K.E_HULL, -1.0, "energy above hull"),
    (K.BARRIER_3D, -1.0, "BVSE 3D barrier"),
    ("worst_interface_eV_atom", 1.0, "interface reaction energy"),
    (K.PREDICTION, 1.0, "predicted log10 σ"),
)
WORST_INTERFACE = "worst_interface_eV_atom"


def rank(table: pd.DataFrame, *, use_sigma: bool) -> pd.Series:
    """Pareto rank (1 = front) over :data:`OBJECTIVES`; <NA> where an objective is missing."""
    from .._pareto import dominators_pairwise

    used = [o for o in OBJECTIVES if use_sigma or o[0] != K.PREDICTION]
    obj = np.column_stack([sign * table[col].to_numpy(float) for col, sign, _ in used])
    ok = ~np.isnan(obj).any(axis=1)
    out = pd.Series(pd.NA, index=table.index, dtype="Int64")
    if ok.any():
        out[ok] = dominators_pairwise(obj[ok]) + 1
    return out


def reasons(table: pd.DataFrame, *, cathode: str, use_sigma: bool) -> list[str]:
    """Why each row ranks where it does, in words with units."""
    host = table[table["candidate"] == "host"]
    h = host.iloc[0] if len(host) else None
    out = []
    for _, r in table.iterrows():
        parts: list[str] = []
        if finite(r[K.E_HULL]):
            e, err = 1000 * r[K.E_HULL], 1000 * r[K.E_HULL_ERR]
            verdict = (
                "within its uncertainty of the hull"
                if e <= err or not finite(err)
                else "above the hull by more than its uncertainty"
            )
            parts.append(
                f"E_hull {fmt_number(e, 'meV/atom', digits=0, spread=err)} "
                f"(± the hull method's benchmark MAE): {verdict}"
            )
        if finite(r[K.BARRIER_3D]) or r[K.BARRIER_3D] == math.inf:
            ref = (
                f" (host {fmt_number(h[K.BARRIER_3D], 'eV')})"
                if h is not None and r["candidate"] != "host" and finite(h[K.BARRIER_3D])
                else ""
            )
            parts.append(f"BVSE 3D barrier {fmt_number(r[K.BARRIER_3D], 'eV')}{ref}")
        if finite(r[K.PREDICTION]):
            interval = (
                f", 2σ {fmt_number(r[K.LOG10_SIGMA_LOW])} to {fmt_number(r[K.LOG10_SIGMA_HIGH])}"
                if finite(r[K.LOG10_SIGMA_LOW])
                else ""
            )
            parts.append(f"predicted log10 σ {fmt_number(r[K.PREDICTION])}{interval} (S/cm)")
        if finite(r[WORST_INTERFACE]):
            side = (
                "Li metal"
                if r[K.ANODE_REACTION_ENERGY] <= r[K.CATHODE_REACTION_ENERGY]
                else cathode
            )
            parts.append(
                f"worst interface {fmt_number(r[WORST_INTERFACE], 'eV/atom')} with {side}; "
                f"window {fmt_number(r[K.REDUCTION_V])} to {fmt_number(r[K.OXIDATION_V])} V "
                "vs Li/Li⁺"
            )
        rank_ = r[K.PARETO_RANK]
        if pd.isna(rank_) and isinstance(r[K.ERROR], str) and r[K.ERROR]:
            parts.append(f"not ranked: {r[K.ERROR]}")
        elif pd.isna(rank_):
            missing = [
                what
                for col, _, what in OBJECTIVES
                if (use_sigma or col != K.PREDICTION) and not _number(r[col])
            ]
            parts.append(f"not ranked: no {', '.join(missing)}")
        elif int(rank_) == 1:
            parts.append("Pareto front: no candidate is better in every objective")
        else:
            parts.append(f"Pareto rank {int(rank_)}: {int(rank_) - 1} candidate(s) dominate it")
        out.append("; ".join(parts))
    return out


def _number(x: object) -> bool:
    try:
        return not math.isnan(float(x))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
