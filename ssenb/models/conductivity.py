"""Models of room-temperature Li-ion conductivity (log10 S/cm): one target of PropertyModel.

:class:`ConductivityModel` is :class:`~ssenb.models.PropertyModel` with the conductivity
target (``log10_sigma``: log10 S/cm, censored upper bounds, Li compounds only) fixed; all
machinery (features, XGBoost ensemble, one-sided loss for censored labels, domain,
persistence) lives in :mod:`ssenb.models.property` and :mod:`ssenb.models._ensemble`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Self

import numpy as np
import pandas as pd
from sklearn.base import ClassifierMixin

from ..errors import InvalidInputError
from ._ensemble import _as_1d, _TreeEnsemble
from ._inputs import targets
from ._targets import CONDUCTIVITY
from .property import _PropertyRegressor, censored_mae

if TYPE_CHECKING:
    from numpy.typing import ArrayLike
    from sklearn.utils import Tags

    from ._inputs import ModelInput

SUPERIONIC_LOG10 = -4.0  # sigma >= 1e-4 S/cm


class ConductivityModel(_PropertyRegressor):
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

    #: Fixed, not a parameter: a conductivity model always learns log10 σ (S/cm).
    target: ClassVar[str] = CONDUCTIVITY.name

    def predict_frame(self, X: ModelInput) -> pd.DataFrame:
        """Predictions as a table: log10_sigma_pred, log10_sigma_std, superionic (σ ≥ 1e-4 S/cm)."""
        table = super().predict_frame(X)
        table["superionic_pred"] = table[CONDUCTIVITY.prediction_column] >= SUPERIONIC_LOG10
        return table


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


__all__ = ["SUPERIONIC_LOG10", "ConductivityModel", "SuperionicClassifier", "censored_mae"]
