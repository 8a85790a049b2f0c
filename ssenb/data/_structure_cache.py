"""The structures of a CIF archive, parsed once and cached on disk in a plain JSON layout.

Why: parsing OBELiX train's 254 CIFs with pymatgen takes 3-5 s, and every notebook kernel,
test process and command that loads the structures paid it again. The parsed cells are
kept in :func:`~ssenb.data._cache.derived_cache_dir` (never the data folder), keyed by
the archive's sha256, the pymatgen version, ssenb's CIF bounds and :data:`CACHE_FORMAT`.

The cache is a file on disk, so it is read as untrusted input: a closed layout
(``{"format", "key", "rows": {id: {"error": str} | {"lattice", "sites"}}}``, each site
``[[[element, occupancy], ...], [a, b, c], label]``), every value's type and range checked
before a ``Structure`` is built, and each cell held to the bounds of :mod:`ssenb.data.cif`
again. Anything else (missing, stale, damaged, another layout) reads as None and the
archive is parsed. A structure the layout cannot hold exactly (oxidation states, site or
structure properties) is never approximated: nothing is cached for that archive.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Iterable
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InvalidInputError
from . import cif
from ._cache import derived_cache_dir, keep_derived, sha256sum

if TYPE_CHECKING:
    from pymatgen.core import Structure

#: Version of the cache layout; a change parses every archive again.
CACHE_FORMAT = 1
#: A cache file larger than this is not read (OBELiX train's is about 4 MB).
MAX_CACHE_BYTES = 256 * 2**20

Parsed = tuple["Structure", None] | tuple[None, str]


def parsed_archive(
    archive: Path, ids: Iterable[str], *, read: Callable[[Path], dict[str, str]]
) -> dict[str, Parsed]:
    """``{id: parse_cif(its CIF)}`` for ``ids``: from the disk cache, else parsed and cached.

    Parameters
    ----------
    archive : pathlib.Path
        A CIF tarball as :func:`ssenb.data.obelix.read_cif_archive` reads it (already
        sha256-verified by :func:`ssenb.data.fetch`).
    ids : iterable of str
        The material ids wanted; one without a CIF gets ``(None, reason)``.
    read : callable
        ``{id: CIF text}`` of the archive (``read_cif_archive``), called only on a miss.

    Returns
    -------
    dict
        ``(Structure, None)`` or ``(None, reason)`` per id, as :func:`ssenb.data.parse_cif`
        returns them; the structures are fresh objects, not shared with the cache.
    """
    wanted = list(dict.fromkeys(ids))
    folder = derived_cache_dir()
    key = cache_key(archive)
    if folder is not None:
        cached = read_cache(folder, key)
        if cached is not None and all(i in cached for i in wanted):
            return {i: cached[i] for i in wanted}
    cifs = read(archive)
    parsed = {i: cif.parse_cif(cifs.get(i)) for i in wanted}
    if folder is not None:
        write_cache(folder, key, parsed)
    return parsed


def cache_key(archive: Path) -> str:
    """sha256 over the layout version, the archive's sha256, pymatgen's version, the bounds."""
    bounds = (
        cif.MAX_CIF_BYTES,
        cif.MAX_SITES,
        cif.LATTICE_LENGTH_RANGE_A,
        cif.VOLUME_RANGE_A3,
        cif.MAX_EXPANSION_WORK,
        cif.MAX_SYMMETRY_OPERATIONS,
    )
    text = (
        f"ssenb-cif-structures-v{CACHE_FORMAT}|{sha256sum(archive)}|{version('pymatgen')}|{bounds}"
    )
    return hashlib.sha256(text.encode()).hexdigest()


def cache_path(folder: Path, key: str) -> Path:
    """The cache file of ``key`` in ``folder``."""
    return folder / f"cif_structures_{key[:16]}.json"


def write_cache(folder: Path, key: str, parsed: dict[str, Parsed]) -> None:
    """Write the cache atomically, or nothing: a cell the layout cannot hold, no disk.

    Skipped silently in both cases; the structures then live in memory only.
    """
    rows: dict[str, Any] = {}
    for material_id, (structure, reason) in parsed.items():
        row = {"error": reason} if structure is None else _encode(structure)
        if row is None:
            return
        rows[material_id] = row
    try:
        text = json.dumps({"format": CACHE_FORMAT, "key": key, "rows": rows}, allow_nan=False)
    except ValueError:  # a non-finite number the layout cannot hold: nothing cached
        return
    keep_derived(cache_path(folder, key), lambda tmp: tmp.write_text(text, encoding="utf-8"))


def read_cache(folder: Path, key: str) -> dict[str, Parsed] | None:
    """The cached ``{id: (Structure, None) | (None, reason)}`` of ``key``, or None if not usable."""
    path = cache_path(folder, key)
    try:
        if not path.is_file() or path.stat().st_size > MAX_CACHE_BYTES:
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        if (
            not isinstance(data, dict)
            or set(data) != {"format", "key", "rows"}
            or data["format"] != CACHE_FORMAT
            or data["key"] != key
            or not isinstance(data["rows"], dict)
        ):
            return None
        return {str(i): _decode(row) for i, row in data["rows"].items()}
    except (OSError, ValueError, TypeError, KeyError, RecursionError, InvalidInputError):
        return None  # unreadable, damaged or nested without end: parse the archive again


def _encode(structure: Structure) -> dict[str, Any] | None:
    """The cell in the cache layout, or None if the layout cannot hold it exactly."""
    from pymatgen.core import Element

    if structure.properties or any(site.properties for site in structure):
        return None
    sites = []
    for site in structure:
        species = site.species
        if not all(type(sp) is Element for sp in species):  # oxidation states, dummies
            return None
        sites.append(
            [
                [[sp.symbol, float(amount)] for sp, amount in species.items()],
                [float(x) for x in site.frac_coords],
                site.label,
            ]
        )
    return {"lattice": structure.lattice.matrix.tolist(), "sites": sites}


def _decode(row: Any) -> Parsed:
    """One cached row back to ``(Structure, None)`` or ``(None, reason)``; raises if malformed."""
    from pymatgen.core import Element, Lattice, Structure

    if isinstance(row, dict) and set(row) == {"error"} and isinstance(row["error"], str):
        return None, row["error"]
    if not (isinstance(row, dict) and set(row) == {"lattice", "sites"}):
        raise ValueError("not a cached row")
    lattice, sites = row["lattice"], row["sites"]
    if not (
        isinstance(lattice, list) and len(lattice) == 3 and all(_numbers(v, 3) for v in lattice)
    ):
        raise ValueError("bad lattice")
    if not isinstance(sites, list) or not 0 < len(sites) <= cif.MAX_SITES:
        raise ValueError("bad site list")
    species, coords, labels = [], [], []
    for site in sites:
        if not (isinstance(site, list) and len(site) == 3 and isinstance(site[2], str)):
            raise ValueError("bad site")
        occupancy, xyz, label = site
        if not (isinstance(occupancy, list) and occupancy and _numbers(xyz, 3)):
            raise ValueError("bad site")
        amounts = {}
        for pair in occupancy:
            if not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str)):
                raise ValueError("bad species")
            symbol, amount = pair
            if not Element.is_valid_symbol(symbol) or not _numbers([amount], 1) or amount <= 0:
                raise ValueError("bad species")
            amounts[Element(symbol)] = amount
        species.append(amounts)
        coords.append(xyz)
        labels.append(label)
    structure = Structure(Lattice(lattice), species, coords, labels=labels)
    cif._check_structure(structure)  # the bounds of a freshly parsed CIF, again
    return structure, None


def _numbers(values: Any, n: int) -> bool:
    """Whether ``values`` is a list of ``n`` finite real numbers (not booleans)."""
    return (
        isinstance(values, list)
        and len(values) == n
        and all(
            isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
            for v in values
        )
    )
