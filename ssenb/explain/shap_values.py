"""SHAP explanations of conductivity models (TreeExplainer), per feature and per family."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .. import keys as K
from ..errors import InvalidInputError
from ..results import Result, fmt_number, html_table

if TYPE_CHECKING:
    import shap

    from ..models import ModelInput


@dataclass(frozen=True, eq=False)
class Explanation(Result):
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
    families : dict[str, str]
        Declared descriptor family of each feature column (see ssenb.features.FAMILIES).
    model : str
        Which model was explained.
    """

    _table = "values"

    values: pd.DataFrame = field(repr=False)
    data: pd.DataFrame = field(repr=False)
    base_value: float
    prediction: np.ndarray = field(repr=False)
    names: list[str] = field(repr=False)
    families: dict[str, str] = field(default_factory=dict, repr=False)
    model: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "prediction", np.asarray(self.prediction, float))

    def importance(self) -> pd.Series:
        """Mean |SHAP| per feature (log10 S/cm), largest first."""
        return self.values.abs().mean().sort_values(ascending=False)

    def grouped(self) -> Explanation:
        """SHAP summed within declared descriptor families ("Li content", "anion chemistry" ...).

        The data of a family is the mean of its features' z-scores, so colours in a
        beeswarm still read "high" vs "low".
        """
        from ..features.families import OTHER

        families = [self.families.get(c, OTHER) for c in self.values.columns]
        values = self.values.T.groupby(families).sum().T
        std = self.data.std(ddof=0).replace(0, 1).fillna(1)
        z = (self.data - self.data.mean()) / std
        data = z.T.groupby(families).mean().T[values.columns]
        return Explanation(
            values,
            data,
            self.base_value,
            self.prediction,
            self.names,
            {c: c for c in values.columns},
            self.model,
        )

    def to_frame(self) -> pd.DataFrame:
        """SHAP values (log10 S/cm) with the row names as index (a new frame)."""
        return self.values.set_axis(self.names).copy()

    def to_shap(self) -> shap.Explanation:
        """A ``shap.Explanation``, so shap's own plots work on ssenb's values."""
        import shap

        return shap.Explanation(
            values=self.values.to_numpy(float),
            base_values=np.full(len(self.values), self.base_value),
            data=self.data.to_numpy(float),
            feature_names=list(self.values.columns),
        )

    def title(self) -> str:
        """Heading of the HTML view: how many predictions were explained."""
        return f"SHAP explanation of {len(self.values)} prediction(s)"

    def summary(self) -> list[tuple[str, str]]:
        """Base value (log10 S/cm) and the five most important features by mean |SHAP|."""
        top = self.importance().head(5)
        rows = [
            ("base value", fmt_number(self.base_value, "log10 S/cm")),
            ("features", str(self.values.shape[1])),
        ]
        rows += [(f"mean |SHAP|: {name}", fmt_number(v, "log10 S/cm")) for name, v in top.items()]
        return rows

    def _repr_html_(self) -> str:
        return html_table(self.summary(), caption=self.title(), note=self.model)


def explain(model: Any, X: Any) -> Explanation:
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
    >>> df = load_obelix("train", structures=False)  # the composition preset needs no CIFs
    >>> model = ConductivityModel(random_state=0, n_models=2, n_estimators=50, n_jobs=1).fit(df)
    >>> e = explain(model, df.head(5))
    >>> bool(abs(e.values.sum(axis=1).iloc[0] + e.base_value - e.prediction[0]) < 1e-4)
    True
    """
    import shap

    from ..features import feature_family, readable_label

    if not hasattr(model, "feature_table"):
        raise InvalidInputError(f"explain() supports ssenb tree models, not {type(model).__name__}")
    table = model.feature_table(X)  # raises ssenb's NotFittedError before fit
    values, bases = [], []
    for booster in model.boosters_:
        explainer = shap.TreeExplainer(booster)
        values.append(np.asarray(explainer.shap_values(table.to_numpy(float))))
        bases.append(float(np.ravel(explainer.expected_value)[0]))
    declared = getattr(model, "feature_families_", {}) or {}
    labels = [readable_label(c) for c in table.columns]
    families = {readable_label(c): declared.get(c) or feature_family(c) for c in table.columns}
    mean_values = pd.DataFrame(np.mean(values, axis=0), columns=labels, index=table.index)
    data = pd.DataFrame(table.to_numpy(float), columns=labels, index=table.index)
    return Explanation(
        mean_values,
        data,
        float(np.mean(bases)),
        model.predict(table),
        _names(X, table),
        families,
        f"{type(model).__name__}(preset={getattr(model, 'preset', '?')!r})",
    )


def _names(X: ModelInput, table: pd.DataFrame) -> list[str]:
    from pymatgen.core import Composition, Structure

    from ..data.materials import display_formula

    if isinstance(X, pd.DataFrame) and K.REDUCED_COMPOSITION in X:
        return [
            display_formula(c) if isinstance(c, Composition) else str(c)
            for c in X[K.REDUCED_COMPOSITION]
        ]
    if isinstance(X, list | tuple | pd.Series | np.ndarray):
        # a Composition's str() is pymatgen's "Li6 P1 S5 Cl1": the formula as people write it
        return [
            display_formula(x.composition if isinstance(x, Structure) else x)
            if isinstance(x, Structure | Composition)
            else str(x)
            for x in X
        ]
    return [str(i) for i in table.index]
