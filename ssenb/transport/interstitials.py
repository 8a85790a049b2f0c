"""Empty sites a mobile ion could take: the unoccupied minima of its BVSE landscape.

An aliovalent dopant that lowers the cation charge (Ge⁴⁺ on P⁵⁺ in Li3PS4, Ge⁴⁺ on Sb⁵⁺ in
Li3SbS4) is compensated by extra Li⁺ that need a place to sit. The bond-valence site
energy of a Li⁺ test ion (:func:`~ssenb.transport.migration_landscape`, softBV of Adams &
Rao 2011 and Chen, Wong & Adams 2019) is low where the ion is well bonded to anions and
far from other cations; its local minima that no atom occupies are candidate
interstitial sites. The minima are the basins of
:func:`~ssenb.transport.pathway_graph` (one rule for what a site is); a basin is an
interstitial site when its minimum lies at least ``min_distance`` from every atom of the
structure (the mobile-ion sites included: the landscape leaves them out of the framework,
so their own positions are minima too).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import InvalidInputError

if TYPE_CHECKING:
    import pandas as pd
    from pymatgen.core import Structure

#: an interstitial site keeps this far (Å) from every atom: a Li-S bond is ~2.4-2.5 Å and
#: Li-O ~1.9-2.1 Å, and two cations (Li-Li, Li-P) never come closer than ~2.3 Å in the
#: ordered OBELiX structures; 1.6 Å leaves room for the relaxation while refusing the
#: minima that coincide with (or sit on top of) an existing atom
MIN_DISTANCE_A = 1.6
#: minima closer than this (Å) are one site (grid ripples around one minimum)
MERGE_DISTANCE_A = 0.5
#: largest min_distance / merge_distance (Å): a point this far from every atom is vacuum
MAX_DISTANCE_A = 50.0
#: symmetry tolerance (Å) when grouping sites into orbits (spglib's symprec)
SYMPREC_A = 0.1

COLUMNS = [
    "a_frac", "b_frac", "c_frac", "bvse_energy_eV", "nearest_atom", "nearest_atom_A", "orbit",
]  # fmt: skip


def interstitial_sites(
    structure: Structure,
    ion: str = "Li",
    *,
    resolution: float = 0.2,
    min_distance: float = MIN_DISTANCE_A,
    merge_distance: float = MERGE_DISTANCE_A,
) -> pd.DataFrame:
    """Find where an extra mobile ion could sit: unoccupied minima of its BVSE energy.

    The BVSE landscape of ``ion`` (:func:`~ssenb.transport.migration_landscape`) is cut
    into basins of steepest descent (:func:`~ssenb.transport.pathway_graph`, minima
    shallower than 0.01 eV merged); each basin's minimum that lies at least
    ``min_distance`` from every atom of ``structure`` (cations, anions and the mobile ions'
    own sites) is a candidate site. Minima within ``merge_distance`` of a lower one are
    merged into it. Sites are grouped into orbits by the space group of the structure
    (spglib through pymatgen, tolerance :data:`SYMPREC_A`), and sorted by energy.

    The energy is that of one test ion in the otherwise unchanged host: no Li-Li
    repulsion with the mobile ions (the landscape removes them), no relaxation. It ranks
    sites; the relaxation of the doped cell decides where the ion ends.

    Parameters
    ----------
    structure : pymatgen Structure
        The host (ordered or not; oxidation states used if present, else guessed).
    ion : {"Li", "Na", "K", "Mg"}
        The mobile ion.
    resolution : float
        Grid spacing of the landscape, Å (default 0.2, bvlain's default).
    min_distance : float
        Smallest distance from a site to any atom, Å (default :data:`MIN_DISTANCE_A`).
    merge_distance : float
        Minima closer than this (Å) count as one site (default :data:`MERGE_DISTANCE_A`).

    Returns
    -------
    pandas.DataFrame
        One row per site, lowest energy first: ``a_frac``, ``b_frac``, ``c_frac``
        (fractional, in [0, 1)), ``bvse_energy_eV`` (eV above the landscape's minimum),
        ``nearest_atom`` (element) and ``nearest_atom_A`` (its distance, Å), ``orbit``
        (0, 1, ...: symmetry-equivalent sites share it, numbered from the lowest energy).
        Empty when the structure has no room.

    Raises
    ------
    InvalidInputError
        A non-positive ``min_distance`` or negative ``merge_distance``, or what
        :func:`~ssenb.transport.migration_landscape` refuses.

    Examples
    --------
    >>> from pymatgen.core import Lattice, Structure
    >>> li2o = Structure.from_spacegroup(  # antifluorite: the octahedral holes are empty
    ...     "Fm-3m", Lattice.cubic(4.61), ["Li", "O"], [[0.25, 0.25, 0.25], [0, 0, 0]]
    ... )
    >>> sites = interstitial_sites(li2o)
    >>> sites[["a_frac", "b_frac", "c_frac"]].iloc[0].round(2).tolist() in (
    ...     [0.5, 0.5, 0.5], [0.5, 0.0, 0.0], [0.0, 0.5, 0.0], [0.0, 0.0, 0.5])
    True
    """
    import pandas as pd

    from .landscape import migration_landscape

    limits = (("min_distance", min_distance, 0.0), ("merge_distance", merge_distance, -1e-12))
    for name, value, low in limits:
        if (
            not isinstance(value, int | float)
            or isinstance(value, bool)
            or not low < value < MAX_DISTANCE_A
        ):  # inf: every site refused, silently
            raise InvalidInputError(
                f"{name}={value!r} must be a positive distance in Å, below {MAX_DISTANCE_A:g} "
                f"(default {MIN_DISTANCE_A if name == 'min_distance' else MERGE_DISTANCE_A})"
            )
    nodes = migration_landscape(structure, ion, resolution=resolution).pathway_graph().nodes
    nodes = nodes.sort_values("bvse_energy_eV", kind="stable")
    lattice = structure.lattice
    frac = nodes[["a_frac", "b_frac", "c_frac"]].to_numpy(float) % 1.0
    energy = nodes["bvse_energy_eV"].to_numpy(float)
    if len(structure) and len(frac):
        to_atoms = lattice.get_all_distances(frac, structure.frac_coords)
        nearest = to_atoms.argmin(axis=1)
        gap = to_atoms[np.arange(len(frac)), nearest]
    else:
        nearest, gap = np.zeros(len(frac), int), np.full(len(frac), np.inf)
    keep: list[int] = []
    for i in np.flatnonzero(gap >= min_distance):
        if keep and lattice.get_all_distances(frac[i], frac[keep]).min() < merge_distance:
            continue  # a ripple of a lower minimum already kept
        keep.append(int(i))
    rows = pd.DataFrame(
        {
            "a_frac": frac[keep, 0] if keep else [],
            "b_frac": frac[keep, 1] if keep else [],
            "c_frac": frac[keep, 2] if keep else [],
            "bvse_energy_eV": energy[keep],
            "nearest_atom": [_label(structure[int(nearest[i])]) for i in keep],
            "nearest_atom_A": gap[keep],
            "orbit": _orbits(structure, frac[keep]) if keep else [],
        },
        columns=COLUMNS,
    )
    return rows.reset_index(drop=True)


def _label(site: Any) -> str:
    """The element of an ordered site, the species mix of a disordered one."""
    return str(site.specie.symbol) if site.is_ordered else str(site.species)


def _orbits(structure: Structure, frac: np.ndarray) -> list[int]:
    """Orbit number of each site (sorted by energy): equal when a symmetry maps one to the other."""
    from pymatgen.symmetry.analyzer import SpacegroupAnalyzer

    try:
        ops = SpacegroupAnalyzer(structure, symprec=SYMPREC_A).get_symmetry_operations()
    except Exception:  # no symmetry found (spglib failure): every site its own orbit
        return list(range(len(frac)))
    lattice = structure.lattice
    orbit = [-1] * len(frac)
    n = 0
    for i in range(len(frac)):
        if orbit[i] >= 0:
            continue
        images = np.array([op.operate(frac[i]) for op in ops]) % 1.0
        d = lattice.get_all_distances(images, frac).min(axis=0)
        for j in np.flatnonzero(d < MERGE_DISTANCE_A):
            if orbit[j] < 0:
                orbit[j] = n
        orbit[i] = n
        n += 1
    return orbit


__all__ = ["MERGE_DISTANCE_A", "MIN_DISTANCE_A", "interstitial_sites"]
