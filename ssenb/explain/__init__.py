"""Explanations of conductivity models: SHAP values, per feature and per mechanism family."""

from .polymer import explain_polymer
from .shap_values import Explanation, explain

__all__ = ["Explanation", "explain", "explain_polymer"]
