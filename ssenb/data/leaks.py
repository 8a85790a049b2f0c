"""Which rows of one table are the same material or the same paper as rows of another.

The one home of the matching rules that keep a test set honest: exact reduced
composition, near-duplicate composition (same elements, every atomic fraction within
``tol``), a shared DOI, and the source ids OBELiX records for the tables it was built
from (its ``Liion ID`` points at a Liverpool Ionics row, its ``Laskowski ID`` at a
reference number of Laskowski et al. 2023). Used to drop training rows that match a
test split (:func:`exclude_overlaps`) and to group rows for cross-validation
(:func:`near_duplicate_groups`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Literal, cast, get_args

import numpy as np
import pandas as pd

from .. import keys as K
from ..errors import InvalidInputError

if TYPE_CHECKING:
    from pymatgen.core import Composition

#: Largest difference of any atomic fraction between two near-duplicate compositions.
#: 0.02 joins doping series steps such as Li0.33La0.56Ti0.99Al0.01O2.99F0.01 / ...Al0.02...
#: (and one Li per Li7La3Zr2O12 formula unit is a fraction step of 0.042: not joined).
NEAR_DUPLICATE_TOL = 0.02
Match = Literal["composition", "near_duplicate", "doi", "source_id"]
MATCHES: tuple[Match, ...] = get_args(Match)
#: Source-id columns: (column of a row, the source whose rows it names).
SOURCE_POINTERS = {K.LIVERPOOL_ID: "liverpool", K.LASKOWSKI_REF: "laskowski"}


def composition_key(comp: Composition | None) -> tuple[tuple[str, float], ...] | None:
    """A hashable key equal for equal reduced compositions: (element, atomic fraction) pairs.

    Fractions are rounded to 1e-6, so "Li0.33La0.56TiO3" and "Li33La56Ti100O300" share a key.
    """
    if comp is None:
        return None
    return tuple(sorted((str(el), round(comp.get_atomic_fraction(el), 6)) for el in comp.elements))


def _fractions(comp: Composition) -> dict[str, float]:
    return {str(el): comp.get_atomic_fraction(el) for el in comp.elements}


def _near(f: dict[str, float], g: dict[str, float], tol: float) -> bool:
    """The near-duplicate rule: the same elements, every atomic fraction within ``tol``."""
    return f.keys() == g.keys() and max(abs(f[e] - g[e]) for e in f) <= tol


def near_duplicate_groups(
    compositions: Sequence[Composition], tol: float = NEAR_DUPLICATE_TOL
) -> np.ndarray:
    """Group ids joining compositions with the same elements and every atomic fraction within ``tol``.

    Doping series such as Li0.33La0.56Ti0.99Al0.01O2.99F0.01 / ...Al0.02... form one group,
    so they never sit on both sides of a train/test split.
    """
    links: list[tuple[int, int]] = []
    by_elements: dict[frozenset, list[int]] = {}
    fracs = []
    for i, c in enumerate(compositions):
        f = _fractions(c)
        fracs.append(f)
        by_elements.setdefault(frozenset(f), []).append(i)
    for members in by_elements.values():  # _near, vectorized within one element set
        if len(members) < 2:
            continue
        arr = np.array([[fracs[i][e] for e in sorted(fracs[members[0]])] for i in members])
        for a in range(len(members)):
            close = np.flatnonzero(np.abs(arr[a + 1 :] - arr[a]).max(axis=1) <= tol)
            links.extend((members[a], members[a + 1 + b]) for b in close)
    return components(len(compositions), links)


def paper_group_ids(
    compositions: Sequence[Composition],
    dois: Sequence[Any],
    tol: float = NEAR_DUPLICATE_TOL,
    *,
    first_doi_only: bool = False,
    anchors: Sequence[bool] | np.ndarray | None = None,
) -> np.ndarray:
    """Group ids joining rows that share a DOI, a composition, or are near-duplicates.

    The leakage rule of the official OBELiX split (see
    :func:`ssenb.models.paper_groups`): ``dois`` holds one cell per row (several DOIs
    joined by "|"; None for none). ``first_doi_only`` links rows by their first DOI only
    (a combined row's primary paper: OBELiX's when it has one): chaining every paper that
    ever measured a composition joins a quarter of the merged table into one group,
    which no test-like split can hold out.

    ``anchors`` (booleans, default all) builds the groups of a test set drawn from the
    anchor rows only, as the merged-data validation draws it from OBELiX's rows: anchor
    rows are grouped among themselves by the rule above, and every other row joins the
    group(s) of the anchor rows it *directly* shares a near-duplicate composition or a
    DOI with (:func:`exclude_overlaps` drops exactly such rows for a held-out anchor), or
    stays alone. Non-anchor rows never link anchor groups through each other: chains of
    literature rows would otherwise join a held-out paper with papers the test never
    touches. A row touching two anchor groups joins them (held out with either).
    """
    n = len(compositions)
    anchor = np.ones(n, bool) if anchors is None else np.asarray(anchors, bool)
    if len(anchor) != n:
        raise InvalidInputError(f"anchors has {len(anchor)} values for {n} rows")
    near = np.full(n, -1)
    near[anchor] = near_duplicate_groups(
        [compositions[int(i)] for i in np.flatnonzero(anchor)], tol
    )
    links: list[tuple[int, int]] = []
    first: dict[object, int] = {}

    def link(key: object, i: int) -> None:
        j = first.setdefault(key, i)
        if j != i:
            links.append((j, i))

    def papers(i: int, first_only: bool) -> list[tuple[str, str]]:
        return [("doi", p) for p in split_dois(dois[i])[: 1 if first_only else None]]

    for i in map(int, np.flatnonzero(anchor)):
        for key in [("near", int(near[i])), *papers(i, first_doi_only)]:
            link(key, i)
    if not anchor.all():
        # a non-anchor row: near-duplicate of an anchor row (pairwise, never through
        # another non-anchor row), or any of its DOIs, as exclude_overlaps compares
        fracs = [_fractions(c) for c in compositions]
        by_elements: dict[frozenset, list[int]] = {}
        for j in map(int, np.flatnonzero(anchor)):
            by_elements.setdefault(frozenset(fracs[j]), []).append(j)
        for i in map(int, np.flatnonzero(~anchor)):
            same = by_elements.get(frozenset(fracs[i]), [])
            links.extend((j, i) for j in same if _near(fracs[i], fracs[j], tol))
            links.extend((first[key], i) for key in papers(i, False) if key in first)
    return components(n, links)


def components(n: int, links: Iterable[tuple[int, int]]) -> np.ndarray:
    """Connected-component ids (0..k-1, in order of first member) of ``n`` items joined by ``links``."""
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in links:
        parent[find(a)] = find(b)
    _, ids = np.unique([find(i) for i in range(n)], return_inverse=True)
    return np.asarray(ids)


def split_dois(value: Any) -> list[str]:
    """The DOIs in one cell (OBELiX joins several with "|"), lower-case, without resolver URL."""
    if not isinstance(value, str):
        return []
    out = []
    for part in value.split("|"):
        doi = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", part.strip(), flags=re.I)
        if doi:
            out.append(doi.lower())
    return out


def _ids(value: Any) -> list[str]:
    """Source ids in one cell: "901.0" -> "901"; several joined by "|" or ","."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return []
    out = []
    for part in re.split(r"[|,;]", str(value)):
        part = part.strip()
        if not part or part.lower() == "nan":
            continue
        try:
            number = float(part)
            out.append(str(int(number)) if number.is_integer() else part)
        except ValueError:
            out.append(part)
    return out


