"""The Materials Project ~2019 ground-state formation-energy table (offline default).

The public face of the snapshot: the table (:func:`load_mp_snapshot`), formulas by
chemistry (:func:`snapshot_formulas`) and the parsed index (:func:`snapshot_index`) that
the thermodynamics layer builds hulls from. The 85,014 upstream formulas are parsed once
into an element-amount matrix (:mod:`ssenb.data._snapshot_index`), and that derived index
is cached on disk (``.npz`` read with ``allow_pickle=False`` + a JSON manifest, never
pickle) keyed by the source files' sha256. Every later use (the table, hull entries, fast
hulls) reads the matrix: no formula is parsed twice.

Where the derived index is cached: ``$SSENB_CACHE_DIR`` if set, else ``derived/`` in
ssenb's OS cache folder (``pooch.os_cache("ssenb")``, e.g. ``~/.cache/ssenb/derived``:
next to the downloaded data in the default set-up). A folder named by ``$SSENB_DATA_DIR``
(often a shared, read-only mirror) is never written to, and the source files are only
read. A missing, stale or damaged index is rebuilt; when no folder is writable the index
lives in memory for the session.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pandas as pd

from .. import keys as K
from ..errors import InvalidInputError
from ._cache import ENV_CACHE_DIR, data_dir, derived_cache_dir, fetch, keep_derived
from ._snapshot_index import (
    INDEX_FORMAT,
    SOURCE_FILES,
    SnapshotIndex,
    build_index,
    element_formula,
    index_key,
    read_index,
    write_index,
)

SNAPSHOT_NAME = "MP ~2019 (Bartel et al. 2020 allMP via CrabNet 457b4d4)"
CORRECTION_SCHEME = "legacy MaterialsProjectCompatibility (pre-MP2020), GGA/GGA+U"


def load_mp_snapshot() -> pd.DataFrame:
    """Composition-level DFT formation energies of ~85,000 Materials Project compounds.

    The default offline thermodynamic data of ssenb: one row per composition (the
    lowest-energy polymorph), enough to build convex hulls and grand-potential phase
    diagrams. It has **no structures and no MP ids**, and its energies carry the
    **legacy MP corrections (MaterialsProjectCompatibility, pre-MP2020)** of the ~2019
    database: never mix them with MP2020-corrected entries (today's MP, Alexandria) in one
    hull. Elements are not rows: their formation energy is 0 by definition.

    Returns
    -------
    pandas.DataFrame
        Columns: formula (as upstream, e.g. ``Li3P1S4``), reduced_formula (as
        :func:`ssenb.data.display_formula` writes it), chemsys (``"Li-P-S"``, elements
        sorted), n_elements, formation_energy_eV_atom, decomposition_energy_eV_atom (signed
        distance to the hull of all *other* phases: <= 0 on the hull),
        e_above_hull_eV_atom (max(Ed, 0)); energies in eV/atom. 85,014 rows, a fresh
        copy.

    Raises
    ------
    DataUnavailableError
        A source file is not cached and cannot be downloaded.
    DataIntegrityError
        A source file's sha256 differs from the registry.

    Notes
    -----
    Chain of custody: Materials Project (Jain et al., APL Mater. 1, 011002 (2013), CC BY
    4.0) -> Bartel et al., npj Comput. Mater. 6, 97 (2020) (``Ef.json``/``Ed.json``, MIT)
    -> CrabNet (Wang et al., npj Comput. Mater. 7, 77 (2021), MIT) ``CritExam__Ef``/``Ed``
    train/val/test files, joined here on formula (CrabNet's split has no thermodynamic
    meaning; all three are used). The parsed form is cached as described in the module
    docstring.

    Examples
    --------
    >>> mp = load_mp_snapshot()
    >>> len(mp)
    85014
    """
    idx = snapshot_index()
    return pd.DataFrame(
        {
            K.FORMULA: idx.formula.astype(object),
            K.REDUCED_FORMULA: idx.reduced_formula.astype(object),
            K.CHEMSYS: idx.chemsys.astype(object),
            "n_elements": np.diff(idx.indptr).astype(np.int64),
            K.E_FORM: idx.formation_energy.copy(),
            K.E_DECOMP: idx.decomposition_energy.copy(),
            K.E_HULL: np.maximum(idx.decomposition_energy, 0.0),
        }
    )


def snapshot_formulas(*, within: str | None = None, contains: str | None = None) -> list[str]:
    """Formulas of the snapshot by chemistry, for batch screening.

    Parameters
    ----------
    within : str, optional
        A chemical system such as ``"Li-P-S"``: compositions whose elements all lie in it
        (Li2S, P2S5, Li3PS4, ...).
    contains : str, optional
        Comma-separated elements that must all be present, e.g. ``"Li,S"``.

    Returns
    -------
    list of str
        Upstream formulas (e.g. ``Li3P1S4``) in snapshot order; every formula when
        neither argument is given.

    Raises
    ------
    InvalidInputError
        A part of ``within`` or ``contains`` is not an element symbol (``"Xx"``), or
        ``contains`` names an element no compound of the snapshot has.

    Examples
    --------
    >>> "Li3P1S4" in snapshot_formulas(within="Li-P-S")
    True
    """
    idx = snapshot_index()
    keep = np.ones(len(idx.formula), bool)
    for arg, text, sep in (("within", within, "-"), ("contains", contains, ",")):
        if text is None:
            continue
        symbols = [t.strip() for t in str(text).split(sep)]
        bad = [t for t in symbols if not _is_element(t)]
        if bad or not symbols:
            raise InvalidInputError(
                f"{arg}={text!r} is malformed: {bad[0]!r} is not an element symbol; write e.g. "
                + ("'Li-P-S'" if sep == "-" else "'Li,S'")
            )
        if arg == "within":
            rows = np.zeros(len(keep), bool)
            rows[idx.rows_within(symbols)] = True
        else:
            need = idx.mask_of(symbols)
            if need is None:
                unknown = [t for t in symbols if t not in idx.elements]
                raise InvalidInputError(
                    f"contains={text!r}: no compound of the snapshot has {', '.join(unknown)}"
                )
            rows = ((idx.masks[:, 0] & need[0]) == need[0]) & (
                (idx.masks[:, 1] & need[1]) == need[1]
            )
        keep &= rows
    return idx.formula[keep].tolist()


def _is_element(symbol: str) -> bool:
    """Whether ``symbol`` is written like an element symbol and names a real element."""
    if not re.fullmatch(r"[A-Z][a-z]{0,2}", symbol):
        return False
    from pymatgen.core.periodic_table import Element

    return bool(Element.is_valid_symbol(symbol))


def snapshot_index() -> SnapshotIndex:
    """The parsed snapshot, so hulls are built from arrays instead of re-parsed formulas.

    Built once per session and data folder, then read from the on-disk derived cache
    (see the module docstring).

    Returns
    -------
    SnapshotIndex
        The element-amount matrix, element masks, names and energies (eV/atom) of every
        row of :func:`load_mp_snapshot`, in the same order. Shared: do not modify its
        arrays.

    Raises
    ------
    DataUnavailableError
        A source file is not cached and cannot be downloaded.
    DataIntegrityError
        A source file's sha256 differs from the registry.

    Examples
    --------
    >>> idx = snapshot_index()
    >>> len(idx.formula), len(idx.elements)
    (85014, 84)
    """
    return _index_for(str(data_dir()))


@lru_cache(maxsize=2)
def _index_for(_data_dir: str) -> SnapshotIndex:
    """The index of the sources in one data folder: from the disk cache, or built."""
    paths = [fetch(name) for name in SOURCE_FILES]  # verifies each file's sha256
    key = index_key(paths)
    folder = derived_cache_dir()
    cached = read_index(folder, key) if folder is not None else None
    if cached is not None:
        return cached
    index = build_index(paths, key)
    if folder is not None:
        write_index(folder, index)
    return index


__all__ = [
    "CORRECTION_SCHEME",
    "ENV_CACHE_DIR",
    "INDEX_FORMAT",
    "SNAPSHOT_NAME",
    "SnapshotIndex",
    "derived_cache_dir",
    "element_formula",
    "keep_derived",
    "load_mp_snapshot",
    "snapshot_formulas",
    "snapshot_index",
]
