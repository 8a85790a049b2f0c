"""Every Li compound of the snapshot, every property ssenb has, each with its source.

:func:`li_property_table` is the open multi-property solid-electrolyte table: hull
distance and stability window (MP ~2019 snapshot, computed), band gap (experiment > MP PBE
data > model), shear and bulk moduli (MP DFT data > model) with the Monroe–Newman ratio and
verdict, and the predicted log10 σ with its interval (conductivity model). Every quantity
has a ``*_source`` column; a model value carries its 1σ. :func:`li_table_card` is its data
card: how many values of each property came from which source.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from . import keys as K
from .errors import SsenbWarning

HULL_SOURCE = "MP ~2019 snapshot (computed hull, legacy corrections)"
SIGMA_SOURCE = "model (OBELiX composition, XGBoost ensemble)"


def li_property_table(
    *,
    within: str | None = None,
    ion: str = "Li",
    predict: bool = True,
    models: dict[str, Any] | None = None,
    property_models: dict[str, Any] | None = None,
    progress: bool = False,
    executor: Any = None,
) -> pd.DataFrame:
    """Hull, window, band gap, G, K and predicted σ of every Li compound, with sources.

    Why: the multi-property dataset the field asks for, rebuilt from registered data in
    seconds rather than curated by hand (``ssenb table --all-li -o file``).

    Parameters
    ----------
    within : str, optional
        Restrict to a chemical system of the snapshot (``"Li-P-S"``).
    ion : str
        Mobile ion (the compounds must contain it; voltages vs its metal).
    predict : bool
        Fill missing gaps/moduli with the composition models and predict σ (fits the
        default models on first use, minutes; then cached).
    models : dict, optional
        Conductivity models by preset (``"composition"``); default: the default model.
    property_models : dict, optional
        Band-gap/modulus models (see :func:`ssenb.models.material_properties`).
    progress : bool
    executor : None, int or Executor
        Where the hull groups run (see :func:`ssenb.thermo.screen`).

    Returns
    -------
    pandas.DataFrame
        One row per compound: reduced_formula, chemsys, e_above_hull_eV_atom,
        reduction_V, oxidation_V, window_width_V, hull_source, band_gap_eV,
        band_gap_std_eV, band_gap_source, G_VRH_GPa, K_VRH_GPa, log10_G_VRH_std,
        log10_K_VRH_std, moduli_source, G_over_G_Li, monroe_newman_verdict,
        log10_sigma_pred, log10_sigma_std, log10_sigma_low, log10_sigma_high,
        sigma_source, in_domain (every model that gave a value is in its domain), error.

    Examples
    --------
    >>> t = li_property_table(within="Li-P-S", predict=False)
    >>> t.set_index("reduced_formula").loc["Li3PS4", "band_gap_source"]
    'experiment'
    """
    from .data.mp_snapshot import snapshot_formulas
    from .models.gap_moduli import properties_frame
    from .models.property import two_sigma_interval
    from .thermo import screen

    formulas = snapshot_formulas(within=within, contains=ion)
    screened = screen(formulas, ion=ion, progress=progress, executor=executor)
    table = pd.DataFrame(
        {
            K.REDUCED_FORMULA: screened[K.REDUCED_FORMULA].to_numpy(),
            K.CHEMSYS: screened[K.CHEMSYS].to_numpy(),
            K.E_HULL: screened[K.E_HULL].to_numpy(float),
            K.REDUCTION_V: screened[K.REDUCTION_V].to_numpy(float),
            K.OXIDATION_V: screened[K.OXIDATION_V].to_numpy(float),
            K.WINDOW_WIDTH_V: screened[K.WINDOW_WIDTH_V].to_numpy(float),
            K.HULL_SOURCE: HULL_SOURCE,
        }
    )
    props = properties_frame(
        table[K.REDUCED_FORMULA].tolist(), models=property_models, predict=predict
    )
    table = pd.concat([table, props.drop(columns="in_domain")], axis=1)
    in_domain = props["in_domain"].to_numpy(bool)
    mean = std = low = high = np.full(len(table), np.nan)
    if predict:
        model = (models or {}).get("composition")
        if model is None:
            from .models import default_model

            model = default_model("composition", progress=progress)
        names = table[K.REDUCED_FORMULA].tolist()
        with warnings.catch_warnings():  # the domain is a column here, not one warning
            warnings.simplefilter("ignore", SsenbWarning)
            mean, std = model.predict(names, return_std=True)
            low, high = two_sigma_interval(model, names)
        if hasattr(model, "applicability"):
            in_domain = in_domain & model.applicability(names)["in_domain"].to_numpy(bool)
    table[K.PREDICTION] = mean
    table[K.PREDICTION_STD] = std
    table[K.LOG10_SIGMA_LOW] = low
    table[K.LOG10_SIGMA_HIGH] = high
    table[K.SIGMA_SOURCE] = SIGMA_SOURCE if predict else "none"
    table["in_domain"] = in_domain
    table[K.ERROR] = screened[K.ERROR].to_numpy()
    return table


def li_table_card(table: pd.DataFrame) -> pd.DataFrame:
    """The data card of a :func:`li_property_table`: compounds per property and source.

    Returns
    -------
    pandas.DataFrame
        Columns ``property``, ``source`` and ``n_compounds``; a source ``"missing"``
        counts the compounds without a value.

    Examples
    --------
    >>> t = pd.DataFrame({"band_gap_eV": [1.0, None], "band_gap_source": ["experiment", "none"]})
    >>> li_table_card(t).values.tolist()
    [['band gap', 'experiment', 1], ['band gap', 'missing', 1]]
    """
    rows = []
    for prop, value, source in (
        ("hull distance, window", K.E_HULL, K.HULL_SOURCE),
        ("band gap", K.BAND_GAP, K.BAND_GAP_SOURCE),
        ("G, K", K.G_VRH, K.MODULI_SOURCE),
        ("log10 σ", K.PREDICTION, K.SIGMA_SOURCE),
    ):
        if value not in table:
            continue
        present = table[value].notna()
        for src, n in table.loc[present, source].value_counts(sort=False).items():
            rows.append((prop, str(src), int(n)))
        if (~present).any():
            rows.append((prop, "missing", int((~present).sum())))
    return pd.DataFrame(rows, columns=["property", "source", "n_compounds"])


__all__ = ["HULL_SOURCE", "li_property_table", "li_table_card"]
