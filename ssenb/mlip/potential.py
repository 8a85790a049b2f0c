"""Interatomic potentials behind one small protocol, and relaxation with any of them.

A :class:`Potential` gives the energy (eV), forces (eV/Å) and stress (GPa) of a pymatgen
``Structure`` and says which energy convention it predicts: ``"MP2020-corrected"``
(CHGNet, trained on MPtrj energies that already carry the MP2020 corrections) or
``"raw"`` (SevenNet-0, MACE-MP: uncorrected GGA/GGA+U-like energies). ssenb applies the
MP2020 corrections exactly once on top of the raw kind and never on the corrected kind.

CHGNet (Deng et al., Nat. Mach. Intell. 5, 1031 (2023)) is built in: its weights ship in
the ``chgnet`` wheel, so it works offline. Any other model plugs in by providing the four
attributes and ``calculate`` (and, optionally, ``ase_calculator()`` for faster relaxations).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np

from ..errors import InvalidInputError, UnsupportedMaterialError
from ..results import Result, fmt_number
from ._extra import require

EnergyConvention = Literal["MP2020-corrected", "raw"]
CONVENTIONS: tuple[str, ...] = ("MP2020-corrected", "raw")

#: largest cell (sites) a single point or relaxation accepts; bounds the CPU time
MAX_ATOMS = 200
#: largest number of optimizer steps a relaxation may take
MAX_STEPS = 2000


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

    def calculate(self, structure) -> Calculation:
        """Energy (eV), forces (eV/Å) and stress (GPa) of a pymatgen Structure."""
        ...


def label(potential: Any) -> str:
    """``"CHGNet 0.3.0 (MLIP, MP2020-compatible)"``: the name every MLIP energy carries."""
    kind = "MP2020-compatible" if potential.energy_convention == CONVENTIONS[0] else "raw"
    return f"{potential.name} {potential.version} (MLIP, {kind})"


def check_potential(potential: Any) -> Any:
    """``potential`` if it follows :class:`Potential`, else a clear error; None -> CHGNet."""
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

        self.model = CHGNet.load(model_name=model_name, use_device=device, verbose=False)
        self.version = str(self.model.version or model_name)
        self.device = device
        # elements CHGNet was trained on: atomic numbers 1..94
        self._max_z = 94

    def _check(self, structure) -> None:
        _check_structure(structure)
        bad = sorted({el.symbol for el in structure.composition.elements if el.Z > self._max_z})
        if bad:
            raise UnsupportedMaterialError(
                f"CHGNet {self.version} knows elements H to Pu (Z ≤ 94), not {', '.join(bad)}"
            )

    def calculate(self, structure) -> Calculation:
        """Single point: energy (eV), forces (eV/Å), stress (GPa)."""
        self._check(structure)
        out = self.model.predict_structure(structure, task="efs")
        return Calculation(
            energy_eV=float(out["e"]) * len(structure),
            forces_eV_A=np.asarray(out["f"], dtype=float),
            stress_GPa=np.asarray(out["s"], dtype=float),
        )

    def energies(self, structures: list, *, batch_size: int = 16) -> list[float]:
        """Total energies (eV) of many structures in batches (much faster than one by one)."""
        for s in structures:
            self._check(s)
        out = self.model.predict_structure(list(structures), task="e", batch_size=batch_size)
        if isinstance(out, dict):  # chgnet unwraps a list of one
            out = [out]
        return [float(o["e"]) * len(s) for o, s in zip(out, structures)]

    def ase_calculator(self):
        """CHGNet's ASE calculator (energy eV, forces eV/Å, stress eV/Å³)."""
        from chgnet.model.dynamics import CHGNetCalculator

        return CHGNetCalculator(model=self.model, use_device=self.device)

    def __repr__(self) -> str:
        return f"CHGNetPotential(version={self.version!r}, device={self.device!r})"


_CHGNET: dict[str, CHGNetPotential] = {}


def load_chgnet(model_name: str = "0.3.0") -> CHGNetPotential:
    """The CHGNet potential, loaded once per process (about 5–10 s on a busy CPU)."""
    if model_name not in _CHGNET:
        _CHGNET[model_name] = CHGNetPotential(model_name)
    return _CHGNET[model_name]


def _check_structure(structure) -> None:
    from pymatgen.core import Structure

    if not isinstance(structure, Structure):
        raise InvalidInputError(
            f"expected a pymatgen Structure, got {type(structure).__name__}; parse a CIF with "
            "ssenb.data.parse_cif or pymatgen.core.Structure.from_file"
        )
    if not structure.is_ordered:
        raise UnsupportedMaterialError(
            f"{structure.composition.reduced_formula} is disordered (partial occupancies); a "
            "potential needs an ordered cell: order it first (ssenb.mlip.substitute does)"
        )
    if len(structure) > MAX_ATOMS:
        raise InvalidInputError(
            f"structure has {len(structure)} sites; ssenb.mlip works on cells of at most "
            f"{MAX_ATOMS} sites on CPU (use a smaller cell or a GPU and call the model directly)"
        )


def energies(potential: Any, structures: list) -> list[float]:
    """Total energies (eV): the potential's batch method if it has one, else one by one."""
    if hasattr(potential, "energies"):
        return list(potential.energies(structures))
    return [potential.calculate(s).energy_eV for s in structures]


