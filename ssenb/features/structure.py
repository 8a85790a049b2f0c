"""Li-specific structure descriptors used in the solid-electrolyte literature."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matminer.featurizers.base import BaseFeaturizer

from .chemistry import ANIONS
from .presets import LI_SITES

if TYPE_CHECKING:
    from pymatgen.core import Structure

SPLIT_SITE_A = 1.2  # Å: closer Li positions are split sites of one Li, not neighbours


class LiSiteFeatures(BaseFeaturizer):
    """Li sublattice and anion-framework geometry of a structure (Å, Å³, nm⁻³).

    - shortest Li–Li distance (Å): hopping distance between Li sites; Li positions closer
      than 1.2 Å are treated as split positions of one site (partial occupancies).
    - Li per volume (nm⁻³): Li atoms (occupancy-weighted) per cell volume.
    - Li sites per volume (nm⁻³): crystallographic Li positions per volume, ignoring
      occupancy (disordered SEs have more sites than Li: vacancies to hop into).
    - volume per anion (Å³): the anion framework's openness; larger frameworks (e.g.
      sulfides) tend to conduct better (Wang et al., Nat. Mater. 14, 1026 (2015)).
    - shortest Li–anion distance (Å): a bottleneck proxy.
    - mean nearest anion–anion distance (Å): the framework's spacing.
    - volume per atom (Å³): occupancy-weighted, so it is defined for disordered cells.

    Disordered structures are accepted; structures without Li or anions give NaN for the
    features that need them.
    """

    family = LI_SITES

    def featurize(self, structure: Structure) -> list[float]:
        """The seven features of ``structure`` (Å, nm⁻³, Å³; NaN where Li or anions lack)."""
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
        if len(li_idx) > 1:
            d = lattice.get_all_distances(frac[li_idx], frac[li_idx])
            d = d[d > SPLIT_SITE_A]
            li_li = float(d.min()) if d.size else np.nan
        if li_idx and anion_idx:
            li_an = float(lattice.get_all_distances(frac[li_idx], frac[anion_idx]).min())
        if len(anion_idx) > 1:
            d = lattice.get_all_distances(frac[anion_idx], frac[anion_idx])
            d[d < SPLIT_SITE_A] = np.inf
            nearest = d.min(axis=1)
            an_an = (
                float(np.mean(nearest[np.isfinite(nearest)]))
                if np.isfinite(nearest).any()
                else np.nan
            )
        return [
            li_li,
            1000.0 * li_occ / volume,
            1000.0 * len(li_idx) / volume,
            volume / anion_occ if anion_occ else np.nan,
            li_an,
            an_an,
            volume / structure.composition.num_atoms,
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
            "volume per atom (Å³)",
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
