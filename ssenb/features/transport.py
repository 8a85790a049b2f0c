"""Transport features from the BVSE landscape: barriers, pathway dimension, connectivity."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from matminer.featurizers.base import BaseFeaturizer

from .. import keys as K
from ..errors import InvalidInputError, SsenbError
from .families import TRANSPORT

if TYPE_CHECKING:
    from pymatgen.core import Structure

NO_PATH_EV = 10.0  # a barrier with no percolating path below 10 eV is reported as 10 eV


class TransportFeatures(BaseFeaturizer):
    """Bond-valence site-energy (BVSE) migration features of the mobile ion.

    - 1D, 2D, 3D migration barrier (eV): the energy above the landscape minimum at which
      a connected region of the BVSE landscape percolates in 1, 2, 3 directions
      (:func:`ssenb.transport.migration_landscape`). No path below 10 eV is reported as
      10 eV (the search cap), so models get a finite "very high" value, not inf.
    - pathway dimension (0-3): how many independent directions percolate below 10 eV.
    - ion-site connectivity (0-1): occupancy-weighted fraction of the mobile-ion sites that
      lie on the percolating pathway (sites BVSE places off the path count against it).
    - pathway volume fraction (0-1): free volume along the path, the fraction of the cell
      volume inside the percolating region at its barrier energy.

    Where BVSE cannot be computed (no mobile ion, no softBV parameters such as hydrides,
    oxidation states that cannot be guessed, cells above the grid limit) every feature is
    NaN, so models treat it as missing; :attr:`last_error` says why.

    Parameters
    ----------
    ion : {"Li", "Na", "K", "Mg"}
    resolution : float
        Grid spacing in Å (default 0.2, as bvlain; see :func:`migration_barriers`).

    Examples
    --------
    >>> from pymatgen.core import Lattice, Structure
    >>> li2o = Structure.from_spacegroup(
    ...     "Fm-3m", Lattice.cubic(4.61), ["Li", "O"], [[0.25, 0.25, 0.25], [0, 0, 0]]
    ... )
    >>> f = TransportFeatures()
    >>> dict(zip(f.feature_labels(), f.featurize(li2o)))["pathway dimension"]
    3.0
    """

    family = TRANSPORT

    def __init__(self, ion: str = "Li", resolution: float = 0.2) -> None:
        self.ion = ion
        self.resolution = resolution
        self.last_error: str | None = None

    def featurize(self, structure: Structure) -> list[float]:
        """Six numbers (eV, eV, eV, -, -, -); NaN where BVSE cannot treat the structure."""
        from ..transport import BVSE_IONS, barrier_row

        if self.ion not in BVSE_IONS:  # a wrong argument, not a property of the material
            raise InvalidInputError(
                f"TransportFeatures(ion={self.ion!r}): use one of {', '.join(BVSE_IONS)}"
            )
        try:
            row = barrier_row(structure, self.ion, resolution=self.resolution)
        except SsenbError as err:
            self.last_error = str(err)
            return [math.nan] * len(self.feature_labels())
        self.last_error = None
        barriers = [
            min(float(row[c]), NO_PATH_EV) for c in (K.BARRIER_1D, K.BARRIER_2D, K.BARRIER_3D)
        ]
        return [
            *barriers,
            float(row[K.PATHWAY_DIMENSION]),
            float(row[K.ION_SITE_CONNECTIVITY]),
            float(row[K.PATHWAY_VOLUME_FRACTION]),
        ]

    def feature_labels(self) -> list[str]:
        """Readable names with units."""
        return [
            f"1D {self.ion} migration barrier, BVSE (eV)",
            f"2D {self.ion} migration barrier, BVSE (eV)",
            f"3D {self.ion} migration barrier, BVSE (eV)",
            "pathway dimension",
            f"{self.ion}-site connectivity",
            "pathway volume fraction",
        ]

    def citations(self) -> list[str]:
        """BVSE method and parameters (BibTeX)."""
        return [
            "@article{adams2011bvse, author={Adams, Stefan and Rao, R. Prasada}, "
            "title={High power lithium ion battery materials by computational design}, "
            "journal={Physica Status Solidi A}, volume={208}, pages={1746--1753}, year={2011}}",
            "@article{chen2019softbv, author={Chen, Haomin and Wong, Lee Loong and Adams, "
            "Stefan}, title={SoftBV - a software tool for screening the materials genome of "
            "inorganic fast ion conductors}, journal={Acta Crystallographica B}, volume={75}, "
            "pages={18--33}, year={2019}}",
            "@article{chen2017softbvparams, author={Chen, Haomin and Adams, Stefan}, "
            "title={Bond softness sensitive bond-valence parameters for crystal structure "
            "plausibility tests}, journal={IUCrJ}, volume={4}, pages={614--625}, year={2017}}",
        ]

    def implementors(self) -> list[str]:
        """Who wrote this featurizer."""
        return ["ssenb developers (BVSE after bvlain 0.25 by A. Dembitskiy)"]


__all__ = ["NO_PATH_EV", "TransportFeatures"]
