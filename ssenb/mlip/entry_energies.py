"""A potential's energies on many DFT entries, without losing the batch to one failure.

Single points go in batches (much faster with CHGNet); a batch that fails is redone one
structure at a time, so only the failing entry is lost. Relaxations go one by one, and a
relaxation that does not converge is recorded as such, never used as a converged energy.
With ``errors="record"`` a failure becomes NaN and a reason; with ``errors="raise"`` it
stops the run. Ctrl-C always stops (the row policy of :func:`ssenb.batch.run_row`; an out
of memory error is a failure of its row, and a batch that runs out of memory is redone one
structure at a time).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING, TypedDict, TypeVar

from ..batch import ErrorMode, check_errors, run_row
from ..errors import SsenbError
from .potential import Potential, energies
from .relaxation import not_converged_reason, relax

if TYPE_CHECKING:
    from pymatgen.core import Structure
    from pymatgen.entries.computed_entries import ComputedStructureEntry

#: structures per batch of single points
BATCH = 32
_V = TypeVar("_V")


class EntryEnergy(TypedDict):
    """The potential's answer for one entry."""

    #: total energy (eV, the potential's convention); NaN on failure or non-convergence
    energy: float
    #: the relaxed structure, or None for a single point at the DFT geometry
    structure: Structure | None
    converged: bool
    #: why the energy is missing ("" when it is there)
    error: str


def mlip_energies(
    entries: Sequence[ComputedStructureEntry],
    potential: Potential,
    *,
    relaxed: bool,
    fmax: float,
    steps: int,
    errors: ErrorMode,
    progress: bool,
) -> list[EntryEnergy]:
    """Every entry's energy from the potential, with the failures named row by row.

    Parameters
    ----------
    entries : sequence of ComputedStructureEntry
        DFT entries with structures.
    potential : Potential
    relaxed : bool
        Relax each structure with the potential (one by one) instead of single points at the
        DFT geometry (in batches of :data:`BATCH`).
    fmax, steps : float, int
        Relaxation criteria (eV/Å, optimizer steps) when ``relaxed``.
    errors : {"raise", "record"}
        "record" keeps going with NaN and a reason; "raise" stops at the first failure.
    progress : bool
        Show a tqdm progress bar.

    Returns
    -------
    list of EntryEnergy
        One per entry, in order.
    """
    from tqdm.auto import tqdm

    check_errors(errors)
    out: list[EntryEnergy] = []
    if not relaxed:  # batches are much faster; a failing batch is redone one by one
        bar = tqdm(
            total=len(entries), desc=f"{potential.name} on DFT entries", disable=not progress
        )
        for i in range(0, len(entries), BATCH):
            chunk = entries[i : i + BATCH]
            try:
                es = energies(potential, [e.structure for e in chunk])
                out += [EntryEnergy(energy=x, structure=None, converged=True, error="") for x in es]
            except Exception:  # not a row's failure: find the failing rows one by one
                out += [_single(e, potential, errors) for e in chunk]
            bar.update(len(chunk))
        bar.close()
        return out
    for e in tqdm(entries, desc=f"{potential.name} relaxing DFT entries", disable=not progress):
        r, failure = _row(
            e, potential, errors, partial(relax, e.structure, potential, fmax=fmax, steps=steps)
        )
        if r is None:
            out.append(_failed(failure))
            continue
        why = not_converged_reason(r)  # "" when converged: the one wording of every table
        out.append(
            EntryEnergy(energy=r.energy_eV, structure=r.structure, converged=r.converged, error=why)
        )
    return out


def _row(
    entry: ComputedStructureEntry, potential: Potential, errors: ErrorMode, fn: Callable[[], _V]
) -> tuple[_V, None] | tuple[None, str]:
    """:func:`ssenb.batch.run_row`; raised, a foreign error becomes ssenb's, naming the entry."""
    try:
        return run_row(fn, errors)
    except SsenbError:
        raise
    except Exception as err:  # errors="raise": say which entry, at the layer boundary
        raise SsenbError(f"{potential.name} failed on {entry.entry_id}: {err}") from err


def _single(entry: ComputedStructureEntry, potential: Potential, errors: ErrorMode) -> EntryEnergy:
    """One single point, after its batch failed."""
    energy, failure = _row(
        entry, potential, errors, lambda: energies(potential, [entry.structure])[0]
    )
    if energy is None:
        return _failed(failure)
    return EntryEnergy(energy=energy, structure=None, converged=True, error="")


def _failed(reason: str | None) -> EntryEnergy:
    """A recorded failure: NaN and the short reason."""
    return EntryEnergy(energy=math.nan, structure=None, converged=False, error=reason or "")


__all__ = ["BATCH", "EntryEnergy", "mlip_energies"]
