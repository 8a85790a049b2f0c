"""MLIP energies as pymatgen entries, with the MP2020 corrections applied exactly once.

Two conventions meet here (see :mod:`ssenb.mlip.potential`):

- ``"MP2020-corrected"`` potentials (CHGNet) already predict corrected energies: the entry
  takes the energy as it is and carries no energy adjustment;
- ``"raw"`` potentials predict uncorrected GGA/GGA+U-like energies: the entry is passed once
  through pymatgen's ``MaterialsProject2020Compatibility`` (Wang et al., Sci. Rep. 11,
  15496 (2021)), with the DFT entry's calculation parameters when there is one, else with
  the Materials Project's U values for oxides/fluorides.

Every entry made here has ``parameters["run_type"] = "MLIP"`` afterwards, so a second pass
through a pymatgen compatibility scheme refuses it instead of correcting it twice, and
``data["energy_source"]`` names the potential.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Literal

from ..errors import IncompatibleSourcesError, InvalidInputError, UnsupportedMaterialError
from .potential import CONVENTIONS, Potential, label

if TYPE_CHECKING:
    from pymatgen.core import Structure
    from pymatgen.entries.computed_entries import ComputedEntry, ComputedStructureEntry

    from ..thermo import UserEntries

Scheme = Literal["MP2020", "raw"]


def correction_scheme_of(entries: Iterable[ComputedEntry]) -> Scheme:
    """The correction scale of DFT entries, so MLIP energies are put on the same one.

    Parameters
    ----------
    entries : iterable of ComputedEntry

    Returns
    -------
    {"MP2020", "raw"}
        "MP2020" if the entries carry MP2020 energy adjustments, "raw" if none carries any.

    Raises
    ------
    IncompatibleSourcesError
        When some adjustments are not MP2020's.
    """
    names = {
        getattr(a, "name", "")
        for e in entries
        for a in (getattr(e, "energy_adjustments", []) or [])
    }
    names.discard("")
    if not names:
        return "raw"
    if all("MP2020" in n for n in names):
        return "MP2020"
    raise IncompatibleSourcesError(
        f"the DFT entries carry corrections that are not MP2020 ({sorted(names)[:3]}...); "
        "re-correct them with pymatgen's MaterialsProject2020Compatibility first, so that DFT "
        "and MLIP energies are compared with one correction scheme"
    )


def mlip_entry(
    structure: Structure,
    energy_eV: float,
    potential: Potential,
    *,
    scheme: Scheme = "MP2020",
    parameters: dict[str, Any] | None = None,
    entry_id: str | None = None,
) -> ComputedStructureEntry:
    """A ``ComputedStructureEntry`` of an MLIP energy on the ``scheme`` energy scale.

    Parameters
    ----------
    structure : pymatgen Structure
    energy_eV : float
        Total energy predicted by ``potential`` (eV), in its own convention.
    potential : Potential
    scheme : {"MP2020", "raw"}
        The scale to end on: that of the DFT entries it is compared or combined with.
    parameters : dict, optional
        The matching DFT entry's ``parameters`` (run_type, hubbards, potcar_spec) for the
        MP2020 corrections of a raw potential; default: the Materials Project's U values.
    entry_id : str, optional

    Returns
    -------
    pymatgen.entries.computed_entries.ComputedStructureEntry
        Corrected at most once; ``data["energy_source"]`` names the potential.
    """
    import math

    from pymatgen.entries.computed_entries import ComputedStructureEntry

    convention = potential.energy_convention
    if convention not in CONVENTIONS:
        raise InvalidInputError(f"energy_convention={convention!r}; use one of {CONVENTIONS}")
    if not math.isfinite(energy_eV):
        raise InvalidInputError(f"energy_eV={energy_eV!r} is not a finite energy (eV)")
    name = label(potential)
    params = dict(parameters) if parameters else _mp_parameters(structure)
    entry = ComputedStructureEntry(
        structure, float(energy_eV), parameters=params, entry_id=entry_id
    )
    if scheme == "MP2020" and convention == "raw":
        entry = _apply_mp2020(entry, name)
        applied = "MP2020 applied by ssenb (once, to raw MLIP energy)"
    elif scheme == "raw" and convention == "MP2020-corrected":
        raise IncompatibleSourcesError(
            f"{name} predicts MP2020-corrected energies but the DFT entries are uncorrected; "
            "correct the DFT entries with MaterialsProject2020Compatibility, so both sides "
            "use MP2020"
        )
    elif scheme not in ("MP2020", "raw"):
        raise InvalidInputError(f"scheme={scheme!r}; use 'MP2020' or 'raw'")
    else:
        applied = "included in the potential's energy" if scheme == "MP2020" else "none (raw)"
    entry.parameters["run_type"] = "MLIP"  # a second compatibility pass now refuses it
    entry.parameters["potential"] = name
    entry.data.update({"energy_source": name, "corrections": applied})
    return entry


def _apply_mp2020(entry: ComputedStructureEntry, name: str) -> ComputedStructureEntry:
    from pymatgen.entries.compatibility import (
        CompatibilityError,
        MaterialsProject2020Compatibility,
    )

    try:
        out = MaterialsProject2020Compatibility(check_potcar=False).process_entry(
            entry, on_error="raise"
        )
    except CompatibilityError as err:
        raise UnsupportedMaterialError(
            f"MP2020 corrections cannot be applied to the {name} energy of "
            f"{entry.composition.reduced_formula}: {err}"
        ) from err
    if out is None:
        raise UnsupportedMaterialError(
            f"MP2020 corrections exclude {entry.composition.reduced_formula} (GGA/GGA+U mixing "
            "rules); it cannot enter an MP2020 hull"
        )
    return out


def _mp_parameters(structure: Structure) -> dict[str, Any]:
    """Calculation parameters the Materials Project would use (GGA+U for TM oxides/fluorides)."""
    from pymatgen.io.vasp.sets import MPRelaxSet

    table = MPRelaxSet.CONFIG["INCAR"]["LDAUU"]
    symbols = {el.symbol for el in structure.composition.elements}
    anion = next((a for a in ("F", "O") if a in symbols), None)
    hubbards = {el: u for el, u in table[anion].items() if el in symbols} if anion else {}
    return {
        "run_type": "GGA+U" if hubbards else "GGA",
        "is_hubbard": bool(hubbards),
        "hubbards": hubbards,
    }


def is_mlip_entry(entry: object) -> bool:
    """Whether an entry was made by :func:`mlip_entry`, so it is never mixed with DFT ones.

    Parameters
    ----------
    entry : ComputedEntry or any object

    Returns
    -------
    bool
        True when ``data["energy_source"]`` is set and ``run_type`` is "MLIP".
    """
    return (
        "energy_source" in getattr(entry, "data", {})
        and getattr(entry, "parameters", {}).get("run_type") == "MLIP"
    )


def mlip_source(entries: Sequence[ComputedEntry], potential_label: str) -> UserEntries:
    """An entry source for :mod:`ssenb.thermo` whose hulls hold one potential's energies only.

    Parameters
    ----------
    entries : sequence of ComputedEntry
        Entries made by :func:`mlip_entry` (or rebuilt from them), all of one potential.
    potential_label : str
        The potential's :func:`~ssenb.mlip.potential.label`; names the source.

    Returns
    -------
    ssenb.thermo.UserEntries
        Pass it as ``source=`` to :func:`ssenb.thermo.stability_window` and friends.

    Raises
    ------
    IncompatibleSourcesError
        When an entry is not an MLIP entry or comes from another potential.
    """
    from ..thermo import UserEntries

    names = {e.data.get("energy_source") for e in entries}
    if not all(is_mlip_entry(e) for e in entries) or names != {potential_label}:
        raise IncompatibleSourcesError(
            f"an MLIP hull takes entries from one potential only ({potential_label}); got "
            f"{sorted(str(n) for n in names)}. DFT and MLIP energies are never mixed in one hull"
        )
    applied = {str(e.data.get("corrections")) for e in entries}
    scheme = (
        "raw (uncorrected)"
        if applied == {"none (raw)"}
        else f"MP2020 ({'; '.join(sorted(applied))})"
    )
    return UserEntries(entries, name=potential_label, correction_scheme=scheme)


__all__ = ["correction_scheme_of", "is_mlip_entry", "mlip_entry", "mlip_source"]