def source_pointers(frame: pd.DataFrame) -> list[set[tuple[str, str]]]:
    """Per row, the (source, id) pairs it is or points to.

    A Liverpool row is ("liverpool", its ID); a Laskowski row is ("laskowski", its
    reference number); an OBELiX row points to what its ``liverpool_id`` and
    ``laskowski_ref`` columns name.
    """
    out: list[set[tuple[str, str]]] = [set() for _ in range(len(frame))]
    source = frame[K.SOURCE].to_numpy() if K.SOURCE in frame else [None] * len(frame)
    own = {
        "liverpool": frame[K.SOURCE_ID] if K.SOURCE_ID in frame else None,
        "laskowski": frame["reference"] if "reference" in frame else None,
    }
    for i in range(len(frame)):
        col = own.get(str(source[i]))
        if col is not None:
            out[i].update((str(source[i]), v) for v in _ids(col.iloc[i]))
        for column, target in SOURCE_POINTERS.items():
            if column in frame:
                out[i].update((target, v) for v in _ids(frame[column].iloc[i]))
    return out


def overlap_reasons(
    frame: pd.DataFrame,
    reference: pd.DataFrame,
    *,
    by: Iterable[Match] = MATCHES,
    tol: float = NEAR_DUPLICATE_TOL,
) -> pd.Series:
    """Why each row of ``frame`` matches some row of ``reference`` (None: it matches none).

    Parameters
    ----------
    frame, reference : DataFrame
        Material frames with ``reduced_composition`` (pymatgen Compositions; a row without
        one matches by DOI and source id only), and optionally ``doi``, ``source``,
        ``source_id``, ``reference``, ``liverpool_id``, ``laskowski_ref``.
    by : iterable of {"composition", "near_duplicate", "doi", "source_id"}
        Which rules to apply (default: all). "near_duplicate": same elements and every
        atomic fraction within ``tol``.
    tol : float
        Near-duplicate tolerance on atomic fractions (default 0.02).

    Returns
    -------
    pandas.Series of str or None
        Index of ``frame``; the first matching rule with the reference row's id, e.g.
        ``"same composition as obelix:abc"``.

    Examples
    --------
    >>> import pandas as pd
    >>> from pymatgen.core import Composition
    >>> test = pd.DataFrame({"id": ["t1"], "reduced_composition": [Composition("Li3PS4")],
    ...                      "doi": ["10.1/a"]})
    >>> train = pd.DataFrame({"reduced_composition": [Composition("Li6PS5Cl"),
    ...     Composition("Li3PS4"), Composition("Li7P3S11")], "doi": ["10.1/b", "10.1/c", "10.1/A"]})
    >>> list(overlap_reasons(train, test))
    [None, 'same composition as t1', 'same DOI (10.1/a) as t1']
    """
    rules: list[Match] = [cast("Match", by)] if isinstance(by, str) else list(by)
    _check_matchable(frame, "frame")
    _check_matchable(reference, "reference")
    unknown = sorted(set(rules) - set(MATCHES))
    if unknown:
        raise InvalidInputError(f"by={unknown} is not a matching rule; use {', '.join(MATCHES)}")
    if not isinstance(tol, int | float) or not 0 <= tol < 1:
        raise InvalidInputError(f"tol={tol!r} must be an atomic-fraction difference in [0, 1)")
    ref_ids = _row_ids(reference)
    comps = _comps(frame)
    ref_comps = _comps(reference)
    exact: dict[Any, str] = {}
    by_elements: dict[frozenset, list[tuple[dict[str, float], str]]] = {}
    for c, rid in zip(ref_comps, ref_ids):
        if c is not None:
            exact.setdefault(composition_key(c), rid)
            by_elements.setdefault(frozenset(str(e) for e in c.elements), []).append(
                (_fractions(c), rid)
            )
    dois: dict[str, str] = {}
    for value, rid in zip(reference.get(K.DOI, pd.Series([None] * len(reference))), ref_ids):
        for doi in split_dois(value):
            dois.setdefault(doi, rid)
    pointers: dict[tuple[str, str], str] = {}
    for ptrs, rid in zip(source_pointers(reference), ref_ids):
        for p in ptrs:
            pointers.setdefault(p, rid)
    frame_dois = frame.get(K.DOI, pd.Series([None] * len(frame), index=frame.index))
    frame_ptrs = source_pointers(frame) if "source_id" in rules else [set()] * len(frame)
    out: list[str | None] = []
    for c, doi_cell, ptrs in zip(comps, frame_dois, frame_ptrs):
        out.append(_reason(c, doi_cell, ptrs, rules, tol, exact, by_elements, dois, pointers))
    return pd.Series(out, index=frame.index, dtype=object)


