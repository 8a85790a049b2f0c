"""Cell dimensions and symmetry: descriptive context, known for most OBELiX rows.

OBELiX gives lattice constants and the space group for every row, also where no CIF is
shipped, so these features reach twice as many rows as the structure presets. They
describe a crystal; they are not a conduction mechanism, and their family says so.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from .families import CELL

if TYPE_CHECKING:
    from collections.abc import Iterable

    from pymatgen.core import Structure


class CellRecord(NamedTuple):
    """Lattice constants (Å, degrees), space group number and atoms per cell (NaN if unknown)."""

    a: float
    b: float
    c: float
    alpha: float
    beta: float
    gamma: float
    space_group_number: float
    n_atoms: float

    @classmethod
    def from_structure(cls, structure: Structure) -> CellRecord:
        """From a pymatgen Structure (space group by spglib at symprec 0.1 Å; NaN if it fails)."""
        try:
            from pymatgen.symmetry.analyzer import SpacegroupAnalyzer

            sg = float(SpacegroupAnalyzer(structure, symprec=0.1).get_space_group_number())
        except Exception:  # spglib fails on some disordered cells: space group unknown
            sg = math.nan
        lat = structure.lattice
        a, b, c = lat.abc
        alpha, beta, gamma = lat.angles
        return cls(a, b, c, alpha, beta, gamma, sg, float(structure.composition.num_atoms))

    @classmethod
    def from_row(cls, row: Any) -> CellRecord | None:
        """From an OBELiX-like row, falling back to its ``structure``; None without either.

        The row gives a, b, c (Å), alpha, beta, gamma (°), space_group_number and
        true_composition (for atoms per cell).
        """
        from .. import keys as K

        get = row.get if hasattr(row, "get") else lambda k, d=None: getattr(row, k, d)
        values = [get(c) for c in ("a", "b", "c", "alpha", "beta", "gamma")]
        if all(v is not None and _finite(v) for v in values):
            sg = get(K.SPACE_GROUP_NUMBER)
            comp = get(K.TRUE_COMPOSITION)
            n_atoms = (
                float(comp.num_atoms)
                if comp is not None and hasattr(comp, "num_atoms")
                else math.nan
            )
            a, b, c, alpha, beta, gamma = (float(v) for v in values)
            sg_number = float(sg) if _finite(sg) else math.nan
            return cls(a, b, c, alpha, beta, gamma, sg_number, n_atoms)
        structure = get(K.STRUCTURE)
        if structure is not None and hasattr(structure, "lattice"):
            return cls.from_structure(structure)
        return None


def _finite(value: Any) -> bool:
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def cell_volume(a: float, b: float, c: float, alpha: float, beta: float, gamma: float) -> float:
    """Triclinic cell volume (Å³) from lattice constants (Å, degrees)."""
    ca, cb, cg = (math.cos(math.radians(x)) for x in (alpha, beta, gamma))
    return a * b * c * math.sqrt(max(1 - ca**2 - cb**2 - cg**2 + 2 * ca * cb * cg, 0.0))


class CellFeatures:
    """Space group number, a, b, c (Å), α, β, γ (°) and cell volume per atom (Å³).

    The cell volume per atom is the package's one volume-per-atom feature (the Li-site
    family, :class:`ssenb.features.structure.LiSiteFeatures`, does not repeat it). Atoms
    are counted with their occupancies (OBELiX's ``true_composition``, or a Structure's
    composition), so it is defined for disordered cells.

    Takes a :class:`CellRecord` (or a Structure). Follows matminer's featurizer contract
    without subclassing it, so importing ssenb does not import matminer.
    """

    family = CELL

    def featurize(self, record: CellRecord | Structure) -> list[float]:
        """The eight features of a cell record or Structure (Å, °, Å³ per atom)."""
        if hasattr(record, "lattice"):
            record = CellRecord.from_structure(cast("Structure", record))  # duck-typed
        volume = cell_volume(record.a, record.b, record.c, record.alpha, record.beta, record.gamma)
        per_atom = (
            volume / record.n_atoms if record.n_atoms and _finite(record.n_atoms) else math.nan
        )
        return [
            record.space_group_number,
            record.a,
            record.b,
            record.c,
            record.alpha,
            record.beta,
            record.gamma,
            per_atom,
        ]

    def featurize_many(
        self, records: Iterable[CellRecord | Structure], **_: Any
    ) -> list[list[float]]:
        """One feature row per record (matminer's batch call; its options are not needed)."""
        return [self.featurize(r) for r in records]

    def feature_labels(self) -> list[str]:
        """Column names with units, in the order of :meth:`featurize`."""
        return [
            "space group number",
            "a (Å)",
            "b (Å)",
            "c (Å)",
            "alpha (°)",
            "beta (°)",
            "gamma (°)",
            "cell volume per atom (Å³)",
        ]

    def citations(self) -> list[str]:
        """BibTeX of the data (OBELiX) and the symmetry finder (spglib)."""
        return [
            "@article{therrien2025obelix, title={OBELiX: A Curated Dataset of Crystal Structures and "
            "Experimentally Measured Ionic Conductivities for Lithium Solid-State Electrolytes}, "
            "author={Therrien, F{\\'e}lix and others}, journal={arXiv:2502.14234}, year={2025}}",
            "@article{togo2024spglib, title={Spglib: a software library for crystal symmetry search}, "
            "author={Togo, Atsushi and Shinohara, Kohei and Tanaka, Isao}, journal={Sci. Technol. Adv. "
            "Mater. Meth.}, volume={4}, pages={2384822}, year={2024}}",
        ]

    def implementors(self) -> list[str]:
        """Who wrote this featurizer."""
        return ["ssenb developers"]


__all__ = ["CellFeatures", "CellRecord", "cell_volume"]
