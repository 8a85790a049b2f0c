"""The steps of :func:`ssenb.design.design` after the orderings, each over all rows at once.

Relaxation (:func:`ssenb.mlip.relax_many`), the energy above hull on the snapshot's scale
(:func:`ssenb.mlip.mapped_e_hull`), window and interfaces (:func:`ssenb.pipeline.
screen_candidates` on the snapshot plus that one candidate), BVSE barriers
(:func:`ssenb.transport.migration_barriers`), predicted log10 σ with its calibrated 2σ
interval and the band gap and moduli (:func:`ssenb.models.material_properties`, never
fitting a model). Each returns a frame in row order and records a row's failure in it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd

from .. import keys as K
from ..batch import ErrorMode, failure_reason, run_row, run_tasks
from ..errors import InvalidInputError, UnsupportedMaterialError
from ..mlip.mapped_hull import E_FORM_MAPPED, E_HULL_MAPPED, E_HULL_UNCERTAINTY, HULL_METHOD

if TYPE_CHECKING:
    from pymatgen.core import Structure
    from pymatgen.entries.computed_entries import ComputedEntry

#: columns taken from screen_candidates (window in V vs Li/Li⁺, reactions in eV/atom)
THERMO_COLUMNS = [
    K.REDUCTION_V,
    K.OXIDATION_V,
    K.WINDOW_WIDTH_V,
    K.ANODE_REACTION_ENERGY,
    K.CATHODE_REACTION_ENERGY,
]


def e_hull(
    structures: Sequence[Structure | None], energies: Sequence[float], potential: Any
) -> tuple[pd.DataFrame, list[ComputedEntry | None]]:
    """E_hull (eV/atom) with its uncertainty and method, and each row's mapped entry.

    :func:`ssenb.mlip.mapped_e_hull` (the potential's energies mapped onto the offline
    snapshot's formation energies, uncertainty = the mapping's leave-one-out E_hull MAE of
    the material's anion class). Rows without a structure or energy get NaN; a row the
    mapping refuses (an element without reference structures) gets its reason.
    """
    from ..mlip import mapped_e_hull, mapped_entries

    ok = [i for i, (s, e) in enumerate(zip(structures, energies)) if s is not None and e == e]
    out = pd.DataFrame(index=range(len(structures)))
    for col in (E_FORM_MAPPED, K.E_HULL, K.E_HULL_ERR):
        out[col] = math.nan
    out[HULL_METHOD] = ""
    out[K.DECOMPOSITION] = None
    out[K.ERROR] = None
    entries: list[ComputedEntry | None] = [None] * len(structures)
    if not ok:
        return out, entries
    picked = [cast("Structure", structures[i]) for i in ok]
    e_ok = [float(energies[i]) for i in ok]
    table = mapped_e_hull(picked, e_ok, potential=potential)
    for j, i in enumerate(ok):
        row = table.iloc[j]
        out.loc[i, E_FORM_MAPPED] = row[E_FORM_MAPPED]
        out.loc[i, K.E_HULL] = row[E_HULL_MAPPED]
        out.loc[i, K.E_HULL_ERR] = row[E_HULL_UNCERTAINTY]
        out.loc[i, HULL_METHOD] = str(row[HULL_METHOD] or "")
        dec = row[K.DECOMPOSITION]
        out.loc[i, K.DECOMPOSITION] = None if dec is None or dec != dec else str(dec)
        err = row[K.ERROR]
        out.loc[i, K.ERROR] = err if isinstance(err, str) and err else None
    good = [j for j, i in enumerate(ok) if out.loc[i, K.ERROR] is None]
    made = mapped_entries([picked[j] for j in good], [e_ok[j] for j in good], potential=potential)
    for entry in made:  # entry ids are "mapped:<position in the list given>"
        position = int(str(entry.entry_id).rsplit(":", 1)[1])
        entries[ok[good[position]]] = entry
    return out, entries


def thermo(
    formulas: Sequence[str | None],
    entries: Sequence[ComputedEntry | None],
    *,
    cathode: str,
    executor: Any,
    errors: ErrorMode,
) -> pd.DataFrame:
    """Window (V vs Li/Li⁺) and interface reaction energies (eV/atom) of each row.

    Each row on its own hull: the snapshot's phases of its elements (and the cathode's)
    plus that candidate's mapped entry, one energy scale (the snapshot's formation
    energies). One task per row on ``executor``.
    """
    out = pd.DataFrame(index=range(len(formulas)), columns=[*THERMO_COLUMNS, K.ERROR])
    out[THERMO_COLUMNS] = math.nan
    out[K.ERROR] = None
    tasks = [(i, f, e) for i, (f, e) in enumerate(zip(formulas, entries)) if e is not None]
    for task, result, lost in run_tasks(tasks, thermo_row, (cathode, errors), executor):
        i = task[0]
        if lost is not None or result is None:
            out.loc[i, K.ERROR] = str(lost)
            continue
        values, failure = result
        if failure:
            out.loc[i, K.ERROR] = failure
        else:
            out.loc[i, THERMO_COLUMNS] = values
    return out


def thermo_row(
    cathode: str, errors: ErrorMode, task: tuple[int, str, ComputedEntry]
) -> tuple[list[float], str | None]:
    """One row's window and interfaces (module level, so an executor can run it)."""
    _, formula, entry = task

    def compute() -> list[float]:
        from .pipeline import screen_candidates

        src = candidate_source([entry], cathode)
        t = screen_candidates(
            [formula], cathode=cathode, source=src, progress=False, properties=False
        ).table
        if t[K.ERROR].notna().any():
            raise RuntimeError(str(t[K.ERROR].iloc[0]))
        return [float(t[c].iloc[0]) for c in THERMO_COLUMNS]

    value, failure = run_row(compute, errors)
    return (value or [math.nan] * len(THERMO_COLUMNS)), failure


