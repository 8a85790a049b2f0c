"""How far a potential's hull agrees with DFT's, read off one table of DFT and MLIP energies.

Each side (DFT, MLIP) builds its own convex hull from the same set of phases, and formation
energies are taken against each side's own elemental references: DFT and MLIP energies never
meet in one hull. From the two sets of columns come the scores of a
:class:`~ssenb.mlip.PotentialBenchmark`: MAE of energies, formation energies and E_hull
(eV/atom), the Spearman rank correlation of E_hull, and "within a threshold of the hull"
confusion counts at :data:`THRESHOLDS`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, TypedDict

import numpy as np
import pandas as pd

from .. import keys as K
from ..errors import UnsupportedMaterialError

if TYPE_CHECKING:
    from numpy.typing import ArrayLike
    from pymatgen.analysis.phase_diagram import PDEntry
    from pymatgen.entries.computed_entries import ComputedEntry

#: thresholds (eV/atom) of the "on the hull" confusion matrices
THRESHOLDS = (0.0, 0.05)
#: numerical tolerance for "on the hull" at the 0 eV/atom threshold (eV/atom)
ON_HULL_TOL = 1e-6


class Agreement(TypedDict):
    """The scores of a benchmark, as :class:`~ssenb.mlip.PotentialBenchmark` fields."""

    energy_mae: float
    energy_per_atom_mae: float
    e_hull_mae: float
    spearman: float
    confusion: dict[str, dict[str, int]]


def check_references(entries: Iterable[PDEntry | ComputedEntry], where: str) -> None:
    """Refuse a set of phases without one elemental entry per element: it has no hull.

    Parameters
    ----------
    entries : iterable of PDEntry or ComputedEntry
    where : str
        What the entries are, for the message (e.g. "DFT entries of ≤ 20 atoms").

    Raises
    ------
    UnsupportedMaterialError
        Naming the elements without an elemental entry.
    """
    entries = list(entries)
    elements = {el.symbol for e in entries for el in e.composition.elements}
    have = {e.composition.elements[0].symbol for e in entries if e.composition.is_element}
    if not elements <= have:
        raise UnsupportedMaterialError(
            f"the {where} have no elemental entry of {', '.join(sorted(elements - have))} "
            "(or the potential failed on it); formation energies and hulls need one per element"
        )


def hull_columns(table: pd.DataFrame) -> pd.DataFrame:
    """Formation energies and E_hull (eV/atom) of both sides, each from its own hull.

    Rows with a NaN MLIP energy take part in neither hull. Both hulls use the same phases.

    Parameters
    ----------
    table : DataFrame
        One row per phase with ``composition`` (full cell formula) and the energies
        :data:`ssenb.keys.E_DFT` and :data:`ssenb.keys.E_MLIP` (eV/atom, same correction
        scale).

    Returns
    -------
    DataFrame
        A copy with formation energies and energies above hull of both sides (eV/atom);
        NaN where the MLIP energy is missing.

    Raises
    ------
    UnsupportedMaterialError
        When an element has no elemental entry with an MLIP energy.
    """
    from pymatgen.analysis.phase_diagram import PDEntry, PhaseDiagram
    from pymatgen.core import Composition

    table = table.copy()
    ok = table[K.E_MLIP].notna().to_numpy()
    comps = [Composition(c) for c in table.loc[ok, "composition"]]
    for side, e_col, form_col, hull_col in (
        ("DFT", K.E_DFT, K.E_FORM_DFT, K.E_HULL_DFT),
        ("MLIP", K.E_MLIP, K.E_FORM_MLIP, K.E_HULL_MLIP),
    ):
        pdes = [PDEntry(c, float(e) * c.num_atoms) for c, e in zip(comps, table.loc[ok, e_col])]
        check_references(pdes, side)
        pd_ = PhaseDiagram(pdes)
        table[form_col] = np.nan
        table[hull_col] = np.nan
        table.loc[ok, form_col] = [pd_.get_form_energy_per_atom(e) for e in pdes]
        table.loc[ok, hull_col] = [pd_.get_e_above_hull(e) for e in pdes]
    return table


def confusion(dft_hull: ArrayLike, mlip_hull: ArrayLike, threshold: float) -> dict[str, int]:
    """How often DFT and the potential agree that a phase is (near) stable.

    Parameters
    ----------
    dft_hull, mlip_hull : array-like of float
        E_hull of the same phases from each side's own hull (eV/atom).
    threshold : float
        "Within ``threshold`` of the hull" (eV/atom), with :data:`ON_HULL_TOL` of slack.

    Returns
    -------
    dict of str to int
        ``both``, ``mlip_only`` (false positives), ``dft_only`` (false negatives),
        ``neither``.

    Examples
    --------
    >>> confusion([0.0, 0.02, 0.2, 0.3], [0.0, 0.1, 0.01, 0.3], 0.05)
    {'both': 1, 'mlip_only': 1, 'dft_only': 1, 'neither': 1}
    """
    d = np.asarray(dft_hull, dtype=float) <= threshold + ON_HULL_TOL
    m = np.asarray(mlip_hull, dtype=float) <= threshold + ON_HULL_TOL
    return {
        "both": int(np.sum(d & m)),
        "mlip_only": int(np.sum(m & ~d)),
        "dft_only": int(np.sum(d & ~m)),
        "neither": int(np.sum(~d & ~m)),
    }


def agreement(table: pd.DataFrame) -> Agreement:
    """The benchmark's scores from a table with both sides' hull columns.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`hull_columns`; rows without both E_hull values are left out.

    Returns
    -------
    Agreement
        MAE of formation energies, energies per atom and E_hull (eV/atom; NaN with no row),
        Spearman ρ of E_hull (NaN with fewer than 3 rows or a constant side), and confusion
        counts per threshold in meV/atom as text (``"0"``, ``"50"``).
    """
    from scipy.stats import spearmanr

    ok = table.dropna(subset=[K.E_HULL_MLIP, K.E_HULL_DFT])

    def mae(a: str, b: str) -> float:
        return float(np.mean(np.abs(ok[a] - ok[b]))) if len(ok) else math.nan

    varies = len(ok) > 2 and np.ptp(ok[K.E_HULL_DFT]) > 0 and np.ptp(ok[K.E_HULL_MLIP]) > 0
    rho = float(spearmanr(ok[K.E_HULL_DFT], ok[K.E_HULL_MLIP]).statistic) if varies else math.nan
    return Agreement(
        energy_mae=mae(K.E_FORM_DFT, K.E_FORM_MLIP),
        energy_per_atom_mae=mae(K.E_DFT, K.E_MLIP),
        e_hull_mae=mae(K.E_HULL_DFT, K.E_HULL_MLIP),
        spearman=rho,
        confusion={
            f"{round(t * 1000)}": confusion(ok[K.E_HULL_DFT], ok[K.E_HULL_MLIP], t)
            for t in THRESHOLDS
        },
    )


__all__ = [
    "ON_HULL_TOL",
    "THRESHOLDS",
    "Agreement",
    "agreement",
    "check_references",
    "confusion",
    "hull_columns",
]
