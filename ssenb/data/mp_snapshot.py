"""The Materials Project ~2019 ground-state formation-energy table (offline default).

The 85,014 upstream formulas are parsed once into an element-amount matrix (CSR over the
84 elements present) plus a chemical-system index, and that derived index is cached on
disk (``.npz`` read with ``allow_pickle=False`` + a JSON manifest, never pickle) keyed by
the source files' sha256. Every later use (the table, hull entries, fast hulls) reads
the matrix: no formula is parsed twice.

Where the derived index is cached: ``$SSENB_CACHE_DIR`` if set, else ``derived/`` in
ssenb's OS cache folder (``pooch.os_cache("ssenb")``, e.g. ``~/.cache/ssenb/derived``:
next to the downloaded data in the default set-up). A folder named by ``$SSENB_DATA_DIR``
(often a shared, read-only mirror) is never written to, and the source files are only
read. A missing, stale or damaged index is rebuilt; when no folder is writable the index
lives in memory for the session.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import warnings
from dataclasses import dataclass
from functools import lru_cache
from math import gcd
from pathlib import Path

import numpy as np
import pandas as pd

from .. import keys as K
from ..errors import DataIntegrityError
from ._cache import data_dir, fetch, sha256sum
from .materials import amount_text

SNAPSHOT_NAME = "MP ~2019 (Bartel et al. 2020 allMP via CrabNet 457b4d4)"
CORRECTION_SCHEME = "legacy MaterialsProjectCompatibility (pre-MP2020), GGA/GGA+U"
ENV_CACHE_DIR = "SSENB_CACHE_DIR"
#: Version of the derived-index layout; a change rebuilds every cached index.
INDEX_FORMAT = 1
_SPLITS = ("train", "val", "test")
_FILES = tuple(f"mp2019-allmp/CritExam__{q}/{s}.csv" for q in ("Ef", "Ed") for s in _SPLITS)
_TOKEN = re.compile(r"([A-Z][a-z]?)(\d+(?:\.\d+)?)?")
# pymatgen's Composition.special_formulas: these are not "completely reduced"
_PEROXIDE_CATIONS = frozenset({"Li", "Na", "K", "H", "Cs", "Rb"})
_DIATOMIC = frozenset({"H", "N", "O", "F", "Cl"})


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
        e_above_hull_eV_atom (max(Ed, 0)). 85,014 rows, a fresh copy.

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


@dataclass(frozen=True, eq=False)
class SnapshotIndex:
    """The snapshot in array form: one row per upstream composition.

    ``amounts`` (CSR: ``indptr``, ``indices`` into ``elements``, ``data``) holds the
    upstream formula's element amounts (atoms per formula unit); ``masks`` the element
    set of each row as a 128-bit mask (two uint64 words) for subset queries.
    """

    key: str
    elements: tuple[str, ...]
    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray
    formula: np.ndarray
    reduced_formula: np.ndarray
    chemsys: np.ndarray
    formation_energy: np.ndarray
    decomposition_energy: np.ndarray
    masks: np.ndarray

    def mask_of(self, symbols) -> np.ndarray | None:
        """The 128-bit mask of ``symbols``, or None if one is not in the snapshot."""
        col = {el: i for i, el in enumerate(self.elements)}
        out = np.zeros(2, np.uint64)
        for el in symbols:
            if el not in col:
                return None
            out[col[el] // 64] |= np.uint64(1) << np.uint64(col[el] % 64)
        return out

    def rows_within(self, symbols) -> np.ndarray:
        """Indices of every row whose elements are a subset of ``symbols`` (sorted)."""
        col = {el: i for i, el in enumerate(self.elements)}
        q = self.mask_of([el for el in symbols if el in col])
        inside = ((self.masks[:, 0] & ~q[0]) == 0) & ((self.masks[:, 1] & ~q[1]) == 0)
        return np.flatnonzero(inside)

    def amounts(self, rows: np.ndarray, symbols) -> np.ndarray:
        """Dense (len(rows), len(symbols)) element amounts of ``rows`` (columns in that order)."""
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
        Upstream formulas (e.g. ``Li3P1S4``) in snapshot order.

    Examples
    --------
    >>> len(snapshot_formulas(within="Li-P-S")) > 10
    True
    """
    from ..errors import InvalidInputError

    idx = snapshot_index()
    keep = np.ones(len(idx.formula), bool)
    for arg, text, sep in (("within", within, "-"), ("contains", contains, ",")):
        if text is None:
            continue
        symbols = [t.strip() for t in str(text).split(sep)]
        bad = [t for t in symbols if not re.fullmatch(r"[A-Z][a-z]{0,2}", t)]
        if bad or not symbols:
            raise InvalidInputError(
                f"{arg}={text!r} is malformed: {bad[0]!r} is not an element symbol; write e.g. "
                + ("'Li-P-S'" if sep == "-" else "'Li,S'")
            )
        unknown = [t for t in symbols if t not in idx.elements]
        if unknown and arg == "contains":
            raise InvalidInputError(
                f"contains={text!r}: no compound of the snapshot has {', '.join(unknown)}"
            )
        if arg == "within":
            rows = np.zeros(len(keep), bool)
            rows[idx.rows_within(symbols)] = True
        else:
            need = idx.mask_of(symbols)
            rows = ((idx.masks[:, 0] & need[0]) == need[0]) & (
                (idx.masks[:, 1] & need[1]) == need[1]
            )
        keep &= rows
    return idx.formula[keep].tolist()


def snapshot_index() -> SnapshotIndex:
    """The parsed snapshot (built once, then read from the on-disk derived cache)."""
    return _index_for(str(data_dir()))


