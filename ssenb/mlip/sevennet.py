"""SevenNet behind ssenb's :class:`~ssenb.mlip.Potential` protocol (weights ship in the wheel).

SevenNet (Park et al., J. Chem. Theory Comput. 20, 4857 (2024)) is an equivariant
message-passing potential trained on MPtrj. Its PyPI wheel (``sevenn``) carries the
pretrained checkpoints, so it works offline like CHGNet:

- ``"7net-0"`` (SevenNet-0, 11 Jul 2024; Matbench Discovery F1 0.72 against CHGNet 0.3.0's
  0.61), the default;
- ``"7net-l3i5"`` (SevenNet-l3i5: l_max 3, 5 interaction layers; F1 0.76, slower).

**Energy convention: raw.** SevenNet is trained on MPtrj's uncorrected GGA/GGA+U
energies (Matbench Discovery applies the MP2020 corrections after it), so its energies
are declared ``"raw"`` and ssenb adds the MP2020 corrections exactly once downstream
(:mod:`ssenb.mlip.entries`); CHGNet's energies already carry them and get none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, get_args

import numpy as np

from ..errors import UnknownNameError, UnsupportedMaterialError
from ._extra import require
from .potential import (
    Calculation,
    Potential,
    _finite,
    check_potential,
    check_structure,
    load_chgnet,
)

if TYPE_CHECKING:
    from ase.calculators.calculator import Calculator
    from pymatgen.core import Structure

SevenNetModel = Literal["7net-0", "7net-l3i5"]
SEVENNET_MODELS: tuple[str, ...] = get_args(SevenNetModel)
#: potentials that ship their weights in their wheel, by the name load_potential accepts
POTENTIAL_NAMES: tuple[str, ...] = ("chgnet", *SEVENNET_MODELS)


class SevenNetPotential:
    """SevenNet through its own ASE calculator (CPU), raw-PBE energy convention.

    Parameters
    ----------
    model_name : {"7net-0", "7net-l3i5"}
        Pretrained checkpoint shipped in the ``sevenn`` wheel.
    device : str
        "cpu" or "cuda".

    Examples
    --------
    >>> SevenNetPotential.energy_convention  # raw PBE: MP2020 corrections added once later
    'raw'
    """

    energy_convention = "raw"
    name = "SevenNet"
    #: neighbour cutoff of the shipped checkpoints (Å)
    cutoff_A = 5.0

    def __init__(self, model_name: str = "7net-0", *, device: str = "cpu") -> None:
        if model_name not in SEVENNET_MODELS:
            raise UnknownNameError(
                f"SevenNet model {model_name!r} is unknown; use one of {', '.join(SEVENNET_MODELS)}"
            )
        require("torch", "sevenn", "ase")
        from sevenn.calculator import SevenNetCalculator

        self._calc = SevenNetCalculator(model_name, device=device)
        self.model_name = model_name
        self.version = f"{model_name} (sevenn {_sevenn_version()})"
        self.device = device
        self._known = frozenset(int(z) for z in self._calc.type_map)

    def _check(self, structure: Structure) -> None:
        check_structure(structure, cutoff_A=self.cutoff_A)
        bad = sorted(
            {el.symbol for el in structure.composition.elements if el.Z not in self._known}
        )
        if bad:
            raise UnsupportedMaterialError(
                f"SevenNet {self.model_name} was trained on 89 elements of MPtrj, not "
                f"{', '.join(bad)}: use another potential for this structure"
            )

    def calculate(self, structure: Structure) -> Calculation:
        """Single point: energy (eV, raw PBE), forces (eV/Å), stress (GPa, ASE's sign).

        Parameters
        ----------
        structure : pymatgen Structure
            Ordered, at most :data:`~ssenb.mlip.potential.MAX_ATOMS` sites, elements of MPtrj.

        Returns
        -------
        Calculation
        """
        self._check(structure)
        from ase import units
        from pymatgen.io.ase import AseAtomsAdaptor

        atoms = AseAtomsAdaptor.get_atoms(structure)
        atoms.calc = self._calc
        energy = _finite(float(atoms.get_potential_energy()), structure)
        forces = np.asarray(atoms.get_forces(), dtype=float)
        stress = np.asarray(atoms.get_stress(voigt=False), dtype=float) / units.GPa
        return Calculation(energy_eV=energy, forces_eV_A=forces, stress_GPa=stress)

    def ase_calculator(self) -> Calculator:
        """SevenNet's own ASE calculator (energy eV, forces eV/Å, stress eV/Å³)."""
        return self._calc

    def __repr__(self) -> str:
        return f"SevenNetPotential(model_name={self.model_name!r}, device={self.device!r})"


def _sevenn_version() -> str:
    from importlib.metadata import version

    return version("sevenn")


_SEVENNET: dict[str, SevenNetPotential] = {}


def load_sevennet(model_name: SevenNetModel = "7net-0") -> SevenNetPotential:
    """SevenNet, loaded once per process (about 15 s on a busy CPU the first time).

    Parameters
    ----------
    model_name : {"7net-0", "7net-l3i5"}

    Returns
    -------
    SevenNetPotential
        The same object on every call with the same ``model_name``.

    Raises
    ------
    UnknownNameError
        ``model_name`` is not a shipped checkpoint.
    MissingExtraError
        ``sevenn`` (or torch, ASE) is not installed: ``pip install "ssenb[mlip]"``.
    """
    if model_name not in _SEVENNET:
        _SEVENNET[model_name] = SevenNetPotential(model_name)
    return _SEVENNET[model_name]


def load_potential(potential: object) -> Potential:
    """A potential from a shipped name (``"chgnet"``, ``"7net-0"``, ``"7net-l3i5"``) or as given.

    Parameters
    ----------
    potential : Potential, str or None
        None: CHGNet 0.3.0 (as :func:`~ssenb.mlip.potential.check_potential`).

    Returns
    -------
    Potential

    Raises
    ------
    UnknownNameError
        A name that is not in :data:`POTENTIAL_NAMES`.

    Examples
    --------
    >>> load_potential("mace")
    Traceback (most recent call last):
    ...
    ssenb.errors.UnknownNameError: potential='mace' is unknown; use one of chgnet, 7net-0, 7net-l3i5 or pass a Potential object
    """
    if isinstance(potential, str):
        if potential not in POTENTIAL_NAMES:
            raise UnknownNameError(
                f"potential={potential!r} is unknown; use one of {', '.join(POTENTIAL_NAMES)} "
                "or pass a Potential object"
            )
        if potential == "chgnet":
            return load_chgnet()
        return load_sevennet(potential)  # type: ignore[arg-type]  # checked just above
    return check_potential(potential)


__all__ = [
    "POTENTIAL_NAMES",
    "SEVENNET_MODELS",
    "SevenNetModel",
    "SevenNetPotential",
    "load_potential",
    "load_sevennet",
]
