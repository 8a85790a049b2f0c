"""The machinery every ssenb tree model shares: features, XGBoost ensemble, domain, state.

Inputs to features, the bootstrap ensemble of XGBoost boosters, the applicability domain
and the JSON-able fitted state (for pickle-free persistence).

:class:`~ssenb.models.PropertyModel` (any declared target, e.g. conductivity, band gap,
moduli) and :class:`~ssenb.models.SuperionicClassifier` build on :class:`_TreeEnsemble`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sized
from typing import TYPE_CHECKING, Any, ClassVar, Self, TypeAlias

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from .. import keys as K
from ..errors import InvalidInputError
from ._domain import Domain
from ._inputs import (
    as_material_frame,
    check_model_preset,
    first_non_material,
    is_material_input,
    material_features,
)
from ._params import BOOSTER_CONSTRAINTS, Constraint, validate_params, xgboost_settings

if TYPE_CHECKING:
    from numpy.typing import ArrayLike
    from sklearn.utils import Tags

    from ._inputs import ModelInput

#: XGBoost custom objective: (margins, DMatrix) -> (gradient, hessian).
_Objective: TypeAlias = Callable[[np.ndarray, Any], tuple[np.ndarray, np.ndarray]]


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
        **BOOSTER_CONSTRAINTS,
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

        if X is None or (isinstance(X, Sized) and not isinstance(X, str) and len(X) == 0):
            raise InvalidInputError(
                f"X={X!r} holds no materials; give a formula, a list of formulas, "
                "Compositions or Structures, an OBELiX-like frame, or a feature matrix"
            )
        stray = first_non_material(X)
        if stray is not None:
            i, item = stray
            raise InvalidInputError(
                f"material {i} is {item!r} ({type(item).__name__}), not a formula, pymatgen "
                "Composition or Structure; drop or fix it (a list given to a model holds "
                "materials only, or numbers only)"
            )
        if not fitting:
            self._check_fitted()
        try:
            arr = validate_data(self, X, reset=fitting, ensure_all_finite="allow-nan", dtype=float)
        except ValueError as err:  # sklearn's messages are clear; keep them, in ssenb's type
            raise InvalidInputError(str(err)) from err
        # a TypeError (objects that are not numbers) stays one: scikit-learn's contract
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
        rng = np.random.default_rng(self.random_state)
        boosters = self._train_boosters(X, y, censored, self.n_models, rng, progress=progress)
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

    def _booster_params(self, y: np.ndarray) -> dict[str, Any]:
        """XGBoost parameters of every member: the settings, the threads, the target's own."""
        return {**xgboost_settings(self), "nthread": self._threads(), **self._params(y)}

    def _train_boosters(
        self,
        X: np.ndarray,
        y: np.ndarray,
        censored: np.ndarray | None,
        n_models: int,
        rng: np.random.Generator,
        *,
        progress: bool = False,
    ) -> list:
        """``n_models`` boosters, each on a bootstrap of the rows (all rows when one)."""
        import xgboost as xgb
        from tqdm.auto import tqdm

        n = len(y)
        params = self._booster_params(y)
        boosters = []
        members = tqdm(
            range(n_models),
            desc=f"fitting {type(self).__name__} ({n_models} x {self.n_estimators} trees)",
            disable=not progress,
            leave=False,
        )
        for _k in members:
            rows = np.arange(n) if n_models == 1 else rng.integers(0, n, n)
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
        return boosters

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
        elements, reason = self._required_elements()
        self.domain_ = Domain.fit(matrix, comps, required=elements, required_reason=reason)
        return matrix, frame

    def _required_elements(self) -> tuple[tuple[str, ...], str]:
        """(elements every in-domain material holds, why): Li for Li-ion conduction."""
        from ._targets import CONDUCTIVITY

        return CONDUCTIVITY.required_elements, CONDUCTIVITY.required_reason

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
