"""Property models (conductivity, band gaps, moduli): estimators, validation, persistence.

scikit-learn estimators, honest validation, pickle-free persistence.

Names load on first use, so ``import ssenb.models`` does not import scikit-learn,
XGBoost or matminer until a model is built.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_getattr

_NAMES = {
    "SUPERIONIC_LOG10": "conductivity",
    "ConductivityModel": "conductivity",
    "SuperionicClassifier": "conductivity",
    "censored_mae": "property",
    "PropertyModel": "property",
    "MaterialProperties": "gap_moduli",
    "default_property_model": "gap_moduli",
    "material_properties": "gap_moduli",
    "monroe_newman": "gap_moduli",
    "property_columns": "gap_moduli",
    "property_predictions": "gap_moduli",
    "Target": "_targets",
    "TARGETS": "_targets",
    "get_target": "_targets",
    "register_target": "_targets",
    "MODEL_PRESETS": "_inputs",
    "Material": "_inputs",
    "ModelInput": "_inputs",
    "material_features": "_inputs",
    "register_model_preset": "_inputs",
    "load_model": "io",
    "save_model": "io",
    "CVReport": "validation",
    "cross_validate_conductivity": "validation",
    "near_duplicate_groups": "validation",
    "paper_groups": "validation",
    "ConductivityPrediction": "predictor",
    "default_model": "predictor",
    "predict_conductivity": "predictor",
    "PolymerConductivityModel": "polymer",
    "vtf_log10_sigma": "polymer",
    "PolymerCVReport": "polymer_validation",
    "cross_validate_polymer": "polymer_validation",
    "composite_bounds": "polymer_composite",
    "training_table": "predictor",
}

if TYPE_CHECKING:  # pragma: no cover
    from ._inputs import (
        MODEL_PRESETS,
        Material,
        ModelInput,
        material_features,
        register_model_preset,
    )
    from ._targets import TARGETS, Target, get_target, register_target
    from .conductivity import (
        SUPERIONIC_LOG10,
        ConductivityModel,
        SuperionicClassifier,
    )
    from .io import load_model, save_model
    from .polymer import PolymerConductivityModel, vtf_log10_sigma
    from .polymer_composite import composite_bounds
    from .polymer_validation import PolymerCVReport, cross_validate_polymer
    from .predictor import (
        ConductivityPrediction,
        default_model,
        predict_conductivity,
        training_table,
    )
    from .property import PropertyModel, censored_mae
    from .validation import (
        CVReport,
        cross_validate_conductivity,
        near_duplicate_groups,
        paper_groups,
    )


__getattr__ = lazy_getattr(__name__, _NAMES)


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "MODEL_PRESETS",
    "SUPERIONIC_LOG10",
    "TARGETS",
    "CVReport",
    "ConductivityModel",
    "ConductivityPrediction",
    "Material",
    "ModelInput",
    "PolymerCVReport",
    "PolymerConductivityModel",
    "PropertyModel",
    "SuperionicClassifier",
    "Target",
    "censored_mae",
    "composite_bounds",
    "cross_validate_conductivity",
    "cross_validate_polymer",
    "default_model",
    "get_target",
    "load_model",
    "material_features",
    "near_duplicate_groups",
    "paper_groups",
    "predict_conductivity",
    "register_model_preset",
    "register_target",
    "save_model",
    "training_table",
    "vtf_log10_sigma",
]
