"""Applicability domain: whether a material is like the ones the model learned from.

Three checks, each with a reason a reader can act on: the material holds the elements the
target requires (Li for Li-ion conductivity: that model learned from Li compounds only);
all its elements occur in the training set; and it lies near the training data in feature
space (distance to the nearest training material, after standardising the features and
projecting on their first principal components, against the 99th percentile of the
training materials' own nearest-neighbour distances).

The principal axes come from an SVD of the standardised matrix. LAPACK's SVD can fail to
converge (it did, with some OpenBLAS builds and ``OMP_NUM_THREADS=1``, on a valid OBELiX
training matrix); the domain then falls back to the eigenvectors of the covariance
matrix, then to no projection (raw standardised features), and says which it used in
``method``. A domain check that cannot be computed never kills a fit: with no usable
feature distance, only the element checks remain and ``method`` says so.
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
REQUIRED_LI_REASON = "the model predicts Li-ion conductivity and learned from Li compounds only"


def principal_axes(z: np.ndarray, k: int) -> tuple[np.ndarray, str]:
    """(the first ``k`` principal axes of the centred matrix ``z`` as rows, method used).

    SVD first; if LAPACK does not converge, the eigenvectors of ``z.T @ z`` (the same
    axes, found by another driver); if that fails too, the first ``k`` standardised
    features themselves ("identity"): distances in a subspace that is not the principal
    one are still distances, and the fit goes on.
    """
    try:
        _, _, vt = np.linalg.svd(z, full_matrices=False)
        if np.isfinite(vt).all():
            return vt[:k], "svd"
    except np.linalg.LinAlgError:
        pass
    try:
        w, v = np.linalg.eigh(z.T @ z)
        if np.isfinite(v).all():
            return v[:, np.argsort(w)[::-1][:k]].T, "eigh"
    except np.linalg.LinAlgError:
        pass
    return np.eye(z.shape[1])[:k], "identity"


def _nearest(pts: np.ndarray, ref: np.ndarray, *, exclude_self: bool = False) -> np.ndarray:
    """Euclidean distance from each row of ``pts`` to its nearest row of ``ref`` (NaN rows: NaN).

    A k-d tree (scipy's ``cKDTree``, exact search): O(n log n) instead of the n x m
    distance table, which took 50 of the 98 s of a 9,723-row moduli model's fit. With
    ``exclude_self`` (``pts`` is ``ref``), a row's own zero distance is skipped: the two
    nearest are asked for and the second kept, which is the nearest other row (0 for an
    exact duplicate, as before).
    """
    from scipy.spatial import cKDTree

    out = np.full(len(pts), np.nan)
    ok = np.isfinite(pts).all(axis=1)
    if not ok.any() or len(ref) == 0:
        return out
    tree = cKDTree(ref)
    if exclude_self:
        if len(ref) < 2:
            return np.full(len(pts), np.inf)
        d, _ = tree.query(pts[ok], k=2)
        out[ok] = d[:, 1]
    else:
        d, _ = tree.query(pts[ok], k=1)
        out[ok] = d
    return out


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
    required: list[str] = field(default_factory=lambda: ["Li"])
    required_reason: str = REQUIRED_LI_REASON
    method: str = "svd"  # how the axes were found: svd, eigh, identity, none (see module doc)

    @classmethod
    def fit(
        cls,
        matrix: np.ndarray,
        compositions: Iterable[Any] | None = None,
        *,
        required: Iterable[str] = ("Li",),
        required_reason: str = REQUIRED_LI_REASON,
    ) -> Domain:
        """Learn the domain from a training feature matrix and the materials' compositions.

        ``required`` lists elements every in-domain material must hold (``required_reason``
        says why, for the note). Never raises on a matrix LAPACK cannot decompose: see the
        module doc and ``method``.
        """
        elements = sorted(
            {str(el) for c in _compositions(compositions) if c is not None for el in c.elements}
        )
        need = list(required)
        cols = np.where(np.isfinite(matrix).all(axis=0))[0]
        if len(cols) == 0 or len(matrix) < 3:
            return cls(
                elements=elements, method="none", required=need, required_reason=required_reason
            )
        x = matrix[:, cols]
        mean, scale = x.mean(axis=0), x.std(axis=0)
        scale[scale == 0] = 1.0
        z = (x - mean) / scale
        k = min(N_COMPONENTS, z.shape[1], len(z) - 1)
        comps, method = principal_axes(z, k)
        pts = z @ comps.T
        if not np.isfinite(pts).all():
            return cls(
                elements=elements, method="none", required=need, required_reason=required_reason
            )
        d = _nearest(pts, pts, exclude_self=True)
        threshold = float(np.quantile(d, QUANTILE))
        return cls(
            elements,
            cols.tolist(),
            mean.tolist(),
            scale.tolist(),
            comps.tolist(),
            pts.tolist(),
            threshold,
            method=method,
            required=need,
            required_reason=required_reason,
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
                lacking = [e for e in self.required if e not in symbols]
                if lacking:
                    notes[i].append(f"contains no {', '.join(lacking)}: {self.required_reason}")
                unseen = sorted(symbols - known)
                if unseen:
                    notes[i].append(f"elements never seen in training: {', '.join(unseen)}")
        dist = np.full(n, np.nan)
        if self.points:
            x = matrix[:, self.columns]
            z = (x - np.asarray(self.mean)) / np.asarray(self.scale)
            pts = z @ np.asarray(self.components).T
            d = _nearest(pts, np.asarray(self.points))
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

    def distance_ratio(self, matrix: np.ndarray) -> np.ndarray:
        """Nearest-training-material distance over the 99th-percentile threshold, per row.

        Above 1: farther from the training data than 99 % of the training materials are
        from each other. NaN where no distance can be computed (no projection learned, or a
        feature the projection uses is missing).
        """
        if not self.points or not np.isfinite(self.threshold) or self.threshold <= 0:
            return np.full(len(matrix), np.nan)
        x = matrix[:, self.columns]
        z = (x - np.asarray(self.mean)) / np.asarray(self.scale)
        d = _nearest(z @ np.asarray(self.components).T, np.asarray(self.points))
        return np.where(np.isfinite(x).all(axis=1), d / self.threshold, np.nan)

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
                # a model saved before targets were declared is a Li-ion conductivity model
                required=[str(e) for e in d.get("required", ["Li"])],
                required_reason=str(d.get("required_reason", REQUIRED_LI_REASON)),
                method=str(d.get("method", "svd")),
            )
        except (TypeError, ValueError) as err:
            raise InvalidInputError(f"domain holds non-numeric values: {err}") from err
        if out.points and len(out.mean) != len(out.columns):
            raise InvalidInputError("domain mean and columns differ in length")
        return out
