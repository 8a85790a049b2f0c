"""One estimator for any material property: a declared target, features, an XGBoost ensemble.

:class:`PropertyModel` learns the target named by ``target`` (a :class:`Target` spec in
``ssenb.models.TARGETS``: label column, unit, censoring, valid range, domain elements).
Conductivity is one such target (:class:`~ssenb.models.ConductivityModel` is
``PropertyModel`` with ``target="log10_sigma"`` fixed); band gaps and elastic moduli are
others. Censored labels (values reported as upper bounds, e.g. "<1E-10" S/cm) enter
through a one-sided squared loss: a censored row is penalised only while the prediction
lies *above* its bound, i.e. the zero-noise limit of a Tobit model. They are neither
treated as exact nor dropped.
"""

from __future__ import annotations

import itertools
import os
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Self, overload

import numpy as np
import pandas as pd
from sklearn.base import RegressorMixin

from .. import keys as K
from ..errors import InvalidInputError, SsenbWarning
from ._ensemble import _as_1d, _finite_float, _Objective, _TreeEnsemble
from ._inputs import as_material_frame, is_material_input, targets
from ._params import Constraint
from ._targets import Target, get_target

if TYPE_CHECKING:
    from pathlib import Path

    from numpy.typing import ArrayLike

    from ._inputs import ModelInput


#: Central coverages of the calibrated intervals: 1σ and 2σ of a normal distribution
#: (68.27 %, 95.45 %), and others for reliability plots.
ONE_SIGMA = 0.6827
TWO_SIGMA = 0.9545
CALIBRATION_LEVELS = (0.5, ONE_SIGMA, 0.8, 0.9, TWO_SIGMA, 0.99)
#: Fewer uncensored training rows than this: no calibration (the spread is reported raw).
MIN_CALIBRATION_ROWS = 30


def two_sigma_interval(model: Any, X: Any) -> tuple[np.ndarray, np.ndarray]:
    """(low, high) of the calibrated 2σ interval per material; NaN for an uncalibrated model.

    The one rule for the interval every view shows (a single prediction, the Li table):
    :meth:`PropertyModel.predict_interval` at :data:`TWO_SIGMA`, never mean ± 2 std, which
    the conformal calibration does not promise.
    """
    if getattr(model, "calibration_", None) is None:
        n = len(X)
        return np.full(n, np.nan), np.full(n, np.nan)
    low, high = model.predict_interval(X, TWO_SIGMA)
    return np.asarray(low, float), np.asarray(high, float)


def widening(ratio: np.ndarray) -> np.ndarray:
    """Interval factor from the domain distance ratio: 1 inside, the ratio beyond (never < 1)."""
    r = np.asarray(ratio, float)
    return np.where(np.isfinite(r), np.maximum(1.0, r), 1.0)


def conformal_quantile(scores: ArrayLike, level: float, weights: ArrayLike | None = None) -> float:
    """Split-conformal quantile of n held-out scores: the ceil((n+1)·level)-th smallest (capped at n).

    The rank that makes a fresh exchangeable score fall at or below it with probability
    at least ``level`` (Vovk et al. 2005; Lei et al., J. Am. Stat. Assoc. 113, 1094 (2018)).
    ``weights`` (default 1 each) count how many measurements a score stands for, n their
    sum: the score where the cumulative weight first reaches ceil((n+1)·level).
    """
    s = np.asarray(scores, float)
    w = np.ones(len(s)) if weights is None else np.asarray(weights, float)
    order = np.argsort(s, kind="stable")
    cum = np.cumsum(w[order])
    need = min(np.ceil((cum[-1] + 1) * level), cum[-1])
    return float(s[order][min(int(np.searchsorted(cum, need - 1e-9)), len(s) - 1)])


def censored_mae(y: ArrayLike, pred: ArrayLike, censored: ArrayLike) -> float:
    """MAE where a censored (upper-bound) row counts only the excess above its bound."""
    y, pred, censored = (np.asarray(a) for a in (y, pred, censored))
    err = np.abs(pred - y)
    err = np.where(censored, np.maximum(pred - y, 0.0), err)
    return float(err.mean())


