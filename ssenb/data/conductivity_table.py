"""One room-temperature conductivity table across OBELiX and the open literature tables.

:func:`conductivity_measurements` stacks every readable room-temperature measurement of
OBELiX (a split), the Liverpool Ionics dataset and Laskowski et al. 2023 with its
provenance; :func:`combine_repeats` makes one row per composition. :func:`repeat_scatter`
measures the noise floor (how far two measurements of one composition lie apart) and
:func:`conductivity_data_card` summarises all of it.

Combination rule (one row per exact reduced composition): log10 σ is the median of the
member measurements that are values; a censored bound ("<1E-10") joins only when no
member is a value, and then the tightest (lowest) bound is kept, still censored. The
spread stays: ``log10_sigma_range`` (max - min of the values, log10 S/cm), the number of
measurements and of bounds, every source, source row and DOI ("|"-joined, so a combined
row is grouped with every paper it came from). Lattice constants and structure come from
the first OBELiX member. The median is robust to one mis-transcribed value (a PDF
extraction error, a wrong exponent) where a mean is not.

Data: OBELiX (Therrien et al., Digital Discovery 2026; CC BY 4.0); Hargreaves et al.,
npj Comput. Mater. 9, 9 (2023); Laskowski et al., Energy Environ. Sci. 16, 1264 (2023).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal, get_args

import numpy as np
import pandas as pd

from .. import keys as K
from ..errors import InvalidInputError
from ..results import Result, fmt_number
from .conductivity_extra import (
    CITATIONS,
    COLUMNS,
    LASKOWSKI,
    LIVERPOOL,
    ROOM_TEMPERATURE_C,
    load_laskowski,
    load_liverpool_ionics,
)
from .leaks import composition_key

Source = Literal["obelix", "liverpool", "laskowski"]
SOURCES: tuple[Source, ...] = get_args(Source)
OBELIX = "obelix"
LOG10_SIGMA_RANGE = "log10_sigma_range"  # max - min of a composition's measured values
N_MEASUREMENTS = "n_measurements"
N_CENSORED = "n_censored_measurements"
_OBELIX_EXTRA = (
    "a",
    "b",
    "c",
    "alpha",
    "beta",
    "gamma",
    K.SPACE_GROUP,
    K.SPACE_GROUP_NUMBER,
    K.LIVERPOOL_ID,
    K.LASKOWSKI_REF,
)


def _check_sources(sources: Iterable[str]) -> list[Source]:
    if isinstance(sources, str):  # one source by name, not its letters
        sources = [sources]
    if sources is None or not isinstance(sources, Iterable):
        raise InvalidInputError(
            f"sources={sources!r}: give a list of one or more of {', '.join(SOURCES)}"
        )
    chosen: list = list(dict.fromkeys(sources))
    bad = [s for s in chosen if s not in SOURCES]
    if bad or not chosen:
        raise InvalidInputError(f"sources={chosen!r}: choose one or more of {', '.join(SOURCES)}")
    return chosen


def obelix_measurements(split: str = "train", *, structures: bool = False) -> pd.DataFrame:
    """OBELiX rows in the columns of the other sources (temperature: "room temperature")."""
    from .obelix import load_obelix

    return as_measurements(load_obelix(split, structures=structures))  # type: ignore[arg-type]


def as_measurements(ob: pd.DataFrame) -> pd.DataFrame:
    """An OBELiX-like frame (from :func:`ssenb.data.load_obelix`) as measurement rows.

    source "obelix", source_id its ``id``, temperature NaN (reported as room
    temperature); lattice, structure and source-id columns kept where present.
    """
    missing = {K.ID, K.REDUCED_COMPOSITION, K.LOG10_SIGMA} - set(ob.columns)
    if missing:
        raise InvalidInputError(
            f"as_measurements needs an OBELiX-like frame; it lacks {sorted(missing)}"
        )
    n = len(ob)
    empty = pd.Series([None] * n, index=ob.index, dtype=object)
    out = pd.DataFrame(
        {
            K.SOURCE: OBELIX,
            K.SOURCE_ID: ob[K.ID].astype(str),
            K.FORMULA: [
                c.formula.replace(" ", "") if hasattr(c, "formula") else c
                for c in ob[K.REDUCED_COMPOSITION]
            ],
            K.REDUCED_COMPOSITION: ob[K.REDUCED_COMPOSITION],
            K.SIGMA: 10.0 ** ob[K.LOG10_SIGMA].astype(float),
            K.LOG10_SIGMA: ob[K.LOG10_SIGMA].astype(float),
            K.CENSORED: ob[K.CENSORED].astype(bool) if K.CENSORED in ob else False,
            K.TEMPERATURE_C: np.nan,
            K.ROOM_TEMPERATURE: True,
            K.DOI: ob[K.DOI].replace("", None) if K.DOI in ob else empty,
            K.FAMILY: ob[K.FAMILY] if K.FAMILY in ob else "unassigned",
            K.PARSE_ERROR: ob[K.COMPOSITION_ERROR] if K.COMPOSITION_ERROR in ob else empty,
        }
    )
    for col in (*_OBELIX_EXTRA, K.STRUCTURE):
        if col in ob:
            out[col] = ob[col].to_numpy()
    return out


def conductivity_measurements(
    sources: Iterable[Source] = SOURCES,
    *,
    obelix_split: Literal["train", "test", "all"] = "train",
    room_temperature: bool = True,
    structures: bool = False,
) -> pd.DataFrame:
    """Every readable conductivity measurement of the chosen sources, one row each.

    Parameters
    ----------
    sources : iterable of {"obelix", "liverpool", "laskowski"}
    obelix_split : {"train", "test", "all"}
        Which OBELiX split (the shared mirror holds "train"; the test split is never
        used for training ssenb's models).
    room_temperature : bool
        Keep only measurements within :data:`~ssenb.data.ROOM_TEMPERATURE_C` (OBELiX and
        Laskowski report room temperature; Liverpool rows have a temperature).
    structures : bool
        Parse OBELiX's CIFs (only OBELiX rows have structures).

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`ssenb.data.conductivity_extra.COLUMNS` (source, source_id,
        formula, reduced_composition, sigma_S_cm, log10_sigma, censored, temperature_C,
        room_temperature, doi, family, parse_error, all None for read rows) plus OBELiX's
        lattice, space group and source-id columns and Laskowski's ``reference``. Lines
        that could not be read are left out (their reasons stay in the loaders' tables).

    Examples
    --------
    >>> m = conductivity_measurements()
    >>> m.groupby("source").size().to_dict()
    {'laskowski': 903, 'liverpool': 465, 'obelix': 478}
    """
    chosen = _check_sources(sources)
    if not isinstance(room_temperature, bool | np.bool_):
        raise InvalidInputError(
            f"room_temperature={room_temperature!r}; use True (only room-temperature rows) or "
            "False (every temperature)"
        )
    parts = []
    for source in chosen:
        if source == OBELIX:
            part = obelix_measurements(obelix_split, structures=structures)
        elif source == LIVERPOOL:
            part = load_liverpool_ionics()
        else:
            part = load_laskowski()
        part = part[part[K.PARSE_ERROR].isna() & part[K.REDUCED_COMPOSITION].notna()]
        if room_temperature:
            part = part[part[K.ROOM_TEMPERATURE]]
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    ordered = [*COLUMNS, *(c for c in out.columns if c not in COLUMNS)]
    out = out[ordered]
    out.attrs["data_version"] = "+".join(
        f"OBELiX {obelix_split} (NRC-Mila/OBELiX 4eaac88)" if s == OBELIX else s for s in chosen
    )
    out.attrs["citations"] = [CITATIONS[s] for s in chosen if s in CITATIONS]
    return out


def _joined(values: Iterable[object]) -> str | None:
    seen = [str(v) for v in values if isinstance(v, str) and v]
    return "|".join(dict.fromkeys(seen)) or None


def combine_repeats(measurements: pd.DataFrame) -> pd.DataFrame:
    """One row per reduced composition, by the rule in the module docstring (spread kept).

    Returns
    -------
    pandas.DataFrame
        id (``source:source_id`` of the first member), reduced_composition,
        log10_sigma, sigma_S_cm, censored, log10_sigma_range (log10 S/cm; 0 for one
        value), n_measurements, n_censored_measurements, source, source_id and doi (all
        members, "|"-joined), family, liverpool_id and laskowski_ref (every Liverpool
        row and Laskowski reference behind the row), OBELiX lattice and structure
        columns (first OBELiX member) where present. A new frame.

    Examples
    --------
    >>> import pandas as pd
    >>> from pymatgen.core import Composition
    >>> m = pd.DataFrame({"source": ["obelix", "liverpool", "liverpool"],
    ...     "source_id": ["a", "1", "2"], "reduced_composition": [Composition("Li3PS4")] * 3,
    ...     "log10_sigma": [-4.0, -3.0, -8.0], "censored": [False, False, True],
    ...     "doi": ["10.1/x", "10.1/y", None], "family": ["thio", "thio", "thio"]})
    >>> row = combine_repeats(m).iloc[0]
    >>> float(row["log10_sigma"]), float(row["log10_sigma_range"]), int(row["n_measurements"])
    (-3.5, 1.0, 3)
    """
    if K.REDUCED_COMPOSITION not in measurements or K.LOG10_SIGMA not in measurements:
        raise InvalidInputError(
            "combine_repeats needs reduced_composition and log10_sigma columns "
            "(a frame from conductivity_measurements)"
        )
    m = measurements.reset_index(drop=True)
    keys = [composition_key(c) for c in m[K.REDUCED_COMPOSITION]]
    if any(k is None for k in keys):
        raise InvalidInputError("combine_repeats: some rows have no reduced_composition")
    groups: dict[object, list[int]] = {}
    for i, k in enumerate(keys):
        groups.setdefault(k, []).append(i)
    source = m[K.SOURCE] if K.SOURCE in m else pd.Series(["user"] * len(m))
    sid = m[K.SOURCE_ID] if K.SOURCE_ID in m else pd.Series(range(len(m))).astype(str)
    censored = m[K.CENSORED].to_numpy(bool) if K.CENSORED in m else np.zeros(len(m), bool)
    y = m[K.LOG10_SIGMA].to_numpy(float)
    rows = []
    for members in groups.values():
        idx = np.asarray(members)
        values = y[idx][~censored[idx]]
        if len(values):
            value, is_bound = float(np.median(values)), False
        else:
            value, is_bound = float(y[idx].min()), True
        first = idx[0]
        obelix = [i for i in idx if source.iloc[i] == OBELIX]
        row = {
            K.ID: f"{source.iloc[first]}:{sid.iloc[first]}",
            K.REDUCED_COMPOSITION: m[K.REDUCED_COMPOSITION].iloc[first],
            K.LOG10_SIGMA: value,
            K.SIGMA: 10.0**value,
            K.CENSORED: is_bound,
            LOG10_SIGMA_RANGE: float(np.ptp(values)) if len(values) else 0.0,
            N_MEASUREMENTS: len(idx),
            N_CENSORED: int(censored[idx].sum()),
            K.SOURCE: _joined(source.iloc[idx]),
            K.SOURCE_ID: _joined(f"{source.iloc[i]}:{sid.iloc[i]}" for i in idx),
            K.DOI: _joined(m[K.DOI].iloc[idx]) if K.DOI in m else None,
            K.FAMILY: _family(m, idx),
            K.LIVERPOOL_ID: _joined(
                [str(sid.iloc[i]) for i in idx if source.iloc[i] == LIVERPOOL]
                + _column(m, K.LIVERPOOL_ID, idx)
            ),
            K.LASKOWSKI_REF: _joined(
                _column(m, "reference", [i for i in idx if source.iloc[i] == LASKOWSKI])
                + _column(m, K.LASKOWSKI_REF, idx)
            ),
        }
        for col in (*_OBELIX_EXTRA[:8], K.STRUCTURE):
            if col in m:
                row[col] = m[col].iloc[obelix[0]] if obelix else None
        rows.append(row)
    out = pd.DataFrame(rows)
    out.attrs = dict(measurements.attrs)
    return out


def measurement_counts(table: pd.DataFrame, source: str = OBELIX) -> np.ndarray:
    """How many measurements of ``source`` each row of a (combined) table stands for.

    Read from a combined table's ``source_id`` (``source:id`` of every member,
    "|"-joined, as :func:`combine_repeats` writes it with ``n_measurements``); a table of
    single measurements counts 1 per row whose ``source`` names ``source``. 0: the row
    holds no such measurement. The default model calibrates its intervals on OBELiX's
    measurements with these weights, as the test-like validation scores every held-out
    OBELiX row, repeats included.
    """
    if K.SOURCE_ID in table and N_MEASUREMENTS in table:
        prefix = f"{source}:"
        return np.array(
            [
                sum(part.startswith(prefix) for part in cell.split("|"))
                if isinstance(cell, str)
                else 0
                for cell in table[K.SOURCE_ID]
            ],
            dtype=int,
        )
    if K.SOURCE in table:
        named = table[K.SOURCE].fillna("").astype(str).str.split("|")
        return np.array([int(source in parts) for parts in named], dtype=int)
    raise InvalidInputError(
        f"measurement_counts needs {K.SOURCE!r} (or, combined, {K.SOURCE_ID!r} and "
        f"{N_MEASUREMENTS!r}) columns, as conductivity_measurements and combine_repeats write"
    )


def _column(m: pd.DataFrame, col: str, idx: Iterable[int]) -> list[str]:
    if col not in m:
        return []
    out = []
    for i in idx:
        v = m[col].iloc[i]
        if v is not None and not (isinstance(v, float) and np.isnan(v)):
            out.append(str(v))
    return out


def _family(m: pd.DataFrame, idx: np.ndarray) -> str:
    if K.FAMILY not in m:
        return "unassigned"
    for v in m[K.FAMILY].iloc[idx]:
        if isinstance(v, str) and v and v != "unassigned":
            return v
    return "unassigned"


def load_conductivity_table(
    sources: Iterable[Source] = SOURCES,
    *,
    obelix_split: Literal["train", "test", "all"] = "train",
    structures: bool = False,
) -> pd.DataFrame:
    """The merged room-temperature table, one row per composition (a model's training table).

    ``conductivity_measurements`` then ``combine_repeats``; see both. Not leak-filtered:
    use :func:`ssenb.data.exclude_overlaps` against a test set before comparing with it.

    Examples
    --------
    >>> table = load_conductivity_table()
    >>> len(table) > 1000, bool(table["n_measurements"].max() > 1)
    (True, True)
    """
    return combine_repeats(
        conductivity_measurements(sources, obelix_split=obelix_split, structures=structures)
    )


def repeat_scatter(measurements: pd.DataFrame) -> pd.DataFrame:
    """Every pair of measured values (not bounds) of one reduced composition: the noise floor.

    Returns
    -------
    pandas.DataFrame
        One row per pair: reduced formula, the two sources, and ``abs_difference``
        (|Δ log10 σ|, log10 S/cm). On OBELiX's training split: 136 pairs over 52
        compositions, median 0.46, mean 0.78 log10 units; no model can be expected to
        reproduce a held-out measurement much better than that.
    """
    m = measurements.reset_index(drop=True)
    keys = [composition_key(c) for c in m[K.REDUCED_COMPOSITION]]
    censored = m[K.CENSORED].to_numpy(bool) if K.CENSORED in m else np.zeros(len(m), bool)
    source = m[K.SOURCE] if K.SOURCE in m else pd.Series(["user"] * len(m))
    groups: dict[object, list[int]] = {}
    for i, k in enumerate(keys):
        if k is not None and not censored[i]:
            groups.setdefault(k, []).append(i)
    rows = []
    for members in groups.values():
        for a, b in itertools.combinations(members, 2):
            rows.append(
                {
                    K.REDUCED_FORMULA: m[K.REDUCED_COMPOSITION].iloc[a].reduced_formula,
                    "source_a": source.iloc[a],
                    "source_b": source.iloc[b],
                    "abs_difference": abs(m[K.LOG10_SIGMA].iloc[a] - m[K.LOG10_SIGMA].iloc[b]),
                }
            )
    return pd.DataFrame(rows, columns=[K.REDUCED_FORMULA, "source_a", "source_b", "abs_difference"])


@dataclass(frozen=True, eq=False)
class ConductivityDataCard(Result):
    """What the merged conductivity data holds, per source, and how noisy it is.

    ``sources`` (``to_frame()``): per source the lines in its file, rows read, rows at
    room temperature, censored rows, distinct compositions, and the compositions it
    adds (in no source listed before it: OBELiX first). ``overlaps``: compositions
    shared by each pair of sources. ``temperatures``: every Liverpool measurement
    temperature (°C) with whether it falls in the room-temperature window.
    ``noise_floor``: median and mean |Δ log10 σ| over pairs of repeats, within OBELiX
    and across all sources. The figure: :func:`ssenb.viz.conductivity_data_figure`.
    """

    _table = "sources"

    sources: pd.DataFrame = field(repr=False)
    overlaps: pd.DataFrame = field(repr=False)
    temperatures: pd.DataFrame = field(repr=False)
    noise_floor: dict[str, float]
    repeats: pd.DataFrame = field(repr=False)
    room_temperature_c: tuple[float, float] = ROOM_TEMPERATURE_C
    data_version: str = ""

    def title(self) -> str:
        """Heading of the HTML view."""
        return "Room-temperature Li-ion conductivity data: OBELiX + open literature tables"

    def summary(self) -> list[tuple[str, str]]:
        """Rows and new compositions per source, the window, the noise floor."""
        rows = [
            (
                str(r[K.SOURCE]),
                f"{r['rows_used']} rows at room temperature, {r['compositions']} compositions, "
                f"{r['compositions_added']} new",
            )
            for _, r in self.sources.iterrows()
        ]
        lo, hi = self.room_temperature_c
        nf = self.noise_floor
        return [
            *rows,
            ("room temperature", f"{lo:g}-{hi:g} °C (declared window)"),
            (
                "noise floor (|Δ log10 σ| of repeats)",
                f"OBELiX: median {fmt_number(nf['obelix_median'])}, mean "
                f"{fmt_number(nf['obelix_mean'])} ({int(nf['obelix_pairs'])} pairs); all sources: "
                f"median {fmt_number(nf['all_median'])}, mean {fmt_number(nf['all_mean'])} "
                f"({int(nf['all_pairs'])} pairs)",
            ),
        ]


def conductivity_data_card(
    sources: Iterable[Source] = SOURCES, *, obelix_split: Literal["train", "test", "all"] = "train"
) -> ConductivityDataCard:
    """Rows per source, overlaps, temperatures, compositions added and the noise floor.

    Examples
    --------
    >>> card = conductivity_data_card()
    >>> int(card.to_frame().set_index("source").loc["obelix", "compositions_added"])
    390
    """
    chosen = _check_sources(sources)
    everything = conductivity_measurements(
        chosen, obelix_split=obelix_split, room_temperature=False
    )
    used = everything[everything[K.ROOM_TEMPERATURE]]
    lines = {
        OBELIX: None,
        LIVERPOOL: len(load_liverpool_ionics()) if LIVERPOOL in chosen else None,
        LASKOWSKI: len(load_laskowski()) if LASKOWSKI in chosen else None,
    }
    keys_by_source = {
        s: {composition_key(c) for c in used.loc[used[K.SOURCE] == s, K.REDUCED_COMPOSITION]}
        for s in chosen
    }
    seen: set = set()
    rows = []
    for s in chosen:
        part_all = everything[everything[K.SOURCE] == s]
        part = used[used[K.SOURCE] == s]
        keys = keys_by_source[s]
        rows.append(
            {
                K.SOURCE: s,
                "lines_in_file": lines[s] if lines[s] is not None else len(part_all),
                "rows_read": len(part_all),
                "rows_used": len(part),
                "censored_rows": int(part[K.CENSORED].sum()),
                "compositions": len(keys),
                "compositions_added": len(keys - seen),
                "citation": CITATIONS.get(s, "Therrien et al., Digital Discovery 2026 (OBELiX)"),
            }
        )
        seen |= keys
    overlaps = pd.DataFrame(
        [[len(keys_by_source[a] & keys_by_source[b]) for b in chosen] for a in chosen],
        index=pd.Index(chosen, name=K.SOURCE),
        columns=chosen,
    )
    temps = everything.loc[
        everything[K.TEMPERATURE_C].notna(), [K.SOURCE, K.TEMPERATURE_C, K.ROOM_TEMPERATURE]
    ]
    pairs = repeat_scatter(used)
    within = pairs[(pairs["source_a"] == OBELIX) & (pairs["source_b"] == OBELIX)]
    noise = {
        "obelix_median": float(within["abs_difference"].median()) if len(within) else np.nan,
        "obelix_mean": float(within["abs_difference"].mean()) if len(within) else np.nan,
        "obelix_pairs": float(len(within)),
        "all_median": float(pairs["abs_difference"].median()) if len(pairs) else np.nan,
        "all_mean": float(pairs["abs_difference"].mean()) if len(pairs) else np.nan,
        "all_pairs": float(len(pairs)),
    }
    return ConductivityDataCard(
        pd.DataFrame(rows),
        overlaps,
        temps.reset_index(drop=True),
        noise,
        pairs,
        ROOM_TEMPERATURE_C,
        str(everything.attrs.get("data_version", "")),
    )
