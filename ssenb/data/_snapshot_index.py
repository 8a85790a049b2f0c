"""The MP ~2019 snapshot in array form, built once from the upstream CSVs and cached on disk.

The 85,014 upstream formulas are parsed once into an element-amount matrix (CSR over the
84 elements present) plus 128-bit element-set masks and the display names, without a
pymatgen ``Composition`` per row. The result is cached in :func:`derived_cache_dir` as an
``.npz`` (read with ``allow_pickle=False``) plus a JSON manifest, keyed by the source files'
sha256 and :data:`INDEX_FORMAT`. A cached index is trusted only after its shapes, dtypes
and bounds are checked; anything else (missing, stale, damaged) reads as None and is
rebuilt. :mod:`ssenb.data.mp_snapshot` is the public face of this module.
"""

from __future__ import annotations

import hashlib
import json
import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from math import gcd
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from ..errors import DataIntegrityError
from ._cache import keep_derived, sha256sum
from .materials import amount_text

#: Version of the derived-index layout; a change rebuilds every cached index.
INDEX_FORMAT = 1
#: The registered upstream files, formation energies (Ef) then decomposition energies (Ed).
SOURCE_FILES = tuple(
    f"mp2019-allmp/CritExam__{q}/{s}.csv" for q in ("Ef", "Ed") for s in ("train", "val", "test")
)
_TOKEN = re.compile(r"([A-Z][a-z]?)(\d+(?:\.\d+)?)?")
# pymatgen's Composition.special_formulas: these are not "completely reduced"
_PEROXIDE_CATIONS = frozenset({"Li", "Na", "K", "H", "Cs", "Rb"})
_DIATOMIC = frozenset({"H", "N", "O", "F", "Cl"})