class _PropertyRegressor(RegressorMixin, _TreeEnsemble):
    """Regression on a declared target; subclasses say which (``target``: a parameter or fixed)."""

    _parameter_constraints: ClassVar[dict[str, Constraint]] = {
        **_TreeEnsemble._parameter_constraints,
        "calibration_splits": Constraint(int, 0, 50, exclude=(1,)),
    }

    def __init__(
        self,
        preset: str = "composition",
        n_estimators: int = 600,
        learning_rate: float = 0.05,
        max_depth: int = 3,
        subsample: float = 0.8,
        colsample_bytree: float = 0.5,
        min_child_weight: float = 1.0,
        reg_lambda: float = 1.0,
        n_models: int = 5,
        n_jobs: int | None = None,
        random_state: int | None = None,
        calibration_splits: int = 5,
    ) -> None:
        super().__init__(
            preset=preset,
            n_estimators=n_estimators,
            learning_rate=learning_rate,
            max_depth=max_depth,
            subsample=subsample,
            colsample_bytree=colsample_bytree,
            min_child_weight=min_child_weight,
            reg_lambda=reg_lambda,
            n_models=n_models,
            n_jobs=n_jobs,
            random_state=random_state,
        )
        self.calibration_splits = calibration_splits

    def target_spec(self) -> Target:
        """The declared :class:`Target` this model learns (label, unit, censoring, domain)."""
        return get_target(getattr(self, "target", None))

    def _required_elements(self) -> tuple[tuple[str, ...], str]:
        spec = self.target_spec()
        return spec.required_elements, spec.required_reason

    def fit(
        self,
        X: ModelInput,
        y: ArrayLike | None = None,
        censored: ArrayLike | None = None,
        *,
        groups: ArrayLike | None = None,
        calibration_rows: ArrayLike | None = None,
        progress: bool = False,
    ) -> Self:
        """Fit on materials or a feature matrix; ``censored`` marks upper-bound labels.

        With a material frame and no ``y``, the labels come from the target's column
        (``target_spec().label``) and the bounds from its censoring column. ``groups``
        (one id per row) says which rows must be held out together when the intervals
        are calibrated; by default rows sharing a DOI, a composition or a near-duplicate
        composition for a material frame, each row alone for a matrix.
        ``calibration_rows`` (booleans or counts >= 0, default all) marks the rows whose
        held-out residuals calibrate the intervals, e.g. only curated measurements when
        noisier tables are trained on too; every row is still trained on. A count says how
        many curated measurements a combined row stands for
        (:func:`ssenb.data.measurement_counts`): its residual weighs that much, as a
        validation that scores every measurement counts it. The calibration's
        held-out draws are made over these rows' groups; the default groups then join
        each other row only to the calibration rows it directly overlaps, as the
        validation with extra data and the exclusion of the OBELiX test split do.
        """
        spec = self.target_spec()  # an unknown target fails before featurizing
        matrix, frame = self._fit_common(X, y, progress=progress)
        y = _as_1d(y)
        if y is None:
            if frame is None:
                raise InvalidInputError(
                    f"{type(self).__name__} requires y to be passed, but the target y is None "
                    "(y is required when X is a feature matrix)"
                )
            y, frame_censored = targets(frame, spec.label, spec.censored)
            censored = frame_censored if censored is None else censored
        try:
            y = np.asarray(y, dtype=float).ravel()
        except (TypeError, ValueError) as err:
            raise InvalidInputError(
                f"y must be numbers ({spec.describe()}); could not read it as floats: {err}"
            ) from err
        if len(y) != len(matrix):
            raise InvalidInputError(f"y has {len(y)} values for {len(matrix)} rows of X")
        if not np.isfinite(y).all():
            raise InvalidInputError(f"y has NaN or infinite values; {spec.label} must be finite")
        lo, hi = spec.valid_range
        outside = (y < lo) | (y > hi)
        if outside.any():
            raise InvalidInputError(
                f"{int(outside.sum())} label(s) lie outside the valid range [{lo:g}, {hi:g}] "
                f"of {spec.describe()}, e.g. {y[outside][0]:g}; fix or drop them"
            )
        censored = (
            np.zeros(len(y), bool) if censored is None else np.asarray(censored, bool).ravel()
        )
        if len(censored) != len(y):
            raise InvalidInputError(f"censored has {len(censored)} values for {len(y)} labels")
        self.base_score_ = (
            float(np.median(y[~censored])) if (~censored).any() else float(np.median(y))
        )
        self._fit_matrix(matrix, y, censored, progress=progress)
        self.train_mae_ = float(censored_mae(y, self._members(matrix).mean(axis=0), censored))
        weights = (
            np.ones(len(y))
            if calibration_rows is None
            else _calibration_weights(calibration_rows, len(y))
        )
        pool = weights > 0
        if groups is None:
            group_ids = _groups(frame, len(y), pool)
        else:
            group_ids = np.unique(np.asarray(groups).ravel(), return_inverse=True)[1]
            if len(group_ids) != len(y):
                raise InvalidInputError(f"groups has {len(group_ids)} values for {len(y)} rows")
        self.calibration_ = self._calibrate(matrix, y, censored, weights, group_ids)
        return self

    def _calibrate(
        self,
        X: np.ndarray,
        y: np.ndarray,
        censored: np.ndarray,
        weights: np.ndarray,
        groups: np.ndarray,
    ) -> dict[str, Any] | None:
        """Quantiles of held-out |residual| / widening, from test-like splits of the training rows.

        ``calibration_splits`` draws over the groups of the calibration rows (``pool``),
        each made as the official OBELiX test split was
        (:func:`~ssenb.models.validation.paper_splits`: a quarter of the groups of rows
        that share a DOI, a composition or a near-duplicate, holding 20-30 % of the rows,
        log10 σ histogram matched); where the groups cannot be split that way (one group
        too large; a plain matrix), k-fold over the groups instead. A held-out group leaves
        training whole, rows outside ``pool`` included (the groups say which: for merged
        data, the literature rows that directly overlap a held-out curated row, see
        ``anchors`` in :func:`ssenb.data.leaks.paper_group_ids`). Each draw trains one
        booster (same settings) on the rest and predicts the held-out pool rows; censored
        rows are left out (their error is unknown). Split-conformal quantiles
        (:func:`conformal_quantile`, each score weighted by its row's ``weights``: the
        measurements it stands for) of the held-out scores at :data:`CALIBRATION_LEVELS`.
        None when there are too few rows or groups.
        """
        k = self.calibration_splits
        pool = weights > 0
        scored = pool & ~censored
        if k == 0 or scored.sum() < MIN_CALIBRATION_ROWS or len(np.unique(groups[pool])) < k:
            return None
        import xgboost as xgb

        from ._domain import Domain

        # draws over the calibration rows' groups; a held-out group leaves training whole
        rows = np.flatnonzero(pool)
        splits, how = _calibration_splits(groups[pool], y[pool], k, self.random_state)
        seed = None if self.random_state is None else [int(self.random_state), 7]
        rng = np.random.default_rng(seed)
        spec = self.target_spec()
        scores, counts = [], []
        for _, held in splits:
            out = np.isin(groups, groups[rows[held]])
            train, test = np.flatnonzero(~out), np.flatnonzero(out & scored)
            (booster,) = self._train_boosters(X[train], y[train], censored[train], 1, rng)
            pred = booster.predict(xgb.DMatrix(X[test], missing=np.nan), output_margin=True)
            if spec.clip:
                pred = np.clip(pred, *spec.valid_range)
            factor = widening(Domain.fit(X[train]).distance_ratio(X[test]))
            scores.append(np.abs(pred - y[test]) / factor)
            counts.append(weights[test])
        s, w = np.concatenate(scores), np.concatenate(counts)
        return {
            "method": f"{how}, one booster per split",
            "levels": list(CALIBRATION_LEVELS),
            "quantiles": [conformal_quantile(s, level, w) for level in CALIBRATION_LEVELS],
            "n": len(s),
        }

    def _half_width(self, matrix: np.ndarray, members: np.ndarray, level: float) -> np.ndarray:
        """Half-width of the central ``level`` interval per row (target units)."""
        from scipy.stats import norm

        spread = members.std(axis=0)
        cal = getattr(self, "calibration_", None)
        if cal is None:  # uncalibrated: the ensemble spread read as a normal σ
            return float(norm.ppf(0.5 + level / 2)) * spread
        levels, q = cal["levels"], cal["quantiles"]
        if not levels[0] <= level <= levels[-1]:
            raise InvalidInputError(
                f"level={level!r}: calibrated intervals exist for central coverages from "
                f"{levels[0]} to {levels[-1]}"
            )
        base = float(np.interp(level, levels, q))
        factor = widening(self.domain_.distance_ratio(matrix))
        # never narrower than the members disagree (scaled as a normal σ would be)
        return np.maximum(base * factor, float(norm.ppf(0.5 + level / 2)) * spread)

    def _params(self, y: np.ndarray) -> dict:
        return {"base_score": self.base_score_}

    def _custom_objective(self, censored: np.ndarray) -> _Objective | None:
        def one_sided_squared(pred: np.ndarray, dtrain: Any) -> tuple[np.ndarray, np.ndarray]:
            label = dtrain.get_label()
            grad = pred - label
            hess = np.ones_like(pred)
            satisfied = censored & (pred <= label)  # below an upper bound: no penalty
            grad[satisfied] = 0.0
            hess[satisfied] = 0.0
            return grad, hess

        return one_sided_squared

    def _members(self, matrix: np.ndarray) -> np.ndarray:
        """(n_models, n) member predictions, clipped into the target's range if declared."""
        members = self._margins(matrix)
        spec = self.target_spec()
        if spec.clip:
            members = np.clip(members, *spec.valid_range)
        return members

    @overload
    def predict(self, X: ModelInput, return_std: Literal[False] = False) -> np.ndarray: ...

    @overload
    def predict(
        self, X: ModelInput, return_std: Literal[True]
    ) -> tuple[np.ndarray, np.ndarray]: ...

    def predict(
        self, X: ModelInput, return_std: bool = False
    ) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
        """Mean prediction of the target (its unit); with ``return_std``, its calibrated 1σ.

        The 1σ is the half-width of the interval that held out 68.27 % of the training
        materials in grouped cross-validation (``calibration_``), widened by the distance
        ratio for inputs farther from the training data than 99 % of it; without
        calibration (``calibration_splits=0`` or too few rows), the ensemble spread.
        Material inputs outside the model's domain (a missing required element such as
        Li, elements never seen in training, far from the training data) raise a
        :class:`~ssenb.errors.SsenbWarning` naming the reason; see :meth:`applicability`.
        """
        mean, members, matrix = self._predict_members(X)
        if return_std:
            return mean, self._half_width(matrix, members, ONE_SIGMA)
        return mean

    def predict_interval(
        self, X: ModelInput, level: float = TWO_SIGMA
    ) -> tuple[np.ndarray, np.ndarray]:
        """(low, high) of the calibrated central ``level`` interval (target units).

        ``level=0.9545`` is the 2σ interval, ``0.6827`` the 1σ one; calibrated levels run
        from 0.5 to 0.99. Out-of-domain inputs get wider intervals, never narrower.
        """
        if isinstance(level, bool) or not isinstance(level, int | float) or not 0 < level < 1:
            # NaN, 0 and 1 included: an uncalibrated model gave NaN, zero or infinite widths
            raise InvalidInputError(
                f"level={level!r} must be a coverage strictly between 0 and 1, e.g. 0.9545 (2σ)"
            )
        mean, members, matrix = self._predict_members(X)
        half = self._half_width(matrix, members, float(level))
        return mean - half, mean + half

    def _predict_members(self, X: ModelInput) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(mean, member predictions, feature matrix), warning once for out-of-domain materials."""
        self._check_fitted()
        table, frame = self.feature_matrix(X)
        matrix = table.to_numpy(float)
        self._validate_predict_matrix(matrix)
        if frame is not None:
            self._warn_out_of_domain(matrix, frame)
        members = self._members(matrix)
        return members.mean(axis=0), members, matrix

    def _warn_out_of_domain(self, matrix: np.ndarray, frame: pd.DataFrame) -> None:
        import warnings

        domain = self.domain_.assess(matrix, list(frame[K.REDUCED_COMPOSITION]))
        outside = ~domain["in_domain"].to_numpy(bool)
        if outside.any():
            first = int(np.flatnonzero(outside)[0])
            warnings.warn(
                f"{int(outside.sum())} of {len(outside)} material(s) lie outside the "
                f"{type(self).__name__}'s domain, e.g. row {first}: "
                f"{domain['domain_notes'].iloc[first]}; their predictions are extrapolations "
                "(intervals widened by distance where it can be measured; see applicability())",
                SsenbWarning,
                stacklevel=3,
            )

    def predict_frame(self, X: ModelInput) -> pd.DataFrame:
        """Predictions as a table: the target's prediction and 1σ columns."""
        spec = self.target_spec()
        mean, std = self.predict(X, return_std=True)
        index = X.index if isinstance(X, pd.DataFrame | pd.Series) else None
        return pd.DataFrame({spec.prediction_column: mean, spec.std_column: std}, index=index)

    def score(
        self, X: ModelInput, y: ArrayLike | None = None, sample_weight: ArrayLike | None = None
    ) -> float:
        """R² of the predictions (on uncensored rows when X is a material frame)."""
        from sklearn.metrics import r2_score

        if y is None and is_material_input(X):
            spec = self.target_spec()
            y, censored = targets(as_material_frame(X), spec.label, spec.censored)
            keep = ~censored
            return r2_score(y[keep], self.predict(X)[keep])
        return r2_score(y, self.predict(X), sample_weight=sample_weight)

    def _extra_state(self) -> dict:
        return {
            "base_score": self.base_score_,
            "train_mae": self.train_mae_,
            "calibration": getattr(self, "calibration_", None),
        }

    def _import_state(self, state: dict, boosters: list) -> None:
        super()._import_state(state, boosters)
        self.base_score_ = _finite_float(state, "base_score")
        self.train_mae_ = _finite_float(state, "train_mae")
        self.calibration_ = _calibration(state.get("calibration"))

    # persistence lives in ssenb.models.io; thin wrappers for discoverability
    def save(
        self,
        path: str | os.PathLike[str],
        *,
        data_version: str | None = None,
        overwrite: bool = False,
    ) -> Path:
        """Save without pickle: XGBoost JSON per member plus ``metadata.json``."""
        from .io import save_model

        return save_model(self, path, data_version=data_version, overwrite=overwrite)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Self:
        """Load a model saved by :meth:`save` (checks the file format version)."""
        from .io import load_model

        return load_model(path, expected=cls)