def check_cathode(cathode: Any) -> None:
    """Refuse a cathode the interface step cannot use, before anything is relaxed.

    A formula string whose elements the offline snapshot covers (the hull every row's
    cathode reaction is computed on).
    """
    from ..data.materials import to_composition
    from ..thermo import get_source

    if not isinstance(cathode, str) or not cathode.strip():
        raise InvalidInputError(
            f"cathode={cathode!r}; give the cathode's formula, e.g. 'LiCoO2' (the default)"
        )
    comp = to_composition(cathode, argname="cathode")
    missing = {el.symbol for el in comp.elements} - set(get_source().elements())
    if missing:
        raise UnsupportedMaterialError(
            f"cathode={cathode!r}: element(s) {', '.join(sorted(missing))} are not in the "
            "offline MP snapshot the interface reactions use; choose a cathode such as 'LiCoO2'"
        )


def candidate_source(entries: Sequence[ComputedEntry], cathode: str = "") -> Any:
    """The snapshot's phases of the candidates' (and cathode's) elements plus the candidates.

    One energy scale: formation energies of the offline MP snapshot (legacy corrections),
    the candidates mapped onto it (:func:`ssenb.mlip.mapped_entries`); the name says so.
    The snapshot's phases are those of each candidate's system with Li and the cathode's
    elements, gathered per candidate (each system within the hull's element limit; their
    union may span more elements, e.g. Se-, Br- and Ge-doped Li3SbS4 with LiCoO2).
    """
    from ..data.materials import to_composition
    from ..thermo import UserEntries, get_source

    snap = get_source()
    extra = {"Li"}
    if cathode:
        extra |= {el.symbol for el in to_composition(cathode).elements}
    systems = {frozenset({el.symbol for el in e.composition.elements} | extra) for e in entries}
    phases: dict[Any, Any] = {}  # one entry once, however many systems hold it
    for els in sorted(systems, key=sorted):
        phases |= {
            getattr(p, "entry_id", None) or (p.composition.formula, p.energy): p
            for p in snap.entries(els)
        }
    sources = sorted({str(e.data.get("energy_source", "MLIP")) for e in entries})
    return UserEntries(
        [*phases.values(), *entries],
        name=f"{snap.name} + {len(entries)} candidate(s): {'; '.join(sources)}",
        correction_scheme=snap.correction_scheme,
    )


