"""The percolating region, the mobile-ion sites on it, and an energy profile through it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .. import keys as K
from . import _kernels

if TYPE_CHECKING:
    import pandas as pd
    from pymatgen.core import Structure

CART = ("x_A", "y_A", "z_A")
FRAC = ("a_frac", "b_frac", "c_frac")


def pathway_and_profile(
    structure: Structure,
    energy: np.ndarray,
    thresholds: np.ndarray,
    roots: np.ndarray,
    ranks: np.ndarray,
    ion_sites: list[tuple[int, float]],
    dim: int,
) -> tuple[np.ndarray, pd.DataFrame, pd.DataFrame]:
    """(pathway voxel indices (n, 3), profile DataFrame, sites DataFrame).

    The pathway is every voxel of the clusters that percolate in ``dim`` directions at
    the highest finite threshold (eV); a mobile-ion site is on it when its voxel or one
    of the 26 around it is.
    """
    import pandas as pd

    shape = np.asarray(energy.shape)
    if dim == 0:
        member = np.zeros(energy.shape, dtype=bool)
    else:
        if dim < 3:  # the scan ran to the 10 eV cap: redo it up to the highest finite barrier
            _, roots, ranks, _ = _kernels.percolate(energy, float(thresholds[dim - 1]))
        active = np.unique(roots[roots >= 0])
        winning = active[ranks[active] >= dim]
        member = np.isin(roots, winning).reshape(energy.shape)
    pathway = np.argwhere(member)
    profile = _profile(structure, energy, member)
    rows = []
    for idx, occ in ion_sites:
        site = structure[idx]
        frac = np.mod(site.frac_coords, 1.0)
        vox = np.rint(frac * shape).astype(int) % shape
        near = [
            member[tuple((vox + d) % shape)]
            for d in np.array(np.meshgrid([-1, 0, 1], [-1, 0, 1], [-1, 0, 1])).T.reshape(-1, 3)
        ]
        rows.append(
            {
                "site": idx,
                "species": site.species_string,
                **dict(zip(FRAC, frac.round(5))),
                **dict(zip(CART, np.asarray(site.coords).round(4))),
                K.OCCUPANCY: occ,
                K.BVSE_ENERGY: float(energy[tuple(vox)]),
                K.IN_PATHWAY: bool(any(near)),
            }
        )
    return pathway, profile, pd.DataFrame(rows)


def _profile(structure: Structure, energy: np.ndarray, member: np.ndarray) -> pd.DataFrame:
    import pandas as pd

    columns = [K.PATH_DISTANCE, K.BVSE_ENERGY, *CART]
    if not member.any():
        return pd.DataFrame(columns=columns)
    flat = np.where(member.ravel(), energy.ravel(), np.inf)
    path, shift = _kernels.winding_loop(member, int(np.argmin(flat)))
    if len(path) == 0:
        return pd.DataFrame(columns=columns)
    shape = np.asarray(energy.shape)
    idx = np.stack(np.unravel_index(path, energy.shape), axis=1)
    cart = (idx / shape + shift) @ structure.lattice.matrix
    step = np.linalg.norm(np.diff(cart, axis=0), axis=1)
    out = pd.DataFrame(
        {
            K.PATH_DISTANCE: np.concatenate([[0.0], np.cumsum(step)]),
            K.BVSE_ENERGY: energy.ravel()[path],
        }
    )
    for i, name in enumerate(CART):
        out[name] = cart[:, i]
    return out