def _calibration_splits(
    groups: np.ndarray, y: np.ndarray, k: int, random_state: int | None
) -> tuple[list[tuple[np.ndarray, np.ndarray]], str]:
    """(train/test index pairs, description): OBELiX-split-like draws, else group k-fold."""
    from sklearn.model_selection import GroupKFold

    from ._splits import paper_splits

    try:
        draws = paper_splits(groups, y, n_splits=k, random_state=random_state, n_iter=500)
        return draws, f"{k} OBELiX-split-like draws (25 % of paper/composition groups held out)"
    except InvalidInputError:
        folds = GroupKFold(n_splits=k, shuffle=True, random_state=random_state)
        return list(folds.split(y, y, groups)), f"grouped {k}-fold over the rows' groups"


def _groups(frame: pd.DataFrame | None, n: int, pool: np.ndarray) -> np.ndarray:
    """Calibration groups: shared first DOI, composition or near-duplicate (rows alone for a matrix).

    First DOI only: see :func:`ssenb.data.leaks.paper_group_ids`; on OBELiX alone (one
    DOI per row but for a few) the groups are those of the paper scheme. Rows outside
    ``pool`` (not calibrated on) join the groups of the pool rows they directly overlap
    (``anchors``), as the merged-data validation leaves them out.
    """
    if frame is None or K.REDUCED_COMPOSITION not in frame:
        return np.arange(n)
    from ..data.leaks import paper_group_ids
    from ._domain import _compositions

    comps = _compositions(list(frame[K.REDUCED_COMPOSITION]))
    if any(c is None for c in comps):
        return np.arange(n)
    dois = list(frame[K.DOI]) if K.DOI in frame else [None] * n
    return paper_group_ids(comps, dois, first_doi_only=True, anchors=pool)  # type: ignore[arg-type]  # None excluded above


