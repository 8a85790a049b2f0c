"""Batch featurization with per-row failure records, a progress bar, and a cache."""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Hashable, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

import numpy as np
import pandas as pd

from .. import keys as K
from ..batch import ErrorMode, check_errors, run_row
from ..errors import FeaturizationError, InvalidInputError
from .presets import Featurizer, Preset, get_preset

if TYPE_CHECKING:
    from pymatgen.core import Composition, Structure

    from .cell import CellRecord

Engine = Literal["auto", "fast", "matminer"]
#: What :func:`featurize` takes: a material frame, or formulas/Compositions/Structures.
Materials: TypeAlias = (
    "pd.DataFrame | Sequence[str | Composition | Structure] | str | Composition | Structure"
)
#: A featurizer input, or the reason (str) why a row has none.
_Item: TypeAlias = "Composition | Structure | CellRecord | str"

_CACHE: dict[Hashable, np.ndarray] = {}
_CACHE_MAX = 200_000


def clear_cache() -> None:
    """Forget cached feature rows (they are keyed by preset and material)."""
    _CACHE.clear()


def featurize(
    materials: Materials,
    preset: str | Preset = "composition",
    *,
    errors: ErrorMode = "record",
    engine: Engine = "auto",
    progress: bool = True,
) -> pd.DataFrame:
    """Feature table of many materials with one preset.

    Parameters
    ----------
    materials : DataFrame, or list of str / Composition / Structure
        A frame from :func:`ssenb.data.load_obelix` (its ``reduced_composition`` or
        ``structure`` column is used), or a list.
    preset : str
        A name from :data:`ssenb.features.PRESETS`.
    errors : {"record", "raise"}
        "record": a featurizer that fails on a row gives NaN for its own columns and its
        reason in ``error`` (the other featurizers' values are kept; the row policy of
        :func:`ssenb.batch.run_row`, Ctrl-C always stops); "raise" stops.
    engine : {"auto", "fast", "matminer"}
        Composition presets use ssenb's vectorised path by default (same values as
        matminer to 1e-9); "matminer" forces the reference implementation.
    progress : bool
        tqdm progress bar for per-row (structure or matminer) featurization.

    Returns
    -------
    pandas.DataFrame
        One row per material (same index as a frame input), one column per feature
        label, plus ``error``. Results are cached per material, so featurizing the same
        materials again is free.
    """
    p = get_preset(preset)
    check_errors(errors)
    if engine not in ("auto", "fast", "matminer"):
        raise InvalidInputError(f"engine={engine!r}; use 'auto', 'fast' or 'matminer'")
    objects, index = _objects(materials, p.kind)
    labels = p.feature_labels()
    values = np.full((len(objects), len(labels)), np.nan)
    reasons: list[str | None] = [None] * len(objects)
    keys = [None if isinstance(o, str) else (p.name, _key(o)) for o in objects]
    for i, o in enumerate(objects):
        if isinstance(o, str):  # a parse failure recorded by _objects
            reasons[i] = o
        elif keys[i] in _CACHE:
            values[i] = _CACHE[keys[i]]
    todo = [i for i, o in enumerate(objects) if reasons[i] is None and keys[i] not in _CACHE]
    if todo:
        _compute(
            p, p.featurizers(), [objects[i] for i in todo], todo, values, reasons, engine, progress
        )
        for i in todo:
            if reasons[i] is None and len(_CACHE) < _CACHE_MAX:
                _CACHE[keys[i]] = values[i].copy()
    failed = [i for i, r in enumerate(reasons) if r is not None]
    if failed and errors == "raise":
        raise FeaturizationError(
            f"featurization failed for row {index[failed[0]]!r}: {reasons[failed[0]]}"
        )
    if objects and len(failed) == len(objects) and errors == "record":
        warnings.warn(
            f"preset {p.name!r} failed for every row; first reason: {reasons[0]}", stacklevel=2
        )
    out = pd.DataFrame(values, columns=labels, index=index)
    out[K.ERROR] = reasons
    return out


