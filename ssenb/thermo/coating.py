"""Which compound would keep a cathode and a solid electrolyte apart: a coating screen.

After Xiao, Miara, Wang & Ceder, Joule 3, 1252 (2019) (and the criteria of Zhu, He & Mo
2015-2016, Richards et al. 2016, Nolan et al. 2018-2019): a coating between a cathode and
an electrolyte should (1) be thermodynamically stable, (2) stay stable at the cathode's
working potential (its own window's oxidation limit at or above it), (3) hardly react
with the cathode and (4) with the electrolyte (most negative pseudo-binary reaction
energy near 0 eV/atom), (5) be an electronic insulator and (6) conduct Li (contain it).
Every criterion is a column with its unit; rows are ranked by Pareto dominance on the two
reaction energies and the oxidation margin (Li content is a criterion, not ranked).

Numbers are those of :func:`~ssenb.thermo.interface_reactions` (closed interfaces, both
reactants at their hull energies) and :func:`~ssenb.thermo.stability_window`, computed in
batches from the hull's arrays (:class:`~ssenb.thermo._fasthull.FastHull`): each hull is
built once for all candidates of its chemical system, and tests hold the numbers equal to
the single-material functions.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from .. import keys as K
from .._pareto import dominators
from ..batch import ErrorMode, check_errors, check_executor, failure_reason, run_tasks
from ..data.materials import display_formula, to_composition, to_element
from ..errors import InvalidInputError
from ..results import Result, fmt_number
from ._fasthull import FastHull
from .electronic import (
    INSULATOR_GAP_EV,
    THRESHOLDS_TEXT,
    band_gap_lookup,
    electronic_character,
    measured_conductivity,
)
from .interface import ELECTRODES
from .screening import MAX_TASKS, bundle_groups, group_by_hull, run_groups
from .sources import MAX_HULL_ELEMENTS, EntrySource, get_source
from .window import stability_window

#: A reaction energy (eV/atom of mixture) at or above minus this counts as "near zero".
REACTION_TOL = 0.05
#: Named element sets for ``exclude=``; radioactive: no stable isotope.
ELEMENT_SETS: dict[str, frozenset[str]] = {
    "radioactive": frozenset(
        "Tc Pm Po At Rn Fr Ra Ac Th Pa U Np Pu Am Cm Bk Cf Es Fm Md No Lr".split()
    ),
    "toxic": frozenset("Be Cd Hg Pb Tl As".split()),  # toxic heavy metals and metalloids
    "precious": frozenset("Ru Rh Pd Os Ir Pt Au Re".split()),  # platinum group, Au, Re
}
_HULL_ENERGY = "_hull_energy"  # a candidate's hull energy (eV/atom), between the stages
#: The criteria, in the order the ``failed_criteria`` column lists them.
CRITERIA = (
    "stable",
    "contains ion",
    "window covers cathode",
    "inert to cathode",
    "inert to electrolyte",
    "electronic insulator",
)
COATING_COLUMNS = [
    K.COATING,
    K.CHEMSYS,
    K.IN_DATA,
    K.E_HULL,
    K.ION_FRACTION,
    K.REDUCTION_V,
    K.OXIDATION_V,
    K.OXIDATION_MARGIN,
    K.CATHODE_REACTION_ENERGY,
    K.ELECTROLYTE_REACTION_ENERGY,
    K.BAND_GAP_PBE,
    K.ELECTRONIC_CHARACTER,
    K.SIGMA,
    K.PASSES,
    K.FAILED_CRITERIA,
    K.REASONS,
    K.ERROR,
    K.PARETO_RANK,
]


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
) -> CoatingScreen:
    """Rank every compound of the data (or ``candidates``) as a coating between two phases.

    Parameters
    ----------
    cathode, electrolyte : str, Composition or Structure
        The cathode may be a name of :data:`~ssenb.thermo.ELECTRODES` (``"NMC811"``).
    candidates : iterable of formulas, optional
        Default: every compound of the source (the offline snapshot: 85,014 compositions;
        other sources need a list).
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
    rows, fractions = _candidates(candidates, src, ion, banned, max_hull, funnel, errors)
    x_cat = _fractions(c_cat)
    x_ely = _fractions(c_ely)
    # stage 1: hull of candidate + cathode: own hull energy, window, reaction with cathode
    bar = tqdm(total=2 * len(fractions), desc="coatings", disable=not progress, leave=False)
    with bar:
        done = _run(
            fractions,
            set(x_cat),
            partial(_cathode_side, cathode=x_cat, ion=ion),
            src,
            executor,
            bar,
        )
        for i, (values, err) in done.items():
            _fill(rows[i], values, err, errors)
        ahead = {
            i: x
            for i, x in fractions.items()
            if rows[i][K.ERROR] is None and (not funnel or _early_pass(rows[i], volts, max_hull))
        }
        bar.update(len(fractions) - len(ahead))
        ely_hull = src.fast_hull(set(x_ely))
        e_ely = ely_hull.hull_energy([x_ely.get(el, 0.0) for el in ely_hull.elements])
        done = _run_lp(ahead, rows, x_ely, e_ely, src, executor, bar)
        for i, (values, err) in done.items():
            _fill(rows[i], values, err, errors)
    gaps = band_gap_lookup(band_gaps)
    table = _criteria(pd.DataFrame(rows), volts, tol, max_hull, gaps, funnel)
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


