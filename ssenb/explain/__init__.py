"""Explanations of conductivity models: SHAP values, per feature and per mechanism family."""

from .shap_values import Explanation, explain

__all__ = ["Explanation", "explain"]
