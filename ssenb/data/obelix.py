"""OBELiX: experimental room-temperature Li-ion conductivities of solid electrolytes."""

from __future__ import annotations

import math
import os
import tarfile
from functools import lru_cache
from typing import TYPE_CHECKING, Literal, get_args

import pandas as pd

from .. import keys as K
from ..errors import InvalidInputError, UnknownNameError
from ._cache import data_dir, fetch
from .cif import MAX_CIF_BYTES
from .materials import to_composition

if TYPE_CHECKING:
    from pymatgen.core import Composition

ObelixSplit = Literal["train", "test", "all"]

LATTICE = ("a", "b", "c", "alpha", "beta", "gamma")  # Å and degrees
#: Upstream family labels that name one family twice (singular/plural, a typo) -> the label
#: kept. Every view that groups by family (tutorial 02's scatter, leave-one-family-out CV)
#: then sees one family, not two.
FAMILY_ALIASES = {
    "argyrodite": "argyrodites",
    "nitride": "nitrides",
    "cholorides": "chlorides",
}
#: The family of a row whose upstream label is empty.
NO_FAMILY = "unassigned"
CONDUCTIVITY_COLUMN = "Ionic conductivity (S cm-1)"


def load_obelix(split: ObelixSplit = "train", *, structures: bool = True) -> pd.DataFrame:
    """Experimental Li-ion conductivities with compositions and, where known, structures.

    One row per material. ``sigma_S_cm`` is the room-temperature ionic conductivity in
    S/cm and ``log10_sigma`` its log10. Values reported upstream as upper bounds
    ("<1E-10", below the detection limit) keep the bound as value and get
    ``censored=True``: the true conductivity is at most that value.

    Parameters
    ----------
    split : {"train", "test", "all"}
        The official OBELiX split. The shared mirror holds only "train"; the others are
        downloaded (and sha256-verified) on first use.
    structures : bool
        Parse the CIFs into pymatgen ``Structure`` objects (about 3 s once; the parsed
        cells are then kept in ssenb's derived cache, ``$SSENB_CACHE_DIR`` or the OS cache,
        and read back in under a second by later sessions). Rows without a CIF,
        or whose CIF fails to parse, get ``structure=None`` and a reason in
        ``structure_error``.

    Returns
    -------
    pandas.DataFrame
        Columns: id, reduced_composition and true_composition (pymatgen ``Composition``),
        z, sigma_S_cm, log10_sigma, censored, family, space_group, space_group_number,
        a, b, c (Å), alpha, beta, gamma (degrees), doi, liverpool_id and laskowski_ref
        (OBELiX's "Liion ID" and "Laskowski ID": the Liverpool Ionics row and the
        Laskowski et al. reference it took the entry from, or None), composition_error,
        structure, structure_error. A row whose formula cannot be parsed keeps ``None`` in the
        composition column(s) and the reason in ``composition_error`` (hydrate notation
        such as ``Li3(Mo8S8O8(OH)8(HWO5(H2O)))*(H2O)18`` is parsed); a row without a
        usable CIF keeps ``structure=None`` and the reason in ``structure_error``.
        CIFs are read within the bounds of :mod:`ssenb.data.cif`.
        A fresh copy each call: modify it freely.

    Notes
    -----
    Data: OBELiX, GitHub NRC-Mila/OBELiX at commit 4eaac88. License CC BY 4.0. Cite
    Therrien et al., "OBELiX: A Curated Dataset of Crystal Structures and Experimentally
    Measured Ionic Conductivities for Lithium Solid-State Electrolytes", arXiv:2502.14234
    (Digital Discovery, 2026). The CIF atom positions were slightly randomized by the
    dataset authors.

    Examples
    --------
    >>> df = load_obelix("train")
    >>> len(df), int(df["structure"].notna().sum())
    (478, 254)
    """
    if split not in get_args(ObelixSplit):
        raise UnknownNameError(
            f"split={split!r} is not an OBELiX split; use one of {', '.join(get_args(ObelixSplit))}"
        )
    frame = _load_cached(split, bool(structures), str(data_dir()))
    out = frame.copy()
    if structures:
        out[K.STRUCTURE] = [s.copy() if s is not None else None for s in frame[K.STRUCTURE]]
    return out


