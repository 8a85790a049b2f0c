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

import os
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Self, overload

import numpy as np
import pandas as pd
from sklearn.base import RegressorMixin

from ..errors import InvalidInputError
from ._ensemble import _as_1d, _finite_float, _Objective, _TreeEnsemble
from ._inputs import as_material_frame, is_material_input, targets
from ._params import Constraint
from ._targets import Target, get_target

if TYPE_CHECKING:
    from pathlib import Path

    from numpy.typing import ArrayLike

    from ._inputs import ModelInput


def censored_mae(y: ArrayLike, pred: ArrayLike, censored: ArrayLike) -> float:
    """MAE where a censored (upper-bound) row counts only the excess above its bound."""
    y, pred, censored = (np.asarray(a) for a in (y, pred, censored))
    err = np.abs(pred - y)
    err = np.where(censored, np.maximum(pred - y, 0.0), err)
    return float(err.mean())


class _PropertyRegressor(RegressorMixin, _TreeEnsemble):
    """Regression on a declared target; subclasses say which (``target``: a parameter or fixed)."""

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
        progress: bool = False,
    ) -> Self:
        """Fit on materials or a feature matrix; ``censored`` marks upper-bound labels.

        With a material frame and no ``y``, the labels come from the target's column
        (``target_spec().label``) and the bounds from its censoring column.
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
        """Mean prediction of the target (its unit); with ``return_std``, also the member spread."""
        self._check_fitted()
        table, _ = self.feature_matrix(X)
        matrix = table.to_numpy(float)
        self._validate_predict_matrix(matrix)
        members = self._members(matrix)
        mean = members.mean(axis=0)
        if return_std:
            return mean, members.std(axis=0)
        return mean

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
        **_TreeEnsemble._parameter_constraints,
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
        )
