"""interstitial_sites: the unoccupied minima of the Li BVSE landscape.

Hand-checkable: in rock-salt LiCl every octahedral hole holds an atom, so the empty sites
are the 8 tetrahedral holes (1/4, 1/4, 1/4) of the conventional cell, a·√3/4 from the
nearest Li and Cl; in antifluorite Li2O the Li fill the tetrahedral holes of the O fcc
lattice and the 4 octahedral holes (1/2, 1/2, 1/2) are empty, a·√3/4 from the nearest Li.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from pymatgen.core import Lattice, Structure

from ssenb.errors import InvalidInputError
from ssenb.transport import interstitial_sites
from ssenb.transport.interstitials import MIN_DISTANCE_A


def _rock_salt(a: float) -> Structure:
    return Structure.from_spacegroup("Fm-3m", Lattice.cubic(a), ["Li", "Cl"],
                                     [[0, 0, 0], [0.5, 0.5, 0.5]])  # fmt: skip


def test_rock_salt_empty_sites_are_the_tetrahedral_holes():
    a = 5.13  # LiCl, Å
    sites = interstitial_sites(_rock_salt(a))
    assert len(sites) == 8 and set(sites["orbit"]) == {0}
    frac = sites[["a_frac", "b_frac", "c_frac"]].to_numpy()
    assert np.allclose(np.abs(frac - 0.5), 0.25, atol=0.02)  # every coordinate 1/4 or 3/4
    assert sites["nearest_atom_A"].to_numpy() == pytest.approx(a * math.sqrt(3) / 4, abs=0.1)
    assert np.ptp(sites["bvse_energy_eV"].to_numpy()) < 1e-6  # one orbit, one energy


def test_antifluorite_empty_sites_are_the_octahedral_holes():
    a = 4.61  # Li2O, Å
    li2o = Structure.from_spacegroup("Fm-3m", Lattice.cubic(a), ["Li", "O"],
                                     [[0.25, 0.25, 0.25], [0, 0, 0]])  # fmt: skip
    sites = interstitial_sites(li2o)
    holes = {(0.5, 0.5, 0.5), (0.5, 0.0, 0.0), (0.0, 0.5, 0.0), (0.0, 0.0, 0.5)}
    found = {
        tuple(float(x) for x in r)
        for r in sites[["a_frac", "b_frac", "c_frac"]].round(2).to_numpy()
    }
    assert found == holes
    assert (sites["nearest_atom"] == "Li").all()
    assert sites["nearest_atom_A"].to_numpy() == pytest.approx(a * math.sqrt(3) / 4, abs=0.01)
    # holes a·√3/4 = 2.00 Å from Li: none is left when 2.1 Å is asked for
    assert interstitial_sites(li2o, min_distance=2.1).empty


def test_li3sbs4_sites_are_empty_and_sorted(obelix_by_id):
    s = obelix_by_id["mq1"]  # Li3SbS4, OBELiX training split
    sites = interstitial_sites(s)
    assert len(sites) >= 2
    e = sites["bvse_energy_eV"].to_numpy()
    assert (np.diff(e) >= -1e-12).all() and e[0] == pytest.approx(0.0, abs=1e-9)
    frac = sites[["a_frac", "b_frac", "c_frac"]].to_numpy()
    d = s.lattice.get_all_distances(frac, s.frac_coords)  # to every atom, Li included
    assert d.min() >= MIN_DISTANCE_A
    assert sites["nearest_atom_A"].to_numpy() == pytest.approx(d.min(axis=1))
    for _, group in sites.groupby("orbit"):  # symmetry-equivalent sites: one energy
        assert np.ptp(group["bvse_energy_eV"].to_numpy()) < 1e-3


def test_bad_distances_are_refused():
    with pytest.raises(InvalidInputError, match="min_distance=0 must be a positive distance"):
        interstitial_sites(_rock_salt(5.13), min_distance=0)
    with pytest.raises(InvalidInputError, match="merge_distance='x'"):
        interstitial_sites(_rock_salt(5.13), merge_distance="x")
