"""From what a user passes (OBELiX-like frame, list of materials, matrix) to model features.

:func:`material_features` is the one material -> feature-table step shared by ``fit``,
``predict``, cross-validation and explanations.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias, cast

import numpy as np
import pandas as pd

from .. import keys as K
from ..errors import InvalidInputError, UnknownNameError

if TYPE_CHECKING:
    from numpy.typing import ArrayLike
    from pymatgen.core import Composition, Structure

#: A material as ssenb takes it: a formula, a pymatgen Composition or a Structure.
Material: TypeAlias = "str | Composition | Structure"
#: What the estimators take as ``X``: a material frame (e.g. from ``load_obelix``), one or
#: many materials (list, Series, object array), or a numeric feature matrix.
ModelInput: TypeAlias = "pd.DataFrame | pd.Series | Sequence[Material] | Material | ArrayLike"

#: Model presets are lists of feature-preset names (see ssenb.features.PRESETS).
MODEL_PRESETS: dict[str, tuple[str, ...]] = {
    "composition": ("composition",),
    "composition+lattice": ("composition", "cell"),
    "composition+structure": ("composition", "cell", "structure"),
    "composition+structure+transport": ("composition", "cell", "structure", "transport"),
}
#: Feature presets whose values may be missing for some materials (no lattice, no structure).
CONTEXT_PRESETS = ("cell", "structure", "li_sites", "transport")


def register_model_preset(name: str, feature_presets: tuple[str, ...]) -> None:
    """Add a model preset (a name for a list of feature presets)."""
    MODEL_PRESETS[name] = tuple(feature_presets)


def check_model_preset(preset: object) -> tuple[str, ...]:
    """The feature presets of a model preset, or an error listing the valid names."""
    if isinstance(preset, str) and preset in MODEL_PRESETS:
        return MODEL_PRESETS[preset]
    raise UnknownNameError(f"preset={preset!r} is unknown; use one of {', '.join(MODEL_PRESETS)}")


def is_material_input(X: ModelInput) -> bool:
    """A frame with composition/structure columns, or formulas/compositions/structures.

    Lists, tuples, pandas Series and numpy object arrays of materials all count.
    """
    from pymatgen.core import Composition, Structure

    material = (str, Composition, Structure)
    if isinstance(X, pd.DataFrame):
        return bool({K.REDUCED_COMPOSITION, K.STRUCTURE, "composition", K.FORMULA} & set(X.columns))
    if isinstance(X, material):
        return True
    if isinstance(X, pd.Series):
        items = list(X)
    elif isinstance(X, np.ndarray):
        if X.ndim != 1 or X.dtype.kind not in "OUS":
            return False
        items = list(X)
    elif isinstance(X, list | tuple):
        items = list(X)
    else:
        return False
    return bool(items) and all(isinstance(x, material) for x in items)


def first_non_material(X: ModelInput) -> tuple[int, Any] | None:
    """(position, item) of the first non-material in a sequence that also holds materials.

    Why: ``["Li3PS4", None]`` is neither all materials nor a numeric matrix; without this
    check it reaches the matrix path and fails with "could not convert string to float".
    """
    from pymatgen.core import Composition, Structure

    if isinstance(X, pd.Series) or (isinstance(X, np.ndarray) and X.ndim == 1):
        items = list(X)
    elif isinstance(X, list | tuple):
        items = list(X)
    else:
        return None
    material = (str, Composition, Structure)
    if not any(isinstance(x, material) for x in items):
        return None
    return next(((i, x) for i, x in enumerate(items) if not isinstance(x, material)), None)


def as_material_frame(X: ModelInput) -> pd.DataFrame:
    """A frame with ``reduced_composition`` (and ``structure`` where known)."""
    from pymatgen.core import Composition, Structure

    from ..data.materials import to_composition

    if isinstance(X, pd.DataFrame):
        if len(X) == 0:
            raise InvalidInputError("the frame is empty; a model needs at least one material")
        frame = X
        if K.REDUCED_COMPOSITION not in frame:
            src = next((c for c in ("composition", K.FORMULA) if c in frame), None)
            if src is None and K.STRUCTURE in frame:
                comps = [
                    s.composition.reduced_composition if isinstance(s, Structure) else None
                    for s in frame[K.STRUCTURE]
                ]
            else:
                comps = list(frame[src])
            frame = frame.assign(**{K.REDUCED_COMPOSITION: comps})
        return frame
    # not a frame or one material: an iterable of materials (is_material_input's cases)
    items = [X] if isinstance(X, str | Composition | Structure) else list(cast("Sequence[Any]", X))
    reduced: list[Composition] = []
    structs: list[Structure | None] = []
    for i, item in enumerate(items):
        if isinstance(item, Structure):
            reduced.append(item.composition.reduced_composition)
            structs.append(item)
        else:
            reduced.append(to_composition(item, argname=f"material {i}"))
            structs.append(None)
    return pd.DataFrame({K.REDUCED_COMPOSITION: reduced, K.STRUCTURE: structs})


@dataclass(frozen=True)
class FeatureTable:
    """Features of materials: the table, each column's family, and which may be missing."""

    table: pd.DataFrame  # feature columns only
    errors: pd.Series  # per-row failure of the required (composition) features, or None
    families: dict[str, str]
    optional: list[str]


def material_features(frame: pd.DataFrame, preset: str, *, progress: bool = False) -> FeatureTable:
    """Features of a material frame for a model preset (the shared fit/predict/CV step)."""
    from ..features import featurize, get_preset

    parts, families, optional = [], {}, []
    errors = None
    for name in check_model_preset(preset):
        p = get_preset(name)
        usable = K.STRUCTURE in frame or p.kind != "structure"
        if usable:
            with warnings.catch_warnings():
                if name in CONTEXT_PRESETS:  # missing context (no lattice) is expected here
                    warnings.simplefilter("ignore")
                part = featurize(frame, name, progress=progress)
            err = part.pop(K.ERROR)
        else:  # no structures at all: every structure feature is missing
            part = pd.DataFrame(np.nan, index=frame.index, columns=p.feature_labels())
            err = None
        if name in CONTEXT_PRESETS:
            optional += list(part.columns)
        elif err is not None:
            errors = err if errors is None else errors.fillna(err)
        parts.append(part)
        families.update(p.families())
    table = pd.concat(parts, axis=1)
    if errors is None:
        errors = pd.Series([None] * len(frame), index=frame.index, dtype=object)
    return FeatureTable(
        table,
        errors,
        {c: families.get(c, "other") for c in table.columns},
        optional,
    )


def targets(
    frame: pd.DataFrame, label: str = K.LOG10_SIGMA, censored: str | None = K.CENSORED
) -> tuple[np.ndarray, np.ndarray]:
    """(labels, censored flags) from a material frame: column ``label``, flags from ``censored``.

    The defaults read an OBELiX-like frame (log10 σ in S/cm, upper bounds flagged in
    ``censored``); a :class:`~ssenb.models.Target` names other columns. A missing flag
    column (or ``censored=None``) means no label is a bound.
    """
    if label not in frame:
        raise InvalidInputError(
            f"the frame has no {label!r} column to learn from; pass y= explicitly or a frame "
            f"that has it (for log10 σ: a frame from load_obelix)"
        )
    y = pd.to_numeric(frame[label], errors="coerce").to_numpy(float)
    if np.isnan(y).any():
        raise InvalidInputError(f"{int(np.isnan(y).sum())} rows have no {label}; drop them first")
    flags = (
        frame[censored].to_numpy(bool)
        if censored is not None and censored in frame
        else np.zeros(len(y), bool)
    )
    return y, flags