def _electrode(value: Any, argname: str) -> Any:
    name = ELECTRODES.get(value, value) if isinstance(value, str) else value
    return to_composition(name, argname=argname)


def _fractions(comp: Any) -> dict[str, float]:
    return {str(el): comp.get_atomic_fraction(el) for el in comp.elements}


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


def _empty(label: str) -> dict[str, Any]:
    row: dict[str, Any] = {c: math.nan for c in COATING_COLUMNS}
    row.update(
        {
            K.COATING: label,
            K.CHEMSYS: None,
            K.IN_DATA: False,
            K.ELECTRONIC_CHARACTER: None,
            K.PASSES: False,
            K.FAILED_CRITERIA: None,
            K.REASONS: None,
            K.ERROR: None,
            K.PARETO_RANK: 0,
        }
    )
    return row


def _candidates(
    candidates: Iterable[Any] | None,
    src: EntrySource,
    ion: str,
    banned: frozenset[str],
    max_hull: float,
    funnel: bool,
    errors: ErrorMode,
) -> tuple[list[dict[str, Any]], dict[int, dict[str, float]]]:
    """Rows for every candidate and the fractions of those that go on to the hulls.

    The whole snapshot is pre-filtered on its own table (element set, e_above_hull) so
    that only candidates that can pass are parsed; the others keep the table's numbers
    and the reason they stop.
    """
    rows: list[dict[str, Any]] = []
    fractions: dict[int, dict[str, float]] = {}
    if candidates is None:
        from ..data import load_mp_snapshot

        table = load_mp_snapshot()
        for formula, chemsys, e_hull in zip(
            table[K.REDUCED_FORMULA], table[K.CHEMSYS], table[K.E_HULL].to_numpy(float)
        ):
            row = _empty(formula)
            row[K.CHEMSYS], row[K.IN_DATA], row[K.E_HULL] = chemsys, True, float(e_hull)
            els = set(chemsys.split("-"))
            why = _prefilter(els, ion, banned)
            if why is None and funnel and e_hull > max_hull + 1e-9:
                why = f"not computed: {e_hull:.3f} eV/atom above hull > {max_hull:g}"
            if why is not None:
                row[K.REASONS] = why
            else:
                fractions[len(rows)] = _fractions(to_composition(formula))
            rows.append(row)
        return rows, fractions
    if isinstance(candidates, str) or not isinstance(candidates, Iterable):
        raise InvalidInputError(
            f"candidates={candidates!r} is not a list; wrap one formula in a list: ['LiNbO3']"
        )
    for item in candidates:
        row = _empty(str(getattr(item, "formula", item)))
        try:
            comp = to_composition(item, argname="candidates")
            row[K.COATING] = display_formula(comp)
            row[K.CHEMSYS] = comp.chemical_system
            why = _prefilter({str(e) for e in comp.elements}, ion, banned)
            if why is not None:
                row[K.REASONS] = why
            else:
                fractions[len(rows)] = _fractions(comp)
        except Exception as err:  # one bad row never fails the batch (Ctrl-C still stops)
            if errors == "raise":
                raise
            row[K.ERROR] = failure_reason(err)
        rows.append(row)
    return rows, fractions


