"""Vectorised composition features, value-identical to their matminer featurizers.

Supported: ``ElementProperty`` (stats minimum, maximum, range, mean, avg_dev, mode),
``Stoichiometry``, ``ValenceOrbital``, ``IonProperty(fast=True)`` and
:class:`~ssenb.features.chemistry.LiAnionChemistry`. Element data are read from each
featurizer's own ``data_source`` (matminer's tables), so the numbers are matminer's;
tests compare every value against the featurizer's own ``featurize``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike

from .chemistry import ANIONS, CHALCOGENS_HEAVY, HALOGENS, LiAnionChemistry

if TYPE_CHECKING:
    from pymatgen.core import Composition

    from .presets import Featurizer

_STATS = {"minimum", "maximum", "range", "mean", "avg_dev", "mode"}


def supports(featurizers: Iterable[Featurizer]) -> bool:
    """Whether every featurizer has a fast implementation here."""
    from matminer.featurizers.composition import (
        ElementProperty,
        IonProperty,
        Stoichiometry,
        ValenceOrbital,
    )

    for f in featurizers:
        if isinstance(f, ElementProperty):
            if not set(f.stats) <= _STATS:
                return False
        elif isinstance(f, IonProperty):
            if not f.fast:
                return False
        elif isinstance(f, Stoichiometry):
            if f.num_atoms or f.p_list is None:
                return False
        elif not isinstance(f, ValenceOrbital | LiAnionChemistry):
            return False
    return True


class _Batch:
    """Compositions in padded form: (n, k) element indices and amounts, k = most elements."""

    def __init__(self, compositions: Iterable[Composition]) -> None:
        from pymatgen.core import Element

        rows = []
        for c in compositions:
            items = (
                c.items() if all(type(k) is Element for k in c) else c.element_composition.items()
            )
            rows.append([(el.symbol, float(a)) for el, a in items if a > 0])
        self.symbols = sorted({s for r in rows for s, _ in r})
        self.elements = [Element(s) for s in self.symbols]
        col = {s: j for j, s in enumerate(self.symbols)}
        k = max((len(r) for r in rows), default=1)
        n = len(rows)
        self.idx = np.zeros((n, k), int)
        self.amt = np.zeros((n, k))
        for i, r in enumerate(rows):
            for j, (s, a) in enumerate(r):
                self.idx[i, j] = col[s]
                self.amt[i, j] = a
        self.mask = self.amt > 0
        self.total = self.amt.sum(axis=1)
        self.n_present = self.mask.sum(axis=1)
        self.frac = self.amt / self.total[:, None]

    def table(self, values: ArrayLike) -> np.ndarray:
        """Per-element values (m,) or (m, p) -> (n, k, p), padding 0."""
        v = np.asarray(values, float)
        v = v[:, None] if v.ndim == 1 else v
        out = v[self.idx]
        out[~self.mask] = 0.0
        return out

    def nan_rows(self, t: np.ndarray) -> np.ndarray:
        """(n, p) NaN where a present element lacks the value (matminer propagates NaN)."""
        return np.where(np.isnan(t).any(axis=1), np.nan, 0.0)

    def mean(self, t: np.ndarray) -> np.ndarray:
        """Amount-weighted mean over present elements, (n, k, p) -> (n, p)."""
        return (self.amt[..., None] * np.nan_to_num(t)).sum(axis=1) / self.total[
            :, None
        ] + self.nan_rows(t)

    def minimum(self, t: np.ndarray) -> np.ndarray:
        """Minimum over present elements, (n, k, p) -> (n, p)."""
        return np.where(self.mask[..., None], t, np.inf).min(axis=1)

    def maximum(self, t: np.ndarray) -> np.ndarray:
        """Maximum over present elements, (n, k, p) -> (n, p)."""
        return np.where(self.mask[..., None], t, -np.inf).max(axis=1)


def _element_property(batch: _Batch, f: Any) -> list[np.ndarray]:
    values = np.array(
        [[f.data_source.get_elemental_property(e, a) for a in f.features] for e in batch.elements],
        float,
    )
    t = batch.table(values)  # (n, k, p)
    nan = batch.nan_rows(t)
    lo, hi, mean = batch.minimum(t) + nan, batch.maximum(t) + nan, batch.mean(t)
    stats = {"minimum": lo, "maximum": hi, "range": hi - lo, "mean": mean}
    if "avg_dev" in f.stats:
        dev = np.where(batch.mask[..., None], np.abs(t - mean[:, None, :]), 0.0)
        stats["avg_dev"] = (batch.amt[..., None] * np.nan_to_num(dev)).sum(axis=1) / batch.total[
            :, None
        ] + nan
    if "mode" in f.stats:
        wmax = batch.amt.max(axis=1, keepdims=True)
        most = batch.mask & np.isclose(batch.amt, wmax)
        stats["mode"] = np.where(most[..., None], t, np.inf).min(axis=1) + np.where(
            (most[..., None] & np.isnan(t)).any(axis=1), np.nan, 0.0
        )
    return [stats[stat][:, j] for j in range(len(f.features)) for stat in f.stats]


def _stoichiometry(batch: _Batch, f: Any) -> list[np.ndarray]:
    out = []
    for p in f.p_list:
        if p == 0:
            out.append(batch.n_present.astype(float))
        else:
            out.append(((batch.frac**p) * batch.mask).sum(axis=1) ** (1.0 / p))
    return out


def _valence_orbital(batch: _Batch, f: Any) -> list[np.ndarray]:
    names = [f"N{orb}Valence" for orb in f.orbitals] + ["NValence"]
    values = np.column_stack(
        [f.data_source.get_elemental_properties(batch.elements, n) for n in names]
    )
    means = batch.mean(batch.table(values))
    avg = [means[:, j] for j in range(len(f.orbitals))]
    out = []
    for kind in f.props:
        if kind == "avg":
            out += avg
        elif kind == "frac":
            out += [a / means[:, -1] for a in avg]
    return out


@lru_cache(maxsize=4096)
def _oxidation_combos(states: tuple[tuple[int, ...], ...]) -> np.ndarray:
    combos = list(itertools.product(*states))
    return np.array(combos, float).reshape(len(combos), len(states))


def _ion_property(batch: _Batch, f: Any) -> list[np.ndarray]:
    x = np.array(f.data_source.get_elemental_properties(batch.elements, "X"), float)
    states = [tuple(f.data_source.get_oxidation_states(e)) for e in batch.elements]
    tx = batch.table(x)[..., 0]
    # 1 - exp(-(dX)^2/4) grows with |dX|: the largest pair is the max-min electronegativity pair
    hi = np.where(batch.mask, tx, -np.inf).max(axis=1)
    lo = np.where(batch.mask, tx, np.inf).min(axis=1)
    max_ic = 1.0 - np.exp(-0.25 * (hi - lo) ** 2)
    pair_ic = 1.0 - np.exp(
        -0.25 * (tx[:, :, None] - tx[:, None, :]) ** 2
    )  # (n, k, k), 0 on diagonal
    ff = batch.frac[:, :, None] * batch.frac[:, None, :]
    avg_ic = 0.5 * (ff * pair_ic).sum(axis=(1, 2))
    possible = np.ones(len(batch.amt))
    groups: dict[tuple[int, ...], list[int]] = {}
    idx_rows = batch.idx.tolist()
    for i in np.where(batch.n_present >= 2)[0].tolist():
        groups.setdefault(tuple(idx_rows[i][: batch.n_present[i]]), []).append(i)
    for members_idx, rows in groups.items():  # elements fill each padded row from the left
        combos = _oxidation_combos(tuple(states[j] for j in members_idx))
        if combos.size == 0:
            possible[rows] = 0.0
            continue
        charge = batch.amt[rows, : len(members_idx)] @ combos.T
        possible[rows] = (np.abs(charge) <= 1e-8).any(axis=1)  # np.isclose(charge, 0) as matminer
    single = batch.n_present < 2
    max_ic[single], avg_ic[single] = 0.0, 0.0
    return [possible, max_ic, avg_ic]


def _li_anion(batch: _Batch) -> list[np.ndarray]:
    def amount(symbols: Sequence[str]) -> np.ndarray:
        flags = np.array([s in symbols for s in batch.symbols], float)
        return (batch.amt * batch.table(flags)[..., 0]).sum(axis=1)

    li, anion = amount(("Li",)), amount(ANIONS)
    safe = np.where(anion > 0, anion, 1.0)
    share = [
        np.where(anion > 0, amount(s) / safe, 0.0)
        for s in (("O",), CHALCOGENS_HEAVY, HALOGENS, ("N",))
    ]
    li_per_anion = np.where(anion > 0, li / safe, np.nan)
    n_anions = sum((amount((a,)) > 0).astype(float) for a in ANIONS)
    return [li / batch.total, anion / batch.total, li_per_anion, *share, n_anions]


def fast_featurize(
    compositions: Sequence[Composition], featurizers: Sequence[Featurizer]
) -> np.ndarray:
    """(n, n_features) array equal to ``MultipleFeaturizer(featurizers).featurize_many``."""
    from matminer.featurizers.composition import (
        ElementProperty,
        IonProperty,
        Stoichiometry,
        ValenceOrbital,
    )

    batch = _Batch(compositions)
    columns: list[np.ndarray] = []
    for f in featurizers:
        if isinstance(f, ElementProperty):
            columns += _element_property(batch, f)
        elif isinstance(f, Stoichiometry):
            columns += _stoichiometry(batch, f)
        elif isinstance(f, ValenceOrbital):
            columns += _valence_orbital(batch, f)
        elif isinstance(f, IonProperty):
            columns += _ion_property(batch, f)
        elif isinstance(f, LiAnionChemistry):
            columns += _li_anion(batch)
        else:  # pragma: no cover - guarded by supports()
            raise TypeError(f"no fast path for {type(f).__name__}")
    return np.column_stack(columns) if columns else np.empty((len(batch.amt), 0))