@dataclass(frozen=True, eq=False)
class SnapshotIndex:
    """The snapshot in array form: one row per upstream composition.

    ``amounts`` (CSR: ``indptr``, ``indices`` into ``elements``, ``data``) holds the
    upstream formula's element amounts (atoms per formula unit); ``masks`` the element
    set of each row as a 128-bit mask (two uint64 words) for subset queries. Energies are
    in eV/atom (formation energy; decomposition energy, <= 0 on the hull).
    """

    key: str
    elements: tuple[str, ...]
    indptr: npt.NDArray[np.int64]
    indices: npt.NDArray[np.int16]
    data: npt.NDArray[np.float64]
    formula: npt.NDArray[np.str_]
    reduced_formula: npt.NDArray[np.str_]
    chemsys: npt.NDArray[np.str_]
    formation_energy: npt.NDArray[np.float64]
    decomposition_energy: npt.NDArray[np.float64]
    masks: npt.NDArray[np.uint64]

    def mask_of(self, symbols: Iterable[str]) -> npt.NDArray[np.uint64] | None:
        """The 128-bit element-set mask of ``symbols``, for subset and superset queries.

        Parameters
        ----------
        symbols : iterable of str
            Element symbols, e.g. ``["Li", "S"]``.

        Returns
        -------
        numpy.ndarray of uint64, shape (2,), or None
            The mask (bit *i* set for ``elements[i]``); None if a symbol is not in the
            snapshot.
        """
        wanted = list(symbols)
        if not set(wanted) <= set(self.elements):
            return None
        return self._mask(wanted)

    def _mask(self, symbols: list[str]) -> npt.NDArray[np.uint64]:
        """The mask of ``symbols``, all of which are in the snapshot."""
        col = {el: i for i, el in enumerate(self.elements)}
        out = np.zeros(2, np.uint64)
        for el in symbols:
            out[col[el] // 64] |= np.uint64(1) << np.uint64(col[el] % 64)
        return out

    def rows_within(self, symbols: Iterable[str]) -> npt.NDArray[np.intp]:
        """Rows whose elements all lie in ``symbols``: the compounds of one hull.

        Parameters
        ----------
        symbols : iterable of str
            Element symbols of a chemical system; symbols not in the snapshot are ignored.

        Returns
        -------
        numpy.ndarray of intp
            Row indices, sorted.
        """
        q = self._mask([el for el in symbols if el in self.elements])
        inside = ((self.masks[:, 0] & ~q[0]) == 0) & ((self.masks[:, 1] & ~q[1]) == 0)
        return np.flatnonzero(inside)

    def amounts(
        self, rows: npt.NDArray[np.integer], symbols: Sequence[str]
    ) -> npt.NDArray[np.float64]:
        """Dense element amounts of ``rows``, the input of a hull over ``symbols``.

        Parameters
        ----------
        rows : numpy.ndarray of int
            Row indices (e.g. from :meth:`rows_within`).
        symbols : sequence of str
            The columns, in this order; an element of a row that is not among them is
            left out.

        Returns
        -------
        numpy.ndarray of float64, shape (len(rows), len(symbols))
            Atoms per formula unit as written upstream.
        """
        col = {el: i for i, el in enumerate(self.elements)}
        lookup = np.full(len(self.elements), -1)
        for j, el in enumerate(symbols):
            if el in col:
                lookup[col[el]] = j
        out = np.zeros((len(rows), len(symbols)))
        starts, ends = self.indptr[rows], self.indptr[rows + 1]
        counts = ends - starts
        flat = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(counts.sum())
        out[np.repeat(np.arange(len(rows)), counts), lookup[self.indices[flat]]] = self.data[flat]
        return out


def index_key(paths: Sequence[Path]) -> str:
    """The cache key of an index: sha256 over the layout version and the sources' sha256."""
    h = hashlib.sha256(f"ssenb-mp2019-index-v{INDEX_FORMAT}".encode())
    for p in paths:
        h.update(sha256sum(p).encode())
    return h.hexdigest()


def build_index(paths: Sequence[Path], key: str) -> SnapshotIndex:
    """Parse the six source CSVs (:data:`SOURCE_FILES` order) into a :class:`SnapshotIndex`."""
    ef = pd.concat([pd.read_csv(p) for p in paths[:3]], ignore_index=True)
    ed = pd.concat([pd.read_csv(p) for p in paths[3:]], ignore_index=True)
    merged = ef.merge(ed, on="formula", how="inner", suffixes=("_ef", "_ed"), validate="1:1")
    if len(merged) != len(ef):
        raise DataIntegrityError(
            f"MP snapshot Ef and Ed files do not join 1:1 on formula ({len(ef)} vs {len(merged)} rows)"
        )
    formulas = merged["formula"].astype(str).tolist()
    parsed = [_parse_flat(f) for f in formulas]
    elements = tuple(sorted({el for row in parsed for el in row}))
    col = {el: i for i, el in enumerate(elements)}
    counts = np.array([len(row) for row in parsed])
    indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    indices = np.array([col[el] for row in parsed for el in row], np.int16)
    data = np.array([amt for row in parsed for amt in row.values()], np.float64)
    masks = np.zeros((len(parsed), 2), np.uint64)
    bits = (np.uint64(1) << (indices.astype(np.uint64) % np.uint64(64))).astype(np.uint64)
    rows = np.repeat(np.arange(len(parsed)), counts)
    for word in (0, 1):
        sel = indices // 64 == word
        np.bitwise_or.at(masks[:, word], rows[sel], bits[sel])
    order = _electronegativity_order(elements)
    return SnapshotIndex(
        key=key,
        elements=elements,
        indptr=indptr,
        indices=indices,
        data=data,
        formula=np.array(formulas, dtype=str),
        reduced_formula=np.array([_display(row, order) for row in parsed], dtype=str),
        chemsys=np.array(["-".join(sorted(row)) for row in parsed], dtype=str),
        formation_energy=merged["target_ef"].to_numpy(np.float64),
        decomposition_energy=merged["target_ed"].to_numpy(np.float64),
        masks=masks,
    )


def _parse_flat(formula: str) -> dict[str, float]:
    """``"Li3P1S4"`` -> {"Li": 3.0, "P": 1.0, "S": 4.0}: the snapshot's flat formulas only."""
    tokens = _TOKEN.findall(formula)
    if "".join(el + amt for el, amt in tokens) != formula or not tokens:
        raise DataIntegrityError(
            f"MP snapshot formula {formula!r} is not a flat formula (element + amount pairs); "
            "the upstream file is not the registered one"
        )
    out: dict[str, float] = {}
    for el, amt in tokens:
        out[el] = out.get(el, 0.0) + (float(amt) if amt else 1.0)
    return out


def _electronegativity_order(elements: Iterable[str]) -> dict[str, tuple[float, str]]:
    """Sort key of :func:`ssenb.data.display_formula` (Pauling X, NaN last, then symbol)."""
    from pymatgen.core import Element

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pymatgen warns for elements without an X
        xs = {el: float(Element(el).X) for el in elements}
    return {el: (x if x == x else 99.0, el) for el, x in xs.items()}


def element_formula(symbol: str) -> str:
    """How pymatgen (and so :func:`ssenb.data.display_formula`) names an element.

    Parameters
    ----------
    symbol : str
        An element symbol.

    Returns
    -------
    str
        ``symbol + "2"`` for the diatomic gases (H, N, O, F, Cl), else ``symbol``.

    Examples
    --------
    >>> element_formula("O"), element_formula("S")
    ('O2', 'S')
    """
    return f"{symbol}2" if symbol in _DIATOMIC else symbol


def _display(amounts: dict[str, float], order: dict[str, tuple[float, str]]) -> str:
    """:func:`ssenb.data.display_formula` of a parsed flat formula, without a Composition."""
    if len(amounts) == 1:
        (el,) = amounts
        return element_formula(el)
    values = list(amounts.values())
    if all(abs(v - round(v)) < 1e-8 for v in values):  # pymatgen reduces integer formulas
        factor = 0
        for v in values:
            factor = gcd(factor, round(v))
        reduced = {el: round(v) / factor for el, v in amounts.items()}
        if (
            len(reduced) == 2
            and "O" in reduced
            and set(reduced.values()) == {1}
            and (set(reduced) - {"O"}) <= _PEROXIDE_CATIONS
        ):
            reduced = {el: 2.0 for el in reduced}  # Li2O2, H2O2: pymatgen's special formulas
    else:
        reduced = dict(amounts)
    return "".join(
        f"{el}{amount_text(reduced[el])}" for el in sorted(reduced, key=order.__getitem__)
    )


_ARRAYS = (
    "indptr",
    "indices",
    "data",
    "formula",
    "reduced_formula",
    "chemsys",
    "formation_energy",
    "decomposition_energy",
    "masks",
)
#: dtype each array of a cached index must have (as :func:`build_index` makes it).
_DTYPES = {
    "indptr": np.dtype(np.int64),
    "indices": np.dtype(np.int16),
    "data": np.dtype(np.float64),
    "formation_energy": np.dtype(np.float64),
    "decomposition_energy": np.dtype(np.float64),
    "masks": np.dtype(np.uint64),
}


def _paths(folder: Path, key: str) -> tuple[Path, Path]:
    """The ``.npz`` and manifest files of index ``key`` in ``folder``."""
    stem = f"mp2019_index_{key[:16]}"
    return folder / f"{stem}.npz", folder / f"{stem}.json"


def write_index(folder: Path, index: SnapshotIndex) -> None:
    """Write the index atomically (temporary files + rename); silently skip if we cannot."""
    npz, manifest = _paths(folder, index.key)
    meta = {
        "format": INDEX_FORMAT,
        "key": index.key,
        "elements": list(index.elements),
        "rows": len(index.formula),
        "sources": list(SOURCE_FILES),
    }

    def arrays(tmp: Path) -> None:
        with open(tmp, "wb") as fh:  # a file object: np.savez would add ".npz" to a path
            np.savez(fh, **{n: getattr(index, n) for n in _ARRAYS})

    # read-only or full disk: the index simply lives in memory (no manifest, never read)
    if keep_derived(npz, arrays):
        keep_derived(manifest, lambda tmp: tmp.write_text(json.dumps(meta)))


def read_index(folder: Path, key: str) -> SnapshotIndex | None:
    """The cached index if present, of this key and well-formed; None otherwise."""
    npz, manifest = _paths(folder, key)
    if not (npz.is_file() and manifest.is_file()):
        return None
    try:
        meta = json.loads(manifest.read_text())
        elements = meta["elements"]
        rows = meta["rows"]
        if (
            meta.get("format") != INDEX_FORMAT
            or meta.get("key") != key
            or not isinstance(elements, list)
            or not all(isinstance(e, str) and re.fullmatch(r"[A-Z][a-z]?", e) for e in elements)
            or not isinstance(rows, int)
        ):
            return None
        with np.load(npz, allow_pickle=False) as z:
            arrays = {n: z[n] for n in _ARRAYS}
    except (OSError, ValueError, KeyError, TypeError):
        return None
    n = rows
    ok = (
        all(arrays[a].dtype == dtype for a, dtype in _DTYPES.items())
        and all(arrays[a].shape == (n,) for a in _ARRAYS[3:8])
        and arrays["masks"].shape == (n, 2)
        and arrays["indptr"].shape == (n + 1,)
        and arrays["indptr"][0] == 0
        and np.all(np.diff(arrays["indptr"]) > 0)
        and arrays["indptr"][-1] == len(arrays["indices"]) == len(arrays["data"])
        and arrays["indices"].min(initial=0) >= 0
        and arrays["indices"].max(initial=0) < len(elements)
        and all(arrays[a].dtype.kind == "U" for a in ("formula", "reduced_formula", "chemsys"))
    )
    if not ok:
        return None
    return SnapshotIndex(key=key, elements=tuple(elements), **arrays)


__all__ = [
    "INDEX_FORMAT",
    "SOURCE_FILES",
    "SnapshotIndex",
    "build_index",
    "element_formula",
    "index_key",
    "read_index",
    "write_index",
]
