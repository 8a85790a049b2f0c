"""Mobile-ion transport from the crystal structure: BVSE landscapes and percolation barriers.

Depends only on :mod:`ssenb.data`; heavy imports (numba, pymatgen.analysis) happen on
first use.
"""

from ._framework import MOBILE_IONS as BVSE_IONS  # ions with softBV parameters: charge
from ._framework import charge_balance
from .batch import barrier_row, migration_barriers, structure_key
from .interstitials import interstitial_sites
from .landscape import (
    MAX_BARRIER_EV,
    MAX_GRID_POINTS,
    RESOLUTION_RANGE_A,
    MigrationLandscape,
    migration_landscape,
)
from .network import PathwayGraph, pathway_graph

__all__ = [
    "BVSE_IONS",
    "MAX_BARRIER_EV",
    "MAX_GRID_POINTS",
    "RESOLUTION_RANGE_A",
    "MigrationLandscape",
    "PathwayGraph",
    "barrier_row",
    "charge_balance",
    "interstitial_sites",
    "migration_barriers",
    "migration_landscape",
    "pathway_graph",
    "structure_key",
]