def _calibration_weights(value: ArrayLike, n: int) -> np.ndarray:
    """``calibration_rows`` as weights: booleans (1/0) or counts, finite and >= 0, one per row."""
    arr = np.asarray(value).ravel()
    if len(arr) != n:
        raise InvalidInputError(f"calibration_rows has {len(arr)} values for {n} rows")
    try:
        weights = arr.astype(float)
    except (TypeError, ValueError) as err:
        raise InvalidInputError(
            f"calibration_rows must be booleans or counts >= 0, one per row: {err}"
        ) from err
    if not (np.isfinite(weights) & (weights >= 0)).all():
        raise InvalidInputError(
            "calibration_rows must be booleans or counts >= 0 (no NaN, no negative values)"
        )
    return weights


def _calibration(value: object) -> dict[str, Any] | None:
    """A saved calibration, checked field by field (None: none was saved)."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise InvalidInputError("calibration must be an object or null")
    levels, q = value.get("levels"), value.get("quantiles")
    ok = (
        isinstance(levels, list)
        and isinstance(q, list)
        and len(levels) == len(q) >= 2
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in levels + q)
        and all(0 < a < b < 1 for a, b in itertools.pairwise(levels))
        and all(np.isfinite(v) and v >= 0 for v in q)
    )
    if not ok or not isinstance(levels, list) or not isinstance(q, list):
        raise InvalidInputError("calibration needs increasing levels in (0, 1) and quantiles >= 0")
    return {
        "method": str(value.get("method", "")),
        "levels": [float(v) for v in levels],
        "quantiles": [float(v) for v in q],
        "n": int(value.get("n", 0)),
    }


class PropertyModel(_PropertyRegressor):
    """Predict any declared material property from composition (or structure), with uncertainty.

    A scikit-learn regressor whose target is a declared spec (``ssenb.models.TARGETS``;
    add one with :func:`~ssenb.models.register_target`): the frame column it learns,
    its unit, whether some labels are upper bounds, its valid range and the elements a
    material must hold to be in the model's domain. Inputs as for
    :class:`~ssenb.models.ConductivityModel`: a material frame holding the target's
    column, formulas/Compositions/Structures with ``y``, or a feature matrix with ``y``.

    Parameters
    ----------
    target : str
        Name of a declared target: "log10_sigma" (log10 S/cm, censored, Li compounds),
        "band_gap_pbe", "band_gap_expt" (eV, clipped at 0), "log10_shear_modulus",
        "log10_bulk_modulus" (log10 GPa), or one registered by the user.
    preset, n_estimators, learning_rate, max_depth, subsample, colsample_bytree, min_child_weight, reg_lambda, n_models, n_jobs, random_state
        As for :class:`~ssenb.models.ConductivityModel`.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"formula": ["LiF", "NaCl", "Si", "GaAs", "MgO", "ZnO"],
    ...                       "band_gap_expt_eV": [13.6, 8.5, 1.12, 1.42, 7.8, 3.37]})
    >>> model = PropertyModel(target="band_gap_expt", n_models=2, n_estimators=20,
    ...                       n_jobs=1, random_state=0).fit(frame)
    >>> model.target_spec().unit
    'eV'
    >>> bool(model.predict(["LiCl"])[0] >= 0.0)  # clipped into the valid range
    True
    """

    _parameter_constraints: ClassVar[dict[str, Constraint]] = {
        **_PropertyRegressor._parameter_constraints,
        "target": Constraint(check=get_target),
    }

    def __init__(
        self,
        target: str = "log10_sigma",
        preset: str = "composition",
        n_estimators: int = 600,
        learning_rate: float = 0.05,
        max_depth: int = 3,
        subsample: float = 0.8,
        colsample_bytree: float = 0.5,
        min_child_weight: float = 1.0,
        reg_lambda: float = 1.0,
        n_models: int = 5,
        n_jobs: int | None = None,
        random_state: int | None = None,
        calibration_splits: int = 5,
    ) -> None:
        self.target = target
        super().__init__(
            preset=preset,
            n_estimators=n_estimators,
            learning_rate=learning_rate,
            max_depth=max_depth,
            subsample=subsample,
            colsample_bytree=colsample_bytree,
            min_child_weight=min_child_weight,
            reg_lambda=reg_lambda,
            n_models=n_models,
            n_jobs=n_jobs,
            random_state=random_state,
            calibration_splits=calibration_splits,
        )