def _prefilter(els: set[str], ion: str, banned: frozenset[str]) -> str | None:
    """Why a candidate is left out before any hull is built (None: it goes on)."""
    bad = sorted(els & banned)
    if bad:
        return f"excluded element(s) {', '.join(bad)}"
    if ion not in els:
        return f"contains no {ion}: not an ion conductor"
    if len(els) == 1:
        return f"the {ion} metal itself"
    return None


def _run(
    fractions: dict[int, dict[str, float]],
    partner: set[str],
    per_member: Any,
    src: EntrySource,
    executor: Any,
    bar: Any,
) -> dict[int, tuple[Any, Exception | None]]:
    """Run ``per_member`` on the hull of each candidate's system joined with ``partner``."""
    systems: dict[int, frozenset[str]] = {}
    out: dict[int, tuple[Any, Exception | None]] = {}
    for i, x in fractions.items():
        system = frozenset(x) | frozenset(partner)
        if len(system) > MAX_HULL_ELEMENTS:
            out[i] = (None, _too_large(system))
            continue
        systems[i] = system
    bar.update(len(out))
    tasks = bundle_groups(group_by_hull(systems), {i: fractions[i] for i in systems})
    for results in run_groups(tasks, src, per_member, executor):
        for i, values, error in results:
            out[i] = (values, error)
        bar.update(len(results))
    return out


def _run_lp(
    fractions: dict[int, dict[str, float]],
    rows: list[dict[str, Any]],
    partner: dict[str, float],
    e_partner: float,
    src: EntrySource,
    executor: Any,
    bar: Any,
) -> dict[int, tuple[Any, Exception | None]]:
    """The reaction energy with ``partner`` of each candidate, by one LP per candidate.

    :func:`ssenb.thermo._mixing_lp.mixing_minimum_lp` over the entries of the joint
    system (no hull); a candidate whose LP vertex cannot be recomputed exactly falls
    back to the hull's :meth:`~ssenb.thermo._fasthull.FastHull.mixing_minimum`.
    """
    out: dict[int, tuple[Any, Exception | None]] = {}
    groups: dict[frozenset[str], list[tuple[int, dict[str, float], float]]] = {}
    for i, x in fractions.items():
        system = frozenset(x) | frozenset(partner)
        if len(system) > MAX_HULL_ELEMENTS:
            out[i] = (None, _too_large(system))
            continue
        groups.setdefault(system, []).append((i, x, rows[i][_HULL_ENERGY]))
    bar.update(len(out))
    ordered = sorted(groups.items(), key=lambda kv: (-len(kv[0]), sorted(kv[0])))
    n_tasks = min(len(ordered), MAX_TASKS)
    tasks: list[list[Any]] = [[] for _ in range(n_tasks)]
    for k, (system, members) in enumerate(ordered):
        tasks[k % n_tasks].append((tuple(sorted(system)), members))
    for task, results, lost in run_tasks(tasks, _lp_task, (src, partner, e_partner), executor):
        # a task lost with its worker fails its rows (the reason says to rerun them)
        done = results if lost is None else [(i, None, lost) for _, m in task for i, *_ in m]
        for i, values, error in done or []:
            out[i] = (values, error)
        bar.update(len(done or []))
    return out


def _lp_task(
    src: EntrySource, partner: dict[str, float], e_partner: float, task: list[Any]
) -> list[tuple[int, Any, Exception | None]]:
    """One task of :func:`_run_lp`: the entries of each system once, then one LP per row."""
    from ._mixing_lp import mixing_minimum_lp

    out: list[tuple[int, Any, Exception | None]] = []
    for system, members in task:
        try:
            els, f, e, _ = src.hull_arrays(system)
            f, e = np.asarray(f, float), np.asarray(e, float)
        except Exception as err:
            out.extend((i, None, err) for i, _, _ in members)
            continue
        b = np.array([partner.get(el, 0.0) for el in els])
        for i, x, e_x in members:
            try:
                a = np.array([x.get(el, 0.0) for el in els])
                found = mixing_minimum_lp(f, e, a, b, e_x, e_partner)
                if found is None:  # degenerate vertex: the hull answers
                    found = src.fast_hull(system, cache=False).mixing_minimum(a, b)
                out.append((i, {K.ELECTROLYTE_REACTION_ENERGY: found[0]}, None))
            except Exception as err:
                out.append((i, None, err))
    return out