def _reason(
    comp: Composition | None,
    doi_cell: Any,
    ptrs: set[tuple[str, str]],
    rules: list[Match],
    tol: float,
    exact: dict[Any, str],
    by_elements: dict[frozenset, list[tuple[dict[str, float], str]]],
    dois: dict[str, str],
    pointers: dict[tuple[str, str], str],
) -> str | None:
    for rule in rules:
        if rule == "composition" and comp is not None:
            hit = exact.get(composition_key(comp))
            if hit is not None:
                return f"same composition as {hit}"
        elif rule == "near_duplicate" and comp is not None:
            f = _fractions(comp)
            for g, rid in by_elements.get(frozenset(f), []):
                if _near(f, g, tol):
                    return f"near-duplicate composition (fractions within {tol:g}) of {rid}"
        elif rule == "doi":
            for doi in split_dois(doi_cell):
                if doi in dois:
                    return f"same DOI ({doi}) as {dois[doi]}"
        elif rule == "source_id":
            for p in sorted(ptrs):
                if p in pointers:
                    return f"same {p[0]} entry ({p[1]}) as {pointers[p]}"
    return None


def exclude_overlaps(
    frame: pd.DataFrame,
    reference: pd.DataFrame,
    *,
    by: Iterable[Match] = MATCHES,
    tol: float = NEAR_DUPLICATE_TOL,
) -> pd.DataFrame:
    """The rows of ``frame`` that match no row of ``reference`` (see :func:`overlap_reasons`).

    Why: OBELiX was built partly from the Liverpool and Laskowski tables, so they hold
    the OBELiX test split's materials; a model compared with a test-split result must
    never have seen them. ``frame.attrs["excluded"]`` counts the dropped rows by rule.
    A new frame; ``frame`` is not modified.
    """
    reasons = overlap_reasons(frame, reference, by=by, tol=tol)
    kept = frame.loc[reasons.isna()].copy()
    counts = reasons.dropna().map(lambda r: r.split(" (")[0].split(" as ")[0]).value_counts()
    kept.attrs = {**frame.attrs, "excluded": {str(k): int(v) for k, v in counts.items()}}
    return kept


