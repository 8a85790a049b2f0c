"""Bond-valence site-energy (BVSE) migration landscapes and percolation barriers.

The Morse term, checked
-----------------------
softBV's bond between the mobile cation A and an anion X has the Morse-type energy
``E(R) = D0 [(exp(alpha (R_min - R)) - 1)^2 - 1]``: -D0 at R = R_min, -> 0 at large R
(Adams & Rao, Phys. Status Solidi A 208 (2011) 1746; Chen, Wong & Adams, Acta Cryst. B
75 (2019) 18), with R_min, alpha = 1/b and D0 from Chen & Adams, IUCrJ 4 (2017) 614.
ssenb's site energy counts half of each bond, ``D0/2 [...]`` (``_kernels.MORSE_SHARE``),
plus the full screened Coulomb repulsion of the other cations. Why keep the half:

- every open BVSE code built on the softBV parameters does the same with the same D0
  table (Li+-O2- 0.98816 eV): bvlain 0.25 (``BVSEPotential.Morse`` returns ``energy / 2``;
  its theory page writes D0/2), the BVSE code of the SPSE platform (He et al., Sci. Data
  7 (2020) 151, S. Adams co-author; package ``ccnb``: ``0.5 * D0`` for BVSE, while its
  older BVEL landscape uses the full D0) and bvsepath. All use f = 0.74 with this half;
  doubling the Morse part alone would shift the attraction/repulsion balance that f sets.
- the numbers (OBELiX training structures, 0.2 Å grid): with the full D0 the barriers of
  fast conductors about double, 3D: LLZO (wyu) 0.53 -> 0.86 eV, Li6PS5Cl (122) 0.33 ->
  0.60, beta-Li3PS4 (nhq) 0.37 -> 0.85, Li3N (gvd) 0.18 -> 0.36, against measured
  activation energies of 0.3-0.5 eV; and the Spearman correlation of the 3D barrier with
  measured log10 sigma over the 236 structures with a 3D path weakens from -0.53 (half)
  to -0.41 (full).
- not checked: the wording of the softBV paper itself (not reachable offline when this
  was written). If softBV's own site energy counts the full bond, ssenb's absolute
  energies are softBV's Morse part halved, and barriers differ from softBV's wherever
  the Morse term dominates; the ranking of materials is what the tests and the model use.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import keys as K
from ..data.materials import display_formula
from ..errors import InvalidInputError
from ..results import Result, fmt_number
from . import _kernels
from ._framework import (
    COULOMB_EV_A,
    MAX_CUTOFF_A,
    MOBILE_IONS,
    PAIR_TOLERANCE_EV,
    SCREENING_F,
    build_framework,
)
from .network import MAX_BARRIER_EV, MAX_SADDLE_EV, MIN_DEPTH_EV

if TYPE_CHECKING:
    from pymatgen.core import Structure

    from ._framework import Framework
    from .network import PathwayGraph

RESOLUTION_RANGE_A = (0.05, 0.5)  # allowed grid spacing, Å
MAX_GRID_POINTS = 3_000_000  # ~250 MB of working memory; a 14 Å cube at 0.1 Å
#: pair terms one grid may sum (grid points within each framework atom's cutoff sphere):
#: ~20 s at the ~2e8 terms/s measured on a 2-core machine; the largest OBELiX training
#: cell at 0.1 Å needs 2.4e8. Reached only by absurd cells (thousands of atoms piled into
#: a few Å³), where the sum would otherwise run for hours.
MAX_PAIR_TERMS = 4_000_000_000
METHOD = (
    "BVSE: softBV Morse bond terms to anions + screened Coulomb repulsion from cations "
    "(Adams & Rao 2011; Chen, Wong & Adams 2019), occupancy-weighted over disordered sites; "
    "exact periodic percolation on a 26-connected grid"
)


@dataclass(frozen=True, eq=False)
class MigrationLandscape(Result):
    """BVSE energy of one mobile ion on a grid over the cell, and its percolation barriers.

    ``energy`` (eV, relative to its minimum) has shape ``grid_shape``; voxel (i, j, k) sits
    at fractional position (i/n1, j/n2, k/n3). ``barrier_1d/2d/3d`` (eV) are the lowest
    energies above the minimum at which a connected region percolates in 1, 2, 3
    independent directions (``inf``: none below 10 eV). ``pathway`` lists the grid indices
    of the percolating region at the highest finite barrier; ``profile`` is the energy
    along a short closed path through it that winds once around the cell.
    """

    formula: str
    ion: str
    structure: Any  # pymatgen Structure
    energy: np.ndarray
    resolution: float
    barrier_1d: float
    barrier_2d: float
    barrier_3d: float
    pathway_dimension: int
    pathway: np.ndarray
    sites: Any  # DataFrame
    profile: Any  # DataFrame
    oxidation_states: dict
    parameters: dict
    method: str = METHOD
    notes: list = field(default_factory=list)

    _table = "sites"

    def __post_init__(self) -> None:  # as_dict/from_dict hand back lists
        object.__setattr__(self, "energy", np.asarray(self.energy, dtype=float))
        path = np.asarray(self.pathway, dtype=np.int64).reshape(-1, 3)
        object.__setattr__(self, "pathway", path)
        for name in ("barrier_1d", "barrier_2d", "barrier_3d"):
            object.__setattr__(self, name, float(getattr(self, name)))

    @property
    def grid_shape(self) -> tuple[int, int, int]:
        """Grid points along a, b, c."""
        return tuple(int(n) for n in self.energy.shape)  # type: ignore[return-value]

    @property
    def barriers(self) -> dict[str, float]:
        """``{"barrier_1d_eV": ..., "barrier_2d_eV": ..., "barrier_3d_eV": ...}`` (eV)."""
        return {
            K.BARRIER_1D: self.barrier_1d,
            K.BARRIER_2D: self.barrier_2d,
            K.BARRIER_3D: self.barrier_3d,
        }

    @property
    def ion_site_connectivity(self) -> float:
        """Fraction of the mobile-ion sites (by occupancy) that lie on the pathway."""
        occ = self.sites[K.OCCUPANCY].to_numpy(float)
        if occ.sum() == 0 or len(self.pathway) == 0:
            return 0.0
        return float((occ * self.sites[K.IN_PATHWAY].to_numpy(bool)).sum() / occ.sum())

    @property
    def pathway_volume_fraction(self) -> float:
        """Fraction of the cell volume in the percolating region (the free volume of the path)."""
        return float(len(self.pathway) / self.energy.size)

    def pathway_graph(
        self, *, min_depth: float = MIN_DEPTH_EV, max_saddle: float = MAX_SADDLE_EV
    ) -> PathwayGraph:
        """The sites and saddle points of this landscape as a graph (see :func:`pathway_graph`)."""
        from .network import pathway_graph

        return pathway_graph(self, min_depth=min_depth, max_saddle=max_saddle)

    def summary(self) -> list[tuple[str, str]]:
        """Barriers first, then the grid and the method's inputs."""
        return [
            ("formula", self.formula),
            ("mobile ion", f"{self.ion}{'+' * MOBILE_IONS[self.ion]}"),
            ("1D barrier", fmt_number(self.barrier_1d, "eV")),
            ("2D barrier", fmt_number(self.barrier_2d, "eV")),
            ("3D barrier", fmt_number(self.barrier_3d, "eV")),
            ("pathway dimension", str(self.pathway_dimension)),
            (
                f"{self.ion} sites on the pathway",
                fmt_number(100 * self.ion_site_connectivity, "%", digits=0),
            ),
            ("grid", " x ".join(map(str, self.grid_shape)) + f" (~{self.resolution:g} Å spacing)"),
            (
                "oxidation states",
                ", ".join(f"{k} {v:+g}" for k, v in self.oxidation_states.items()),
            ),
        ]

    def title(self) -> str:
        """``BVSE landscape of Li+ in Li3PS4``."""
        return f"BVSE landscape of {self.ion}+ in {self.formula}"

    def provenance(self) -> str:
        """Method, parameters and any caveats."""
        return "; ".join([self.method, *self.notes])


