"""Which compound would keep a cathode and a solid electrolyte apart: a coating screen.

After Xiao, Miara, Wang & Ceder, Joule 3, 1252 (2019) (and the criteria of Zhu, He & Mo
2015-2016, Richards et al. 2016, Nolan et al. 2018-2019): a coating between a cathode and
an electrolyte should (1) be thermodynamically stable, (2) stay stable at the cathode's
working potential (its own window's oxidation limit at or above it), (3) hardly react
with the cathode and (4) with the electrolyte (most negative pseudo-binary reaction
energy near 0 eV/atom), (5) be an electronic insulator and (6) conduct Li (contain it,
and by a BVSE barrier where it came as a structure, or a conductivity model's prediction
where a model was given: :func:`~ssenb.thermo.coating_criteria.ion_conductor`). Every
criterion is a column with its unit; rows are ranked by Pareto dominance on the two
reaction energies and the oxidation margin (ion conduction is a criterion, not ranked).

Numbers are those of :func:`~ssenb.thermo.interface_reactions` (closed interfaces, both
reactants at their hull energies) and :func:`~ssenb.thermo.stability_window`, computed in
batches from the hull's arrays (:class:`~ssenb.thermo._fasthull.FastHull`): each hull is
built once for all candidates of its chemical system (within a chunk of
:data:`CHUNK_SIZE` candidates), and tests hold the numbers equal to the single-material
functions. The hull stages live in :mod:`~ssenb.thermo.coating_stages`, the criteria in
:mod:`~ssenb.thermo.coating_criteria`; a screen with ``checkpoint=`` resumes after its
last finished chunk.
"""

from __future__ import annotations

import hashlib
import math
import os
from collections.abc import Iterable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .. import keys as K
from ..batch import CheckpointStore, ErrorMode, check_errors, check_executor, failure_reason
from ..data.materials import display_formula, to_composition, to_element
from ..errors import InvalidInputError
from ..results import Result, fmt_number
from . import coating_stages as stages
from .coating_criteria import COATING_COLUMNS, CONDUCTION_NOTE, CRITERIA, REACTION_TOL, criteria
from .electronic import THRESHOLDS_TEXT, band_gap_lookup
from .interface import ELECTRODES
from .sources import get_source
from .window import stability_window

#: Named element sets for ``exclude=``; radioactive: no stable isotope.
ELEMENT_SETS: dict[str, frozenset[str]] = {
    "radioactive": frozenset(
        "Tc Pm Po At Rn Fr Ra Ac Th Pa U Np Pu Am Cm Bk Cf Es Fm Md No Lr".split()
    ),
    "toxic": frozenset("Be Cd Hg Pb Tl As".split()),  # toxic heavy metals and metalloids
    "precious": frozenset("Ru Rh Pd Os Ir Pt Au Re".split()),  # platinum group, Au, Re
}
#: Candidates that go on to the hulls per chunk (one checkpoint file each).
CHUNK_SIZE = 2000


@dataclass(frozen=True, eq=False)
class CoatingScreen(Result):
    """Coating candidates for one cathode | electrolyte pair, ranked.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per candidate (columns :data:`COATING_COLUMNS`, units in
        :mod:`ssenb.keys`), sorted by passes (first), Pareto rank, then the worse
        reaction energy. ``to_frame()`` returns it.
    cathode, electrolyte, ion : str
    cathode_voltage : float
        The potential (V vs the ion's metal) the coating's window must reach.
    reaction_tol : float
        eV/atom: a reaction energy >= -reaction_tol counts as inert.
    funnel : bool
        True: reaction energies were computed only for rows that are stable, contain the
        ion and whose window covers the cathode (others say "not computed").
    gap_source, source, correction_scheme : str
    """

    _table = "table"

    table: pd.DataFrame = field(repr=False)
    cathode: str
    electrolyte: str
    ion: str
    cathode_voltage: float
    reaction_tol: float
    funnel: bool
    gap_source: str
    source: str
    correction_scheme: str

    def title(self) -> str:
        """Heading: the pair screened."""
        return f"coatings for {self.cathode} | {self.electrolyte}"

    def summary(self) -> list[tuple[str, str]]:
        """Counts, the cathode potential, and the top candidates."""
        t = self.table
        passing = t[t[K.PASSES]]
        top = ", ".join(passing[K.COATING].head(8)) or "none"
        return [
            ("candidates", f"{len(t)} ({int(t[K.ERROR].notna().sum())} failed)"),
            ("meet every criterion", str(len(passing))),
            ("best", top),
            (
                "cathode potential",
                fmt_number(self.cathode_voltage, f"V vs {K.ion_label(self.ion)}"),
            ),
            ("inert means", f"reaction energy >= -{self.reaction_tol:g} eV/atom"),
            ("insulator means", THRESHOLDS_TEXT),
        ]

    def provenance(self) -> str:
        """Hull data, corrections and the band-gap data."""
        return f"{super().provenance()}; gaps: {self.gap_source}"


