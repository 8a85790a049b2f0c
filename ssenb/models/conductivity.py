"""Interpretable models of room-temperature ionic conductivity (log10 S/cm).

Gradient-boosted trees (XGBoost) on matminer + Li-specific features. Censored labels
(values reported as upper bounds, e.g. "<1E-10") enter through a one-sided squared loss:
a censored row is penalised only while the prediction lies *above* its bound, i.e. the
zero-noise limit of a Tobit model. They are neither treated as exact nor dropped.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin

from .. import keys as K
from ..errors import InvalidInputError, NotFittedError
from ._inputs import as_material_frame, is_material_input, material_features, targets

SUPERIONIC_LOG10 = -4.0  # sigma >= 1e-4 S/cm


def _not_fitted_class():
    from sklearn.exceptions import NotFittedError as SklearnNotFitted

    class ModelNotFittedError(NotFittedError, SklearnNotFitted):
        """ssenb's NotFittedError that sklearn's checks also recognise."""

    return ModelNotFittedError


ModelNotFittedError = _not_fitted_class()


class _TreeEnsemble(BaseEstimator):
    """Shared input handling, featurization and bootstrap ensemble of XGBoost boosters."""

    _objective = "reg:squarederror"

    def __init__(
        self,
        preset: str = "composition+lattice",
        n_estimators: int = 600,
        learning_rate: float = 0.05,
        max_depth: int = 3,
        subsample: float = 0.8,
        colsample_bytree: float = 0.5,
        min_child_weight: float = 1.0,
        reg_lambda: float = 1.0,
        n_models: int = 5,
        random_state: int | None = None,
    ):
        self.preset = preset
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.max_depth = max_depth
        self.subsample = subsample
        self.colsample_bytree = colsample_bytree
        self.min_child_weight = min_child_weight
        self.reg_lambda = reg_lambda
        self.n_models = n_models
        self.random_state = random_state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags

    # --- inputs -------------------------------------------------------------------
    def _features(self, X, *, fitting: bool, y=None):
        """(matrix, y or None, feature names, optional names, material frame or None)."""
        if is_material_input(X):
            frame = as_material_frame(X)
            table, optional = material_features(frame, self.preset)
            failed = table[K.ERROR].notna()
            if failed.any():
                first = table.index[failed][0]
                raise InvalidInputError(
                    f"{int(failed.sum())} material(s) could not be featurized, e.g. row {first!r}: "
                    f"{table.loc[first, K.ERROR]}; fix or drop them"
                )
            table = table.drop(columns=K.ERROR)
            if fitting:
                self.n_features_in_ = table.shape[1]
            return table.to_numpy(float), y, list(table.columns), optional, frame
        from sklearn.utils.validation import validate_data

        try:
            if fitting:
                X, y = validate_data(
                    self,
                    X,
                    y,
                    ensure_all_finite="allow-nan",
                    dtype=float,
                    y_numeric=self._y_numeric,
                )
            else:
                X = validate_data(self, X, reset=False, ensure_all_finite="allow-nan", dtype=float)
        except ValueError as err:  # sklearn's messages are clear; keep them, in ssenb's type
            raise InvalidInputError(str(err)) from err
        names = [
            str(c) for c in getattr(self, "feature_names_in_", [f"x{i}" for i in range(X.shape[1])])
        ]
        return np.asarray(X, float), y, names, None, None

    def feature_table(self, X) -> pd.DataFrame:
        """The features the model sees for ``X`` (named columns), e.g. for explanations."""
        matrix, _, names, _, frame = self._features(X, fitting=False)
        self._validate_predict_matrix(matrix, names)
        index = (
            frame.index if frame is not None else (X.index if isinstance(X, pd.DataFrame) else None)
        )
        return pd.DataFrame(matrix, columns=self.feature_names_, index=index)

    def _validate_predict_matrix(self, matrix, names):
        self._check_fitted()
        if matrix.shape[1] != self.n_features_in_:
            raise InvalidInputError(
                f"X has {matrix.shape[1]} features, but {type(self).__name__} is expecting {self.n_features_in_} features as input"
            )
        bad = np.isnan(matrix).any(axis=0) & ~np.asarray(self.nan_allowed_, bool)
        if bad.any():
            cols = [self.feature_names_[j] for j in np.where(bad)[0][:5]]
            raise InvalidInputError(
                f"X has NaN in features that were complete in training: {cols}; impute or drop those rows"
            )

    def _check_fitted(self):
        if not hasattr(self, "boosters_"):
            raise ModelNotFittedError(
                f"this {type(self).__name__} is not fitted yet; call fit() first"
            )

    def _record_features(self, names, optional) -> None:
        """Keep the feature names; context features of material input may be missing later."""
        self.feature_names_ = list(names)
        if optional is not None:
            allowed = set(optional)
            self.nan_allowed_ = [bool(a) or n in allowed for a, n in zip(self.nan_allowed_, names)]

    def _fit_matrix(self, X, y, censored=None, **extra):
        import xgboost as xgb

        rng = np.random.default_rng(self.random_state)
        n = len(y)
        params = {
            "eta": self.learning_rate,
            "max_depth": self.max_depth,
            "subsample": self.subsample,
            "colsample_bytree": self.colsample_bytree,
            "min_child_weight": self.min_child_weight,
            "lambda": self.reg_lambda,
            "nthread": 2,
            "verbosity": 0,
            **self._params(y),
        }
        self.boosters_ = []
        for _k in range(self.n_models):
            rows = np.arange(n) if self.n_models == 1 else rng.integers(0, n, n)
            seed = int(rng.integers(0, 2**31 - 1))
            dtrain = xgb.DMatrix(X[rows], label=y[rows], missing=np.nan)
            obj = self._custom_objective(censored[rows]) if censored is not None else None
            booster = xgb.train(
                {**params, "seed": seed}, dtrain, num_boost_round=self.n_estimators, obj=obj
            )
            self.boosters_.append(booster)
        self.n_features_in_ = X.shape[1]
        self.nan_allowed_ = np.isnan(X).any(axis=0).tolist()
        return self

    _y_numeric = True

    def _params(self, y) -> dict:
        return {"objective": self._objective}

    def _custom_objective(self, censored):
        return None

    def _margins(self, X) -> np.ndarray:
        import xgboost as xgb

        d = xgb.DMatrix(X, missing=np.nan)
        return np.array([b.predict(d, output_margin=True) for b in self.boosters_])


class ConductivityModel(RegressorMixin, _TreeEnsemble):
    """Predict log10 of room-temperature ionic conductivity (S/cm), with uncertainty.

    A scikit-learn regressor. It accepts the frame :func:`ssenb.data.load_obelix`
    returns (it featurizes it with ``preset`` and learns ``log10_sigma``, honouring the
    ``censored`` flags), a list of formulas/Compositions/Structures with ``y``, or a plain
    feature matrix with ``y``.

    Parameters
    ----------
    preset : {"composition", "composition+lattice", "composition+structure"}
        Features for material inputs. "composition+lattice" (default) adds space group and
        lattice parameters, from the frame's columns or the Structure; they may be
        missing (NaN) for a bare formula.
    n_estimators, learning_rate, max_depth, subsample, colsample_bytree, min_child_weight, reg_lambda
        XGBoost settings of every ensemble member. Defaults were chosen by grouped 5-fold
        cross-validation on the OBELiX training split only (seeds 0 and 1): MAE about
        1.16 log10 S/cm vs 2.0 for the median predictor; depth 3-6, 400-800 trees and
        column fractions 0.3-0.7 all lie within 0.05 of each other.
    n_models : int
        Bootstrap ensemble size; the spread of the members is the uncertainty.
    random_state : int or None
        Seed of the bootstraps and the boosters: same seed, same predictions.

    Attributes
    ----------
    boosters_ : list of xgboost.Booster
    feature_names_ : list of str
    base_score_ : float
        Starting prediction (median of the uncensored training labels, log10 S/cm).

    Examples
    --------
    >>> from ssenb.data import load_obelix
    >>> df = load_obelix("train")
    >>> model = ConductivityModel(random_state=0, n_models=2, n_estimators=50).fit(df)
    >>> mean, std = model.predict(["Li6PS5Cl", "Li3PO4"], return_std=True)
    """

    def fit(self, X, y=None, censored=None):
        """Fit on materials or a feature matrix; ``censored`` marks upper-bound labels."""
        matrix, y, names, optional, frame = self._features(X, fitting=True, y=y)
        if y is None:
            y, frame_censored = targets(frame)
            censored = frame_censored if censored is None else censored
        y = np.asarray(y, dtype=float).ravel()
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
        self._fit_matrix(matrix, y, censored)
        self._record_features(names, optional)
        self.train_mae_ = float(censored_mae(y, self._margins(matrix).mean(axis=0), censored))
        return self

    def _params(self, y) -> dict:
        return {"base_score": self.base_score_}

    def _custom_objective(self, censored):
        def one_sided_squared(pred, dtrain):
            label = dtrain.get_label()
            grad = pred - label
            hess = np.ones_like(pred)
            satisfied = censored & (pred <= label)  # below an upper bound: no penalty
            grad[satisfied] = 0.0
            hess[satisfied] = 0.0
            return grad, hess

        return one_sided_squared

    def predict(self, X, return_std: bool = False):
        """Mean prediction of log10 sigma (S/cm); with ``return_std``, also the member spread."""
        self._check_fitted()
        matrix, _, names, _, _ = self._features(X, fitting=False)
        self._validate_predict_matrix(matrix, names)
        members = self._margins(matrix)
        mean = members.mean(axis=0)
        if return_std:
            return mean, members.std(axis=0)
        return mean

    def predict_frame(self, X) -> pd.DataFrame:
        """Predictions as a table: log10_sigma_pred, log10_sigma_std, superionic (σ ≥ 1e-4 S/cm)."""
        mean, std = self.predict(X, return_std=True)
        index = X.index if isinstance(X, pd.DataFrame) else None
        return pd.DataFrame(
            {
                K.PREDICTION: mean,
                K.PREDICTION_STD: std,
                "superionic_pred": mean >= SUPERIONIC_LOG10,
            },
            index=index,
        )

    def score(self, X, y=None, sample_weight=None):
        """R² of the predictions (on uncensored rows when X is a material frame)."""
        from sklearn.metrics import r2_score

        if y is None and is_material_input(X):
            y, censored = targets(as_material_frame(X))
            keep = ~censored
            return r2_score(y[keep], self.predict(X)[keep])
        return r2_score(y, self.predict(X), sample_weight=sample_weight)

    # persistence lives in ssenb.models.io; thin wrappers for discoverability
    def save(self, path, *, data_version: str | None = None):
        """Save without pickle: XGBoost JSON per member plus ``metadata.json``."""
        from .io import save_model

        return save_model(self, path, data_version=data_version)

    @classmethod
    def load(cls, path):
        """Load a model saved by :meth:`save` (checks format and ssenb version)."""
        from .io import load_model

        return load_model(path, expected=cls)


class SuperionicClassifier(ClassifierMixin, _TreeEnsemble):
    """Classify superionic conductors (σ ≥ 1e-4 S/cm at room temperature).

    Same inputs and parameters as :class:`ConductivityModel`; a censored label (an upper
    bound below 1e-4 S/cm) is a certain negative, so censoring needs no special care here.
    ``predict_proba`` averages the ensemble members' probabilities.
    """

    _objective = "binary:logistic"

    def fit(self, X, y=None):
        """Fit on materials (labels from log10_sigma) or a matrix with two classes."""
        matrix, y, names, optional, frame = self._features(X, fitting=True, y=y)
        if y is None:
            log_sigma, _ = targets(frame)
            y = log_sigma >= SUPERIONIC_LOG10
        from sklearn.utils.multiclass import check_classification_targets

        check_classification_targets(y)
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
        self._fit_matrix(matrix, encoded.astype(float))
        self._record_features(names, optional)
        return self

    _y_numeric = False

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        return tags

    def predict_proba(self, X):
        """(n, 2) probabilities of [not superionic, superionic], ensemble-averaged."""
        self._check_fitted()
        matrix, _, names, _, _ = self._features(X, fitting=False)
        self._validate_predict_matrix(matrix, names)
        p = (1.0 / (1.0 + np.exp(-self._margins(matrix)))).mean(axis=0)
        return np.column_stack([1 - p, p])

    def predict(self, X):
        """Class labels (superionic or not)."""
        self._check_fitted()
        return self.classes_[(self.predict_proba(X)[:, 1] >= 0.5).astype(int)]


def censored_mae(y, pred, censored) -> float:
    """MAE of log10 sigma where a censored row counts only the excess above its bound."""
    y, pred, censored = (np.asarray(a) for a in (y, pred, censored))
    err = np.abs(pred - y)
    err = np.where(censored, np.maximum(pred - y, 0.0), err)
    return float(err.mean())