def migration_landscape(
    structure: Structure,
    ion: str = "Li",
    *,
    resolution: float = 0.1,
    max_grid_points: int = MAX_GRID_POINTS,
) -> MigrationLandscape:
    """Find how easily a mobile ion percolates through a crystal: its BVSE energy landscape.

    The bond-valence site energy of a test ion at point r is (Adams & Rao, Phys. Status
    Solidi A 208 (2011) 1746; Chen, Wong & Adams, Acta Cryst. B 75 (2019) 18, "softBV")

        E(r) = Σ_anions D0/2 [(exp(α (R_min - |r - r_X|)) - 1)² - 1]
             + Σ_cations 14.4 eV Å · q_ion q_M / sqrt(n_ion n_M) · erfc(|r - r_M| / (f (r_ion + r_M))) / |r - r_M|

    with softBV's Morse parameters (R_min, α = 1/b, D0) of Chen & Adams (IUCrJ 4 (2017)
    614), formal charges q, principal quantum numbers n, Cordero covalent radii r and the
    screening factor f = 0.74. The mobile ion's share D0/2 of each bond (see the module
    docstring for why) and the radii follow bvlain 0.25 (Dembitskiy et al.), whose
    barriers this reproduces. Terms below 1e-4 eV are cut (at most 10 Å). The mobile
    ion is removed from the framework; partially occupied sites contribute their
    occupancy-weighted terms (mean field). Barriers are exact percolation thresholds of the
    grid (no bisection): the lowest energy above the minimum at which a 26-connected region
    of the periodic grid winds around the cell in 1, 2 or 3 independent directions.

    BVSE is a static, empirical landscape: no correlated (concerted) migration, no lattice
    dynamics or relaxation, no defect chemistry. Barriers rank materials; absolute values
    are typically within ~0.1-0.2 eV of NEB/experiment for good conductors and can be far
    off for mixed sites handled in mean field.

    Parameters
    ----------
    structure : pymatgen.core.Structure
        Ordered or disordered. Oxidation states are used if present, else guessed
        (pymatgen's BVAnalyzer, then charge balance of the formula scaled to integers).
    ion : {"Li", "Na", "K", "Mg"}
        The mobile ion (charge +1, +1, +1, +2).
    resolution : float
        Target grid spacing in Å, 0.05-0.5 (default 0.1; bvlain's default is 0.2). As in
        bvlain, an axis of length L gets floor(L / resolution) - 1 distinct points, so the
        spacing is slightly above ``resolution`` and the grid is bvlain's.
    max_grid_points : int
        Refuse grids larger than this (default 3 000 000, ~250 MB of working memory).

    Returns
    -------
    MigrationLandscape
        Energies in eV, barriers in eV (``inf`` where no path percolates below 10 eV).

    Raises
    ------
    InvalidInputError
        Not a Structure, a cell with non-finite, absurd (lengths outside 0.5-200 Å, volume
        outside 1-1e6 Å³) or singular lattice, non-finite coordinates, placeholder species,
        unknown ion, resolution out of range, grid too large, or more pair terms than
        :data:`MAX_PAIR_TERMS`.
    UnsupportedMaterialError
        No mobile ion in the structure, oxidation states that cannot be guessed, species
        without softBV parameters (hydrides, unusual anions).

    Examples
    --------
    >>> from pymatgen.core import Lattice, Structure
    >>> li2o = Structure.from_spacegroup(
    ...     "Fm-3m", Lattice.cubic(4.61), ["Li", "O"], [[0.25, 0.25, 0.25], [0, 0, 0]]
    ... )
    >>> land = migration_landscape(li2o, resolution=0.2)
    >>> land.pathway_dimension, bool(0 < land.barrier_3d < 2)
    (3, True)
    """
    resolution = check_inputs(structure, resolution)
    if isinstance(max_grid_points, bool) or not isinstance(max_grid_points, int | np.integer):
        raise InvalidInputError(
            f"max_grid_points={max_grid_points!r} must be a whole number of grid points "
            f"(default {MAX_GRID_POINTS:,})"
        )
    lengths = np.asarray(structure.lattice.abc, dtype=float)
    # bvlain's grid: floor(L / resolution) points from 0 to 1 inclusive, the last one a
    # periodic copy of the first; ssenb keeps the distinct ones (spacing slightly >= resolution)
    shape = tuple(max(4, math.floor(n / resolution + 1e-9) - 1) for n in lengths)
    npts = int(np.prod(shape))
    if npts > max_grid_points:
        raise InvalidInputError(
            f"a {resolution} Å grid over this {lengths.round(2).tolist()} Å cell needs {npts:,} "
            f"points, above max_grid_points={max_grid_points:,} (~{max_grid_points * 85 // 10**6} "
            "MB). Fix: a coarser resolution (e.g. 0.2 Å), the primitive cell "
            "(structure.get_primitive_structure()), or raise max_grid_points."
        )
    frame = build_framework(structure, ion)
    terms = npts / abs(structure.lattice.volume) * float(np.sum(4 / 3 * math.pi * frame.cutoffs**3))
    if terms > MAX_PAIR_TERMS:
        raise InvalidInputError(
            f"{structure.composition.reduced_formula}: {len(frame.positions):,} framework atoms in "
            f"{structure.lattice.volume:.3g} Å³ on a {resolution} Å grid need ~{terms:.2g} pair "
            f"terms, above MAX_PAIR_TERMS={MAX_PAIR_TERMS:.0e} (ssenb.transport.landscape). "
            "Fix: check the structure (overlapping or duplicated atoms, a wrong cell), or use "
            "a coarser resolution."
        )
    energy = _kernels.energy_grid(
        shape,
        structure.lattice.matrix,
        frame.positions,
        frame.kinds,
        frame.p1,
        frame.p2,
        frame.p3,
        frame.weights,
        frame.cutoffs,
    )
    energy -= energy.min()
    return _assemble(structure, ion, resolution, energy, frame)