@dataclass(frozen=True, eq=False)
class Relaxation(Result):
    """A relaxed structure and whether the optimizer actually converged.

    Attributes
    ----------
    structure : pymatgen Structure
        The last structure the optimizer reached.
    energy_eV : float
        Total energy of that structure (eV, the potential's convention). NaN when the
        relaxation did not converge: an unconverged energy is never reported as a result.
    last_energy_eV : float
        Energy of the last step whether converged or not (eV), for diagnosis only.
    max_force_eV_A : float
        Largest atomic force at the end (eV/Å).
    n_steps : int
    converged : bool
        True when max force ≤ ``fmax`` (and, with a relaxing cell, the cell forces too)
        within ``steps`` steps.
    fmax_eV_A : float
    potential : str
    """

    structure: Any
    energy_eV: float
    last_energy_eV: float
    max_force_eV_A: float
    n_steps: int
    converged: bool
    fmax_eV_A: float
    potential: str

    @property
    def energy_per_atom(self) -> float:
        """eV/atom (NaN when not converged)."""
        return self.energy_eV / len(self.structure)

    def title(self) -> str:
        return f"Relaxation of {self.structure.composition.reduced_formula}"

    def summary(self) -> list[tuple[str, str]]:
        return [
            ("converged", "yes" if self.converged else f"NO (after {self.n_steps} steps)"),
            ("energy", fmt_number(self.energy_per_atom, "eV/atom", digits=4)),
            ("max force", fmt_number(self.max_force_eV_A, "eV/Å", digits=3)),
            ("steps", str(self.n_steps)),
            ("potential", self.potential),
        ]


def relax(
    structure,
    potential: Any = None,
    *,
    fmax: float = 0.05,
    steps: int = 500,
    relax_cell: bool = True,
) -> Relaxation:
    """Relax a structure with a potential (ASE FIRE, cell through FrechetCellFilter).

    Parameters
    ----------
    structure : pymatgen Structure
        Ordered, at most :data:`MAX_ATOMS` sites.
    potential : Potential, optional
        Default: CHGNet 0.3.0.
    fmax : float
        Force convergence criterion (eV/Å).
    steps : int
        Most optimizer steps (≤ :data:`MAX_STEPS`); not converged by then is reported as such.
    relax_cell : bool
        Also relax the lattice.

    Returns
    -------
    Relaxation
        ``converged`` tells whether it converged; ``energy_eV`` is NaN when it did not.

    Examples
    --------
    >>> from pymatgen.core import Lattice, Structure
    >>> r = relax(Structure(Lattice.cubic(4.1), ["Li", "F"], [[0, 0, 0], [0.5, 0.5, 0.5]]))  # doctest: +SKIP
    >>> r.converged  # doctest: +SKIP
    True
    """
    potential = check_potential(potential)
    _check_structure(structure)
    if not (isinstance(fmax, int | float) and fmax > 0):
        raise InvalidInputError(f"fmax={fmax!r} must be a positive force in eV/Å (e.g. 0.05)")
    if not (isinstance(steps, int) and 0 < steps <= MAX_STEPS):
        raise InvalidInputError(f"steps={steps!r} must be an integer in 1..{MAX_STEPS}")
    require("ase")
    from ase.filters import FrechetCellFilter
    from ase.optimize import FIRE
    from pymatgen.io.ase import AseAtomsAdaptor

    atoms = AseAtomsAdaptor.get_atoms(structure)
    atoms.calc = (
        potential.ase_calculator() if hasattr(potential, "ase_calculator") else _Adapter(potential)
    )
    target = FrechetCellFilter(atoms) if relax_cell else atoms
    opt = FIRE(target, logfile=None)
    converged = bool(opt.run(fmax=fmax, steps=steps))
    final = AseAtomsAdaptor.get_structure(atoms)
    for prop in list(final.site_properties):  # magmoms, charges from the calculator (float32)
        final.remove_site_property(prop)
    energy = float(atoms.get_potential_energy())
    max_force = float(np.linalg.norm(atoms.get_forces(), axis=1).max())
    return Relaxation(
        structure=final,
        energy_eV=energy if converged else math.nan,
        last_energy_eV=energy,
        max_force_eV_A=max_force,
        n_steps=int(opt.nsteps),
        converged=converged,
        fmax_eV_A=float(fmax),
        potential=label(potential),
    )


def _Adapter(potential):
    """An ASE calculator around any :class:`Potential` (GPa stress -> eV/Å³, Voigt)."""
    from ase import units
    from ase.calculators.calculator import Calculator, all_changes
    from pymatgen.io.ase import AseAtomsAdaptor

    class PotentialCalculator(Calculator):
        implemented_properties = ("energy", "free_energy", "forces", "stress")

        def calculate(self, atoms=None, properties=None, system_changes=all_changes):
            super().calculate(atoms, properties, system_changes)
            calc = potential.calculate(AseAtomsAdaptor.get_structure(self.atoms))
            s = np.asarray(calc.stress_GPa, dtype=float) * units.GPa
            voigt = s if s.shape == (6,) else s[[0, 1, 2, 1, 0, 0], [0, 1, 2, 2, 2, 1]]
            self.results = {
                "energy": calc.energy_eV,
                "free_energy": calc.energy_eV,
                "forces": np.asarray(calc.forces_eV_A, dtype=float),
                "stress": voigt,
            }

    return PotentialCalculator()


__all__ = [
    "CONVENTIONS",
    "MAX_ATOMS",
    "MAX_STEPS",
    "CHGNetPotential",
    "Calculation",
    "EnergyConvention",
    "Potential",
    "Relaxation",
    "check_potential",
    "energies",
    "label",
    "load_chgnet",
    "relax",
]
