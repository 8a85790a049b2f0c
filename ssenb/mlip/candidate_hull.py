"""The hull a doped candidate is placed on: one potential's energies, never mixed with DFT.

The competing phases are a :class:`~ssenb.mlip.PotentialBenchmark` of the same potential;
only its phases on the MLIP hull are kept (within :data:`HULL_KEEP`), the candidates join
them as entries named after the potential, and each candidate's E_hull is read off that hull.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

from .. import keys as K
from ..errors import IncompatibleSourcesError, InvalidInputError
from .benchmark import PotentialBenchmark, benchmark_potential
from .entries import Scheme, mlip_source
from .potential import Potential, label

if TYPE_CHECKING:
    from pymatgen.core import Structure
    from pymatgen.entries.computed_entries import ComputedEntry, ComputedStructureEntry

#: competing phases kept in a result: the phases on the MLIP hull (eV/atom tolerance). The
#: others change no hull energy, window or interface reaction, and would only bloat it.
HULL_KEEP = 1e-6


def candidate_entry(
    structure: Structure, e_per_atom: float, name: str, corrections: str, cid: str
) -> ComputedStructureEntry:
    """A relaxed candidate as an entry of the MLIP hull, named after the potential.

    Parameters
    ----------
    structure : pymatgen Structure
        The relaxed candidate.
    e_per_atom : float
        Its energy (eV/atom), already on the hull's correction scale (:func:`mlip_entry`).
    name : str
        The potential's label.
    corrections : str
        How the corrections were applied, as the hull's entries say.
    cid : str
        Candidate id ("host", "#1", ...), kept as the entry id.

    Returns
    -------
    ComputedStructureEntry
    """
    from pymatgen.entries.computed_entries import ComputedStructureEntry

    return ComputedStructureEntry(
        structure,
        float(e_per_atom) * len(structure),
        parameters={"run_type": "MLIP", "potential": name},
        data={"energy_source": name, "corrections": corrections},
        entry_id=str(cid),
    )


def stable_phases(bench: PotentialBenchmark) -> list[ComputedEntry]:
    """The competing phases that matter: the benchmark's MLIP entries on its own hull.

    The others change no hull energy, window or interface reaction, and would only bloat
    a result.

    Parameters
    ----------
    bench : PotentialBenchmark

    Returns
    -------
    list of ComputedEntry
        MLIP entries within :data:`HULL_KEEP` (eV/atom) of the MLIP hull.
    """
    near = (bench.table[K.E_HULL_MLIP] <= HULL_KEEP).to_numpy()
    ids = set(bench.table.loc[near, K.ENTRY_ID])
    return [e for e in bench.mlip_entries() if e.entry_id in ids]


def energy_scale(bench: PotentialBenchmark) -> Scheme:
    """The correction scale the candidates' energies go on: that of the competing phases.

    Parameters
    ----------
    bench : PotentialBenchmark

    Returns
    -------
    {"MP2020", "raw"}
    """
    return "raw" if bench.correction_scheme == "raw" else "MP2020"


def competing_phases(competing: object, potential: Potential) -> PotentialBenchmark:
    """The competing phases on the potential's energy scale, never on DFT's.

    Parameters
    ----------
    competing : PotentialBenchmark or list of ComputedStructureEntry
        A benchmark of the same potential, or DFT entries with structures, which are then
        benchmarked here (single points, cells of up to 64 sites).
    potential : Potential

    Returns
    -------
    PotentialBenchmark

    Raises
    ------
    IncompatibleSourcesError
        A benchmark of another potential.
    InvalidInputError
        Anything else than a benchmark or a list of entries.
    """
    if isinstance(competing, PotentialBenchmark):
        if competing.potential != label(potential):
            raise IncompatibleSourcesError(
                f"competing phases were computed with {competing.potential}, the candidates "
                f"would be with {label(potential)}: one hull takes one potential. Benchmark "
                "the same potential, or pass DFT entries with structures"
            )
        return competing
    if isinstance(competing, list | tuple):
        return benchmark_potential(list(competing), potential, max_atoms=64, progress=False)
    raise InvalidInputError(
        f"competing={type(competing).__name__}: pass a PotentialBenchmark of the same potential "
        "or a list of DFT ComputedStructureEntry objects with structures"
    )


def e_above_mlip_hull(
    hull: list[ComputedEntry],
    structures: list[Structure],
    energies: Sequence[float],
    name: str,
) -> list[float]:
    """Each candidate's E_hull against a hull made of one potential's energies only.

    Parameters
    ----------
    hull : list of ComputedEntry
        MLIP entries of one potential (:func:`stable_phases`, plus the relaxed host).
    structures : list of pymatgen Structure
    energies : sequence of float
        The structures' MLIP energies (eV/atom, on the hull's scale); NaN for none.
    name : str
        The potential's label.

    Returns
    -------
    list of float
        E_hull (eV/atom; negative below the hull, NaN where the energy is NaN).
    """
    from pymatgen.analysis.phase_diagram import PDEntry

    source = mlip_source(hull, name)
    out = []
    for s, e in zip(structures, energies):
        if not math.isfinite(e):
            out.append(math.nan)
            continue
        pd_ = source.phase_diagram({el.symbol for el in s.composition.elements})
        entry = PDEntry(s.composition, float(e) * len(s))
        e_hull = pd_.get_decomp_and_e_above_hull(entry, allow_negative=True)[1]
        out.append(float(cast("float", e_hull)))  # None only with on_error="ignore"
    return out


__all__ = [
    "HULL_KEEP",
    "candidate_entry",
    "competing_phases",
    "e_above_mlip_hull",
    "energy_scale",
    "stable_phases",
]
