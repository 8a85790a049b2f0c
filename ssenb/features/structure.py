"""Li-specific structure descriptors used in the solid-electrolyte literature."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matminer.featurizers.base import BaseFeaturizer

from .chemistry import ANIONS
from .families import LI_SITES

if TYPE_CHECKING:
    from pymatgen.core import Structure

SPLIT_SITE_A = 1.2  # Å: closer Li positions are split sites of one Li, not neighbours
#: First neighbour-search radius (Å) for the nearest-site distances; a cell with no pair
#: within it is searched again out to its shortest cell edge, where every site's own
#: periodic image lies.
NEIGHBOR_SEARCH_A = 6.0


class LiSiteFeatures(BaseFeaturizer):
    """Li sublattice and anion-framework geometry of a structure (Å, Å³, nm⁻³).

    - shortest Li–Li distance (Å): the shortest distance between the centres of two
      Li-bearing positions, periodic images of the same position included, *whatever
      their occupancy*. Positions closer than ``SPLIT_SITE_A`` (1.2 Å) are taken as split
      positions of one Li and skipped. On an ordered cell it is the Li–Li contact. On a
      cell with partly occupied Li sites (most OBELiX CIFs: 180 of the 247 training CIFs
      with Li) it is the spacing of the Li site network, i.e. a hop length between
      neighbouring sites that are rarely occupied together, not a Li–Li contact: median
      1.83 Å there (down to the 1.2 Å cut-off) against 2.88 Å on the ordered CIFs
      (minimum 2.01 Å). Compare it only between cells of the same kind; the
      occupancy-aware features are the two densities below.
    - Li per volume (nm⁻³): Li atoms (occupancy-weighted) per cell volume.
    - Li sites per volume (nm⁻³): crystallographic Li positions per volume, ignoring
      occupancy (disordered SEs have more sites than Li: vacancies to hop into).
    - volume per anion (Å³): the anion framework's openness; larger frameworks (e.g.
      sulfides) tend to conduct better (Wang et al., Nat. Mater. 14, 1026 (2015)).
    - shortest Li–anion distance (Å): a bottleneck proxy.
    - mean nearest anion–anion distance (Å): the framework's spacing (nearest other
      anion position beyond 1.2 Å, periodic images included, averaged over positions).

    The volume per atom is the cell family's (:class:`ssenb.features.cell.CellFeatures`),
    not repeated here. Disordered structures are accepted; structures without Li or
    anions give NaN for the features that need them.
    """

    family = LI_SITES

    def featurize(self, structure: Structure) -> list[float]:
        """The six features of ``structure`` (Å, nm⁻³, Å³; NaN where Li or anions lack).

        Parameters
        ----------
        structure : pymatgen.core.Structure
            Ordered or disordered (partial occupancies are read from the sites).

        Returns
        -------
        list of float
            In the order of :meth:`feature_labels`: shortest Li–Li distance (Å), Li per
            volume (nm⁻³), Li sites per volume (nm⁻³), volume per anion (Å³), shortest
            Li–anion distance (Å), mean nearest anion–anion distance (Å).
        """
        lattice = structure.lattice
        volume = lattice.volume
        li_idx, anion_idx, li_occ, anion_occ = [], [], 0.0, 0.0
        for i, site in enumerate(structure):
            species = {
                sp.symbol if hasattr(sp, "symbol") else str(sp): occ
                for sp, occ in site.species.items()
            }
            if "Li" in species:
                li_idx.append(i)
                li_occ += species["Li"]
            an = sum(occ for el, occ in species.items() if el in ANIONS)
            if an > 0:
                anion_idx.append(i)
                anion_occ += an
        frac = structure.frac_coords
        li_li = li_an = an_an = np.nan
        if li_idx:
            li_li = float(np.nanmin(nearest_site_distances(structure, li_idx)))
        if li_idx and anion_idx:
            li_an = float(lattice.get_all_distances(frac[li_idx], frac[anion_idx]).min())
        if anion_idx:
            nearest = nearest_site_distances(structure, anion_idx)
            an_an = float(np.nanmean(nearest)) if np.isfinite(nearest).any() else np.nan
        return [
            li_li,
            1000.0 * li_occ / volume,
            1000.0 * len(li_idx) / volume,
            volume / anion_occ if anion_occ else np.nan,
            li_an,
            an_an,
        ]

    def feature_labels(self) -> list[str]:
        """Column names with units, in the order of :meth:`featurize`."""
        return [
            "shortest Li-Li distance (Å)",
            "Li per volume (nm⁻³)",
            "Li sites per volume (nm⁻³)",
            "volume per anion (Å³)",
            "shortest Li-anion distance (Å)",
            "mean nearest anion-anion distance (Å)",
        ]

    def citations(self) -> list[str]:
        """BibTeX of the design principles these features follow (Wang et al. 2015)."""
        return [
            "@article{wang2015, title={Design principles for solid-state lithium superionic conductors}, "
            "author={Wang, Yan and Richards, William Davidson and Ong, Shyue Ping and others}, "
            "journal={Nat. Mater.}, volume={14}, pages={1026--1031}, year={2015}, doi={10.1038/nmat4369}}"
        ]

    def implementors(self) -> list[str]:
        """Who wrote this featurizer."""
        return ["ssenb developers"]


def nearest_site_distances(structure: Structure, indices: list[int]) -> np.ndarray:
    """Distance (Å) from each of ``indices`` to the nearest other position of ``indices``.

    Periodic images count, the position's own images included (a cell with one Li
    position has Li–Li = its shortest lattice translation); positions closer than
    ``SPLIT_SITE_A`` are split positions and skipped. Centres only: occupancy is ignored.

    Parameters
    ----------
    structure : pymatgen.core.Structure
        Ordered or disordered.
    indices : list of int
        Site indices of the sublattice (e.g. the Li-bearing sites).

    Returns
    -------
    numpy.ndarray
        One distance per index (Å); NaN where none lies within the shortest cell edge.
    """
    chosen = np.asarray(indices, int)
    out = np.full(len(chosen), np.nan)
    sites = [structure[int(i)] for i in chosen]
    for cutoff in (NEIGHBOR_SEARCH_A, min(structure.lattice.abc) + 0.01):
        centres, points, _, dists = structure.get_neighbor_list(cutoff, sites=sites)
        ok = np.isin(points, chosen) & (dists > SPLIT_SITE_A)
        for c, d in zip(centres[ok], dists[ok]):
            if not d >= out[c]:  # NaN or farther
                out[c] = d
        if np.isfinite(out).all() or cutoff > NEIGHBOR_SEARCH_A:
            break
    return out
