"""Featurization: matminer presets plus Li-specific descriptors, with a fast path."""

from .chemistry import LiAnionChemistry
from .featurize import clear_cache, featurize
from .labels import FAMILIES, feature_family, readable_label
from .presets import PRESETS, Preset, get_preset
from .structure import LiSiteFeatures

__all__ = [
    "FAMILIES",
    "PRESETS",
    "LiAnionChemistry",
    "LiSiteFeatures",
    "Preset",
    "clear_cache",
    "feature_family",
    "featurize",
    "get_preset",
    "readable_label",
]