def check_resolution(resolution: object) -> float:
    """``resolution`` as a float (Å), refused outside :data:`RESOLUTION_RANGE_A`."""
    try:
        value = float(resolution)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InvalidInputError(f"resolution={resolution!r} must be a number in Å") from None
    lo, hi = RESOLUTION_RANGE_A
    if not lo <= value <= hi:
        raise InvalidInputError(
            f"resolution={value} Å is outside {lo}-{hi} Å: finer grids cost memory "
            f"without changing barriers, coarser ones miss saddle points. Use e.g. 0.1 or 0.2."
        )
    return value


def check_inputs(structure: object, resolution: object) -> float:
    """Refuse what no BVSE grid can be built on; return ``resolution`` as a float (Å).

    A pymatgen ``Structure`` with finite cell lengths and volume within ssenb's CIF limits
    (:data:`ssenb.data.cif.LATTICE_LENGTH_RANGE_A`, :data:`~ssenb.data.cif.VOLUME_RANGE_A3`),
    finite coordinates and real elements only; ``resolution`` within
    :data:`RESOLUTION_RANGE_A`.
    """
    from pymatgen.core import Structure

    from ..data.cif import LATTICE_LENGTH_RANGE_A, VOLUME_RANGE_A3, placeholder_species

    if not isinstance(structure, Structure):
        raise InvalidInputError(
            f"migration_landscape needs a pymatgen Structure, not {type(structure).__name__}; "
            "read a CIF with Structure.from_file(path)"
        )
    value = check_resolution(resolution)
    lengths = np.asarray(structure.lattice.abc, dtype=float)
    (lmin, lmax), (vmin, vmax) = LATTICE_LENGTH_RANGE_A, VOLUME_RANGE_A3
    if not (np.isfinite(lengths).all() and ((lengths >= lmin) & (lengths <= lmax)).all()):
        raise InvalidInputError(
            f"cell lengths {lengths.round(4).tolist()} Å: each must be a finite {lmin:g}-{lmax:g} Å "
            "(LATTICE_LENGTH_RANGE_A in ssenb.data.cif). Fix: check the lattice of the structure."
        )
    volume = abs(float(np.linalg.det(np.asarray(structure.lattice.matrix, dtype=float))))
    if not (math.isfinite(volume) and vmin <= volume <= vmax):
        raise InvalidInputError(
            f"cell volume {volume:.3g} Å³ is outside {vmin:g}-{vmax:g} Å³ (VOLUME_RANGE_A3 in "
            "ssenb.data.cif): the cell vectors are (nearly) coplanar. Fix: check the lattice angles."
        )
    if len(structure) and not np.isfinite(structure.frac_coords).all():
        raise InvalidInputError(
            "the structure has sites with NaN or infinite coordinates. Fix: check its positions."
        )
    dummies = placeholder_species(structure)
    if dummies:
        raise InvalidInputError(
            f"the structure holds placeholder species {', '.join(dummies)}, not elements; BVSE "
            "needs real elements. Fix: replace them (structure.replace_species)."
        )
    return value


