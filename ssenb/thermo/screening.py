"""Batch screening: hull distance and stability window for many formulas at once.

Formulas are grouped by chemical system and each hull is built once; a system that is a
subset of another one in the batch reuses the larger hull (its lower hull restricted to a
face is the subsystem's hull). Hull energies and windows come from the facets' chemical
potentials (:class:`~ssenb.thermo._fasthull.FastHull`); tests hold them equal to
pymatgen's ``PhaseDiagram`` and ``get_element_profile``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Literal

import pandas as pd

from .. import keys as K
from ..data.materials import display_formula, to_composition
from ..errors import InvalidInputError, SsenbError
from .decomposition import Decomposition
from .sources import get_source
from .window import check_window_input

Errors = Literal["raise", "record"]


def screen(
    materials: Iterable,
    *,
    ion: str = "Li",
    source=None,
    errors: Errors = "record",
    progress: bool = True,
) -> pd.DataFrame:
    """Energy above hull (eV/atom) and stability window (V vs ion metal) of many materials.

    Parameters
    ----------
    materials : iterable of str, Composition or Structure
    ion : str
        Mobile ion; voltages are vs its metal.
    source : None, "mp2019", "mp", list of entries, or EntrySource
        Hull data (default: offline MP ~2019 snapshot, legacy corrections).
    errors : {"record", "raise"}
        "record" (default) gives NaN and a reason in the ``error`` column for a material
        that fails (bad formula, element not in the data) and carries on.
    progress : bool
        Show a tqdm progress bar over the hulls.

    Returns
    -------
    pandas.DataFrame
        One row per input, in input order: input, reduced_formula, chemsys, in_data,
        e_above_hull_eV_atom, reduction_V, oxidation_V, decomposition, error.
    """
    from tqdm.auto import tqdm

    if errors not in ("raise", "record"):
        raise InvalidInputError(f"errors={errors!r}; use 'raise' or 'record'")
    src = get_source(source)
    if isinstance(materials, str) or not isinstance(materials, Iterable):
        raise InvalidInputError(
            f"materials={materials!r} is not a list of materials; wrap a single formula in a "
            "list: screen(['Li3PS4'])"
        )
    items = list(materials)
    rows: list[dict] = [_empty_row(m) for m in items]
    comps: dict[int, object] = {}
    for i, m in enumerate(items):
        try:
            comps[i] = to_composition(m)
            check_window_input(comps[i], ion)
        except SsenbError as err:
            _fail(rows[i], err, errors)
    groups = _group_by_hull(
        {i: frozenset({str(e) for e in c.elements} | {ion}) for i, c in comps.items()}
    )
    for system, members in tqdm(groups.items(), desc="hulls", disable=not progress, leave=False):
        try:
            hull = src.fast_hull(system)
        except SsenbError as err:
            for i in members:
                _fail(rows[i], err, errors)
            continue
        for i in members:
            comp = comps[i]
            x = [comp.get_atomic_fraction(el) for el in hull.elements]
            hull_e, phases, red, ox = hull.analyse(x, ion=ion)
            own = hull.energy_of(x)
            rows[i].update(
                {
                    K.REDUCED_FORMULA: display_formula(comp),
                    K.CHEMSYS: comp.chemical_system,
                    "in_data": not math.isnan(own),
                    K.E_HULL: max(own - hull_e, 0.0) if not math.isnan(own) else math.nan,
                    K.REDUCTION_V: red,
                    K.OXIDATION_V: ox,
                    K.DECOMPOSITION: Decomposition(phases),
                }
            )
    return pd.DataFrame(rows)


def _empty_row(material) -> dict:
    return {
        "input": str(getattr(material, "formula", material)),
        K.REDUCED_FORMULA: None,
        K.CHEMSYS: None,
        "in_data": False,
        K.E_HULL: math.nan,
        K.REDUCTION_V: math.nan,
        K.OXIDATION_V: math.nan,
        K.DECOMPOSITION: None,
        K.ERROR: None,
    }


def _fail(row: dict, err: Exception, errors: Errors) -> None:
    if errors == "raise":
        raise err
    row[K.ERROR] = f"{type(err).__name__}: {err}"


def _group_by_hull(systems: dict[int, frozenset[str]]) -> dict[frozenset[str], list[int]]:
    """Map each hull to build onto the inputs it serves; subsets reuse a superset's hull."""
    chosen: dict[frozenset[str], list[int]] = {}
    for i, system in sorted(systems.items(), key=lambda kv: (-len(kv[1]), sorted(kv[1]))):
        host = next((h for h in chosen if system <= h), None)
        chosen.setdefault(host or system, []).append(i)
    return chosen


__all__ = ["screen"]
