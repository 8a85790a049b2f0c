"""Hand calculations shared by the transport tests (no ssenb code involved)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from pymatgen.core import Lattice

# softBV Li+-F- bond parameters, Chen & Adams, IUCrJ 4 (2017) 614, Table S1:
# R0 = 1.08674 Å, b = 0.508 Å (alpha = 1/b), R_min = 1.87265 Å, D0 = 0.49611 eV
LIF_RMIN, LIF_ALPHA, LIF_D0 = 1.87265, 1.968504, 0.49611


def morse_sum(point, lattice: Lattice, anion_frac, rcut=20.0) -> float:
    """Brute-force BVSE of Li+ at ``point`` (Cartesian) over all F- images within rcut.

    Each Li-F bond counts D0/2 [(exp(alpha (R_min - R)) - 1)^2 - 1]: the mobile ion's
    half of the softBV Morse bond energy (see ssenb.transport.landscape's docstring).
    """
    n = [math.ceil(rcut / x) + 1 for x in lattice.abc]
    grid = np.mgrid[-n[0] : n[0] + 1, -n[1] : n[1] + 1, -n[2] : n[2] + 1].reshape(3, -1).T
    total = 0.0
    for f in anion_frac:
        cart = (grid + f) @ lattice.matrix
        d = np.linalg.norm(cart - point, axis=1)
        d = d[d < rcut]
        total += np.sum(0.5 * LIF_D0 * ((np.exp(LIF_ALPHA * (LIF_RMIN - d)) - 1) ** 2 - 1))
    return total


@pytest.fixture(scope="session")
def hand_bvse():
    """The brute-force BVSE of a Li+ in a lattice of F- (eV), as a function."""
    return morse_sum


@pytest.fixture(scope="session")
def obelix_by_id(obelix):
    return obelix.set_index("id")["structure"]
