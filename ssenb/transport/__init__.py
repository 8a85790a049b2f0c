"""Mobile-ion transport from the crystal structure: BVSE landscapes and percolation barriers.

Depends only on :mod:`ssenb.data`; heavy imports (numba, pymatgen.analysis) happen on
first use.
"""

from .batch import barrier_row, migration_barriers, structure_key
from .landscape import (
    MAX_BARRIER_EV,
    MAX_GRID_POINTS,
    RESOLUTION_RANGE_A,
    MigrationLandscape,
    migration_landscape,
)

__all__ = [
    "MAX_BARRIER_EV",
    "MAX_GRID_POINTS",
    "RESOLUTION_RANGE_A",
    "MigrationLandscape",
    "barrier_row",
    "migration_barriers",
    "migration_landscape",
    "structure_key",
]
