"""Fault battery, ssenb.transport.interstitial_sites: distances that refuse every site silently."""

from __future__ import annotations

import pytest
from pymatgen.core import Lattice, Structure

from ssenb.errors import InvalidInputError


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (
            {"min_distance": float("inf")},
            r"min_distance=inf must be a positive distance in Å, below 50",
        ),
        ({"min_distance": 1e9}, r"min_distance=1000000000.0 must be a positive distance"),
        ({"merge_distance": float("inf")}, r"merge_distance=inf must be a positive distance"),
    ],
)
def test_an_endless_distance_is_refused_not_an_empty_table(kwargs, match):
    from ssenb.transport import interstitial_sites

    lif = Structure.from_spacegroup(
        "Fm-3m", Lattice.cubic(4.03), ["Li", "F"], [[0, 0, 0], [0.5, 0.5, 0.5]]
    )
    with pytest.raises(InvalidInputError, match=match):  # was 0 sites (or 1), no word why
        interstitial_sites(lif, **kwargs)
