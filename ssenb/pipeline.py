"""Moved: the candidate pipeline is :mod:`ssenb.design.pipeline` (``ssenb.design.screen_candidates``).

It moved into :mod:`ssenb.design` (issue 24), the layer above :mod:`ssenb.mlip` and
:mod:`ssenb.models` where candidates are proposed, relaxed and ranked. This module only
re-exports its names so that existing code and notebooks keep working; write
``from ssenb.design import screen_candidates`` in new code.
"""

from .design.pipeline import (
    CHUNK_SIZE,
    COLUMNS,
    PROPERTY_OBJECTIVES,
    CandidateTable,
    pareto_rank,
    screen_candidates,
)

__all__ = [
    "CHUNK_SIZE",
    "COLUMNS",
    "PROPERTY_OBJECTIVES",
    "CandidateTable",
    "pareto_rank",
    "screen_candidates",
]
