"""Conductivity models: scikit-learn estimators, honest validation, pickle-free persistence."""

from .conductivity import SUPERIONIC_LOG10, ConductivityModel, SuperionicClassifier, censored_mae
from .io import load_model, save_model
from .validation import CVReport, cross_validate_conductivity, near_duplicate_groups

__all__ = [
    "SUPERIONIC_LOG10",
    "CVReport",
    "ConductivityModel",
    "SuperionicClassifier",
    "censored_mae",
    "cross_validate_conductivity",
    "load_model",
    "near_duplicate_groups",
    "save_model",
]
