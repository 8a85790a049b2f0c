"""Band gaps and elastic moduli of Materials Project compounds, composition level (matbench).

Four registered tables (``mp-properties/``, matbench copies kept by CrabNet), one row per
upstream entry and so possibly several rows per composition (polymorphs):

=================  ==========================  =========  ===================================
property           column                      rows       matbench task
=================  ==========================  =========  ===================================
``"pbe_gap"``      ``band_gap_pbe_eV``         106,113    matbench_mp_gap (PBE, MP)
``"expt_gap"``     ``band_gap_expt_eV``        4,604      matbench_expt_gap (Zhuo et al. 2018)
``"log10_g"``      ``log10_G_VRH_GPa``         10,987     matbench_log_gvrh (de Jong 2015)
``"log10_k"``      ``log10_K_VRH_GPa``         10,987     matbench_log_kvrh (de Jong 2015)
=================  ==========================  =========  ===================================

:func:`load_mp_properties` returns the rows as upstream (what a matbench benchmark uses);
:func:`property_table` one row per reduced composition under the **polymorph rule**: the
value is the **median** over the entries that share the reduced composition (for an even
count, the mean of the middle two), and the lowest and highest entry and their number are
kept beside it. Why the median: the tables carry no energies and no structures, so the
ground-state polymorph cannot be told apart; the median is the value least moved by one
odd (metastable, high-pressure) entry, and the min/max columns show how much polymorphs
disagree, which the verdicts downstream use as part of the uncertainty.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_args

import numpy as np
import pandas as pd

from .. import keys as K
from ..errors import DataIntegrityError, UnknownNameError
from ._cache import data_dir, derived_cache_dir, fetch, keep_derived, sha256sum
from ._snapshot_index import INDEX_FORMAT, _display, _electronegativity_order, _parse_flat
from .materials import display_formula

if TYPE_CHECKING:
    from pymatgen.core import Composition

PropertyName = Literal["pbe_gap", "expt_gap", "log10_g", "log10_k"]
PROPERTY_NAMES: tuple[str, ...] = get_args(PropertyName)

MP_DATA_VERSION = "Materials Project via matbench v0.1 (Dunn et al. 2020), CrabNet 457b4d4 copies"


@dataclass(frozen=True)
class PropertySource:
    """One property table: its file, column (with unit) and where the numbers come from."""

    name: str
    file: str
    column: str
    matbench_task: str
    source_label: str
    citation: str


SOURCES: dict[str, PropertySource] = {
    "pbe_gap": PropertySource(
        "pbe_gap",
        "mp-properties/mp_gap.csv",
        K.BAND_GAP_PBE,
        "matbench_mp_gap",
        "MP data (PBE)",
        "Materials Project: Jain et al., APL Mater. 1, 011002 (2013); matbench: Dunn et al., "
        "npj Comput. Mater. 6, 138 (2020)",
    ),
    "expt_gap": PropertySource(
        "expt_gap",
        "mp-properties/expt_gap.csv",
        K.BAND_GAP_EXPT,
        "matbench_expt_gap",
        "experiment",
        "Zhuo, Mansouri Tehrani & Brgoch, J. Phys. Chem. Lett. 9, 1668 (2018); matbench: "
        "Dunn et al. (2020)",
    ),
    "log10_g": PropertySource(
        "log10_g",
        "mp-properties/elasticity_log10(G_VRH).csv",
        K.LOG10_G,
        "matbench_log_gvrh",
        "MP data (DFT elastic tensor)",
        "de Jong et al., Sci. Data 2, 150009 (2015); matbench: Dunn et al. (2020)",
    ),
    "log10_k": PropertySource(
        "log10_k",
        "mp-properties/elasticity_log10(K_VRH).csv",
        K.LOG10_K,
        "matbench_log_kvrh",
        "MP data (DFT elastic tensor)",
        "de Jong et al., Sci. Data 2, 150009 (2015); matbench: Dunn et al. (2020)",
    ),
}

_EXPECTED_ROWS = {"pbe_gap": 106_113, "expt_gap": 4_604, "log10_g": 10_987, "log10_k": 10_987}


def property_source(name: str) -> PropertySource:
    """The table behind property ``name``, or an error listing the valid names.

    Raises
    ------
    UnknownNameError
        ``name`` is not one of :data:`PROPERTY_NAMES`.
    """
    if name not in SOURCES:
        raise UnknownNameError(
            f"property {name!r} is unknown; use one of {', '.join(PROPERTY_NAMES)}"
        )
    return SOURCES[name]


def load_mp_properties(name: PropertyName) -> pd.DataFrame:
    """The rows of one property table as upstream: what a matbench benchmark is run on.

    Why: the composition-level band gap and modulus data of Materials Project, offline,
    verified by sha256, with one formula column written the ssenb way.

    Parameters
    ----------
    name : {"pbe_gap", "expt_gap", "log10_g", "log10_k"}
        PBE band gap (eV), experimental band gap (eV), log10 shear or bulk modulus
        (log10 GPa, Voigt–Reuss–Hill).

    Returns
    -------
    pandas.DataFrame
        Columns ``formula`` (as upstream), ``reduced_formula`` (as
        :func:`ssenb.data.display_formula` writes it) and the property column named in
        :data:`SOURCES` (e.g. ``band_gap_pbe_eV``), upstream row order; a fresh copy.

    Raises
    ------
    UnknownNameError
        ``name`` is not a known property.
    DataUnavailableError, DataIntegrityError
        The file is missing and cannot be downloaded, or its sha256 differs.

    Examples
    --------
    >>> len(load_mp_properties("expt_gap"))
    4604
    """
    return _rows(property_source(name).name, str(data_dir())).copy()


def property_table(name: PropertyName) -> pd.DataFrame:
    """One row per reduced composition, under the polymorph rule of the module docstring.

    Parameters
    ----------
    name : {"pbe_gap", "expt_gap", "log10_g", "log10_k"}

    Returns
    -------
    pandas.DataFrame
        Indexed by ``reduced_formula``; columns: the property (median over the entries of
        that composition), ``<property>_min``, ``<property>_max`` and ``n_entries``. A
        fresh copy.

    Examples
    --------
    >>> t = property_table("log10_g")
    >>> int(t.loc["Li2O", "n_entries"])  # two Li2O elastic tensors upstream
    2
    """
    return _table(property_source(name).name, str(data_dir())).copy()


def lookup_properties(material: Composition | str) -> dict[str, dict[str, Any]]:
    """What the data say about one composition: each property present, with its spread.

    Parameters
    ----------
    material : str or Composition
        Read through :func:`ssenb.data.to_composition`.

    Returns
    -------
    dict
        ``{property name: {"value", "min", "max", "n_entries", "column", "source"}}`` for
        each table that has the reduced composition; empty when none has it.

    Examples
    --------
    >>> sorted(lookup_properties("LiF"))
    ['expt_gap', 'log10_g', 'log10_k', 'pbe_gap']
    """
    from .materials import to_composition

    formula = display_formula(to_composition(material))
    out: dict[str, dict[str, Any]] = {}
    for name, spec in SOURCES.items():
        table = _table(name, str(data_dir()))
        if formula in table.index:
            row = table.loc[formula]
            out[name] = {
                "value": float(row[spec.column]),
                "min": float(row[f"{spec.column}_min"]),
                "max": float(row[f"{spec.column}_max"]),
                "n_entries": int(row[K.N_ENTRIES]),
                "column": spec.column,
                "source": spec.source_label,
            }
    return out


@lru_cache(maxsize=8)
def _rows(name: str, _data_dir: str) -> pd.DataFrame:
    """Read and check one table (cached per data folder; callers copy)."""
    spec = SOURCES[name]
    path = fetch(spec.file)
    frame = pd.read_csv(path, dtype={"formula": str, "target": float}, float_precision="round_trip")
    if list(frame.columns) != ["formula", "target"] or len(frame) != _EXPECTED_ROWS[name]:
        raise DataIntegrityError(
            f"{spec.file} has columns {list(frame.columns)} and {len(frame)} rows; expected "
            f"formula,target and {_EXPECTED_ROWS[name]} rows (the registered file)"
        )
    if not np.isfinite(frame["target"].to_numpy()).all():
        raise DataIntegrityError(f"{spec.file} has non-numeric or missing targets")
    formulas = frame["formula"].astype(str).tolist()
    return pd.DataFrame(
        {
            K.FORMULA: formulas,
            K.REDUCED_FORMULA: _reduced_names(path, formulas),
            spec.column: frame["target"].to_numpy(np.float64),
        }
    )


def _reduced_names(path: Path, formulas: list[str]) -> list[str]:
    """:func:`_reduced` of a table's formulas, kept in the derived cache between sessions.

    Why: naming the 106,113 PBE-gap rows takes 1-2 s in every process that reads a
    property. The names are cached as an ``.npz`` (read with ``allow_pickle=False``) in
    :func:`~ssenb.data._cache.derived_cache_dir`, keyed by the file's sha256 and the
    naming rule's version (``INDEX_FORMAT`` of the snapshot index, which names its rows
    the same way); a missing, stale or malformed file is rebuilt, and with no writable
    folder the names are made in memory.
    """
    key = hashlib.sha256(
        f"ssenb-mp-properties-names-v{INDEX_FORMAT}|{sha256sum(path)}|{len(formulas)}".encode()
    ).hexdigest()
    folder = derived_cache_dir()
    cache = folder / f"mp_properties_names_{key[:16]}.npz" if folder is not None else None
    if cache is not None and cache.is_file():
        names = _read_names(cache, key, formulas)
        if names is not None:
            return names
    reduced = _reduced(formulas)
    if cache is not None:

        def write(tmp: Path) -> None:
            with open(tmp, "wb") as fh:  # a file object: np.savez would add ".npz" to a path
                np.savez(fh, key=np.array(key), names=np.array(reduced, dtype=str))

        keep_derived(cache, write)  # read-only or full disk: the names live in memory
    return reduced


#: rows of a names cache named again and compared on every read (evenly spaced)
NAMES_SPOT_CHECK = 64


def _read_names(cache: Path, key: str, formulas: list[str]) -> list[str] | None:
    """The cached names if the file is whole, its own and agrees with a spot check, else None.

    The file is untrusted: a truncated or foreign zip, a member that would decompress to
    more than the names can take (a zip bomb), another key or shape, or names that differ
    from :func:`_reduced` on :data:`NAMES_SPOT_CHECK` rows all read as None (named again).
    """
    import zipfile

    n = len(formulas)
    most = 4 * 64 * n + 2**16  # bytes: 64 UCS-4 characters a name, and the key
    try:
        with zipfile.ZipFile(cache) as zf:
            if sum(info.file_size for info in zf.infolist()) > most:
                return None
        with np.load(cache, allow_pickle=False) as z:
            stored_key, names = z["key"], z["names"]
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        return None  # damaged: named again
    if not (
        stored_key.shape == () and str(stored_key) == key
        and names.dtype.kind == "U" and names.shape == (n,)
        and bool(np.all(np.char.str_len(names) > 0))
    ):  # fmt: skip
        return None
    rows = sorted({int(i) for i in np.linspace(0, n - 1, min(n, NAMES_SPOT_CHECK))})
    if rows and _reduced([formulas[i] for i in rows]) != [str(names[i]) for i in rows]:
        return None  # edited or from another naming rule
    return [str(x) for x in names.tolist()]


def _reduced(formulas: list[str]) -> list[str]:
    """Reduced formulas the :func:`display_formula` way; flat ones without a Composition."""
    from pymatgen.core import Composition

    parsed: dict[str, dict[str, float] | None] = {}
    for f in formulas:
        try:
            parsed[f] = _parse_flat(f)
        except DataIntegrityError:  # grouped formula ("Ag(AuS)2"): pymatgen parses it
            parsed[f] = None
    elements = {el for row in parsed.values() if row for el in row}
    order = _electronegativity_order(elements)
    names = {
        f: _display(row, order) if row is not None else display_formula(Composition(f))
        for f, row in parsed.items()
    }
    return [names[f] for f in formulas]


@lru_cache(maxsize=8)
def _table(name: str, _data_dir: str) -> pd.DataFrame:
    """The composition-level table (median, min, max, count) of one property."""
    column = SOURCES[name].column
    rows = _rows(name, _data_dir)
    grouped = rows.groupby(K.REDUCED_FORMULA, sort=True)[column]
    table = pd.DataFrame(
        {
            column: grouped.median(),
            f"{column}_min": grouped.min(),
            f"{column}_max": grouped.max(),
            K.N_ENTRIES: grouped.size().astype(np.int64),
        }
    )
    table.index.name = K.REDUCED_FORMULA
    return table


__all__ = [
    "MP_DATA_VERSION",
    "PROPERTY_NAMES",
    "SOURCES",
    "PropertyName",
    "PropertySource",
    "load_mp_properties",
    "lookup_properties",
    "property_source",
    "property_table",
]