@lru_cache(maxsize=2)
def _index_for(_data_dir: str) -> SnapshotIndex:
    paths = [fetch(name) for name in _FILES]  # verifies each file's sha256
    key = _index_key(paths)
    folder = derived_cache_dir()
    cached = _read_index(folder, key) if folder is not None else None
    if cached is not None:
        return cached
    index = _build_index(paths, key)
    if folder is not None:
        _write_index(folder, index)
    return index


def derived_cache_dir() -> Path | None:
    """Writable folder for derived data (see the module docstring), or None if none is.

    ``$SSENB_CACHE_DIR`` if set, else ``derived/`` in ssenb's OS cache folder
    (``pooch.os_cache("ssenb")``, where the data itself is cached by default). A folder
    named by ``$SSENB_DATA_DIR`` (often a shared, read-only mirror) is never written to.
    """
    env = os.environ.get(ENV_CACHE_DIR)
    if env:
        folder = Path(env).expanduser()
    else:
        folder = _os_cache() / "derived"
    probe = folder
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    return folder if probe.is_dir() and _writable(probe) else None


def _os_cache() -> Path:
    """``pooch.os_cache("ssenb")`` without importing pooch (0.2 s) on the fast path."""
    try:
        import platformdirs
    except ImportError:  # pragma: no cover - pooch depends on platformdirs
        import pooch

        return Path(pooch.os_cache("ssenb"))
    return Path(platformdirs.user_cache_dir("ssenb"))


def _writable(folder: Path) -> bool:
    """Writable by us and by its mode bits (root ignores the bits; a read-only mirror keeps them)."""
    return os.access(folder, os.W_OK | os.X_OK) and bool(folder.stat().st_mode & 0o222)


def _index_key(paths: list[Path]) -> str:
    h = hashlib.sha256(f"ssenb-mp2019-index-v{INDEX_FORMAT}".encode())
    for p in paths:
        h.update(sha256sum(p).encode())
    return h.hexdigest()


def _build_index(paths: list[Path], key: str) -> SnapshotIndex:
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


def _electronegativity_order(elements) -> dict[str, tuple[float, str]]:
    """Sort key of :func:`ssenb.data.display_formula` (Pauling X, NaN last, then symbol)."""
    from pymatgen.core import Element

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pymatgen warns for elements without an X
        xs = {el: float(Element(el).X) for el in elements}
    return {el: (x if x == x else 99.0, el) for el, x in xs.items()}


def element_formula(symbol: str) -> str:
    """How pymatgen (and so :func:`ssenb.data.display_formula`) names an element: ``O2``, ``S``."""
    return f"{symbol}2" if symbol in _DIATOMIC else symbol


def _display(amounts: dict[str, float], order) -> str:
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


def _paths(folder: Path, key: str) -> tuple[Path, Path]:
    stem = f"mp2019_index_{key[:16]}"
    return folder / f"{stem}.npz", folder / f"{stem}.json"


def _write_index(folder: Path, index: SnapshotIndex) -> None:
    """Write the index atomically (temporary files + rename); silently skip if we cannot."""
    npz, manifest = _paths(folder, index.key)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for target, write in (
            (npz, lambda fh: np.savez(fh, **{n: getattr(index, n) for n in _ARRAYS})),
            (
                manifest,
                lambda fh: fh.write(
                    json.dumps(
                        {
                            "format": INDEX_FORMAT,
                            "key": index.key,
                            "elements": list(index.elements),
                            "rows": len(index.formula),
                            "sources": list(_FILES),
                        }
                    ).encode()
                ),
            ),
        ):
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=target.suffix)
            try:
                with os.fdopen(fd, "wb") as fh:
                    write(fh)
                os.replace(tmp, target)
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
    except OSError:  # read-only or full disk: the index simply lives in memory
        return


def _read_index(folder: Path, key: str) -> SnapshotIndex | None:
    """The cached index if present, of this key and well-formed; None otherwise."""
    npz, manifest = _paths(folder, key)
    if not (npz.is_file() and manifest.is_file()):
        return None
    try:
        meta = json.loads(manifest.read_text())
        elements = meta["elements"]
        if (
            meta.get("format") != INDEX_FORMAT
            or meta.get("key") != key
            or not isinstance(elements, list)
            or not all(isinstance(e, str) and re.fullmatch(r"[A-Z][a-z]?", e) for e in elements)
        ):
            return None
        with np.load(npz, allow_pickle=False) as z:
            arrays = {n: z[n] for n in _ARRAYS}
    except (OSError, ValueError, KeyError, TypeError):
        return None
    n = int(meta.get("rows", -1))
    ok = (
        all(arrays[a].shape == (n,) for a in _ARRAYS[3:8])
        and arrays["masks"].shape == (n, 2)
        and arrays["masks"].dtype == np.uint64
        and arrays["indptr"].shape == (n + 1,)
        and arrays["indptr"][0] == 0
        and np.all(np.diff(arrays["indptr"]) > 0)
        and arrays["indptr"][-1] == len(arrays["indices"]) == len(arrays["data"])
        and arrays["indices"].min(initial=0) >= 0
        and arrays["indices"].max(initial=0) < len(elements)
        and all(arrays[a].dtype.kind == "U" for a in ("formula", "reduced_formula", "chemsys"))
        and all(arrays[a].dtype == np.float64 for a in ("data", "formation_energy"))
    )
    if not ok:
        return None
    return SnapshotIndex(key=key, elements=tuple(elements), **arrays)


__all__ = [
    "CORRECTION_SCHEME",
    "ENV_CACHE_DIR",
    "INDEX_FORMAT",
    "SNAPSHOT_NAME",
    "SnapshotIndex",
    "derived_cache_dir",
    "element_formula",
    "load_mp_snapshot",
    "snapshot_formulas",
    "snapshot_index",
]