@lru_cache(maxsize=6)
def _load_cached(split: str, structures: bool, _cache_dir: str) -> pd.DataFrame:
    """The parsed split, once per session and data folder (callers copy it)."""
    raw = pd.read_csv(fetch(f"obelix/{split}.csv"), dtype={"ID": str}, keep_default_na=False)
    frame = parse_obelix_table(raw)
    if structures:  # parsed once, then read from the derived cache (_structure_cache)
        from ._structure_cache import parsed_archive

        archive = fetch(f"obelix/{split}_cifs.tar.gz")
        by_id = parsed_archive(archive, frame[K.ID], read=read_cif_archive)
        parsed = [by_id[i] for i in frame[K.ID]]
        frame[K.STRUCTURE] = [s for s, _ in parsed]
        frame[K.STRUCTURE_ERROR] = [e for _, e in parsed]
    return frame


def parse_conductivity(text: str) -> tuple[float, bool]:
    """Read one OBELiX conductivity cell, keeping an upper bound as a censored value.

    Why: 29 training rows report "<1E-10" (below the detection limit); reading them as
    exact values or dropping them would both bias a model.

    Parameters
    ----------
    text : str
        A number (``"1.2e-4"``) or an upper bound (``"<1E-10"``), in S/cm.

    Returns
    -------
    tuple of (float, bool)
        The conductivity in S/cm (the bound itself for an upper bound) and whether it is
        an upper bound (censored).

    Raises
    ------
    InvalidInputError
        Neither a number nor ``<`` and a number, or not positive.

    Examples
    --------
    >>> parse_conductivity("1.2e-4"), parse_conductivity(" <1E-10")
    ((0.00012, False), (1e-10, True))
    """
    s = str(text).strip()
    censored = s.startswith("<")
    try:
        value = float(s.lstrip("<").strip())
    except ValueError:
        raise InvalidInputError(
            f"conductivity {text!r} is neither a number nor an upper bound like '<1E-10'"
        ) from None
    if not value > 0:
        raise InvalidInputError(f"conductivity {text!r} must be positive (S/cm)")
    return value, censored


