"""Interatomic potentials behind one small protocol, so any of them can stand in for CHGNet.

A :class:`Potential` gives the energy (eV), forces (eV/Å) and stress (GPa) of a pymatgen
``Structure`` and says which energy convention it predicts: ``"MP2020-corrected"``
(CHGNet, trained on MPtrj energies that already carry the MP2020 corrections) or
``"raw"`` (SevenNet-0, MACE-MP: uncorrected GGA/GGA+U-like energies). ssenb applies the
MP2020 corrections exactly once on top of the raw kind and never on the corrected kind.

CHGNet (Deng et al., Nat. Mach. Intell. 5, 1031 (2023)) is built in: its weights ship in
the ``chgnet`` wheel, so it works offline. Any other model plugs in by providing the three
attributes and ``calculate`` (and, optionally, ``ase_calculator()`` for faster relaxations).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol, cast, runtime_checkable

import numpy as np

from ..errors import InvalidInputError, UnsupportedMaterialError
from ._extra import require

if TYPE_CHECKING:
    from ase.calculators.calculator import Calculator
    from chgnet.model import CHGNet
    from pymatgen.core import Structure

EnergyConvention = Literal["MP2020-corrected", "raw"]
CONVENTIONS: tuple[str, ...] = ("MP2020-corrected", "raw")

#: largest cell (sites) a single point or relaxation accepts; bounds the CPU time
MAX_ATOMS = 200
#: closer than this (Å) two atoms are one position counted twice (the shortest real
#: bond, H-H, is 0.74 Å)
MIN_DISTANCE_A = 0.5
#: neighbour cutoff (Å) assumed for a potential that does not state its ``cutoff_A``
DEFAULT_CUTOFF_A = 5.0


@dataclass(frozen=True)
class Calculation:
    """One single point: total energy (eV), forces (eV/Å, n×3), stress (GPa, 3×3).

    Stress follows ASE's sign convention (σ = (1/V) ∂E/∂ε: negative under compression).
    """

    energy_eV: float
    forces_eV_A: np.ndarray
    stress_GPa: np.ndarray


@runtime_checkable
class Potential(Protocol):
    """What ssenb needs from an interatomic potential.

    Attributes
    ----------
    name, version : str
        Shown in every result that uses the potential ("CHGNet", "0.3.0").
    energy_convention : {"MP2020-corrected", "raw"}
        Whether predicted energies already include the MP2020 corrections.
    """

    name: str
    version: str
    energy_convention: str

    def calculate(self, structure: Structure) -> Calculation:
        """Energy (eV), forces (eV/Å) and stress (GPa) of a pymatgen Structure."""
        ...


def label(potential: Potential) -> str:
    """The name every MLIP energy carries, so no result hides which potential made it.

    Parameters
    ----------
    potential : Potential

    Returns
    -------
    str
        E.g. ``"CHGNet 0.3.0 (MLIP, MP2020-compatible)"``.
    """
    kind = "MP2020-compatible" if potential.energy_convention == CONVENTIONS[0] else "raw"
    return f"{potential.name} {potential.version} (MLIP, {kind})"


def check_potential(potential: object) -> Potential:
    """The potential to use: ``potential`` if it follows :class:`Potential`, else a clear error.

    Parameters
    ----------
    potential : Potential or None
        None loads CHGNet 0.3.0 (:func:`load_chgnet`); a shipped potential by name:
        :func:`ssenb.mlip.sevennet.load_potential`.

    Returns
    -------
    Potential

    Raises
    ------
    InvalidInputError
        When ``potential`` lacks the protocol's attributes or names an unknown convention.
    """
    if potential is None:
        return load_chgnet()
    if not isinstance(potential, Potential):
        raise InvalidInputError(
            f"potential={potential!r} does not follow ssenb.mlip.Potential: it needs name, "
            "version, energy_convention and calculate(structure)"
        )
    if potential.energy_convention not in CONVENTIONS:
        raise InvalidInputError(
            f"{potential.name}.energy_convention={potential.energy_convention!r}; use one of "
            f"{CONVENTIONS}"
        )
    return potential


class CHGNetPotential:
    """CHGNet through its own model and ASE calculator (CPU unless ``device`` says otherwise).

    Parameters
    ----------
    model_name : str
        Pretrained weights shipped in the ``chgnet`` wheel ("0.3.0" is its default).
    device : str
        "cpu" or "cuda".

    Examples
    --------
    >>> from pymatgen.core import Lattice, Structure
    >>> pot = CHGNetPotential()  # doctest: +SKIP
    >>> pot.calculate(Structure(Lattice.cubic(4.2), ["Li", "F"], [[0, 0, 0], [0.5, 0.5, 0.5]]))  # doctest: +SKIP
    """

    energy_convention = "MP2020-corrected"
    name = "CHGNet"

    def __init__(self, model_name: str = "0.3.0", *, device: str = "cpu") -> None:
        require("torch", "chgnet", "ase")
        from chgnet.model import CHGNet

        self.model: CHGNet = CHGNet.load(model_name=model_name, use_device=device, verbose=False)
        self.version = str(self.model.version or model_name)
        self.device = device
        # elements CHGNet was trained on: atomic numbers 1..94
        self._max_z = 94
        #: neighbour cutoff of CHGNet's atom graph (Å)
        self.cutoff_A = float(getattr(self.model.graph_converter, "atom_graph_cutoff", 6.0))

    def _check(self, structure: Structure) -> None:
        check_structure(structure, cutoff_A=cutoff_of(self))
        bad = sorted({el.symbol for el in structure.composition.elements if el.Z > self._max_z})
        if bad:
            raise UnsupportedMaterialError(
                f"CHGNet {self.version} knows elements H to Pu (Z ≤ 94), not {', '.join(bad)}"
            )

    def calculate(self, structure: Structure) -> Calculation:
        """Single point: energy (eV), forces (eV/Å), stress (GPa).

        Parameters
        ----------
        structure : pymatgen Structure
            Ordered, at most :data:`MAX_ATOMS` sites, elements H to Pu.

        Returns
        -------
        Calculation
        """
        self._check(structure)
        # one structure in, one dict of tensors out (CHGNet's return type covers both cases)
        out = cast("dict[str, Any]", self.model.predict_structure(structure, task="efs"))
        return Calculation(
            energy_eV=_finite(float(out["e"]) * len(structure), structure),
            forces_eV_A=np.asarray(out["f"], dtype=float),
            stress_GPa=np.asarray(out["s"], dtype=float),
        )

    def energies(self, structures: list[Structure], *, batch_size: int = 16) -> list[float]:
        """Total energies (eV) of many structures in batches (much faster than one by one).

        Parameters
        ----------
        structures : list of pymatgen Structure
        batch_size : int
            Structures per CHGNet batch.

        Returns
        -------
        list of float
            Total energy of each structure (eV, MP2020-compatible).
        """
        for s in structures:
            self._check(s)
        out = self.model.predict_structure(list(structures), task="e", batch_size=batch_size)
        if isinstance(out, dict):  # chgnet unwraps a list of one
            out = [out]
        return [_finite(float(o["e"]) * len(s), s) for o, s in zip(out, structures)]

    def ase_calculator(self) -> Calculator:
        """CHGNet's own ASE calculator, faster in relaxations than a generic adapter.

        Returns
        -------
        ase.calculators.calculator.Calculator
            Energy (eV), forces (eV/Å), stress (eV/Å³).
        """
        from chgnet.model.dynamics import CHGNetCalculator

        return CHGNetCalculator(model=self.model, use_device=self.device)

    def __repr__(self) -> str:
        return f"CHGNetPotential(version={self.version!r}, device={self.device!r})"


#: largest |potential energy| (eV/atom) taken as an energy: universal potentials give about
#: -1 to -12 eV/atom; a larger one is an energy per cell or a model gone wrong
MAX_ABS_ENERGY_EV_ATOM = 100.0


def _finite(energy_eV: float, structure: Structure) -> float:
    """A potential's energy, or an error where it gave NaN/inf or no energy per atom can be.

    Never a silent NaN, and never a 1e300 eV cell whose differences cancel to 0.
    """
    if not np.isfinite(energy_eV):
        raise UnsupportedMaterialError(
            f"the potential gave energy {energy_eV} eV for "
            f"{structure.composition.reduced_formula} although the structure passed "
            "check_structure; check the cell by eye"
        )
    if abs(energy_eV) > MAX_ABS_ENERGY_EV_ATOM * max(len(structure), 1):
        raise UnsupportedMaterialError(
            f"the potential gave {energy_eV:.4g} eV for the {len(structure)} atoms of "
            f"{structure.composition.reduced_formula}, more than {MAX_ABS_ENERGY_EV_ATOM:g} "
            "eV/atom in size: no potential energy is that large; check the potential"
        )
    return energy_eV


_CHGNET: dict[str, CHGNetPotential] = {}


def load_chgnet(model_name: str = "0.3.0") -> CHGNetPotential:
    """The CHGNet potential, loaded once per process (about 5–10 s on a busy CPU).

    Parameters
    ----------
    model_name : str
        Pretrained weights shipped in the ``chgnet`` wheel.

    Returns
    -------
    CHGNetPotential
        The same object on every call with the same ``model_name``.
    """
    if model_name not in _CHGNET:
        _CHGNET[model_name] = CHGNetPotential(model_name)
    return _CHGNET[model_name]


def cutoff_of(potential: object) -> float:
    """The radius (Å) within which ``potential`` sees neighbours: its ``cutoff_A``, else 5 Å.

    5 Å is the smallest cutoff of the common universal potentials (SevenNet-0 5 Å;
    CHGNet and MACE-MP 6 Å), so an atom alone within it is alone for all of them.
    """
    cutoff = getattr(potential, "cutoff_A", None)
    return float(cutoff) if isinstance(cutoff, int | float) and cutoff > 0 else DEFAULT_CUTOFF_A


def ordered_structure(
    structure: object,
    name: str = "",
    *,
    needs: str = "a potential needs an ordered cell",
    how: str = "ssenb.mlip.substitute does",
) -> Structure:
    """``structure`` if it is an ordered pymatgen Structure; else ssenb's error saying why.

    One check for every mlip input that must be an ordered cell (a potential's, an
    interface's); ``name`` names the argument, ``needs`` says what needs the order and
    ``how`` how to order it.

    Raises
    ------
    InvalidInputError
        Not a ``Structure``.
    UnsupportedMaterialError
        A disordered structure (partial occupancies).
    """
    from pymatgen.core import Structure

    if not isinstance(structure, Structure):
        what = f"{name} must be a pymatgen Structure" if name else "expected a pymatgen Structure"
        raise InvalidInputError(
            f"{what}, got {type(structure).__name__}; parse a CIF with "
            "ssenb.data.parse_cif or pymatgen.core.Structure.from_file"
        )
    if not structure.is_ordered:
        formula = structure.composition.reduced_formula
        raise UnsupportedMaterialError(
            f"{f'{name} ' if name else ''}{formula} is disordered (partial occupancies); "
            f"{needs}: order it first ({how})"
        )
    return structure


def check_structure(structure: object, *, cutoff_A: float | None = None) -> None:
    """Refuse what no potential can take before any time is spent on it.

    A potential given two atoms on one spot, a NaN coordinate or an atom with no
    neighbour within its cutoff does not fail: it returns NaN or a meaningless energy
    (CHGNet: ``energy_eV = nan`` for overlapping atoms). Every entry point of
    :mod:`ssenb.mlip` (a single point, a relaxation, entry energies, substitutions)
    checks its structures here first.

    Parameters
    ----------
    structure : pymatgen Structure
        Ordered, at most :data:`MAX_ATOMS` sites, finite coordinates and lattice, no two
        atoms closer than :data:`MIN_DISTANCE_A`, every atom with a neighbour (or its own
        periodic image) within the cutoff.
    cutoff_A : float, optional
        The potential's neighbour cutoff (Å; :func:`cutoff_of`); default 5 Å.

    Raises
    ------
    InvalidInputError
        Not a ``Structure``, more than :data:`MAX_ATOMS` sites, a NaN or infinite
        coordinate or lattice, overlapping atoms, or an atom isolated by vacuum.
    UnsupportedMaterialError
        A disordered structure (partial occupancies).

    Examples
    --------
    >>> from pymatgen.core import Lattice, Structure
    >>> check_structure(Structure(Lattice.cubic(30), ["Li"], [[0, 0, 0]]))
    Traceback (most recent call last):
    ...
    ssenb.errors.InvalidInputError: Li: atom 0 (Li) has no neighbour within 5.0 Å ...
    """
    structure = ordered_structure(structure)
    if len(structure) > MAX_ATOMS:
        raise InvalidInputError(
            f"structure has {len(structure)} sites; ssenb.mlip works on cells of at most "
            f"{MAX_ATOMS} sites on CPU (use a smaller cell or a GPU and call the model directly)"
        )
    _check_geometry(structure, DEFAULT_CUTOFF_A if cutoff_A is None else float(cutoff_A))


def _check_geometry(structure: Structure, cutoff: float) -> None:
    """NaN coordinates, overlapping atoms and vacuum-isolated atoms (see check_structure)."""
    formula = structure.composition.reduced_formula
    matrix = structure.lattice.matrix
    if not (np.isfinite(matrix).all() and np.isfinite(structure.frac_coords).all()):
        bad = [i for i, f in enumerate(structure.frac_coords) if not np.isfinite(f).all()]
        where = f"site {bad[0]} ({structure[bad[0]].specie}) has" if bad else "the lattice has"
        raise InvalidInputError(
            f"{formula}: {where} a NaN or infinite coordinate; fix the structure (a CIF with "
            "'?' or '.' coordinates, or a failed relaxation, gives these)"
        )
    if not abs(structure.volume) > 1e-6:
        raise InvalidInputError(f"{formula}: the lattice has no volume ({structure.volume} Å³)")
    centers, neighbors, _, distances = structure.get_neighbor_list(r=max(cutoff, MIN_DISTANCE_A))
    close = distances < MIN_DISTANCE_A
    if close.any():
        i, j, d = int(centers[close][0]), int(neighbors[close][0]), float(distances[close][0])
        raise InvalidInputError(
            f"{formula}: atoms {i} ({structure[i].specie}) and {j} ({structure[j].specie}) are "
            f"{d:.3f} Å apart, closer than {MIN_DISTANCE_A} Å: two atoms on one position "
            "(a duplicated site?); a potential gives NaN or nonsense there. Remove the "
            "duplicate (Structure.merge_sites(mode='delete'))"
        )
    alone = sorted(set(range(len(structure))) - set(centers[distances <= cutoff].tolist()))
    if alone:
        i = alone[0]
        raise InvalidInputError(
            f"{formula}: atom {i} ({structure[i].specie}) has no neighbour within {cutoff} Å "
            f"(the potential's cutoff; {len(alone)} such atoms): it sits in vacuum, where the "
            "potential's energy means nothing. Use the bulk cell, or less vacuum"
        )


def energies(potential: Potential, structures: list[Structure]) -> list[float]:
    """Total energies (eV) by the fastest route: the potential's batch method, else one by one.

    Parameters
    ----------
    potential : Potential
    structures : list of pymatgen Structure

    Returns
    -------
    list of float
        Total energy of each structure (eV, in the potential's convention).
    """
    cutoff = cutoff_of(potential)
    for s in structures:  # every entry point's structures, before the potential runs
        check_structure(s, cutoff_A=cutoff)
    if hasattr(potential, "energies"):
        return list(potential.energies(structures))
    return [potential.calculate(s).energy_eV for s in structures]


__all__ = [
    "CONVENTIONS",
    "DEFAULT_CUTOFF_A",
    "MAX_ATOMS",
    "MIN_DISTANCE_A",
    "CHGNetPotential",
    "Calculation",
    "EnergyConvention",
    "Potential",
    "check_potential",
    "check_structure",
    "cutoff_of",
    "energies",
    "label",
    "load_chgnet",
]
