"""Applicability domain: whether a material is like the ones the model learned from.

Three checks, each with a reason a reader can act on: the material has the mobile ion
(the model predicts Li-ion conductivity and learned from Li compounds only); all its
elements occur in the training set; and it lies near the training data in feature space
(distance to the nearest training material, after standardising the features and
projecting on their first principal components, against the 99th percentile of the
training materials' own nearest-neighbour distances).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import InvalidInputError

if TYPE_CHECKING:
    from pymatgen.core import Composition

N_COMPONENTS = 10
QUANTILE = 0.99


def _compositions(items: Iterable[Any] | None) -> list[Composition | None]:
    """Compositions (or None) from compositions, formulas or structures."""
    from ..data.materials import to_composition

    out = []
    for item in items or []:
        try:
            out.append(None if item is None else to_composition(item))
        except Exception:  # a row that cannot be read has no elements to check
            out.append(None)
    return out


@dataclass
class Domain:
    """What the model saw in training (JSON-able, stored in saved models)."""

    elements: list[str] = field(default_factory=list)
    columns: list[int] = field(default_factory=list)  # complete features used for distances
    mean: list[float] = field(default_factory=list)
    scale: list[float] = field(default_factory=list)
    components: list[list[float]] = field(default_factory=list)
    points: list[list[float]] = field(default_factory=list)
    threshold: float = math.inf

    @classmethod
    def fit(cls, matrix: np.ndarray, compositions: Iterable[Any] | None = None) -> Domain:
        """Learn the domain from a training feature matrix and the materials' compositions."""
        elements = sorted(
            {str(el) for c in _compositions(compositions) if c is not None for el in c.elements}
        )
        cols = np.where(np.isfinite(matrix).all(axis=0))[0]
        if len(cols) == 0 or len(matrix) < 3:
            return cls(elements=elements)
        x = matrix[:, cols]
        mean, scale = x.mean(axis=0), x.std(axis=0)
        scale[scale == 0] = 1.0
        z = (x - mean) / scale
        k = min(N_COMPONENTS, z.shape[1], len(z) - 1)
        _, _, vt = np.linalg.svd(z, full_matrices=False)
        comps = vt[:k]
        pts = z @ comps.T
        d = np.linalg.norm(pts[:, None, :] - pts[None, :, :], axis=2)
        np.fill_diagonal(d, np.inf)
        threshold = float(np.quantile(d.min(axis=1), QUANTILE))
        return cls(
            elements,
            cols.tolist(),
            mean.tolist(),
            scale.tolist(),
            comps.tolist(),
            pts.tolist(),
            threshold,
        )

    def assess(
        self,
        matrix: np.ndarray,
        compositions: Iterable[Any] | None = None,
        *,
        index: pd.Index | None = None,
    ) -> pd.DataFrame:
        """One row per input: in_domain, domain_notes, nn_distance (standardised units)."""
        n = len(matrix)
        notes: list[list[str]] = [[] for _ in range(n)]
        if compositions is not None and self.elements:
            known = set(self.elements)
            for i, c in enumerate(_compositions(compositions)):
                if c is None:
                    continue
                symbols = {str(el) for el in c.elements}
                if "Li" not in symbols:
                    notes[i].append(
                        "contains no Li: the model predicts Li-ion conductivity and learned from Li compounds only"
                    )
                unseen = sorted(symbols - known)
                if unseen:
                    notes[i].append(f"elements never seen in training: {', '.join(unseen)}")
        dist = np.full(n, np.nan)
        if self.points:
            x = matrix[:, self.columns]
            z = (x - np.asarray(self.mean)) / np.asarray(self.scale)
            pts = z @ np.asarray(self.components).T
            ref = np.asarray(self.points)
            d = np.linalg.norm(pts[:, None, :] - ref[None, :, :], axis=2).min(axis=1)
            dist = np.where(np.isfinite(x).all(axis=1), d, np.nan)
            for i, value in enumerate(dist):
                if value > self.threshold:
                    notes[i].append(
                        f"far from the training data (distance {value:.1f} vs {self.threshold:.1f} "
                        "for 99% of training materials)"
                    )
        return pd.DataFrame(
            {
                "in_domain": [not n_ for n_ in notes],
                "domain_notes": ["; ".join(n_) for n_ in notes],
                "nn_distance": dist,
            },
            index=index,
        )

    def as_dict(self) -> dict:
        """JSON-able fields (stored in a saved model's metadata)."""
        return {k: getattr(self, k) for k in self.__dataclass_fields__}

    @classmethod
    def from_dict(cls, d: object) -> Domain:
        """Rebuild from :meth:`as_dict` output, checking every field (None: an empty domain)."""
        if d is None:
            return cls()
        if not isinstance(d, dict) or set(d) - set(cls.__dataclass_fields__):
            raise InvalidInputError("domain must be a dict with the fields of ssenb's Domain")
        try:
            out = cls(
                elements=[str(e) for e in d.get("elements", [])],
                columns=[int(c) for c in d.get("columns", [])],
                mean=[float(v) for v in d.get("mean", [])],
                scale=[float(v) for v in d.get("scale", [])],
                components=[[float(v) for v in row] for row in d.get("components", [])],
                points=[[float(v) for v in row] for row in d.get("points", [])],
                threshold=float(d.get("threshold", math.inf)),
            )
        except (TypeError, ValueError) as err:
            raise InvalidInputError(f"domain holds non-numeric values: {err}") from err
        if out.points and len(out.mean) != len(out.columns):
            raise InvalidInputError("domain mean and columns differ in length")
        return out
