"""SHAP explanations of conductivity models (TreeExplainer), per feature and per family."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import InvalidInputError, NotFittedError


@dataclass
class Explanation:
    """SHAP values of a model's predictions (units: log10 S/cm).

    For each row, ``values.sum(axis=1) + base_value == prediction`` (additivity).

    Attributes
    ----------
    values : DataFrame
        One column per feature (readable labels), one row per material.
    data : DataFrame
        The feature values behind them.
    base_value : float
        Expected model output over the training data (log10 S/cm).
    prediction : ndarray
        Model prediction per row (log10 S/cm).
    names : list[str]
        A display name per row (formula or id).
    """

    values: pd.DataFrame
    data: pd.DataFrame
    base_value: float
    prediction: np.ndarray
    names: list[str]

    def importance(self) -> pd.Series:
        """Mean |SHAP| per feature (log10 S/cm), largest first."""
        return self.values.abs().mean().sort_values(ascending=False)

    def grouped(self) -> Explanation:
        """SHAP summed within mechanism families ("Li content", "anion chemistry", ...).

        The data of a family is the mean of its features' z-scores, so colours in a
        beeswarm still read "high" vs "low".
        """
        from ..features import feature_family

        families = [feature_family(c) for c in self.values.columns]
        values = self.values.T.groupby(families).sum().T
        z = (self.data - self.data.mean()) / self.data.std(ddof=0).replace(0, 1)
        data = z.T.groupby(families).mean().T[values.columns]
        return Explanation(values, data, self.base_value, self.prediction, self.names)

    def to_frame(self) -> pd.DataFrame:
        """SHAP values with the row names as index (a copy)."""
        return self.values.set_axis(self.names).copy()


def explain(model, X) -> Explanation:
    """SHAP values (``shap.TreeExplainer``) of a fitted :class:`~ssenb.models.ConductivityModel`.

    The ensemble's SHAP values are the mean of its members' (exact for a mean of trees).

    Parameters
    ----------
    model : ConductivityModel
    X : DataFrame or list of materials, or a feature matrix
        Whatever ``model.predict`` accepts.

    Examples
    --------
    >>> from ssenb.data import load_obelix
    >>> from ssenb.models import ConductivityModel
    >>> df = load_obelix("train")
    >>> model = ConductivityModel(random_state=0, n_models=2, n_estimators=50).fit(df)
    >>> e = explain(model, df.head(5))
    >>> bool(abs(e.values.sum(axis=1).iloc[0] + e.base_value - e.prediction[0]) < 1e-4)
    True
    """
    import shap

    from ..features import readable_label

    if not hasattr(model, "boosters_"):
        raise NotFittedError("explain() needs a fitted model; call fit() first")
    if not hasattr(model, "feature_table"):
        raise InvalidInputError(f"explain() supports ssenb tree models, not {type(model).__name__}")
    table = model.feature_table(X)
    values, bases = [], []
    for booster in model.boosters_:
        explainer = shap.TreeExplainer(booster)
        values.append(np.asarray(explainer.shap_values(table.to_numpy(float))))
        bases.append(float(np.ravel(explainer.expected_value)[0]))
    labels = [readable_label(c) for c in table.columns]
    mean_values = pd.DataFrame(np.mean(values, axis=0), columns=labels, index=table.index)
    data = pd.DataFrame(table.to_numpy(float), columns=labels, index=table.index)
    return Explanation(
        mean_values,
        data,
        float(np.mean(bases)),
        model.predict(table.to_numpy(float)),
        _names(X, table),
    )


def _names(X, table) -> list[str]:
    from pymatgen.core import Composition, Structure

    from .. import keys as K

    if isinstance(X, pd.DataFrame) and K.REDUCED_COMPOSITION in X:
        return [
            c.reduced_formula if isinstance(c, Composition) else str(c)
            for c in X[K.REDUCED_COMPOSITION]
        ]
    if isinstance(X, list | tuple):
        return [x.composition.reduced_formula if isinstance(x, Structure) else str(x) for x in X]
    return [str(i) for i in table.index]