def _too_large(system: frozenset[str]) -> InvalidInputError:
    return InvalidInputError(
        f"the joint system {'-'.join(sorted(system))} has {len(system)} elements, over "
        f"MAX_HULL_ELEMENTS = {MAX_HULL_ELEMENTS} (hull too large); not screened"
    )


def _cathode_side(
    hull: FastHull, fractions: dict[str, float], *, cathode: dict[str, float], ion: str
) -> dict[str, float]:
    """Own hull energy, window and reaction with the cathode of one candidate."""
    x = [fractions.get(el, 0.0) for el in hull.elements]
    in_data, e_hull = hull.position(x)
    hull_e, _, red, ox = hull.analyse(x, ion=ion)
    energy = hull.mixing_minimum(x, [cathode.get(el, 0.0) for el in hull.elements])[0]
    return {
        K.IN_DATA: in_data,
        K.E_HULL: e_hull,
        K.ION_FRACTION: fractions.get(ion, 0.0),
        K.REDUCTION_V: red,
        K.OXIDATION_V: ox,
        K.CATHODE_REACTION_ENERGY: energy,
        _HULL_ENERGY: hull_e,
    }


def _fill(row: dict[str, Any], values: Any, err: Exception | None, errors: ErrorMode) -> None:
    if err is not None:
        if errors == "raise":
            raise err
        row[K.ERROR] = failure_reason(err)
    elif values is not None:
        row.update(values)


def _early_pass(row: dict[str, Any], volts: float, max_hull: float) -> bool:
    """Stable and a window reaching the cathode: worth the electrolyte-side hull."""
    e_hull = row[K.E_HULL]
    stable = row[K.IN_DATA] and not math.isnan(e_hull) and e_hull <= max_hull + 1e-9
    if not stable:
        row[K.REASONS] = (
            "not computed: not in the data (no hull energy of its own)"
            if not row[K.IN_DATA]
            else f"not computed: {e_hull:.3f} eV/atom above hull > {max_hull:g}"
        )
        return False
    if not row[K.OXIDATION_V] >= volts - 1e-9:
        row[K.REASONS] = (
            f"not computed: oxidized at {row[K.OXIDATION_V]:.2f} V, below the cathode's "
            f"{volts:.2f} V"
        )
        return False
    return True


