"""Small recent (MP2020-corrected) hull data sets from the matterviz demos.

They cover a few Li systems only, so they serve as a cross-check of the legacy-corrected
snapshot and as fixtures with real structures, not as a general source.
"""

from __future__ import annotations

import gzip
import json
from typing import TYPE_CHECKING, Any, Literal, get_args

from ..errors import UnknownNameError
from ._cache import fetch

if TYPE_CHECKING:
    from pymatgen.analysis.phase_diagram import PDEntry
    from pymatgen.entries.computed_entries import ComputedStructureEntry

AlexandriaSystem = Literal["Li-P-S", "Li-Co-O", "Li-Ti-O", "Li-Mn-O", "Li-Ni-O"]
ALEXANDRIA_CORRECTIONS = "Alexandria PBE, MP2020-compatible corrections; formation energies vs Alexandria's elemental references"


def _read(name: str) -> list[dict[str, Any]]:
    """The JSON list of entry dicts in registered demo file ``name`` (verified by sha256)."""
    with gzip.open(fetch(f"matterviz-hull-demos/{name}"), "rt") as fh:
        data: list[dict[str, Any]] = json.load(fh)
    return data


def load_mp2020_entries(
    chemsys: Literal["Li-Co-Ni-O"] = "Li-Co-Ni-O",
) -> list[ComputedStructureEntry]:
    """Materials Project Li-Co-Ni-O entries with structures and MP2020 corrections.

    Why: real DFT structures and today's (MP2020) energy corrections for one quaternary
    Li system, offline: a cross-check of the legacy-corrected snapshot and a fixture for
    hulls and interatomic-potential benchmarks.

    Parameters
    ----------
    chemsys : {"Li-Co-Ni-O"}
        The chemical system; the demo file covers only this one.

    Returns
    -------
    list of pymatgen.entries.computed_entries.ComputedStructureEntry
        775 entries (elements included; MP database 2024-11 to 2025-04, GGA/GGA+U with
        MP2020 energy adjustments). ``entry.data`` keeps MP's metadata plus the demo's
        ``e_above_hull`` (eV/atom).

    Raises
    ------
    UnknownNameError
        ``chemsys`` is not ``"Li-Co-Ni-O"``.

    Notes
    -----
    From janosh/matterviz (MIT) at e45d1ba. Materials Project data, CC BY 4.0: cite Jain
    et al., APL Mater. 1, 011002 (2013). Never mix with :func:`load_mp_snapshot` energies.

    Examples
    --------
    >>> entries = load_mp2020_entries()
    >>> len(entries), entries[0].structure.composition == entries[0].composition
    (775, True)
    """
    if chemsys != "Li-Co-Ni-O":
        raise UnknownNameError(
            f"chemsys={chemsys!r}: the MP2020 demo file covers only 'Li-Co-Ni-O'"
        )
    from pymatgen.entries.computed_entries import ComputedStructureEntry

    entries = []
    for d in _read("mp_Li-Co-Ni-O.json.gz"):
        extra = {k: d.pop(k) for k in ("e_above_hull", "is_stable", "e_form_per_atom") if k in d}
        entry = ComputedStructureEntry.from_dict(d)
        entry.data.update(extra)
        entries.append(entry)
    return entries


def load_alexandria_entries(chemsys: AlexandriaSystem) -> list[PDEntry]:
    """Alexandria PBE formation-energy entries of one Li ternary (within 0.3 eV/atom of its hull).

    Why: a second, independent DFT database for a few Li ternaries, offline, to compare
    hulls and windows against Materials Project data.

    Parameters
    ----------
    chemsys : {"Li-P-S", "Li-Co-O", "Li-Ti-O", "Li-Mn-O", "Li-Ni-O"}
        The chemical system of a demo file.

    Returns
    -------
    list of pymatgen.analysis.phase_diagram.PDEntry
        Energies are formation energies per formula unit as stored (eV), relative to
        Alexandria's elemental references; the elements are added at 0 eV so the list
        builds a complete ``PhaseDiagram``. ``entry_id`` is Alexandria's id (agm...).

    Raises
    ------
    UnknownNameError
        ``chemsys`` has no demo file.

    Notes
    -----
    From janosh/matterviz (MIT) at e45d1ba. Alexandria data CC BY 4.0: cite Schmidt et
    al., Materials Cloud Archive 2022.126 (doi:10.24435/materialscloud:m7-50).

    Examples
    --------
    >>> entries = load_alexandria_entries("Li-P-S")
    >>> sorted(e.entry_id for e in entries if e.composition.is_element)
    ['Li-reference', 'P-reference', 'S-reference']
    """
    if chemsys not in get_args(AlexandriaSystem):
        raise UnknownNameError(
            f"chemsys={chemsys!r} has no Alexandria demo file; use one of {', '.join(get_args(AlexandriaSystem))}"
        )
    from pymatgen.analysis.phase_diagram import PDEntry
    from pymatgen.core import Composition, Element

    entries = [
        PDEntry(Composition(d["composition"]), d["energy"], name=None, attribute=d["entry_id"])
        for d in _read(f"alexandria_{chemsys}.json.gz")
    ]
    # PDEntry has no entry_id of its own; ssenb.thermo reads it with getattr, as on
    # ComputedEntry, so both kinds of entry name themselves the same way
    for e in entries:
        e.entry_id = e.attribute  # type: ignore[attr-defined,unused-ignore]  # PDEntry may gain entry_id
    for el in chemsys.split("-"):
        ref = PDEntry(Composition({Element(el): 1}), 0.0)
        ref.entry_id = f"{el}-reference"  # type: ignore[attr-defined,unused-ignore]  # PDEntry may gain entry_id
        entries.append(ref)
    return entries
