"""SHAP explanations of polymer-electrolyte conductivity, with temperature as its own term."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .. import keys as K
from ..errors import InvalidInputError
from .shap_values import Explanation

if TYPE_CHECKING:
    from ..models.polymer import PolymerConductivityModel

#: Reference temperature of the decomposition, K (25 °C).
REFERENCE_K = 298.15
TEMPERATURE_TERM = "temperature (VTF term vs 25 °C)"


def explain_polymer(
    model: PolymerConductivityModel, X: pd.DataFrame, *, reference_K: float = REFERENCE_K
) -> Explanation:
    """SHAP values of log10 σ (S/cm) at each row's temperature, plus a temperature term.

    The model predicts log10 σ(T) = a(x) - b(x) g(T) with g(T) = 1000 K / (ln 10 (T - T0)),
    a and b from trees. Splitting at a reference temperature,

        log10 σ(T) = [a(x) - b(x) g(T_ref)] - b(x) [g(T) - g(T_ref)],

    the first bracket is explained exactly by TreeSHAP (it is linear in the two tree
    outputs), and the second is the "temperature (VTF term)" column: how much warmer or
    colder than 25 °C moves log10 σ for this electrolyte. Values then add up to the
    prediction (wherever the learned B is not negative; the model clips a negative B at
    0, which breaks additivity for that row and is flagged by its applicability).

    Examples
    --------
    >>> from ssenb.data import load_polymer_electrolytes
    >>> from ssenb.models.polymer import PolymerConductivityModel
    >>> df = load_polymer_electrolytes()
    >>> model = PolymerConductivityModel(n_models=1, n_estimators=40, random_state=0).fit(df)
    >>> e = explain_polymer(model, df.head(3))
    >>> bool(np.allclose(e.values.sum(axis=1) + e.base_value, e.prediction, atol=1e-3))
    True
    """
    import shap

    from ..features.polymer import TEMPERATURE
    from ..models.polymer import B_UNIT_K

    if not hasattr(model, "member_parameters"):
        raise InvalidInputError(
            f"explain_polymer() explains a PolymerConductivityModel, not {type(model).__name__}"
        )
    model._check_fitted()
    if not reference_K > model.T0_K:
        raise InvalidInputError(f"reference_K={reference_K} must lie above T0 = {model.T0_K} K")
    t = model._temperatures(X)
    table = model.feature_table(X)
    matrix = table.to_numpy(float)
    g, g_ref = model._g(t), model._g(np.asarray(reference_K))
    values, bases, temp = [], [], []
    offset = model.offset_
    for booster, params in zip(model.boosters_, model.member_parameters(X), strict=True):
        explainer = shap.TreeExplainer(booster)
        phi = np.asarray(explainer.shap_values(matrix))  # (rows, features, 2)
        expected = np.ravel(explainer.expected_value)[:2] + offset
        values.append(phi[:, :, 0] - g_ref * phi[:, :, 1])
        bases.append(expected[0] - g_ref * expected[1])
        b = params[:, 1] / B_UNIT_K  # B in units of the booster's second output
        temp.append(-b * (g - g_ref))
    frame = pd.DataFrame(np.mean(values, axis=0), columns=list(table.columns), index=X.index)
    frame[TEMPERATURE_TERM] = np.mean(temp, axis=0)
    data = table.copy()
    data[TEMPERATURE_TERM] = t
    families = {**model.feature_families_, TEMPERATURE_TERM: TEMPERATURE}
    names = [
        f"{p} + {s} at {tk:.0f} K"
        for p, s, tk in zip(X[K.POLYMER if K.POLYMER in X else K.POLYMER_SMILES],
                            X[K.SALT] if K.SALT in X else X[K.SALT_SMILES], t, strict=True)
    ]  # fmt: skip
    return Explanation(
        frame,
        data,
        float(np.mean(bases)),
        model.predict(X),
        names,
        families,
        f"PolymerConductivityModel(law={model.law!r}, T0={model.T0_K:g} K)",
    )


def by_family(explanation: Explanation) -> Explanation:
    """SHAP summed per mechanism family, labelled with what each family holds.

    ``Explanation.grouped()`` puts mean z-scores in ``data``, which for one row are all 0;
    here ``data`` says instead how many features a family sums ("12 features"), and the
    temperature family gives the temperature (K), so a waterfall's labels read true.

    Examples
    --------
    >>> import pandas as pd
    >>> e = Explanation(pd.DataFrame({"a": [0.1], "b": [0.2]}), pd.DataFrame({"a": [1.0], "b": [2.0]}),
    ...                 -5.0, [-4.7], ["x"], {"a": "f1", "b": "f1"})
    >>> by_family(e).data.iloc[0].to_dict()
    {'f1': '2 features'}
    """
    grouped = explanation.grouped()
    families = [explanation.families.get(c, c) for c in explanation.values.columns]
    counts = pd.Series(families).value_counts()
    data = pd.DataFrame(
        {f: [f"{counts[f]} features"] * len(grouped.values) for f in grouped.values.columns},
        index=grouped.values.index,
    )
    if TEMPERATURE_TERM in explanation.data:
        from ..features.polymer import TEMPERATURE

        if TEMPERATURE in data:
            data[TEMPERATURE] = [f"{t:.0f} K" for t in explanation.data[TEMPERATURE_TERM]]
    return Explanation(
        grouped.values,
        data,
        grouped.base_value,
        grouped.prediction,
        grouped.names,
        grouped.families,
        grouped.model,
    )
