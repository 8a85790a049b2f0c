"""The descriptor families' names: a leaf module below the presets and every featurizer.

Why: the featurizer modules (``cell``, ``chemistry``, ``structure``, ``transport``) name
the family of their features, and ``presets`` imports those modules; the names living
here keeps the imports one way (no circle through ``presets``).
"""

from __future__ import annotations

#: Descriptor families, named for what they measure (a mechanism where there is one).
LI_CONTENT = "Li content"
ANION_CHEMISTRY = "anion chemistry"
IONICITY = "electronegativity & ionicity"
VALENCE = "valence electrons"
SIZE = "atomic size & mass"
STOICHIOMETRY = "stoichiometry"
CELL = "cell dimensions & symmetry (descriptive)"
LI_SITES = "Li sites & framework"
TRANSPORT = "Li migration barriers (BVSE)"
OTHER = "other"

FAMILIES = (
    LI_CONTENT,
    ANION_CHEMISTRY,
    IONICITY,
    VALENCE,
    SIZE,
    STOICHIOMETRY,
    CELL,
    LI_SITES,
    TRANSPORT,
)


__all__ = [
    "ANION_CHEMISTRY",
    "CELL",
    "FAMILIES",
    "IONICITY",
    "LI_CONTENT",
    "LI_SITES",
    "OTHER",
    "SIZE",
    "STOICHIOMETRY",
    "TRANSPORT",
    "VALENCE",
]
