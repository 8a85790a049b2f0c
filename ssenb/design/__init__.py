"""Design new electrolytes: substitution candidates ranked by data-mined probability.

A layer above :mod:`ssenb.mlip` and :mod:`ssenb.models`. Importing it is light; pymatgen
loads on first use.

1. :func:`propose_substitutions`: ranked, charge-balanced dopants for a Li host, with the
   Li vacancies or interstitials that compensate them and the fractions a cell realises.
3. :func:`design`: host → candidates → orderings → relaxed → E_hull → window and
   interfaces → BVSE → predicted σ → Pareto rank, one call (:class:`DesignResult`).
2. :func:`mine_dopant_pairs` and :func:`recall_at_k`: the proposer's measurable goal,
   doped variants of a parent in a data set (OBELiX) found again from the parent.
3. :func:`screen_candidates`: candidates to a decision table (E_hull, window, interface
   reactions, predicted log10 σ, Pareto rank), resumable, on any executor.
"""

from .._lazy import lazy_getattr

_NAMES = {
    "FRACTION_GRID": "propose",
    "MAX_CELL_ATOMS": "propose",
    "RADIUS_TOLERANCE": "propose",
    "SubstitutionCandidates": "propose",
    "CandidateTable": "pipeline",
    "pareto_rank": "pipeline",
    "screen_candidates": "pipeline",
    "propose_substitutions": "propose",
    "mine_dopant_pairs": "recall",
    "DesignResult": "run",
    "design": "run",
    "read_design": "run",
    "write_design": "run",
    "recall_at_k": "recall",
}
__getattr__ = lazy_getattr(__name__, _NAMES)
__all__ = sorted(_NAMES)


def __dir__() -> list[str]:
    return sorted([*globals(), *_NAMES])
