"""Compiled inner loops of the BVSE landscape: the energy grid and periodic percolation.

numba (already a dependency through shap) compiles these on first use (~10 s once; the
machine code is then cached in this package's __pycache__); nothing is compiled at import.

Percolation is exact, not a bisection: voxels are switched on in order of increasing
energy (26-connected, as in bvlain) and merged in a union-find that carries, for each
voxel, its lattice translation relative to the root of its cluster (Newman & Ziff, Phys.
Rev. E 64 (2001) 016706, "wrapping" detection). A cluster that reaches a copy of itself
in another cell has a winding vector; the rank of a cluster's winding vectors is the
dimension of its percolation (1, 2, 3), and the energy at which the first cluster reaches
rank d is the d-dimensional percolation barrier.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

KIND_MORSE = 0
KIND_COULOMB = 1


def _compiled() -> tuple[Callable[..., Any], Callable[..., Any], Callable[..., Any]]:
    from . import _jit

    return _jit.energy_grid, _jit.percolate, _jit.winding_loop


TABLE_POINTS = 8192  # pair terms tabulated on a uniform r^2 grid (error < 1e-4 eV for r > 1 Å)
TABLE_R_MIN = 0.3  # Å: closer than this the term is held at its 0.3 Å value (> 50 eV anyway)


#: fraction of the softBV Morse bond energy counted in the mobile ion's site energy; see
#: :mod:`ssenb.transport.landscape` ("The Morse term") for why it is 1/2
MORSE_SHARE = 0.5


def morse_bond_energy(r: np.ndarray, r_min: float, alpha: float, d0: float) -> np.ndarray:
    """The softBV Morse-type energy of one cation-anion bond at distances ``r`` (Å), in eV.

    ``D0 [(exp(alpha (R_min - r)) - 1)^2 - 1]``: -D0 at r = R_min, -> 0 as r -> inf
    (Adams & Rao, Phys. Status Solidi A 208 (2011) 1746; Chen, Wong & Adams, Acta
    Cryst. B 75 (2019) 18). ``alpha`` = 1/b (1/Å), ``d0`` in eV.
    """
    r = np.asarray(r, dtype=float)
    return d0 * ((np.exp(alpha * (r_min - r)) - 1.0) ** 2 - 1.0)


def pair_term(kind: int, p1: float, p2: float, p3: float, r: np.ndarray) -> np.ndarray:
    """One framework atom's BVSE term at distances ``r`` (Å), in eV.

    Morse (anion; p1 = R_min Å, p2 = alpha 1/Å, p3 = D0 eV): ``MORSE_SHARE`` (1/2) x
    :func:`morse_bond_energy`, i.e. -D0/2 at R_min. Screened Coulomb (cation; p1 = 14.4
    q q' / sqrt(n n') eV Å, p2 = f (r_c + r_c') Å): p1 / r erfc(r / p2). Distances below
    0.3 Å are held at 0.3 Å (the terms there exceed 50 eV anyway).
    """
    from scipy.special import erfc

    r = np.maximum(np.asarray(r, dtype=float), TABLE_R_MIN)
    if kind == KIND_MORSE:
        return MORSE_SHARE * morse_bond_energy(r, p1, p2, p3)
    return p1 / r * erfc(r / p2)


def energy_grid(
    shape: tuple[int, ...],
    lattice: np.ndarray,
    positions: np.ndarray,
    kinds: np.ndarray,
    p1: np.ndarray,
    p2: np.ndarray,
    p3: np.ndarray,
    weights: np.ndarray,
    cutoffs: np.ndarray,
) -> np.ndarray:
    """Sum of pair terms on the periodic grid (eV); see :mod:`ssenb.transport.landscape`.

    Each distinct (kind, p1, p2, p3, cutoff) gets a table of :func:`pair_term` on a
    uniform r^2 grid (Å^2), interpolated linearly by the compiled kernel.
    """
    params = np.stack([kinds, p1, p2, p3, cutoffs], axis=1).astype(float)
    unique, types = np.unique(params, axis=0, return_inverse=True)
    tables = np.empty((len(unique), TABLE_POINTS))
    inv_step = np.empty(len(unique))
    for t, (kind, a, b, c, cut) in enumerate(unique):
        r2 = np.linspace(0.0, cut * cut, TABLE_POINTS - 1)
        tables[t, :-1] = pair_term(int(kind), a, b, c, np.sqrt(r2))
        tables[t, -1] = tables[t, -2]
        inv_step[t] = (TABLE_POINTS - 2) / (cut * cut)
    lattice = np.ascontiguousarray(lattice, dtype=np.float64)
    return _compiled()[0](
        np.asarray(shape, dtype=np.int64),
        lattice,
        np.ascontiguousarray(np.linalg.inv(lattice)),
        np.ascontiguousarray(positions, dtype=np.float64),
        np.ascontiguousarray(types.ravel(), dtype=np.int64),
        np.asarray(weights, dtype=np.float64),
        tables,
        inv_step,
        np.ascontiguousarray(unique[:, 4]),
    )


def percolate(
    energy: np.ndarray, emax: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(thresholds (3,) eV or inf, root per voxel or -1, rank per root, cell shift per voxel)."""
    order = np.argsort(energy, axis=None, kind="stable")
    return _compiled()[1](np.ascontiguousarray(energy), order, float(emax))


def winding_loop(member: np.ndarray, source: int) -> tuple[np.ndarray, np.ndarray]:
    """A short closed loop through ``member`` that winds around the periodic cell."""
    shape = np.asarray(member.shape, dtype=np.int64)
    return _compiled()[2](np.ascontiguousarray(member.ravel()), shape, int(source))
