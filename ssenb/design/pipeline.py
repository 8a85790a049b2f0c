"""From a list of candidate electrolytes to a decision table, in one resumable call.

For each candidate: distance to the convex hull, electrochemical window (Zhu, He & Mo,
ACS Appl. Mater. Interfaces 7, 23685 (2015)), the most negative chemical reaction energy
with the ion metal and with a cathode (reactants at their hull energies, Richards et al.,
Chem. Mater. 28, 266 (2016)), a predicted log10 σ with its uncertainty from a fitted
conductivity model, and a Pareto rank over (σ high, window wide, interface reaction
small in magnitude). It sits on top of :mod:`ssenb.thermo` and a conductivity model.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from collections.abc import Iterable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .. import keys as K
from ..batch import CheckpointStore, ErrorMode, check_errors, check_executor, failure_reason
from ..errors import InvalidInputError
from ..results import Result

if TYPE_CHECKING:
    from ..thermo import FastHull
    from ..thermo.sources import EntrySource

#: Candidates per checkpoint chunk (one CSV file each).
CHUNK_SIZE = 250

COLUMNS = [
    K.INPUT,
    K.REDUCED_FORMULA,
    K.CHEMSYS,
    K.IN_DATA,
    K.E_HULL,
    K.REDUCTION_V,
    K.OXIDATION_V,
    K.WINDOW_WIDTH_V,
    K.ANODE_REACTION_ENERGY,
    K.CATHODE_REACTION_ENERGY,
    K.PREDICTION,
    K.PREDICTION_STD,
    K.DECOMPOSITION,
    K.ERROR,
]


@dataclass(frozen=True, eq=False)
class CandidateTable(Result):
    """The decision table of :func:`screen_candidates`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per candidate in input order, columns as listed in
        :func:`screen_candidates`; ``to_frame()`` returns it.
    ion, cathode : str
    model : str
        The conductivity model used, or a note that there was none.
    notes : list[str]
        What a reader must know (missing model, failed rows).
    source, correction_scheme : str
    """

    _table = "table"

    table: pd.DataFrame = field(repr=False)
    ion: str
    cathode: str
    model: str
    notes: list[str]
    source: str
    correction_scheme: str

    def title(self) -> str:
        """Heading of the HTML view: how many candidates were ranked."""
        return f"{len(self.table)} candidate electrolytes: decision table"

    def summary(self) -> list[tuple[str, str]]:
        """Candidates and failed rows, the Pareto front (first 10) and the cathode used."""
        t = self.table
        front = t[t[K.PARETO_RANK] == 1]
        rows = [
            ("candidates", str(len(t))),
            ("failed rows", str(int(t[K.ERROR].notna().sum()))),
            ("on the Pareto front", ", ".join(front[K.REDUCED_FORMULA].astype(str)[:10]) or "—"),
            ("cathode", self.cathode),
        ]
        rows += [("note", n) for n in self.notes]
        return rows

    def pareto_front(self) -> pd.DataFrame:
        """Rows of Pareto rank 1 (not dominated on any objective)."""
        return self.table[self.table[K.PARETO_RANK] == 1].copy()


def screen_candidates(
    materials: Iterable[Any],
    *,
    model: Any = None,
    cathode: str = "LiCoO2",
    ion: str = "Li",
    source: Any = None,
    executor: Executor | int | None = None,
    checkpoint: str | os.PathLike | None = None,
    errors: ErrorMode = "record",
    progress: bool = True,
    chunk_size: int = CHUNK_SIZE,
    properties: bool = True,
    property_models: dict[str, Any] | None = None,
    objectives: Sequence[str] = (),
) -> CandidateTable:
    """Rank candidate electrolytes by stability, window, interfaces and conductivity.

    Parameters
    ----------
    materials : iterable of formulas, Compositions or Structures
    model : fitted estimator with ``predict(materials, return_std=True)``, optional
        E.g. a fitted :class:`ssenb.models.ConductivityModel`; it gives log10 σ (S/cm)
        and its 1-std uncertainty. Without one these columns are NaN (with a note) and
        the Pareto rank uses the other two objectives.
    cathode : str
        Formula of the cathode for the cathode-interface reaction energy (default
        LiCoO2, discharged; a chemical reaction, no ion exchange with a reservoir).
    ion : str
        Mobile ion: windows are in V vs its metal; the anode is the ion metal.
    source : None, "mp2019", list of entries, or EntrySource
        Hull data (default: offline MP ~2019 snapshot, legacy corrections).
    executor : concurrent.futures.Executor, int or None
        Where hull work runs (see :func:`ssenb.thermo.screen`). A task lost with its
        worker fails only its own rows ("rerun these inputs"); the rest are kept.
    checkpoint : path, optional
        Folder for per-chunk results. A run interrupted (Ctrl-C, a crash) and started
        again with the same folder and inputs resumes after the last finished chunk, and
        its table is bit-for-bit that of an uninterrupted run
        (:class:`ssenb.batch.CheckpointStore`). The folder must be new, empty, or a
        checkpoint of this very run; nothing else in it is overwritten.
    errors : {"record", "raise"}
        "record": a failing row gets NaN and a reason in ``error``; "raise": stop.
    progress : bool
        tqdm progress bars.
    chunk_size : int
        Candidates per chunk (1 to 100,000).
    properties : bool
        Add band gap (eV), G and K (GPa), G/G_Li and the Monroe–Newman verdict, each with
        a source column (:func:`ssenb.models.property_columns`, the policy of
        :func:`ssenb.models.material_properties`): data where they exist, else a fitted
        or cached composition model; never a minutes-long fit inside a screen (without a
        model the value is NaN and a note says how to fit it).
    property_models : dict, optional
        Fitted band-gap/modulus models by name (``"pbe_gap"``, ``"log10_g"``, ``"log10_k"``).
    objectives : sequence of str
        Extra objectives of the Pareto rank, from :data:`PROPERTY_OBJECTIVES`:
        ``"band_gap"`` (electronic insulator) and ``"shear_modulus"`` (dendrite
        resistance). Default none: the rank uses σ, window and interfaces only, as
        before. A row without the value gets no rank (see :func:`pareto_rank`).

    Returns
    -------
    CandidateTable
        ``.table``: input, reduced_formula, chemsys, in_data, e_above_hull_eV_atom,
        reduction_V, oxidation_V, window_width_V (V vs ion metal), anode_reaction_energy_eV_atom,
        cathode_reaction_energy_eV_atom (eV/atom of mixture, <= 0), log10_sigma_pred,
        log10_sigma_std (log10 S/cm), decomposition (text), error, the property columns
        (band_gap_eV, band_gap_std_eV, band_gap_source, G_VRH_GPa, K_VRH_GPa, their
        log10 std, moduli_source, G_over_G_Li, monroe_newman_verdict) and pareto_rank.

    Examples
    --------
    >>> result = screen_candidates(["Li3PS4", "Li3InCl6", "Li3PO4"], progress=False)
    >>> result.table["pareto_rank"].tolist()
    [3, 2, 1]
    """
    from tqdm.auto import tqdm

    from ..thermo.sources import get_source

    check_errors(errors)
    if isinstance(materials, str) or not isinstance(materials, Iterable):
        raise InvalidInputError(
            f"materials={materials!r} is not a list; wrap one formula in a list: ['Li3PS4']"
        )
    if (
        isinstance(chunk_size, bool)
        or not isinstance(chunk_size, int)
        or not 1 <= chunk_size <= 100_000
    ):
        raise InvalidInputError(f"chunk_size={chunk_size!r}; use an integer from 1 to 100,000")
    if model is not None and not callable(getattr(model, "predict", None)):
        raise InvalidInputError(
            f"model={type(model).__name__} has no predict(); pass a fitted ConductivityModel"
        )
    check_executor(executor)
    objectives = _checked_objectives(objectives, properties)
    items = list(materials)
    src = get_source(source)
    from ..data.materials import to_element

    to_element(ion, argname="ion")  # once, before any row (else every row records it)
    _cathode_fractions(cathode, ion)
    store = (
        None
        if checkpoint is None
        else CheckpointStore(
            checkpoint,
            run=_fingerprint(items, ion, cathode, src, model, chunk_size),
            info={"candidates": len(items), "chunk_size": chunk_size},
        )
    )
    starts = range(0, len(items), chunk_size)
    frames = []
    for n, start in enumerate(tqdm(starts, desc="chunks", disable=not progress or len(starts) < 2)):
        name = f"chunk_{n:05d}"
        inputs = items[start : start + chunk_size]
        if store is not None and store.has(name):
            frames.append(_read_chunk(store, name, inputs))
            continue
        chunk = _normalise(_chunk(inputs, src, model, cathode, ion, executor, progress))
        if errors == "raise" and chunk[K.ERROR].notna().any():
            bad = chunk[chunk[K.ERROR].notna()].iloc[0]
            raise InvalidInputError(f"{bad[K.INPUT]}: {bad[K.ERROR]}")
        if store is not None:
            store.save(name, chunk)
        frames.append(chunk)
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)
    table = _normalise(table)
    property_note = ""
    if properties:  # one vectorised call, never a model fit (see property_columns)
        from ..models.gap_moduli import property_columns

        extra = property_columns(table[K.REDUCED_FORMULA].tolist(), models=property_models)
        for column in extra.columns:
            table[column] = extra[column].to_numpy()
        property_note = str(extra.attrs.get("note") or "")
    table[K.PARETO_RANK] = pareto_rank(table, use_sigma=model is not None, objectives=objectives)
    table.attrs["ion"] = ion  # figures label their voltage axes from it (keys.table_ion)
    from ..thermo.screening import missing_ion_note

    notes = [n for n in [missing_ion_note(table, ion), property_note] if n]
    if objectives:
        unranked = int(table[K.PARETO_RANK].isna().sum())
        notes.append(
            "the Pareto rank also asks for "
            + "; ".join(PROPERTY_OBJECTIVES[o][1] for o in objectives)
            + f" ({unranked} row(s) lacking a value have no rank)"
        )
    if model is None:
        notes.append(
            "no conductivity model given: log10 σ columns are NaN and the Pareto rank uses "
            "window width and interface reaction energy only"
        )
    return CandidateTable(
        table=table,
        ion=ion,
        cathode=cathode,
        model=type(model).__name__ if model is not None else "none",
        notes=notes,
        source=src.name,
        correction_scheme=src.correction_scheme,
    )


#: Optional objectives of the Pareto rank (``objectives=``): name -> (column, what it asks).
#: Each is capped at its criterion's threshold: past the insulator gap (3 eV, PBE) or
#: Monroe–Newman's 2 G_Li (8.4 GPa) more is no better, so rows that meet it tie on it
#: and the other objectives decide (an 8 eV gap never outranks a 4 eV one on its own).
PROPERTY_OBJECTIVES: dict[str, tuple[str, str]] = {
    "band_gap": (K.BAND_GAP, "electronic insulator: band gap (eV) high, up to 3 eV"),
    "shear_modulus": (K.G_VRH, "dendrite resistance: G_VRH (GPa) high, up to 2 G_Li"),
}


def _objective_caps() -> dict[str, float]:
    from ..models.gap_moduli import G_LI_GPA, MONROE_NEWMAN_RATIO
    from ..thermo.electronic import INSULATOR_GAP_EV

    return {"band_gap": INSULATOR_GAP_EV, "shear_modulus": MONROE_NEWMAN_RATIO * G_LI_GPA}


def _checked_objectives(objectives: Any, properties: bool = True) -> tuple[str, ...]:
    if isinstance(objectives, str):
        objectives = (objectives,)
    try:
        names = tuple(objectives)
    except TypeError:
        names = (objectives,)
    bad = [o for o in names if o not in PROPERTY_OBJECTIVES]
    if bad:
        raise InvalidInputError(
            f"objectives={list(names)!r}: unknown {bad}; use any of {sorted(PROPERTY_OBJECTIVES)}"
        )
    if names and not properties:
        raise InvalidInputError(
            f"objectives={list(names)!r} rank on property columns; keep properties=True"
        )
    return names


def pareto_rank(
    table: pd.DataFrame, *, use_sigma: bool = True, objectives: Sequence[str] = ()
) -> pd.Series:
    """Pareto rank: 1 + the number of candidates that dominate each one (Fonseca & Fleming 1993).

    Objectives: predicted log10 σ high (if ``use_sigma``), window width high, and the
    worse of the two interface reaction energies small in magnitude; with
    ``objectives`` also band gap and/or shear modulus high, each capped at its
    criterion's threshold (:data:`PROPERTY_OBJECTIVES`). Rank 1 is the Pareto front. A
    row missing an objective gets no rank (<NA>). Up to three objectives the dominators
    are counted by sorting, in O(n log^2 n) time and O(n) memory (:mod:`ssenb._pareto`;
    60 000 rows in about 2 s, where comparing all pairs took minutes); four or five by a
    compiled pairwise check (:func:`ssenb._pareto.count_dominators`: 10,000 rows in about
    0.6 s, 60,000 in about 20 s).

    Raises
    ------
    InvalidInputError
        ``table`` is not a DataFrame with numeric objective columns.
    """
    extra = _checked_objectives(objectives)
    needed = [K.WINDOW_WIDTH_V, K.ANODE_REACTION_ENERGY, K.CATHODE_REACTION_ENERGY]
    needed = [K.PREDICTION, *needed] if use_sigma else needed
    needed += [PROPERTY_OBJECTIVES[o][0] for o in extra]
    if not isinstance(table, pd.DataFrame):
        raise InvalidInputError(
            f"pareto_rank needs a DataFrame such as screen_candidates(...).table, "
            f"not {type(table).__name__}"
        )
    missing = [c for c in needed if c not in table.columns]
    if missing:
        raise InvalidInputError(
            f"the table lacks the objective columns {missing}; pass screen_candidates(...).table"
            + (" or use_sigma=False" if missing == [K.PREDICTION] else "")
        )
    for c in needed:
        if not pd.api.types.is_numeric_dtype(table[c]):
            try:
                pd.to_numeric(table[c])
            except (TypeError, ValueError):
                raise InvalidInputError(
                    f"column {c!r} holds non-numbers (e.g. {table[c].iloc[0]!r}); objectives "
                    "must be numbers, NaN where missing"
                ) from None
    cols = [
        table[K.WINDOW_WIDTH_V],
        np.minimum(table[K.ANODE_REACTION_ENERGY], table[K.CATHODE_REACTION_ENERGY]),
    ]
    if use_sigma:
        cols.insert(0, table[K.PREDICTION])
    caps = _objective_caps() if extra else {}
    for name in extra:
        cols.append(np.minimum(pd.to_numeric(table[PROPERTY_OBJECTIVES[name][0]]), caps[name]))
    obj = np.column_stack([np.asarray(c, float) for c in cols])  # all "higher is better"
    # compared at 1e-9 (V, eV/atom, log10 S/cm): below that two values differ only by
    # floating-point order (a hull's facet order, the LAPACK build), never by physics, and
    # such noise must not break a tie and move a rank
    obj = np.round(obj, 9)
    ok = ~np.isnan(obj).any(axis=1)
    ranks = pd.Series(pd.NA, index=table.index, dtype="Int64")
    from .._pareto import count_dominators

    ranks[ok] = count_dominators(obj[ok]) + 1  # by sorting up to 3 objectives: ssenb._pareto
    return ranks


def _chunk(
    items: Sequence[Any],
    src: EntrySource,
    model: Any,
    cathode: str,
    ion: str,
    executor: Executor | int | None,
    progress: bool,
) -> pd.DataFrame:
    from ..thermo.screening import screen

    table = screen(items, ion=ion, source=src, executor=executor, progress=progress)
    ok = table[K.ERROR].isna()
    anode = {ion: 1.0}
    table[K.ANODE_REACTION_ENERGY] = math.nan
    table[K.CATHODE_REACTION_ENERGY] = math.nan
    for column, electrode in (
        (K.ANODE_REACTION_ENERGY, anode),
        (K.CATHODE_REACTION_ENERGY, _cathode_fractions(cathode, ion)),
    ):
        energies, errs = _reactions(table[ok], electrode, src, ion, executor)
        for i, value in energies.items():
            table.loc[i, column] = value
        for i, err in errs.items():
            side = "anode" if column == K.ANODE_REACTION_ENERGY else f"cathode {cathode}"
            table.loc[i, K.ERROR] = f"{side} reaction: {failure_reason(err)}"
    table[K.PREDICTION] = math.nan
    table[K.PREDICTION_STD] = math.nan
    if model is not None:
        _predict(table, items, model)
    table[K.DECOMPOSITION] = [None if d is None else str(d) for d in table[K.DECOMPOSITION]]
    return table[COLUMNS]


def _reactions(
    rows: pd.DataFrame,
    electrode: dict[str, float],
    src: EntrySource,
    ion: str,
    executor: Executor | int | None,
) -> tuple[dict[int, float], dict[int, Exception]]:
    """Most negative reaction energy (eV/atom) of each row with ``electrode``, via FastHull."""
    from ..data.materials import to_composition
    from ..thermo.screening import bundle_groups, group_by_hull, run_groups
    from ..thermo.sources import check_elements

    systems: dict[int, frozenset[str]] = {}
    fractions: dict[int, dict[str, float]] = {}
    errs: dict[int, Exception] = {}
    for i, formula in zip(rows.index, rows[K.REDUCED_FORMULA]):
        comp = to_composition(formula)
        fractions[i] = {str(el): comp.get_atomic_fraction(el) for el in comp.elements}
        try:
            systems[i] = check_elements(set(fractions[i]) | set(electrode))
        except InvalidInputError as err:
            errs[i] = err
    tasks = bundle_groups(group_by_hull(systems), fractions)
    energies: dict[int, float] = {}
    for results in run_groups(tasks, src, partial(_mixing_row, electrode=electrode), executor):
        for i, value, error in results:  # exactly one of value, error is None
            if error is not None:
                errs[i] = error
            elif value is not None:
                energies[i] = value
    return energies, errs


def _mixing_row(
    hull: FastHull, fractions: dict[str, float], *, electrode: dict[str, float]
) -> float:
    """Most negative reaction energy (eV/atom of mixture) of one row with ``electrode``."""
    a = [fractions.get(el, 0.0) for el in hull.elements]
    b = [electrode.get(el, 0.0) for el in hull.elements]
    return hull.mixing_minimum(a, b)[0]


def _predict(table: pd.DataFrame, items: Sequence[Any], model: Any) -> None:
    """Fill predicted log10 σ and its std; a row the model refuses gets an error note.

    The model's answer is checked: one finite mean and std per row asked (a model that
    returns fewer values, NaN or inf is not broadcast or trusted; its rows say why).
    """
    ok = list(table.index[table[K.ERROR].isna()])
    try:
        mean, std = _checked_prediction(model, [items[i] for i in ok])
        table.loc[ok, K.PREDICTION] = mean
        table.loc[ok, K.PREDICTION_STD] = std
        return
    except Exception:  # find the rows that fail, one by one
        pass
    for i in ok:
        try:
            mean, std = _checked_prediction(model, [items[i]])
            table.loc[i, [K.PREDICTION, K.PREDICTION_STD]] = [float(mean[0]), float(std[0])]
        except Exception as err:
            table.loc[i, K.ERROR] = f"conductivity model: {failure_reason(err)}"


def _checked_prediction(model: Any, rows: list[Any]) -> tuple[np.ndarray, np.ndarray]:
    """``model.predict(rows, return_std=True)`` as two float arrays of len(rows), all finite."""
    mean, std = model.predict(rows, return_std=True)
    mean, std = np.asarray(mean, dtype=float), np.asarray(std, dtype=float)
    if mean.shape != (len(rows),) or std.shape != (len(rows),):
        raise InvalidInputError(
            f"predict() returned {mean.size} means and {std.size} stds for {len(rows)} "
            "materials; it must return one of each per material"
        )
    if not (np.isfinite(mean).all() and np.isfinite(std).all()):
        raise InvalidInputError(
            "predict() returned a NaN or infinite log10 σ or std for this material"
        )
    return mean, std


def _cathode_fractions(cathode: str, ion: str) -> dict[str, float]:
    from ..data.materials import to_composition

    comp = to_composition(cathode, argname="cathode")
    return {str(el): comp.get_atomic_fraction(el) for el in comp.elements}


def _normalise(table: pd.DataFrame) -> pd.DataFrame:
    """Same dtypes whether a chunk came from memory or from its checkpoint file."""
    table = table[COLUMNS].copy()
    for col in (K.INPUT, K.REDUCED_FORMULA, K.CHEMSYS, K.DECOMPOSITION, K.ERROR):
        table[col] = table[col].astype(object).where(table[col].notna(), None)
    table[K.IN_DATA] = table[K.IN_DATA].astype(bool)
    for col in COLUMNS[4:12]:
        table[col] = table[col].astype(float)
    return table


def _read_chunk(store: CheckpointStore, name: str, inputs: Sequence[Any]) -> pd.DataFrame:
    """A finished chunk from its checkpoint file, checked to hold exactly ``inputs``' rows.

    The file is untrusted (it may have been edited, truncated or replaced): anything that
    does not parse as this run's chunk is refused by name, never half-used.
    """
    path = store.path(name)
    fix = f"delete {path.name} to recompute that chunk, or use a new checkpoint folder"
    frame = store.load(name, text_columns=[K.INPUT])
    missing = set(COLUMNS) - set(frame.columns)
    if missing:
        raise InvalidInputError(
            f"checkpoint file {path} lacks columns {sorted(missing)}; it is not a chunk of this "
            "run: use a new checkpoint folder"
        )
    from ..thermo.screening import input_label

    expected = [input_label(m) for m in inputs]
    if len(frame) != len(expected) or frame[K.INPUT].fillna("").tolist() != expected:
        raise InvalidInputError(
            f"checkpoint file {path} holds {len(frame)} rows that are not this chunk's "
            f"{len(expected)} candidates; {fix}"
        )
    try:
        return _normalise(frame)
    except (TypeError, ValueError) as err:
        raise InvalidInputError(f"checkpoint file {path} is damaged ({err}); {fix}") from err


def _fingerprint(
    items: Sequence[Any], ion: str, cathode: str, src: EntrySource, model: Any, chunk_size: int
) -> str:
    """What a checkpoint belongs to: the inputs themselves and the fitted model's state.

    Why: two polymorphs share a formula, and two fitted models share a class; a run must
    never resume another's results (structures are keyed by lattice, species and
    positions; a model by its parameters and, for boosted trees, its trees).
    """
    from ..thermo.screening import input_label
    from ..transport.batch import structure_key

    h = hashlib.sha256()
    for part in (ion, cathode, src.name, src.correction_scheme, type(model).__name__, chunk_size):
        h.update(f"{part}\x1f".encode())
    h.update(_model_key(model).encode())
    for m in items:
        key = structure_key(m, ion, 0.0) if hasattr(m, "lattice") else input_label(m)
        h.update(f"{key}\x1e".encode())
    return h.hexdigest()


def _model_key(model: Any) -> str:
    """A digest of a fitted model: its parameters and its XGBoost trees, where it has them."""
    if model is None:
        return "none"
    h = hashlib.sha256()
    params = model.get_params() if callable(getattr(model, "get_params", None)) else {}
    h.update(json.dumps(params, sort_keys=True, default=str).encode())
    for booster in getattr(model, "boosters_", None) or []:
        h.update(bytes(booster.save_raw("ubj")))
    return h.hexdigest()


__all__ = [
    "CHUNK_SIZE",
    "PROPERTY_OBJECTIVES",
    "CandidateTable",
    "pareto_rank",
    "screen_candidates",
]
