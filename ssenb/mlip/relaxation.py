"""Relaxation of a structure with any potential: ASE's FIRE, the cell through FrechetCellFilter.

A potential with its own ASE calculator (``ase_calculator()``, e.g. CHGNet) relaxes through
it; any other :class:`~ssenb.mlip.Potential` is wrapped in a small ASE calculator. A
relaxation that does not converge within its steps is reported as such, and its energy is
withheld (NaN): an unconverged energy is never passed on as a result.

This is the one place ionic steps happen in ssenb (batches, substitutions and widgets all
relax through :func:`relax`), so the cooperative cancel lives here: a ``cancel`` event set
from another thread stops the optimizer at its next ionic step with
:class:`~ssenb.errors.CancelledError`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from ..errors import CancelledError, InvalidInputError
from ..results import Result, fmt_number
from ._extra import require
from .potential import Potential, check_potential, check_structure, cutoff_of, label

if TYPE_CHECKING:
    import threading

    from ase.calculators.calculator import Calculator
    from pymatgen.core import Structure

#: largest number of optimizer steps a relaxation may take
MAX_STEPS = 2000


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

    structure: Structure
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
        """Heading of the HTML view: the relaxed formula."""
        from ..data import display_formula

        return f"Relaxation of {display_formula(self.structure.composition)}"

    def summary(self) -> list[tuple[str, str]]:
        """Convergence, energy (eV/atom), max force (eV/Å), steps and the potential."""
        return [
            ("converged", "yes" if self.converged else f"NO (after {self.n_steps} steps)"),
            ("energy", fmt_number(self.energy_per_atom, "eV/atom", digits=4)),
            ("max force", fmt_number(self.max_force_eV_A, "eV/Å", digits=3)),
            ("steps", str(self.n_steps)),
            ("potential", self.potential),
        ]


def relax(
    structure: Structure,
    potential: Potential | None = None,
    *,
    fmax: float = 0.05,
    steps: int = 500,
    relax_cell: bool = True,
    cancel: threading.Event | None = None,
) -> Relaxation:
    """Relax a structure with a potential (ASE FIRE, cell through FrechetCellFilter).

    Parameters
    ----------
    structure : pymatgen Structure
        Ordered, at most :data:`~ssenb.mlip.potential.MAX_ATOMS` (200) sites.
    potential : Potential, optional
        Default: CHGNet 0.3.0.
    fmax : float
        Force convergence criterion (eV/Å).
    steps : int
        Most optimizer steps (≤ :data:`MAX_STEPS`); not converged by then is reported as such.
    relax_cell : bool
        Also relax the lattice.
    cancel : threading.Event, optional
        Checked after every ionic step (an ASE optimizer observer, also after the first
        force call): once set, e.g. by a widget's Cancel from another thread, the
        relaxation stops there and raises; nothing of it is returned.

    Returns
    -------
    Relaxation
        ``converged`` tells whether it converged; ``energy_eV`` is NaN when it did not.

    Raises
    ------
    CancelledError
        ``cancel`` was set; its ``n_steps`` is the ionic steps taken until then.

    Examples
    --------
    >>> from pymatgen.core import Lattice, Structure
    >>> r = relax(Structure(Lattice.cubic(4.1), ["Li", "F"], [[0, 0, 0], [0.5, 0.5, 0.5]]))  # doctest: +SKIP
    >>> r.converged  # doctest: +SKIP
    True
    """
    potential = check_potential(potential)
    check_structure(structure, cutoff_A=cutoff_of(potential))
    check_relax_settings(fmax, steps)
    require("ase")
    from ase.filters import FrechetCellFilter
    from ase.optimize import FIRE
    from pymatgen.io.ase import AseAtomsAdaptor

    atoms = AseAtomsAdaptor.get_atoms(structure)
    atoms.calc = (
        potential.ase_calculator() if hasattr(potential, "ase_calculator") else _adapter(potential)
    )
    target = FrechetCellFilter(atoms) if relax_cell else atoms
    opt = FIRE(target, logfile=None)
    if cancel is not None:
        opt.attach(_stop_if_set(cancel, opt, structure), interval=1)
    converged = bool(opt.run(fmax=fmax, steps=steps))  # CancelledError once cancel is set
    energy = float(atoms.get_potential_energy())
    max_force = float(np.linalg.norm(atoms.get_forces(), axis=1).max())
    # detached: pymatgen would keep the calculator (and the torch model) on the structure,
    # which then could not be pickled back from a worker or saved
    atoms.calc = None
    final = AseAtomsAdaptor.get_structure(atoms)
    for prop in list(final.site_properties):  # magmoms, charges from the calculator (float32)
        final.remove_site_property(prop)
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


def _stop_if_set(cancel: threading.Event, opt: Any, structure: Structure) -> Callable[[], None]:
    """The optimizer observer of a cancellable relaxation: raises once ``cancel`` is set."""

    def check() -> None:
        if cancel.is_set():
            from ..data import display_formula

            n = int(opt.nsteps)
            raise CancelledError(
                f"cancelled after {n} ionic step{'s' if n != 1 else ''} of relaxing "
                f"{display_formula(structure.composition)}: nothing of it is kept",
                n_steps=n,
            )

    return check


def check_relax_settings(fmax: object, steps: object) -> None:
    """Refuse relaxation criteria that make no sense, before any structure is relaxed.

    Parameters
    ----------
    fmax : float
        Force convergence criterion (eV/Å), positive.
    steps : int
        Most optimizer steps, 1 to :data:`MAX_STEPS`.

    Raises
    ------
    InvalidInputError
        Either is out of range or of the wrong type.

    Examples
    --------
    >>> check_relax_settings(0.05, 0)
    Traceback (most recent call last):
    ...
    ssenb.errors.InvalidInputError: steps=0 must be an integer in 1..2000
    """
    if isinstance(fmax, bool) or not (isinstance(fmax, int | float) and fmax > 0):
        raise InvalidInputError(f"fmax={fmax!r} must be a positive force in eV/Å (e.g. 0.05)")
    if isinstance(steps, bool) or not (isinstance(steps, int) and 0 < steps <= MAX_STEPS):
        raise InvalidInputError(f"steps={steps!r} must be an integer in 1..{MAX_STEPS}")


def not_converged_reason(relaxation: Relaxation) -> str:
    """Why a relaxation has no energy: the one wording every table uses ("" when converged).

    Examples
    --------
    >>> from pymatgen.core import Lattice, Structure
    >>> s = Structure(Lattice.cubic(4.0), ["Li", "F"], [[0, 0, 0], [0.5, 0.5, 0.5]])
    >>> r = Relaxation(s, float("nan"), -9.0, 0.31, 3, False, 0.05, "Fake 1.0")
    >>> not_converged_reason(r)
    'relaxation not converged in 3 steps (max force 0.310 > 0.05 eV/Å): energy withheld'
    """
    if relaxation.converged:
        return ""
    return (
        f"relaxation not converged in {relaxation.n_steps} steps (max force "
        f"{relaxation.max_force_eV_A:.3f} > {relaxation.fmax_eV_A:g} eV/Å): energy withheld"
    )


def _adapter(potential: Potential) -> Calculator:
    """An ASE calculator around any :class:`Potential` (GPa stress -> eV/Å³, Voigt)."""
    from ase import Atoms, units
    from ase.calculators.calculator import Calculator, all_changes
    from pymatgen.io.ase import AseAtomsAdaptor

    class PotentialCalculator(Calculator):
        implemented_properties = ["energy", "free_energy", "forces", "stress"]  # noqa: RUF012 (ASE's own attribute)

        def calculate(
            self,
            atoms: Atoms | None = None,
            properties: list[str] | None = None,
            system_changes: list[str] = all_changes,
        ) -> None:
            super().calculate(atoms, properties, system_changes)
            # ASE's Calculator.calculate has just copied ``atoms`` (or kept the previous ones)
            calc = potential.calculate(AseAtomsAdaptor.get_structure(cast("Atoms", self.atoms)))
            s = np.asarray(calc.stress_GPa, dtype=float) * units.GPa
            voigt = s if s.shape == (6,) else s[[0, 1, 2, 1, 0, 0], [0, 1, 2, 2, 2, 1]]
            self.results = {
                "energy": calc.energy_eV,
                "free_energy": calc.energy_eV,
                "forces": np.asarray(calc.forces_eV_A, dtype=float),
                "stress": voigt,
            }

    return PotentialCalculator()


__all__ = ["MAX_STEPS", "Relaxation", "check_relax_settings", "not_converged_reason", "relax"]