def barriers(
    structures: Sequence[Structure | None], *, executor: Any, errors: ErrorMode, progress: bool
) -> pd.DataFrame:
    """BVSE Li barriers (eV) and pathway dimension of each relaxed structure."""
    from ..transport import migration_barriers

    cols = [K.BARRIER_1D, K.BARRIER_3D, K.PATHWAY_DIMENSION]
    out = pd.DataFrame(index=range(len(structures)), columns=[*cols, K.ERROR])
    out[cols] = math.nan
    out[K.ERROR] = None
    ok = [i for i, s in enumerate(structures) if s is not None]
    if not ok:
        return out
    import inspect

    kwargs: dict[str, Any] = {"errors": errors, "progress": progress}
    if executor is not None and "executor" in inspect.signature(migration_barriers).parameters:
        kwargs["executor"] = executor
    t = migration_barriers([structures[i] for i in ok], "Li", **kwargs)
    for j, i in enumerate(ok):
        for c in cols:
            out.loc[i, c] = float(t[c].iloc[j])
        err = t[K.ERROR].iloc[j]
        out.loc[i, K.ERROR] = err if isinstance(err, str) and err else None
    return out


def conductivity(formulas: Sequence[str | None], model: Any) -> pd.DataFrame:
    """Predicted log10 σ (S/cm), its 1σ and the calibrated 2σ interval, per formula."""
    from ..models.property import two_sigma_interval

    cols = [K.PREDICTION, K.PREDICTION_STD, K.LOG10_SIGMA_LOW, K.LOG10_SIGMA_HIGH]
    out = pd.DataFrame(index=range(len(formulas)), columns=[*cols, K.ERROR], dtype=object)
    out[cols] = math.nan
    out[K.ERROR] = None
    if model is None:
        return out
    ok = [i for i, f in enumerate(formulas) if f]
    for i in ok:  # one at a time: a formula the model refuses fails only its row
        try:
            mean, std = model.predict([formulas[i]], return_std=True)
            low, high = two_sigma_interval(model, [formulas[i]])
            out.loc[i, cols] = [float(mean[0]), float(std[0]), float(low[0]), float(high[0])]
        except Exception as err:
            out.loc[i, K.ERROR] = f"conductivity model: {failure_reason(err)}"
    for c in cols:
        out[c] = out[c].astype(float)
    return out


def properties(
    formulas: Sequence[str | None], models: dict[str, Any] | None
) -> tuple[pd.DataFrame, list[str]]:
    """Band gap (eV), G and K (GPa) with sources, from data or already-fitted models only.

    The screen's batch kernel (:func:`ssenb.models.property_columns`: one vectorised call,
    never a model fit, "none" where a row has no formula), with its one note (what is
    missing in how many rows, and the call that fills it).
    """
    from ..models.gap_moduli import property_columns

    found = property_columns(list(formulas), models=models)
    cols = [K.BAND_GAP, K.BAND_GAP_SOURCE, K.G_VRH, K.K_VRH, K.MODULI_SOURCE]
    frame = found[cols].reset_index(drop=True)
    for c in (K.BAND_GAP, K.G_VRH, K.K_VRH):
        frame[c] = frame[c].astype(float)
    note = str(found.attrs.get("note") or "")
    return frame, [note] if note else []


def finite(x: Any) -> bool:
    """A finite number (not None, NaN or inf)."""
    try:
        return bool(np.isfinite(float(x)))
    except (TypeError, ValueError):
        return False