def _assemble(
    structure: Structure, ion: str, resolution: float, energy: np.ndarray, frame: Framework
) -> MigrationLandscape:
    from ._pathway import pathway_and_profile

    thresholds, roots, ranks, _ = _kernels.percolate(energy, MAX_BARRIER_EV)
    b1, b2, b3 = (float(t) for t in thresholds)
    dim = int(np.isfinite(thresholds).sum())
    pathway, profile, sites = pathway_and_profile(
        structure, energy, thresholds, roots, ranks, frame.ion_sites, dim
    )
    notes = []
    if not structure.is_ordered:
        notes.append("disordered sites: occupancy-weighted (mean-field) bond terms")
    return MigrationLandscape(
        formula=display_formula(structure.composition),
        ion=ion,
        structure=structure,
        energy=energy,
        resolution=resolution,
        barrier_1d=b1,
        barrier_2d=b2,
        barrier_3d=b3,
        pathway_dimension=dim,
        pathway=pathway,
        sites=sites,
        profile=profile,
        oxidation_states=frame.oxidation_states,
        parameters={
            "resolution_A": resolution,
            "screening_f": SCREENING_F,
            "coulomb_eV_A": COULOMB_EV_A,
            "pair_tolerance_eV": PAIR_TOLERANCE_EV,
            "max_cutoff_A": MAX_CUTOFF_A,
            "max_barrier_eV": MAX_BARRIER_EV,
            "oxidation_states_from": frame.oxidation_source,
        },
        notes=notes,
    )