def parse_obelix_table(raw: pd.DataFrame) -> pd.DataFrame:
    """Turn the upstream OBELiX csv table into ssenb's columns, without structures.

    Why: one reading of the upstream columns (units, censoring, compositions) for every
    split, and for a user's own table in the OBELiX layout.

    Parameters
    ----------
    raw : pandas.DataFrame
        The upstream csv as read with ``dtype={"ID": str}, keep_default_na=False``
        (columns ID, Reduced Composition, True Composition, Z, Ionic conductivity
        (S cm-1), Family, Space group, Space group #, DOI, a, b, c, alpha, beta, gamma).

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`load_obelix` except ``structure`` and
        ``structure_error``; sigma_S_cm in S/cm, a, b, c in Å, angles in degrees. A row
        whose formula does not parse keeps None and the reason in composition_error.

    Raises
    ------
    InvalidInputError
        A column is missing, or a conductivity is not a positive number or bound.

    Examples
    --------
    >>> import pandas as pd
    >>> raw = pd.DataFrame({"ID": ["x1"], "Reduced Composition": ["Li3PS4"],
    ...     "True Composition": ["Li3PS4"], "Z": ["2"], "Ionic conductivity (S cm-1)": ["<1E-8"],
    ...     "Family": [""], "Space group": ["Pnma"], "Space group #": ["62"], "DOI": [""],
    ...     "a": ["12.8"], "b": ["8.2"], "c": ["6.1"], "alpha": ["90"], "beta": ["90"],
    ...     "gamma": ["90"]})
    >>> row = parse_obelix_table(raw).iloc[0]
    >>> float(row["log10_sigma"]), bool(row["censored"]), row["family"]
    (-8.0, True, 'unassigned')
    """
    needed = {"ID", "Reduced Composition", "True Composition", CONDUCTIVITY_COLUMN}
    needed |= {"Z", "Family", "Space group", "Space group #", "DOI", *LATTICE}
    missing = needed - set(raw.columns)
    if missing:
        raise InvalidInputError(
            f"OBELiX table lacks columns {sorted(missing)}; is it an OBELiX csv?"
        )
    sigma = [parse_conductivity(v) for v in raw[CONDUCTIVITY_COLUMN]]
    reduced = [_parse_composition(c, "Reduced Composition") for c in raw["Reduced Composition"]]
    true = [_parse_composition(c, "True Composition") for c in raw["True Composition"]]
    out = pd.DataFrame(
        {
            K.ID: raw["ID"].astype(str),
            K.REDUCED_COMPOSITION: [c for c, _ in reduced],
            K.TRUE_COMPOSITION: [c for c, _ in true],
            "z": pd.to_numeric(raw["Z"], errors="coerce"),
            K.SIGMA: [v for v, _ in sigma],
            K.LOG10_SIGMA: [math.log10(v) for v, _ in sigma],
            K.CENSORED: [c for _, c in sigma],
            K.FAMILY: [family_label(f) for f in raw["Family"]],
            K.SPACE_GROUP: raw["Space group"],
            K.SPACE_GROUP_NUMBER: pd.to_numeric(raw["Space group #"], errors="coerce").astype(
                "Int64"
            ),
        }
    )
    for col in LATTICE:
        out[col] = pd.to_numeric(raw[col], errors="coerce")
    out[K.DOI] = raw["DOI"]
    # where OBELiX took the row from (optional columns: kept for leak checks)
    for column, key in (("Liion ID", K.LIVERPOOL_ID), ("Laskowski ID", K.LASKOWSKI_REF)):
        if column in raw:
            out[key] = raw[column].replace("", None)
    out[K.COMPOSITION_ERROR] = [
        "; ".join(e for e in (r, t) if e) or None for (_, r), (_, t) in zip(reduced, true)
    ]
    return out


def family_label(text: object) -> str:
    """One name per structural family: trimmed, :data:`FAMILY_ALIASES` applied, "" unassigned.

    Examples
    --------
    >>> family_label(" argyrodite"), family_label("argyrodites"), family_label("")
    ('argyrodites', 'argyrodites', 'unassigned')
    """
    name = str(text).strip() if isinstance(text, str) else ""
    return FAMILY_ALIASES.get(name, name) or NO_FAMILY


def _parse_composition(text: str, column: str) -> tuple[Composition, None] | tuple[None, str]:
    """(Composition, None) or (None, reason): one unparseable formula never fails a load."""
    try:
        return to_composition(text, argname=column), None
    except InvalidInputError as err:
        return None, str(err)


def read_cif_archive(path: str | os.PathLike[str]) -> dict[str, str]:
    """The CIF texts of an OBELiX CIF tarball by material id, read without extracting.

    Why: an archive is untrusted input; nothing is written to disk (no path in it is
    ever used) and a member is read up to ``MAX_CIF_BYTES + 1`` bytes, so an oversized
    one is refused by :func:`parse_cif` without being read whole.

    Parameters
    ----------
    path : str or path-like
        A (compressed) tar file whose members are named ``<folder>/<ID>.cif``.

    Returns
    -------
    dict of str to str
        ``{ID: cif text}`` for every regular ``.cif`` member (links and folders are
        skipped); undecodable bytes replaced.

    Examples
    --------
    >>> from ssenb.data import fetch
    >>> cifs = read_cif_archive(fetch("obelix/train_cifs.tar.gz"))
    >>> len(cifs), "_cell_length_a" in cifs["jqc"]
    (254, True)
    """
    out = {}
    with tarfile.open(path) as tf:
        for member in tf.getmembers():
            if member.isfile() and member.name.endswith(".cif"):
                fh = tf.extractfile(member)
                if fh is None:  # pragma: no cover - a regular file always has content
                    continue
                key = member.name.rsplit("/", 1)[-1][: -len(".cif")]
                out[key] = fh.read(MAX_CIF_BYTES + 1).decode("utf-8", errors="replace")
    return out
