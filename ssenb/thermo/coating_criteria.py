"""The coating screen's criteria: one column each, a verdict per row, reasons, a Pareto rank.

Split from :mod:`ssenb.thermo.coating` (which runs the hull stages): given the per-row
numbers, this decides which criteria a candidate meets and why, and whether it conducts
the ion by the best evidence at hand (:func:`ion_conductor`): a BVSE percolation barrier
where the candidate came as a structure, else a conductivity model's prediction where one
was given, else only its ion content, which says nothing about conduction. Each row says
which evidence it used; a verdict is never more confident than that evidence.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from .. import keys as K
from .._pareto import dominators
from .electronic import INSULATOR_GAP_EV, electronic_character, measured_conductivity

#: A reaction energy (eV/atom of mixture) at or above minus this counts as "near zero".
REACTION_TOL = 0.05
_HULL_ENERGY = "_hull_energy"  # a candidate's hull energy (eV/atom), between the stages
CONDUCTION_NOTE = "_conduction_note"  # why a row's BVSE or model evidence is missing
#: The criteria, in the order the ``failed_criteria`` column lists them.
CRITERIA = (
    "stable",
    "contains ion",
    "window covers cathode",
    "inert to cathode",
    "inert to electrolyte",
    "electronic insulator",
    "ion conductor",
)
#: 3D BVSE percolation barrier (eV) at or below which a structure counts as an ion conductor.
#: Fast conductors sit at 0.2-0.6 eV with ssenb's 0.2 Å grid (LLZO 0.53, LGPS 0.69); BVSE
#: overestimates concerted-hop conductors, so the bound is generous.
BVSE_MAX_EV = 1.0
#: log10 σ (S/cm) a coating needs: a 10 nm layer at 1e-8 S/cm adds 100 Ω·cm² of area-specific
#: resistance (t/σ), about the most a thin-film coating may add (at 1e-7: 10 Ω·cm²).
COATING_LOG10_SIGMA_MIN = -8.0

COATING_COLUMNS = [
    K.COATING,
    K.CHEMSYS,
    K.IN_DATA,
    K.E_HULL,
    K.ION_FRACTION,
    K.REDUCTION_V,
    K.OXIDATION_V,
    K.OXIDATION_MARGIN,
    K.CATHODE_REACTION_ENERGY,
    K.ELECTROLYTE_REACTION_ENERGY,
    K.BAND_GAP_PBE,
    K.ELECTRONIC_CHARACTER,
    K.SIGMA,
    K.BARRIER_3D,
    K.PREDICTION,
    K.PREDICTION_STD,
    K.ION_CONDUCTOR,
    K.ION_CONDUCTOR_EVIDENCE,
    K.PASSES,
    K.FAILED_CRITERIA,
    K.REASONS,
    K.ERROR,
    K.PARETO_RANK,
]


def ion_conductor(
    barrier_ev: float, log10_sigma: float, log10_std: float, *, ion: str = "Li"
) -> tuple[str, str]:
    """(verdict, evidence) on ion conduction, from a BVSE barrier first, else a prediction.

    Verdicts: "yes", "no", "uncertain" (a prediction whose 2σ interval straddles
    :data:`COATING_LOG10_SIGMA_MIN`) or "unknown" (neither: only the ion content is known,
    which says nothing about conduction). Only "no" fails the criterion.

    Examples
    --------
    >>> ion_conductor(0.45, math.nan, math.nan)[0], ion_conductor(math.nan, -4.0, 1.0)[0]
    ('yes', 'yes')
    >>> ion_conductor(math.nan, -8.5, 1.0)[0], ion_conductor(math.nan, math.nan, math.nan)[0]
    ('uncertain', 'unknown')
    """
    if not math.isnan(barrier_ev):
        verdict = "yes" if barrier_ev <= BVSE_MAX_EV else "no"
        shown = "no percolating path" if math.isinf(barrier_ev) else f"{barrier_ev:.2f} eV"
        return verdict, f"BVSE 3D barrier {shown} (structure; yes at <= {BVSE_MAX_EV:g} eV)"
    if not math.isnan(log10_sigma):
        std = log10_std if math.isfinite(log10_std) else math.inf
        lo, hi = log10_sigma - 2 * std, log10_sigma + 2 * std
        verdict = (
            "yes" if lo >= COATING_LOG10_SIGMA_MIN
            else "no" if hi < COATING_LOG10_SIGMA_MIN
            else "uncertain"
        )  # fmt: skip
        return verdict, (
            f"model log10 σ {log10_sigma:.1f} ± {2 * std:.1f} (2σ) S/cm, composition; "
            f"yes when the interval is above {COATING_LOG10_SIGMA_MIN:g}"
        )
    return "unknown", f"{ion} content only (no structure, no conductivity model)"


def criteria(
    table: pd.DataFrame, volts: float, tol: float, max_hull: float, gaps: Any, ion: str = "Li"
) -> pd.DataFrame:
    """Gaps, per-criterion verdicts, reasons, Pareto rank; rows sorted best first.

    ``table`` holds the stages' numbers and, where known, ``barrier_3d_eV`` and the
    predicted log10 σ with its std (NaN elsewhere).
    """
    notes = table[CONDUCTION_NOTE].tolist() if CONDUCTION_NOTE in table else [None] * len(table)
    table = table[COATING_COLUMNS].copy()
    ok = table[K.ERROR].isna() & table[K.CATHODE_REACTION_ENERGY].notna()
    table[K.OXIDATION_MARGIN] = table[K.OXIDATION_V] - volts
    okay = ok.to_numpy(bool)
    gap_values = [gaps(f) if good else math.nan for f, good in zip(table[K.COATING], okay)]
    table[K.BAND_GAP_PBE] = gap_values
    table[K.ELECTRONIC_CHARACTER] = [
        electronic_character(g) if good else None for g, good in zip(gap_values, okay)
    ]
    table[K.SIGMA] = [  # measured, for reading; not a criterion (most coatings lack one)
        measured_conductivity(f)[0] if good else math.nan for f, good in zip(table[K.COATING], okay)
    ]
    evidence = [
        ion_conductor(b, m, s, ion=ion) if good else (None, None)
        for b, m, s, good in zip(
            table[K.BARRIER_3D].to_numpy(float),
            table[K.PREDICTION].to_numpy(float),
            table[K.PREDICTION_STD].to_numpy(float),
            okay,
        )
    ]
    table[K.ION_CONDUCTOR] = [e[0] for e in evidence]
    table[K.ION_CONDUCTOR_EVIDENCE] = [
        f"{e[1]}; {note}" if isinstance(note, str) and e[1] else e[1]
        for e, note in zip(evidence, notes)
    ]
    checks = {
        "stable": table[K.IN_DATA] & (table[K.E_HULL] <= max_hull + 1e-9),
        "contains ion": table[K.ION_FRACTION] > 0,
        "window covers cathode": table[K.OXIDATION_MARGIN] >= -1e-9,
        "inert to cathode": table[K.CATHODE_REACTION_ENERGY] >= -tol,
        "inert to electrolyte": table[K.ELECTROLYTE_REACTION_ENERGY] >= -tol,
        "electronic insulator": table[K.BAND_GAP_PBE] >= INSULATOR_GAP_EV,
        # only evidence against fails it; "unknown" and "uncertain" say so in their column
        "ion conductor": table[K.ION_CONDUCTOR] != "no",
    }
    passed = {c: v.to_numpy(bool) for c, v in checks.items()}
    # a reaction energy not computed (funnel) is neither met nor failed: it is unknown
    never = np.zeros(len(table), bool)
    unknown = {
        "inert to cathode": table[K.CATHODE_REACTION_ENERGY].isna().to_numpy(),
        "inert to electrolyte": table[K.ELECTROLYTE_REACTION_ENERGY].isna().to_numpy(),
    }
    failed: list[str | None] = [None] * len(table)
    reasons = table[K.REASONS].where(table[K.REASONS].notna(), table[K.ERROR]).tolist()
    records = table.to_dict("records")
    for i in np.flatnonzero(okay):
        names = [c for c in CRITERIA if not passed[c][i] and not unknown.get(c, never)[i]]
        failed[i] = ", ".join(names)
        reasons[i] = reason(records[i], names, volts, tol)
        if any(u[i] for u in unknown.values()):
            failed[i] = failed[i] or None  # not all criteria known: never "passes"
    table[K.FAILED_CRITERIA] = failed
    table[K.REASONS] = reasons
    table[K.PASSES] = [f == "" for f in failed]
    objectives = np.column_stack(
        [
            table[K.CATHODE_REACTION_ENERGY].to_numpy(float),
            table[K.ELECTROLYTE_REACTION_ENERGY].to_numpy(float),
            np.minimum(table[K.OXIDATION_MARGIN].to_numpy(float), 10.0),
        ]
    )
    ranked = ~np.isnan(objectives).any(axis=1)
    ranks = np.zeros(len(table), np.int64)
    ranks[ranked] = dominators(objectives[ranked]) + 1  # Fonseca & Fleming, by sorting
    table[K.PARETO_RANK] = pd.array(ranks, dtype="Int64")
    table[K.PARETO_RANK] = table[K.PARETO_RANK].mask(ranks == 0)
    worse = np.minimum(
        table[K.CATHODE_REACTION_ENERGY].fillna(-np.inf),
        table[K.ELECTROLYTE_REACTION_ENERGY].fillna(-np.inf),
    )
    order = np.lexsort(
        (-worse.to_numpy(float), np.where(ranks > 0, ranks, 10**9), ~table[K.PASSES].to_numpy(bool))
    )
    return table.iloc[order].reset_index(drop=True)


def reason(row: dict[str, Any], failed: list[str], volts: float, tol: float) -> str:
    """One line per candidate: what it does well and which criteria it misses."""
    parts = []
    if "window covers cathode" in failed:
        parts.append(f"oxidized at {row[K.OXIDATION_V]:.2f} V < cathode {volts:.2f} V")
    for name, col, who in (
        ("inert to cathode", K.CATHODE_REACTION_ENERGY, "cathode"),
        ("inert to electrolyte", K.ELECTROLYTE_REACTION_ENERGY, "electrolyte"),
    ):
        value = row[col]
        if math.isnan(value):
            parts.append(f"reaction with the {who} not computed")
        elif name in failed:
            parts.append(f"reacts with the {who} ({value:.3f} eV/atom)")
    if "electronic insulator" in failed:
        gap = row[K.BAND_GAP_PBE]
        parts.append(
            "band gap unknown"
            if math.isnan(gap)
            else f"PBE gap {gap:.2f} eV < {INSULATOR_GAP_EV:g} eV"
        )
    if "stable" in failed:
        parts.append(f"{row[K.E_HULL]:.3f} eV/atom above hull")
    if "ion conductor" in failed:
        parts.append(f"not an ion conductor: {row[K.ION_CONDUCTOR_EVIDENCE]}")
    if not failed:
        parts.append(
            f"stable to {row[K.OXIDATION_V]:.2f} V, reaction energies "
            f"{row[K.CATHODE_REACTION_ENERGY]:.3f} (cathode) and "
            f"{row[K.ELECTROLYTE_REACTION_ENERGY]:.3f} eV/atom (electrolyte), "
            f"PBE gap {row[K.BAND_GAP_PBE]:.2f} eV"
        )
    if "ion conductor" not in failed and row[K.ION_CONDUCTOR] != "yes":
        parts.append(f"ion conduction {row[K.ION_CONDUCTOR]}: {row[K.ION_CONDUCTOR_EVIDENCE]}")
    return "; ".join(parts)


__all__ = [
    "BVSE_MAX_EV",
    "COATING_COLUMNS",
    "COATING_LOG10_SIGMA_MIN",
    "CRITERIA",
    "REACTION_TOL",
    "criteria",
    "ion_conductor",
    "reason",
]