def _compute(
    p: Preset,
    featurizers: list[Featurizer],
    objs: list[Any],
    rows: list[int],
    values: np.ndarray,
    reasons: list[str | None],
    engine: Engine,
    progress: bool,
) -> None:
    from tqdm.auto import tqdm

    from ._fast import fast_featurize, supports

    if p.kind == "composition" and engine != "matminer" and supports(featurizers):
        values[rows] = fast_featurize(objs, featurizers)
        return
    if engine == "fast":
        raise InvalidInputError(
            f"preset {p.name!r} has no fast path; use engine='auto' or 'matminer'"
        )
    widths = [len(f.feature_labels()) for f in featurizers]
    pairs = list(zip(rows, objs))
    for i, obj in tqdm(pairs, desc=f"featurize ({p.name})", disable=not progress, leave=False):
        row, problems = [], []
        for f, width in zip(featurizers, widths):
            got, failure = run_row(partial(_values, f, obj), "record")
            if got is None:  # this featurizer fails here: NaN for its own columns
                row += [np.nan] * width
                problems.append(f"{type(f).__name__}: {failure}")
                continue
            row += got
            # a featurizer that answers NaN rather than raising may say why (last_error)
            why = getattr(f, "last_error", None)
            if isinstance(why, str) and why:
                problems.append(f"{type(f).__name__}: {why[:200]}")
        values[i] = np.array(row, dtype=float)
        if problems:
            reasons[i] = "; ".join(problems)


def _values(f: Featurizer, obj: Any) -> list[float]:
    """One featurizer's values for one material, its warnings silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return [float(v) for v in f.featurize(obj)]


def _objects(materials: Materials, kind: str) -> tuple[list[_Item], pd.Index]:
    """(list of Composition/Structure or failure-reason strings, index)."""
    from pymatgen.core import Composition, Structure

    from ..data.materials import to_composition

    if isinstance(materials, pd.DataFrame):
        if len(materials) == 0:
            raise InvalidInputError("materials is an empty DataFrame; nothing to featurize")
        column = K.STRUCTURE if kind == "structure" else K.REDUCED_COMPOSITION
        if column not in materials:
            alt = "composition" if "composition" in materials else None
            if alt is None:
                raise InvalidInputError(
                    f"the frame has no {column!r} column (preset kind {kind!r}); pass a frame from "
                    "load_obelix or a list of formulas/structures"
                )
            column = alt
        items, index = list(materials[column]), materials.index
    else:
        if isinstance(materials, str | Composition | Structure):
            materials = [materials]
        if not isinstance(materials, list | tuple | pd.Series | pd.Index | np.ndarray):
            raise InvalidInputError(
                f"materials must be a DataFrame from load_obelix, a formula, Composition or "
                f"Structure, or a list of them; got {type(materials).__name__}"
            )
        items = list(np.ravel(materials)) if isinstance(materials, np.ndarray) else list(materials)
        if not items:
            raise InvalidInputError("materials is empty; nothing to featurize")
        index = pd.RangeIndex(len(items))
    if kind == "cell":
        return _cell_records(materials, items), index
    out: list[_Item] = []
    for item in items:
        if kind == "structure":
            out.append(item if isinstance(item, Structure) else "no structure for this row")
            continue
        if item is None:
            out.append("no composition for this row")
            continue
        if not isinstance(item, str | Composition | Structure):
            out.append(f"not a material: {type(item).__name__} {str(item)[:40]!r}")
            continue
        try:  # the package's one rule for formulas and amounts
            out.append(to_composition(item))
        except InvalidInputError as err:
            what = "a formula" if isinstance(item, str) else "a valid composition"
            out.append(f"not {what}: {err}")
    return out, index


def _cell_records(materials: Materials, items: list[Any]) -> list[_Item]:
    """Cell records from a frame's lattice columns (else its structure), or from structures."""
    from .cell import CellRecord

    if isinstance(materials, pd.DataFrame):
        records = [CellRecord.from_row(row) for _, row in materials.iterrows()]
    else:
        records = [
            item
            if isinstance(item, CellRecord)
            else CellRecord.from_structure(item)
            if hasattr(item, "lattice")
            else None
            for item in items
        ]
    return [
        r if r is not None else "no lattice for this row (no cell columns, no structure)"
        for r in records
    ]


def _key(obj: Composition | Structure | CellRecord) -> tuple:
    from pymatgen.core import Structure

    from .cell import CellRecord

    if isinstance(obj, CellRecord):
        return ("cell", tuple(round(float(v), 8) if v == v else None for v in obj))

    if isinstance(obj, Structure):
        digest = hashlib.sha1(
            np.round(obj.frac_coords, 6).tobytes() + np.round(obj.lattice.matrix, 6).tobytes()
        )
        return (
            "s",
            obj.composition.formula,
            tuple(str(s.species) for s in obj),
            digest.hexdigest(),
        )
    return ("c", tuple(sorted((str(k), round(float(v), 10)) for k, v in obj.items())))
