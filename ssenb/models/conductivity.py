"""Interpretable models of room-temperature ionic conductivity (log10 S/cm).

Gradient-boosted trees (XGBoost) on matminer + Li-specific features. Censored labels
(values reported as upper bounds, e.g. "<1E-10") enter through a one-sided squared loss:
a censored row is penalised only while the prediction lies *above* its bound, i.e. the
zero-noise limit of a Tobit model. They are neither treated as exact nor dropped.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Self, TypeAlias, overload

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin

from .. import keys as K
from ..errors import InvalidInputError
from ._domain import Domain
from ._inputs import (
    as_material_frame,
    check_model_preset,
    is_material_input,
    material_features,
    targets,
)
from ._params import Constraint, validate_params

if TYPE_CHECKING:
    from pathlib import Path

    from numpy.typing import ArrayLike
    from sklearn.utils import Tags

    from ._inputs import ModelInput

#: XGBoost custom objective: (margins, DMatrix) -> (gradient, hessian).
_Objective: TypeAlias = Callable[[np.ndarray, Any], tuple[np.ndarray, np.ndarray]]

SUPERIONIC_LOG10 = -4.0  # sigma >= 1e-4 S/cm


def _available_threads() -> int:
    """Threads for ``n_jobs=None``: ``$OMP_NUM_THREADS`` if set, else the usable CPUs.

    Why: XGBoost's own default honours ``$OMP_NUM_THREADS``; jobs that share a machine
    (CI runs the suite beside the notebooks) keep to their share instead of
    oversubscribing it, which slows OpenMP many times over.
    """
    env = os.environ.get("OMP_NUM_THREADS", "").split(",")[0].strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class _TreeEnsemble(BaseEstimator):
    """Shared input handling, featurization and bootstrap ensemble of XGBoost boosters."""

    _objective = "reg:squarederror"
    _y_numeric = True

    #: Declared once, checked in ``fit`` (scikit-learn's ``_parameter_constraints`` idea).
    _parameter_constraints: ClassVar[dict[str, Constraint]] = {
        "preset": Constraint(check=check_model_preset),
        "n_estimators": Constraint(int, 1, 100_000),
        "learning_rate": Constraint(float, 0.0, 1.0, low_open=True),
        "max_depth": Constraint(int, 1, 20),
        "subsample": Constraint(float, 0.0, 1.0, low_open=True),
        "colsample_bytree": Constraint(float, 0.0, 1.0, low_open=True),
        "min_child_weight": Constraint(float, 0.0, 1e6),
        "reg_lambda": Constraint(float, 0.0, 1e6),
        "n_models": Constraint(int, 1, 1000),
        "n_jobs": Constraint(int, -1, 4096, none=True, exclude=(0,)),
        "random_state": Constraint(int, 0, 2**32 - 1, none=True),
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
    ) -> None:
        self.preset = preset
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.max_depth = max_depth
        self.subsample = subsample
        self.colsample_bytree = colsample_bytree
        self.min_child_weight = min_child_weight
        self.reg_lambda = reg_lambda
        self.n_models = n_models
        self.n_jobs = n_jobs
        self.random_state = random_state

    def __sklearn_tags__(self) -> Tags:
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags

    # --- inputs -------------------------------------------------------------------
    def feature_matrix(
        self, X: ModelInput, *, fitting: bool = False, progress: bool = False
    ) -> tuple[pd.DataFrame, pd.DataFrame | None]:
        """(features as a named DataFrame, material frame or None) for any accepted ``X``.

        The one step from materials to the matrix the boosters see, shared by ``fit``,
        ``predict``, cross-validation and :func:`ssenb.explain.explain`.
        """
        if is_material_input(X):
            frame = as_material_frame(X)
            ft = material_features(frame, self.preset, progress=progress)
            failed = ft.errors.notna()
            if failed.any():
                first = ft.errors.index[failed][0]
                raise InvalidInputError(
                    f"{int(failed.sum())} material(s) could not be featurized, e.g. row {first!r}: "
                    f"{ft.errors[first]}; fix or drop them"
                )
            table = ft.table
            if fitting:
                self.feature_names_in_ = np.asarray(table.columns, dtype=object)
                self.n_features_in_ = table.shape[1]
                self.feature_families_ = dict(ft.families)
            else:
                self._check_fitted()
                table = table.reindex(columns=list(self.feature_names_in_))
            return table, frame
        from sklearn.utils.validation import validate_data

        if not fitting:
            self._check_fitted()
        try:
            arr = validate_data(self, X, reset=fitting, ensure_all_finite="allow-nan", dtype=float)
        except ValueError as err:  # sklearn's messages are clear; keep them, in ssenb's type
            raise InvalidInputError(str(err)) from err
        names = getattr(self, "feature_names_in_", None)
        if fitting and names is None:
            names = [f"x{i}" for i in range(arr.shape[1])]
        columns = [str(c) for c in (names if names is not None else range(arr.shape[1]))]
        index = X.index if isinstance(X, pd.DataFrame) else None
        return pd.DataFrame(np.asarray(arr, float), columns=columns, index=index), None

    def feature_table(self, X: ModelInput) -> pd.DataFrame:
        """The features the model sees for ``X`` (named columns), e.g. for explanations."""
        table, _ = self.feature_matrix(X)
        self._validate_predict_matrix(table.to_numpy(float))
        return table

    def get_feature_names_out(self, input_features: ArrayLike | None = None) -> np.ndarray:
        """Names of the features the boosters use (scikit-learn's convention)."""
        self._check_fitted()
        return np.asarray(self._feature_names(), dtype=object)

    def _feature_names(self) -> list[str]:
        names = getattr(self, "feature_names_in_", None)
        return (
            [str(n) for n in names]
            if names is not None
            else [f"x{i}" for i in range(self.n_features_in_)]
        )

    def _validate_predict_matrix(self, matrix: np.ndarray) -> None:
        self._check_fitted()
        if matrix.shape[1] != self.n_features_in_:
            raise InvalidInputError(
                f"X has {matrix.shape[1]} features, but {type(self).__name__} is expecting {self.n_features_in_} features as input"
            )
        bad = np.isnan(matrix).any(axis=0) & ~np.asarray(self.nan_allowed_, bool)
        if bad.any():
            names = self._feature_names()
            cols = [names[j] for j in np.where(bad)[0][:5]]
            raise InvalidInputError(
                f"X has NaN in features that were never missing in training: {cols}. The model "
                "would answer from a branch it never learned; use a model whose features exist "
                "for this input (e.g. preset='composition' for a bare formula, or "
                "ssenb.models.predict_conductivity, which picks one)"
            )

    def _check_fitted(self) -> None:
        if not hasattr(self, "boosters_"):
            from ..errors import NotFittedError

            raise NotFittedError(f"this {type(self).__name__} is not fitted yet; call fit() first")

    def _threads(self) -> int:
        if self.n_jobs is None or self.n_jobs == -1:
            return _available_threads()
        return int(self.n_jobs)

    def _fit_matrix(
        self,
        X: np.ndarray,
        y: np.ndarray,
        censored: np.ndarray | None = None,
        *,
        progress: bool = False,
    ) -> Self:
        import xgboost as xgb
        from tqdm.auto import tqdm

        rng = np.random.default_rng(self.random_state)
        n = len(y)
        params = {
            "eta": self.learning_rate,
            "max_depth": self.max_depth,
            "subsample": self.subsample,
            "colsample_bytree": self.colsample_bytree,
            "min_child_weight": self.min_child_weight,
            "lambda": self.reg_lambda,
            "nthread": self._threads(),
            "verbosity": 0,
            **self._params(y),
        }
        boosters = []
        members = tqdm(
            range(self.n_models),
            desc=f"fitting {type(self).__name__} ({self.n_models} x {self.n_estimators} trees)",
            disable=not progress,
            leave=False,
        )
        for _k in members:
            rows = np.arange(n) if self.n_models == 1 else rng.integers(0, n, n)
            seed = int(rng.integers(0, 2**31 - 1))
            dtrain = xgb.DMatrix(X[rows], label=y[rows], missing=np.nan)
            obj = self._custom_objective(censored[rows]) if censored is not None else None
            try:
                booster = xgb.train(
                    {**params, "seed": seed}, dtrain, num_boost_round=self.n_estimators, obj=obj
                )
            except xgb.core.XGBoostError as err:  # a parameter XGBoost refuses
                raise InvalidInputError(f"XGBoost refused the settings: {err}") from err
            boosters.append(booster)
        self.boosters_ = boosters
        self.n_features_in_ = X.shape[1]
        # NaN in a feature declared "not applicable" (e.g. Li per anion of an anion-free
        # hydride) is a value, not a missing input, even when no training row had it
        declared = set(self._not_applicable_labels())
        names = self._feature_names()
        self.nan_allowed_ = [
            bool(missing) or names[j] in declared
            for j, missing in enumerate(np.isnan(X).any(axis=0))
        ]
        return self

    def _not_applicable_labels(self) -> list[str]:
        """Labels the preset's featurizers declare "not applicable" when NaN (any fit path)."""
        from ..features import get_preset
        from ._inputs import check_model_preset

        return [
            label
            for name in check_model_preset(self.preset)
            for label in get_preset(name).not_applicable()
        ]

    def _fit_common(
        self, X: ModelInput, y: ArrayLike | None, *, progress: bool
    ) -> tuple[np.ndarray, pd.DataFrame | None]:
        """Validate parameters, featurize, and learn the applicability domain."""
        validate_params(self)
        table, frame = self.feature_matrix(X, fitting=True, progress=progress)
        if frame is None:
            self.feature_families_ = {}
        matrix = table.to_numpy(float)
        comps = list(frame[K.REDUCED_COMPOSITION]) if frame is not None else None
        self.domain_ = Domain.fit(matrix, comps)
        return matrix, frame

    def _params(self, y: np.ndarray) -> dict:
        return {"objective": self._objective}

    def _custom_objective(self, censored: np.ndarray) -> _Objective | None:
        return None

    def _margins(self, X: np.ndarray) -> np.ndarray:
        import xgboost as xgb

        d = xgb.DMatrix(X, missing=np.nan)
        return np.array([b.predict(d, output_margin=True) for b in self.boosters_])

    def applicability(self, X: ModelInput) -> pd.DataFrame:
        """Whether each input lies in the model's domain, with reasons (one row per input).

        Columns: ``in_domain`` (bool), ``domain_notes`` (why not: no Li, elements never
        seen in training, far from the training data in feature space) and
        ``nn_distance`` (to the nearest training material in standardised feature space,
        beside the 99th percentile of the training set's own such distances).
        """
        table, frame = self.feature_matrix(X)
        comps = list(frame[K.REDUCED_COMPOSITION]) if frame is not None else None
        return self.domain_.assess(table.to_numpy(float), comps, index=table.index)

    # --- persistence: the estimator's own state, as JSON-able data ----------------------
    def _export_state(self) -> tuple[dict[str, Any], list]:
        """(JSON-able fitted state, boosters) for :func:`ssenb.models.save_model`."""
        self._check_fitted()
        state = {
            "feature_names_in": self._feature_names(),
            "named_features": getattr(self, "feature_names_in_", None) is not None,
            "nan_allowed": [bool(a) for a in self.nan_allowed_],
            "feature_families": dict(getattr(self, "feature_families_", {})),
            "domain": self.domain_.as_dict(),
            **self._extra_state(),
        }
        return state, list(self.boosters_)

    def _extra_state(self) -> dict:
        return {}

    def _import_state(self, state: dict, boosters: list) -> None:
        """Set the fitted state from :meth:`_export_state` output (types checked)."""
        names = _str_list(state, "feature_names_in")
        nan_allowed = state.get("nan_allowed")
        if (
            not isinstance(nan_allowed, list)
            or len(nan_allowed) != len(names)
            or not all(isinstance(a, bool) for a in nan_allowed)
        ):
            raise InvalidInputError("nan_allowed must be a list of booleans, one per feature")
        families = state.get("feature_families", {})
        if not isinstance(families, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in families.items()
        ):
            raise InvalidInputError("feature_families must map feature names to family names")
        if not boosters or len(boosters) != self.n_models:
            raise InvalidInputError(
                f"the model has {len(boosters)} boosters but n_models={self.n_models}"
            )
        self.n_features_in_ = len(names)
        if state.get("named_features", True):
            self.feature_names_in_ = np.asarray(names, dtype=object)
        self.nan_allowed_ = nan_allowed
        self.feature_families_ = families
        self.domain_ = Domain.from_dict(state.get("domain"))
        self.boosters_ = boosters


def _as_1d(y: ArrayLike | None) -> np.ndarray | None:
    """``y`` as a 1-D array (scikit-learn warns about a column vector), or None."""
    if y is None:
        return None
    from sklearn.utils.validation import column_or_1d

    try:
        return column_or_1d(y, warn=True)
    except ValueError as err:
        raise InvalidInputError(f"y must be one label per row: {err}") from err


def _str_list(state: dict, key: str) -> list[str]:
    value = state.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InvalidInputError(f"{key} must be a list of strings")
    return value


def _finite_float(state: dict, key: str) -> float:
    value = state.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not np.isfinite(value):
        raise InvalidInputError(f"{key} must be a finite number, not {value!r}")
    return float(value)


class ConductivityModel(RegressorMixin, _TreeEnsemble):
    """Predict log10 of room-temperature ionic conductivity (S/cm), with uncertainty.

    A scikit-learn regressor. It accepts the frame :func:`ssenb.data.load_obelix`
    returns (it featurizes it with ``preset`` and learns ``log10_sigma``, honouring the
    ``censored`` flags), a list/Series/array of formulas, Compositions or Structures with
    ``y``, or a plain feature matrix with ``y``.

    Parameters
    ----------
    preset : {"composition", "composition+lattice", "composition+structure"}
        Features for material inputs (a model preset is a list of feature presets,
        ``ssenb.models.MODEL_PRESETS``). "composition" (default) works for any formula.
        "composition+lattice" adds lattice constants and the space group (known for every
        OBELiX row) and so needs them at prediction time: a bare formula is refused rather
        than answered from a missing-value branch the model never saw in training.
    n_estimators, learning_rate, max_depth, subsample, colsample_bytree, min_child_weight, reg_lambda
        XGBoost settings of every ensemble member; checked in ``fit``.
    n_models : int
        Bootstrap ensemble size; the spread of the members is the uncertainty.
    n_jobs : int or None
        Threads for XGBoost; None or -1 use every core this process may use, or
        ``$OMP_NUM_THREADS`` when set (as XGBoost's own default).
    random_state : int or None
        Seed of the bootstraps and the boosters: same seed, same predictions.

    Attributes
    ----------
    boosters_ : list of xgboost.Booster
    feature_names_in_ : ndarray of str
        Feature names (from the featurizers for material input, else the frame's columns).
    feature_families_ : dict
        Declared family of each feature (for grouped explanations).
    domain_ : Domain
        Training elements and feature-space neighbourhood, for :meth:`applicability`.
    base_score_ : float
        Starting prediction (median of the uncensored training labels, log10 S/cm).

    Examples
    --------
    >>> from ssenb.data import load_obelix
    >>> df = load_obelix("train", structures=False)  # the composition preset needs no CIFs
    >>> model = ConductivityModel(random_state=0, n_models=2, n_estimators=50, n_jobs=1).fit(df)
    >>> mean, std = model.predict(["Li6PS5Cl", "Li3PO4"], return_std=True)
    >>> bool(mean[0] > mean[1])
    True
    """

    def fit(
        self,
        X: ModelInput,
        y: ArrayLike | None = None,
        censored: ArrayLike | None = None,
        *,
        progress: bool = False,
    ) -> Self:
        """Fit on materials or a feature matrix; ``censored`` marks upper-bound labels."""
        matrix, frame = self._fit_common(X, y, progress=progress)
        y = _as_1d(y)
        if y is None:
            if frame is None:
                raise InvalidInputError(
                    f"{type(self).__name__} requires y to be passed, but the target y is None "
                    "(y is required when X is a feature matrix)"
                )
            y, frame_censored = targets(frame)
            censored = frame_censored if censored is None else censored
        try:
            y = np.asarray(y, dtype=float).ravel()
        except (TypeError, ValueError) as err:
            raise InvalidInputError(
                f"y must be numbers (log10 σ in S/cm); could not read it as floats: {err}"
            ) from err
        if len(y) != len(matrix):
            raise InvalidInputError(f"y has {len(y)} values for {len(matrix)} rows of X")
        if not np.isfinite(y).all():
            raise InvalidInputError("y has NaN or infinite values; log10 sigma must be finite")
        censored = (
            np.zeros(len(y), bool) if censored is None else np.asarray(censored, bool).ravel()
        )
        if len(censored) != len(y):
            raise InvalidInputError(f"censored has {len(censored)} values for {len(y)} labels")
        self.base_score_ = (
            float(np.median(y[~censored])) if (~censored).any() else float(np.median(y))
        )
        self._fit_matrix(matrix, y, censored, progress=progress)
        self.train_mae_ = float(censored_mae(y, self._margins(matrix).mean(axis=0), censored))
        return self

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

    @overload
    def predict(self, X: ModelInput, return_std: Literal[False] = False) -> np.ndarray: ...

    @overload
    def predict(
        self, X: ModelInput, return_std: Literal[True]
    ) -> tuple[np.ndarray, np.ndarray]: ...

    def predict(
        self, X: ModelInput, return_std: bool = False
    ) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
        """Mean prediction of log10 sigma (S/cm); with ``return_std``, also the member spread."""
        self._check_fitted()
        table, _ = self.feature_matrix(X)
        matrix = table.to_numpy(float)
        self._validate_predict_matrix(matrix)
        members = self._margins(matrix)
        mean = members.mean(axis=0)
        if return_std:
            return mean, members.std(axis=0)
        return mean

    def predict_frame(self, X: ModelInput) -> pd.DataFrame:
        """Predictions as a table: log10_sigma_pred, log10_sigma_std, superionic (σ ≥ 1e-4 S/cm)."""
        mean, std = self.predict(X, return_std=True)
        index = X.index if isinstance(X, pd.DataFrame | pd.Series) else None
        return pd.DataFrame(
            {
                K.PREDICTION: mean,
                K.PREDICTION_STD: std,
                "superionic_pred": mean >= SUPERIONIC_LOG10,
            },
            index=index,
        )

    def score(
        self, X: ModelInput, y: ArrayLike | None = None, sample_weight: ArrayLike | None = None
    ) -> float:
        """R² of the predictions (on uncensored rows when X is a material frame)."""
        from sklearn.metrics import r2_score

        if y is None and is_material_input(X):
            y, censored = targets(as_material_frame(X))
            keep = ~censored
            return r2_score(y[keep], self.predict(X)[keep])
        return r2_score(y, self.predict(X), sample_weight=sample_weight)

    def _extra_state(self) -> dict:
        return {"base_score": self.base_score_, "train_mae": self.train_mae_}

    def _import_state(self, state: dict, boosters: list) -> None:
        super()._import_state(state, boosters)
        self.base_score_ = _finite_float(state, "base_score")
        self.train_mae_ = _finite_float(state, "train_mae")

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


class SuperionicClassifier(ClassifierMixin, _TreeEnsemble):
    """Classify superionic conductors (σ ≥ 1e-4 S/cm at room temperature).

    Same inputs and parameters as :class:`ConductivityModel`; a censored label (an upper
    bound below 1e-4 S/cm) is a certain negative, so censoring needs no special care here.
    ``predict_proba`` averages the ensemble members' probabilities.
    """

    _objective = "binary:logistic"
    _y_numeric = False

    def fit(self, X: ModelInput, y: ArrayLike | None = None, *, progress: bool = False) -> Self:
        """Fit on materials (labels from log10_sigma) or a matrix with two classes."""
        matrix, frame = self._fit_common(X, y, progress=progress)
        y = _as_1d(y)
        if y is None:
            if frame is None:
                raise InvalidInputError(
                    f"{type(self).__name__} requires y to be passed, but the target y is None "
                    "(y is required when X is a feature matrix)"
                )
            log_sigma, _ = targets(frame)
            y = log_sigma >= SUPERIONIC_LOG10
        from sklearn.utils.multiclass import check_classification_targets

        try:
            check_classification_targets(y)
        except ValueError as err:
            raise InvalidInputError(str(err)) from err
        self.classes_, encoded = np.unique(np.asarray(y).ravel(), return_inverse=True)
        if len(self.classes_) > 2:
            raise InvalidInputError(
                f"Only binary classification is supported: y has {len(self.classes_)} classes; "
                "SuperionicClassifier separates superionic (σ ≥ 1e-4 S/cm) from the rest"
            )
        if len(self.classes_) == 1:
            raise InvalidInputError(
                "y has one class only (1 class); a classifier needs superionic and non-superionic examples"
            )
        if len(encoded) != len(matrix):
            raise InvalidInputError(f"y has {len(encoded)} values for {len(matrix)} rows of X")
        self._fit_matrix(matrix, encoded.astype(float), progress=progress)
        return self

    def __sklearn_tags__(self) -> Tags:
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        return tags

    def predict_proba(self, X: ModelInput) -> np.ndarray:
        """(n, 2) probabilities of [not superionic, superionic], ensemble-averaged."""
        self._check_fitted()
        table, _ = self.feature_matrix(X)
        matrix = table.to_numpy(float)
        self._validate_predict_matrix(matrix)
        p = (1.0 / (1.0 + np.exp(-self._margins(matrix)))).mean(axis=0)
        return np.column_stack([1 - p, p])

    def predict(self, X: ModelInput) -> np.ndarray:
        """Class labels (superionic or not)."""
        self._check_fitted()
        return self.classes_[(self.predict_proba(X)[:, 1] >= 0.5).astype(int)]

    def _extra_state(self) -> dict:
        return {"classes": self.classes_.tolist()}

    def _import_state(self, state: dict, boosters: list) -> None:
        super()._import_state(state, boosters)
        classes = state.get("classes")
        if (
            not isinstance(classes, list)
            or len(classes) != 2
            or not all(isinstance(c, bool | int | float | str) for c in classes)
        ):
            raise InvalidInputError("classes must be a list of two labels")
        self.classes_ = np.array(classes)


def censored_mae(y: ArrayLike, pred: ArrayLike, censored: ArrayLike) -> float:
    """MAE of log10 sigma where a censored row counts only the excess above its bound."""
    y, pred, censored = (np.asarray(a) for a in (y, pred, censored))
    err = np.abs(pred - y)
    err = np.where(censored, np.maximum(pred - y, 0.0), err)
    return float(err.mean())


#: Estimators a model file may name (io reads this by name; it imports no estimator).
ESTIMATORS = {"ConductivityModel": ConductivityModel, "SuperionicClassifier": SuperionicClassifier}