def _check_matchable(frame: Any, name: str) -> None:
    """A frame with none of the columns a rule reads would match nothing, silently."""
    if not isinstance(frame, pd.DataFrame):
        raise InvalidInputError(
            f"{name}={type(frame).__name__}; pass a DataFrame of materials "
            "(e.g. ssenb.data.conductivity_measurements())"
        )
    usable = [K.REDUCED_COMPOSITION, K.DOI, K.SOURCE_ID, "reference", *SOURCE_POINTERS]
    if not any(c in frame.columns for c in usable):
        raise InvalidInputError(
            f"{name} has none of the columns overlaps are found by ({', '.join(usable)}); it "
            f"has {list(map(str, frame.columns))[:8]}: nothing could be excluded. Pass frames "
            "made by ssenb.data (load_obelix, conductivity_measurements)"
        )


def _comps(frame: pd.DataFrame) -> list[Composition | None]:
    """Each row's composition; a formula string (a frame read back from CSV) is parsed."""
    if K.REDUCED_COMPOSITION not in frame:
        return [None] * len(frame)
    from pymatgen.core import Composition

    out: list[Composition | None] = []
    for c in frame[K.REDUCED_COMPOSITION]:
        if isinstance(c, str) and c.strip():
            try:
                c = Composition(c)
            except (ValueError, KeyError, TypeError):  # pymatgen's parse errors
                c = None
        out.append(c if isinstance(c, Composition) else None)
    return out


def _row_ids(frame: pd.DataFrame) -> list[str]:
    """How a reference row is named in reasons: ``source:id``, its id, or its position."""
    if K.SOURCE in frame and K.SOURCE_ID in frame:
        return [f"{s}:{i}" for s, i in zip(frame[K.SOURCE], frame[K.SOURCE_ID])]
    if K.ID in frame:
        return [str(i) for i in frame[K.ID]]
    return [f"row {i}" for i in range(len(frame))]
