"""The coating screen's hull stages, run chunk by chunk so that a screen can resume.

Split from :mod:`ssenb.thermo.coating`. Stage 1 builds the hull of each candidate with
the cathode (own hull energy, window, reaction with the cathode); stage 2 solves one LP
per survivor for the reaction with the electrolyte. :func:`run_chunk` runs both on one
chunk of candidates and returns the numbers of its rows as a frame, which a
:class:`~ssenb.batch.CheckpointStore` keeps: a resumed screen reads finished chunks back
(every float the same double) and computes only the others.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from .. import keys as K
from ..batch import CheckpointStore, ErrorMode, failure_reason, run_tasks
from ..data.materials import display_formula, to_composition
from ..errors import InvalidInputError
from ._fasthull import FastHull
from .coating_criteria import _HULL_ENERGY, COATING_COLUMNS
from .screening import MAX_TASKS, bundle_groups, group_by_hull, run_groups
from .sources import MAX_HULL_ELEMENTS, EntrySource

#: What a chunk file holds per row: its position and the numbers the stages set.
STAGE_COLUMNS = [
    "row",
    K.IN_DATA,
    K.E_HULL,
    K.ION_FRACTION,
    K.REDUCTION_V,
    K.OXIDATION_V,
    K.CATHODE_REACTION_ENERGY,
    _HULL_ENERGY,
    K.ELECTROLYTE_REACTION_ENERGY,
    K.REASONS,
    K.ERROR,
]


def fractions_of(comp: Any) -> dict[str, float]:
    """Atomic fractions of a composition by element symbol."""
    return {str(el): comp.get_atomic_fraction(el) for el in comp.elements}


def empty_row(label: str) -> dict[str, Any]:
    """A candidate's row before any stage: NaN numbers, nothing decided."""
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


def candidate_rows(
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
            row = empty_row(formula)
            row[K.CHEMSYS], row[K.IN_DATA], row[K.E_HULL] = chemsys, True, float(e_hull)
            els = set(chemsys.split("-"))
            why = _prefilter(els, ion, banned)
            if why is None and funnel and e_hull > max_hull + 1e-9:
                why = f"not computed: {e_hull:.3f} eV/atom above hull > {max_hull:g}"
            if why is not None:
                row[K.REASONS] = why
            else:
                fractions[len(rows)] = fractions_of(to_composition(formula))
            rows.append(row)
        return rows, fractions
    if isinstance(candidates, str) or not isinstance(candidates, Iterable):
        raise InvalidInputError(
            f"candidates={candidates!r} is not a list; wrap one formula in a list: ['LiNbO3']"
        )
    for item in candidates:
        row = empty_row(str(getattr(item, "formula", item)))
        try:
            comp = to_composition(item, argname="candidates")
            row[K.COATING] = display_formula(comp)
            row[K.CHEMSYS] = comp.chemical_system
            why = _prefilter({str(e) for e in comp.elements}, ion, banned)
            if why is not None:
                row[K.REASONS] = why
            else:
                fractions[len(rows)] = fractions_of(comp)
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


def run_stage(
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


def run_lp(
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


def cathode_side(
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


def fill(row: dict[str, Any], values: Any, err: Exception | None, errors: ErrorMode) -> None:
    """A stage's numbers into the row, or its failure (the row policy of ssenb.batch)."""
    if err is not None:
        if errors == "raise":
            raise err
        row[K.ERROR] = failure_reason(err)
    elif values is not None:
        row.update(values)


def early_pass(row: dict[str, Any], volts: float, max_hull: float) -> bool:
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


def run_chunk(
    fractions: dict[int, dict[str, float]],
    rows: list[dict[str, Any]],
    *,
    cathode: dict[str, float],
    electrolyte: dict[str, float],
    e_electrolyte: float,
    volts: float,
    max_hull: float,
    funnel: bool,
    ion: str,
    src: EntrySource,
    executor: Any,
    errors: ErrorMode,
    bar: Any,
) -> pd.DataFrame:
    """Both stages for one chunk of candidates; their rows updated and returned as a frame."""
    from functools import partial

    done = run_stage(
        fractions, set(cathode), partial(cathode_side, cathode=cathode, ion=ion), src, executor, bar
    )
    for i, (values, err) in done.items():
        fill(rows[i], values, err, errors)
    ahead = {
        i: x
        for i, x in fractions.items()
        if rows[i][K.ERROR] is None and (not funnel or early_pass(rows[i], volts, max_hull))
    }
    bar.update(len(fractions) - len(ahead))
    done = run_lp(ahead, rows, electrolyte, e_electrolyte, src, executor, bar)
    for i, (values, err) in done.items():
        fill(rows[i], values, err, errors)
    return chunk_frame(sorted(fractions), rows)


def chunk_frame(indices: list[int], rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The stage numbers of ``rows[indices]`` (what a checkpoint keeps)."""
    frame = pd.DataFrame([{c: rows[i].get(c) for c in STAGE_COLUMNS[1:]} for i in indices])
    frame.insert(0, "row", indices)
    return normalise(frame.reindex(columns=STAGE_COLUMNS))


def normalise(frame: pd.DataFrame) -> pd.DataFrame:
    """Same dtypes whether a chunk came from memory or from its checkpoint file."""
    frame = frame[STAGE_COLUMNS].copy()
    frame["row"] = frame["row"].astype(np.int64)
    frame[K.IN_DATA] = frame[K.IN_DATA].astype(bool)
    for col in STAGE_COLUMNS[2:9]:
        frame[col] = frame[col].astype(float)
    for col in (K.REASONS, K.ERROR):
        frame[col] = frame[col].astype(object).where(frame[col].notna(), None)
    return frame


def apply_chunk(frame: pd.DataFrame, rows: list[dict[str, Any]]) -> None:
    """Put a chunk's numbers back into the candidate rows."""
    for record in frame.to_dict("records"):
        i = int(record.pop("row"))
        rows[i].update({k: (None if k in (K.REASONS, K.ERROR) and v is None else v)
                        for k, v in record.items()})  # fmt: skip


def read_chunk(store: CheckpointStore, name: str, indices: list[int]) -> pd.DataFrame:
    """A finished chunk from its file, checked to hold exactly ``indices``' rows.

    The file is untrusted (edited, truncated, replaced): what does not parse as this
    run's chunk is refused by name, never half-used.
    """
    path = store.path(name)
    fix = f"delete {path.name} to recompute that chunk, or use a new checkpoint folder"
    frame = store.load(name, text_columns=[K.REASONS, K.ERROR])
    if set(STAGE_COLUMNS) - set(frame.columns):
        raise InvalidInputError(f"checkpoint file {path} is not a coating chunk; {fix}")
    try:
        frame = normalise(frame)
    except (TypeError, ValueError) as err:
        raise InvalidInputError(f"checkpoint file {path} is damaged ({err}); {fix}") from err
    if frame["row"].tolist() != indices:
        raise InvalidInputError(
            f"checkpoint file {path} holds other candidates than this chunk's {len(indices)}; {fix}"
        )
    return frame
