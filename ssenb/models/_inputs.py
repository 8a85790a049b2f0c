"""Turn what a user passes to a model (OBELiX-like frame, materials, matrix) into features."""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
import pandas as pd

from .. import keys as K
from ..errors import InvalidInputError, UnknownNameError

ModelPreset = Literal["composition", "composition+lattice", "composition+structure"]
MODEL_PRESETS = ("composition", "composition+lattice", "composition+structure")

#: Context features (from the frame's lattice columns or the Structure): may be NaN
#: ("unknown"), which XGBoost treats as missing.
LATTICE_FEATURES = (
    "space group number",
    "a (Å)",
    "b (Å)",
    "c (Å)",
    "alpha (°)",
    "beta (°)",
    "gamma (°)",
    "cell volume per atom (Å³)",
)


def is_material_input(X) -> bool:
    """A frame with composition/structure columns, or a list of formulas/compositions/structures."""
    from pymatgen.core import Composition, Structure

    if isinstance(X, pd.DataFrame):
        return bool({K.REDUCED_COMPOSITION, K.STRUCTURE, "composition", K.FORMULA} & set(X.columns))
    if isinstance(X, list | tuple) and X:
        return all(isinstance(x, str | Composition | Structure) for x in X)
    return isinstance(X, str | Composition | Structure)


def as_material_frame(X) -> pd.DataFrame:
    """A frame with ``reduced_composition`` (and ``structure`` where known)."""
    from pymatgen.core import Composition, Structure

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
    items = [X] if isinstance(X, str | Composition | Structure) else list(X)
    comps, structs = [], []
    for item in items:
        if isinstance(item, Structure):
            comps.append(item.composition.reduced_composition)
            structs.append(item)
        else:
            comps.append(item)
            structs.append(None)
    return pd.DataFrame({K.REDUCED_COMPOSITION: comps, K.STRUCTURE: structs})


def material_features(
    frame: pd.DataFrame, preset: str, *, progress: bool = False
) -> tuple[pd.DataFrame, list[str]]:
    """(feature table, optional feature names) for a material frame; ``error`` column kept."""
    from ..features import featurize

    if preset not in MODEL_PRESETS:
        raise UnknownNameError(
            f"preset={preset!r} is unknown; use one of {', '.join(MODEL_PRESETS)}"
        )
    comp = featurize(frame, "composition", progress=progress)
    errors = comp.pop(K.ERROR)
    parts, optional = [comp], []
    if preset in ("composition+lattice", "composition+structure"):
        lat = lattice_features(frame)
        parts.append(lat)
        optional += list(lat.columns)
    if preset == "composition+structure":
        if K.STRUCTURE in frame:
            st = featurize(frame, "structure", progress=progress).drop(columns=K.ERROR)
        else:
            from ..features import get_preset

            st = pd.DataFrame(
                np.nan, index=frame.index, columns=get_preset("structure").feature_labels()
            )
        parts.append(st)
        optional += list(st.columns)
    out = pd.concat(parts, axis=1)
    out[K.ERROR] = errors
    return out, optional


def lattice_features(frame: pd.DataFrame) -> pd.DataFrame:
    """Space group and lattice (Å, degrees) from the frame's columns, else from its Structure."""
    rows = []
    for _, row in frame.iterrows():
        rows.append(_lattice_row(row))
    return pd.DataFrame(rows, index=frame.index, columns=list(LATTICE_FEATURES))


def _lattice_row(row) -> list[float]:
    from pymatgen.core import Structure

    cols = ("a", "b", "c", "alpha", "beta", "gamma")
    if all(c in row and pd.notna(row[c]) for c in cols):
        a, b, c, al, be, ga = (float(row[c]) for c in cols)
        sg = (
            float(row[K.SPACE_GROUP_NUMBER])
            if K.SPACE_GROUP_NUMBER in row and pd.notna(row[K.SPACE_GROUP_NUMBER])
            else math.nan
        )
        n_atoms = (
            row[K.TRUE_COMPOSITION].num_atoms
            if K.TRUE_COMPOSITION in row and row[K.TRUE_COMPOSITION] is not None
            else math.nan
        )
        volume = _cell_volume(a, b, c, al, be, ga)
        return [sg, a, b, c, al, be, ga, volume / n_atoms if n_atoms else math.nan]
    s = row.get(K.STRUCTURE) if hasattr(row, "get") else None
    if isinstance(s, Structure):
        try:
            from pymatgen.symmetry.analyzer import SpacegroupAnalyzer

            sg = float(SpacegroupAnalyzer(s, symprec=0.1).get_space_group_number())
        except Exception:  # spglib may fail on odd cells: space group unknown
            sg = math.nan
        lat = s.lattice
        return [sg, *lat.abc, *lat.angles, lat.volume / s.composition.num_atoms]
    return [math.nan] * len(LATTICE_FEATURES)


def _cell_volume(a, b, c, alpha, beta, gamma) -> float:
    ca, cb, cg = (math.cos(math.radians(x)) for x in (alpha, beta, gamma))
    return a * b * c * math.sqrt(max(1 - ca**2 - cb**2 - cg**2 + 2 * ca * cb * cg, 0.0))


def targets(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(log10 sigma, censored) from an OBELiX-like frame."""
    if K.LOG10_SIGMA not in frame:
        raise InvalidInputError(
            f"the frame has no {K.LOG10_SIGMA!r} column to learn from; pass y= explicitly or a frame from load_obelix"
        )
    y = pd.to_numeric(frame[K.LOG10_SIGMA], errors="coerce").to_numpy(float)
    if np.isnan(y).any():
        raise InvalidInputError(
            f"{int(np.isnan(y).sum())} rows have no {K.LOG10_SIGMA}; drop them first"
        )
    censored = frame[K.CENSORED].to_numpy(bool) if K.CENSORED in frame else np.zeros(len(y), bool)
    return y, censored
