"""Featurization: matminer presets plus Li-specific descriptors, with a fast path.

Every descriptor family lives here, with a declared family (see
:mod:`ssenb.features.presets`). Names load on first use, so ``import ssenb.features``
does not import matminer or scikit-learn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_getattr
from .featurize import clear_cache, featurize  # light: numpy, pandas
from .labels import readable_label
from .presets import FAMILIES, PRESETS, Preset, families_of, feature_family, get_preset

_NAMES = {
    "LiAnionChemistry": "chemistry",
    "LiSiteFeatures": "structure",
    "CellFeatures": "cell",
    "CellRecord": "cell",
    "RepeatUnitFeatures": "polymer",
    "SaltFeatures": "polymer",
    "polymer_features": "polymer",
}

if TYPE_CHECKING:  # pragma: no cover
    from .cell import CellFeatures, CellRecord
    from .chemistry import LiAnionChemistry
    from .polymer import RepeatUnitFeatures, SaltFeatures, polymer_features
    from .structure import LiSiteFeatures


__getattr__ = lazy_getattr(__name__, _NAMES)


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "FAMILIES",
    "PRESETS",
    "CellFeatures",
    "CellRecord",
    "LiAnionChemistry",
    "LiSiteFeatures",
    "Preset",
    "RepeatUnitFeatures",
    "SaltFeatures",
    "clear_cache",
    "families_of",
    "feature_family",
    "featurize",
    "get_preset",
    "polymer_features",
    "readable_label",
]