def _criteria(
    table: pd.DataFrame, volts: float, tol: float, max_hull: float, gaps: Any, funnel: bool
) -> pd.DataFrame:
    """Gaps, per-criterion verdicts, reasons, Pareto rank; rows sorted best first."""
    table = table[COATING_COLUMNS].copy()
    ok = table[K.ERROR].isna() & table[K.CATHODE_REACTION_ENERGY].notna()
    table[K.OXIDATION_MARGIN] = table[K.OXIDATION_V] - volts
    okay = ok.to_numpy(bool)
    gap_values = [gaps(f) if good else math.nan for f, good in zip(table[K.COATING], okay)]
    table[K.BAND_GAP_PBE] = gap_values
    table[K.ELECTRONIC_CHARACTER] = [
        electronic_character(g) if good else None for g, good in zip(gap_values, okay)
    ]
    table[K.SIGMA] = [  # measured, for reading; not a criterion (most coatings lack one)
        measured_conductivity(f)[0] if good else math.nan for f, good in zip(table[K.COATING], okay)
    ]
    checks = {
        "stable": table[K.IN_DATA] & (table[K.E_HULL] <= max_hull + 1e-9),
        "contains ion": table[K.ION_FRACTION] > 0,
        "window covers cathode": table[K.OXIDATION_MARGIN] >= -1e-9,
        "inert to cathode": table[K.CATHODE_REACTION_ENERGY] >= -tol,
        "inert to electrolyte": table[K.ELECTROLYTE_REACTION_ENERGY] >= -tol,
        "electronic insulator": table[K.BAND_GAP_PBE] >= INSULATOR_GAP_EV,
    }
    passed = {c: v.to_numpy(bool) for c, v in checks.items()}
    # a reaction energy not computed (funnel) is neither met nor failed: it is unknown
    never = np.zeros(len(table), bool)
    unknown = {
        "inert to cathode": table[K.CATHODE_REACTION_ENERGY].isna().to_numpy(),
        "inert to electrolyte": table[K.ELECTROLYTE_REACTION_ENERGY].isna().to_numpy(),
    }
    failed: list[str | None] = [None] * len(table)
    reasons = table[K.REASONS].where(table[K.REASONS].notna(), table[K.ERROR]).tolist()
    records = table.to_dict("records")
    for i in np.flatnonzero(okay):
        names = [c for c in CRITERIA if not passed[c][i] and not unknown.get(c, never)[i]]
        failed[i] = ", ".join(names)
        reasons[i] = _reason(records[i], names, volts, tol)
        if any(u[i] for u in unknown.values()):
            failed[i] = failed[i] or None  # not all criteria known: never "passes"
    table[K.FAILED_CRITERIA] = failed
    table[K.REASONS] = reasons
    table[K.PASSES] = [f == "" for f in failed]
    objectives = np.column_stack(
        [
            table[K.CATHODE_REACTION_ENERGY].to_numpy(float),
            table[K.ELECTROLYTE_REACTION_ENERGY].to_numpy(float),
            np.minimum(table[K.OXIDATION_MARGIN].to_numpy(float), 10.0),
        ]
    )
    ranked = ~np.isnan(objectives).any(axis=1)
    ranks = np.zeros(len(table), np.int64)
    ranks[ranked] = dominators(objectives[ranked]) + 1  # Fonseca & Fleming, by sorting
    table[K.PARETO_RANK] = pd.array(ranks, dtype="Int64")
    table[K.PARETO_RANK] = table[K.PARETO_RANK].mask(ranks == 0)
    worse = np.minimum(
        table[K.CATHODE_REACTION_ENERGY].fillna(-np.inf),
        table[K.ELECTROLYTE_REACTION_ENERGY].fillna(-np.inf),
    )
    order = np.lexsort(
        (-worse.to_numpy(float), np.where(ranks > 0, ranks, 10**9), ~table[K.PASSES].to_numpy(bool))
    )
    return table.iloc[order].reset_index(drop=True)


def _reason(row: dict[str, Any], failed: list[str], volts: float, tol: float) -> str:
    """One line per candidate: what it does well and which criteria it misses."""
    parts = []
    if "window covers cathode" in failed:
        parts.append(f"oxidized at {row[K.OXIDATION_V]:.2f} V < cathode {volts:.2f} V")
    for name, col, who in (
        ("inert to cathode", K.CATHODE_REACTION_ENERGY, "cathode"),
        ("inert to electrolyte", K.ELECTROLYTE_REACTION_ENERGY, "electrolyte"),
    ):
        value = row[col]
        if math.isnan(value):
            parts.append(f"reaction with the {who} not computed")
        elif name in failed:
            parts.append(f"reacts with the {who} ({value:.3f} eV/atom)")
    if "electronic insulator" in failed:
        gap = row[K.BAND_GAP_PBE]
        parts.append(
            "band gap unknown"
            if math.isnan(gap)
            else f"PBE gap {gap:.2f} eV < {INSULATOR_GAP_EV:g} eV"
        )
    if "stable" in failed:
        parts.append(f"{row[K.E_HULL]:.3f} eV/atom above hull")
    if not failed:
        parts.append(
            f"stable to {row[K.OXIDATION_V]:.2f} V, reaction energies "
            f"{row[K.CATHODE_REACTION_ENERGY]:.3f} (cathode) and "
            f"{row[K.ELECTROLYTE_REACTION_ENERGY]:.3f} eV/atom (electrolyte), "
            f"PBE gap {row[K.BAND_GAP_PBE]:.2f} eV"
        )
    return "; ".join(parts)


__all__ = [
    "COATING_COLUMNS",
    "CRITERIA",
    "ELEMENT_SETS",
    "REACTION_TOL",
    "CoatingScreen",
    "coating_screen",
]