def coating_screen(
    cathode: Any,
    electrolyte: Any,
    *,
    candidates: Iterable[Any] | None = None,
    ion: str = "Li",
    cathode_voltage: float | None = None,
    max_e_above_hull: float = 0.0,
    reaction_tol: float = REACTION_TOL,
    exclude: Iterable[str] = ("radioactive",),
    funnel: bool | None = None,
    source: Any = None,
    band_gaps: Any = None,
    errors: ErrorMode = "record",
    progress: bool = True,
    executor: Executor | int | None = None,
    conductivity_model: Any = None,
    checkpoint: str | os.PathLike[str] | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> CoatingScreen:
    """Rank every compound of the data (or ``candidates``) as a coating between two phases.

    Parameters
    ----------
    cathode, electrolyte : str, Composition or Structure
        The cathode may be a name of :data:`~ssenb.thermo.ELECTRODES` (``"NMC811"``).
    candidates : iterable of formulas or Structures, optional
        Default: every compound of the source (the offline snapshot: 85,014 compositions;
        other sources need a list). A Structure gets a BVSE barrier for the
        ion-conductor criterion (:func:`ssenb.transport.barrier_row`, 0.2 Å grid).
    ion : str
        The mobile ion.
    cathode_voltage : float, optional
        V vs the ion's metal that the coating's oxidation limit must reach. Default: the
        cathode's own ion-extraction potential (the oxidation limit of its window, 3.39 V
        for LiCoO2 in the snapshot); give the charge cut-off (e.g. 4.2) to be strict.
    max_e_above_hull : float
        eV/atom: the "stable" criterion (0: on the hull).
    reaction_tol : float
        eV/atom: a reaction energy >= -reaction_tol counts as "inert".
    exclude : iterable of str
        Element symbols or names of :data:`ELEMENT_SETS` ("radioactive", "toxic",
        "precious"); candidates with any of them are left out of the ranking.
    funnel : bool, optional
        Compute the reaction energies only for candidates that are stable, contain the
        ion and whose window covers the cathode (Xiao et al.'s funnel; the others read
        "not computed"). Default: True for the whole source, False for ``candidates``.
    source : None, "mp2019", list of entries, or EntrySource
        Hull data (default: offline MP ~2019 snapshot, legacy corrections).
    band_gaps : None, dict or callable
        Band gaps (eV) by formula (:func:`ssenb.thermo.electronic.band_gap_lookup`).
    errors : {"record", "raise"}
        "record": a failing row (bad formula, a joint system over
        :data:`~ssenb.thermo.MAX_HULL_ELEMENTS` elements, ...) gets NaN and a reason.
    progress : bool
        tqdm progress bars.
    executor : concurrent.futures.Executor, int or None
        Where hull groups run (see :func:`ssenb.thermo.screen`); results are identical.
    conductivity_model : fitted estimator with ``predict(materials, return_std=True)``, optional
        E.g. :func:`ssenb.models.default_model`; its log10 σ (S/cm) and 1σ decide the
        ion-conductor criterion of candidates without a structure (only those whose
        reaction energies were computed). Without one (and without a structure) a row
        reads "unknown": its ion content only, which never fails the criterion.
    checkpoint : path, optional
        Folder for per-chunk results (:class:`ssenb.batch.CheckpointStore`). A screen
        interrupted (Ctrl-C, a crash) and started again with the same folder and
        arguments resumes after its last finished chunk; its table equals that of an
        uninterrupted run. The folder must be new, empty, or a checkpoint of this run.
    chunk_size : int
        Candidates that reach the hulls per chunk (1 to 100,000).

    Returns
    -------
    CoatingScreen

    Examples
    --------
    >>> r = coating_screen("LiCoO2", "Li3PS4", candidates=["Li3PO4", "LiCoO2"], progress=False)
    >>> float(r.table.set_index("coating").loc["Li3PO4", "cathode_reaction_energy_eV_atom"])
    0.0
    """
    from tqdm.auto import tqdm

    errors = check_errors(errors)
    if (
        isinstance(chunk_size, bool)
        or not isinstance(chunk_size, int)
        or not (1 <= chunk_size <= 100_000)
    ):
        raise InvalidInputError(f"chunk_size={chunk_size!r}; use an integer from 1 to 100,000")
    if conductivity_model is not None and not callable(
        getattr(conductivity_model, "predict", None)
    ):
        raise InvalidInputError(
            f"conductivity_model={type(conductivity_model).__name__} has no predict(); pass a "
            "fitted ConductivityModel (e.g. ssenb.models.default_model())"
        )
    check_executor(executor)
    to_element(ion, argname="ion")
    src = get_source(source)
    if candidates is None and not src.fast_hull_answers:
        raise InvalidInputError(
            f"candidates=None screens every compound of the offline snapshot; with "
            f"source {src.name!r} give candidates=[...]"
        )
    c_cat = _electrode(cathode, "cathode")
    c_ely = to_composition(electrolyte, argname="electrolyte")
    if not any(str(el) == ion for el in c_cat.elements) and cathode_voltage is None:
        raise InvalidInputError(
            f"cathode {display_formula(c_cat)} has no {ion}: its working potential is not known "
            f"from the hull; give cathode_voltage= (V vs {K.ion_label(ion)})"
        )
    volts = (
        stability_window(c_cat, ion=ion, source=src).oxidation_v
        if cathode_voltage is None
        else _checked_float(cathode_voltage, "cathode_voltage", 0.0, 10.0)
    )
    tol = _checked_float(reaction_tol, "reaction_tol", 0.0, 10.0)
    max_hull = _checked_float(max_e_above_hull, "max_e_above_hull", 0.0, 10.0)
    banned = _excluded(exclude)
    funnel = candidates is None if funnel is None else bool(funnel)
    items = None if candidates is None else _listed(candidates)
    rows, fractions = stages.candidate_rows(items, src, ion, banned, max_hull, funnel, errors)
    x_cat = stages.fractions_of(c_cat)
    x_ely = stages.fractions_of(c_ely)
    ely_hull = src.fast_hull(set(x_ely))
    e_ely = ely_hull.hull_energy([x_ely.get(el, 0.0) for el in ely_hull.elements])
    store = None
    if checkpoint is not None:
        run = _fingerprint(
            [r[K.COATING] for r in rows], c_cat, c_ely, ion, volts, tol, max_hull, banned,
            funnel, src, chunk_size,
        )  # fmt: skip
        store = CheckpointStore(
            checkpoint, run=run, info={"candidates": len(rows), "chunk_size": chunk_size}
        )
    order = sorted(fractions)
    chunks = [order[k : k + chunk_size] for k in range(0, len(order), chunk_size)]
    # stage 1: hull of candidate + cathode; stage 2: one LP per survivor with the electrolyte
    bar = tqdm(total=2 * len(fractions), desc="coatings", disable=not progress, leave=False)
    with bar:
        for n, indices in enumerate(chunks):
            name = f"chunk_{n:05d}"
            if store is not None and store.has(name):
                stages.apply_chunk(stages.read_chunk(store, name, indices), rows)
                bar.update(2 * len(indices))
                continue
            frame = stages.run_chunk(
                {i: fractions[i] for i in indices}, rows, cathode=x_cat, electrolyte=x_ely,
                e_electrolyte=e_ely, volts=volts, max_hull=max_hull, funnel=funnel, ion=ion,
                src=src, executor=executor, errors=errors, bar=bar,
            )  # fmt: skip
            if store is not None:
                store.save(name, frame)
    _conduction(rows, items, conductivity_model, ion, errors)
    gaps = band_gap_lookup(band_gaps)
    table = criteria(pd.DataFrame(rows), volts, tol, max_hull, gaps, ion)
    return CoatingScreen(
        table=table,
        cathode=cathode
        if isinstance(cathode, str) and cathode in ELECTRODES
        else display_formula(c_cat),
        electrolyte=display_formula(c_ely),
        ion=ion,
        cathode_voltage=float(volts),
        reaction_tol=tol,
        funnel=funnel,
        gap_source=gaps.name,
        source=src.name,
        correction_scheme=src.correction_scheme,
    )


def _listed(candidates: Any) -> list[Any]:
    if isinstance(candidates, str) or not isinstance(candidates, Iterable):
        raise InvalidInputError(
            f"candidates={candidates!r} is not a list; wrap one formula in a list: ['LiNbO3']"
        )
    return list(candidates)


def _conduction(
    rows: list[dict[str, Any]],
    items: list[Any] | None,
    model: Any,
    ion: str,
    errors: ErrorMode,
) -> None:
    """BVSE barrier (eV) of candidates given as structures; else the model's log10 σ.

    Only rows whose reaction energies were computed (the funnel's survivors) are asked:
    the evidence decides a criterion, never the cost of the screen.
    """
    ready = [
        i
        for i, r in enumerate(rows)
        if r[K.ERROR] is None and not math.isnan(r[K.ELECTROLYTE_REACTION_ENERGY])
    ]
    given = items or []
    structures = [i for i in ready if i < len(given) and hasattr(given[i], "lattice")]
    if structures:
        from ..transport import barrier_row

        for i in structures:
            try:
                rows[i][K.BARRIER_3D] = float(barrier_row(given[i], ion)[K.BARRIER_3D])
            except Exception as err:  # the row policy: a BVSE failure leaves the row unknown
                if errors == "raise":
                    raise
                rows[i][CONDUCTION_NOTE] = f"BVSE failed: {failure_reason(err)}"
    asked = [i for i in ready if i not in set(structures)]
    if model is None or not asked:
        return
    names = [rows[i][K.COATING] for i in asked]
    try:
        mean, std = model.predict(names, return_std=True)
        mean, std = np.asarray(mean, float), np.asarray(std, float)
        if mean.shape != (len(names),) or std.shape != (len(names),):
            raise InvalidInputError(
                f"conductivity_model.predict returned {mean.size} values for {len(names)} "
                "materials; it must return one mean and one std per material"
            )
    except Exception as err:
        if errors == "raise":
            raise
        for i in asked:
            rows[i][CONDUCTION_NOTE] = f"conductivity model failed: {failure_reason(err)}"
        return
    for i, m, sd in zip(asked, mean, std):
        ok = math.isfinite(m) and math.isfinite(sd)  # a NaN prediction is no evidence
        rows[i][K.PREDICTION] = float(m) if ok else math.nan
        rows[i][K.PREDICTION_STD] = float(sd) if ok else math.nan


def _fingerprint(labels: list[str], *parts: Any) -> str:
    """What a checkpoint belongs to: the candidates and every setting that changes a number."""
    h = hashlib.sha256()
    for part in parts:
        text = (
            f"{part.name}|{part.correction_scheme}"
            if hasattr(part, "correction_scheme")
            else repr(sorted(part)) if isinstance(part, frozenset)
            else repr(part)
        )  # fmt: skip
        h.update(f"{text}\x1f".encode())
    for label in labels:
        h.update(f"{label}\x1e".encode())
    return h.hexdigest()


def _electrode(value: Any, argname: str) -> Any:
    name = ELECTRODES.get(value, value) if isinstance(value, str) else value
    return to_composition(name, argname=argname)


def _checked_float(value: Any, argname: str, low: float, high: float) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise InvalidInputError(f"{argname}={value!r} is not a number") from None
    if not math.isfinite(x) or not low <= x <= high:
        raise InvalidInputError(f"{argname}={value!r} must lie between {low:g} and {high:g}")
    return x


def _excluded(exclude: Iterable[str]) -> frozenset[str]:
    """Element symbols to leave out, from symbols and named sets."""
    if isinstance(exclude, str):
        exclude = [exclude]
    out: set[str] = set()
    for item in exclude:
        if item in ELEMENT_SETS:
            out |= ELEMENT_SETS[item]
        else:
            out.add(str(to_element(item, argname="exclude")))
    return frozenset(out)


__all__ = [
    "CHUNK_SIZE",
    "COATING_COLUMNS",
    "CRITERIA",
    "ELEMENT_SETS",
    "REACTION_TOL",
    "CoatingScreen",
    "coating_screen",
]
