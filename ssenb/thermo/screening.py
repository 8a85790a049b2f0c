"""Batch screening: hull distance and stability window for many formulas at once.

Formulas are grouped by chemical system and each hull is built once; a system that is a
subset of another one in the batch reuses the larger hull (its lower hull restricted to a
face is the subsystem's hull). Hull energies and windows come from the facets' chemical
potentials (:class:`~ssenb.thermo._fasthull.FastHull`); tests hold them equal to
pymatgen's ``PhaseDiagram`` and ``get_element_profile``.

The work is split into tasks that each carry whole hull groups (never one formula), so
it runs unchanged on any :class:`concurrent.futures.Executor`: a local process pool, or
a Dask cluster through ``dask.distributed.Client.get_executor()``. A worker rebuilds the
default snapshot source as its own module-level copy (loaded once per worker from the
cached index under ``$SSENB_DATA_DIR``), so only formulas travel.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from concurrent.futures import Executor
from functools import partial
from typing import Any, TypeAlias

import pandas as pd

from .. import keys as K
from ..batch import ErrorMode, check_errors, check_executor, failure_reason, run_tasks
from ..data.materials import display_formula, to_composition
from ..errors import InvalidInputError
from ._fasthull import FastHull
from .decomposition import Decomposition
from .sources import EntrySource, check_elements, get_source
from .window import check_window_input

#: One task of a screen: whole hull groups, (system, [(row, {element: fraction})]).
Task: TypeAlias = list[tuple[tuple[str, ...], list[tuple[int, dict[str, float]]]]]
#: What a task returns per row: (row, result or None, the row's exception or None).
RowResults: TypeAlias = list[tuple[int, Any, Exception | None]]

#: Most tasks one call submits to an executor; hull groups are bundled into this many
#: tasks (largest first) so per-task overhead stays small next to the hull work.
MAX_TASKS = 256


def screen(
    materials: Iterable[Any],
    *,
    ion: str = "Li",
    source: Any = None,
    errors: ErrorMode = "record",
    progress: bool = True,
    executor: Executor | int | None = None,
    properties: Callable[[list[Any]], pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """Energy above hull (eV/atom) and stability window (V vs ion metal) of many materials.

    Parameters
    ----------
    materials : iterable of str, Composition or Structure
        A list, not a single formula (``screen(["Li3PS4"])``).
    ion : str
        Mobile ion; voltages are vs its metal.
    source : None, "mp2019", "mp", list of entries, or EntrySource
        Hull data (default: offline MP ~2019 snapshot, legacy corrections).
    errors : {"record", "raise"}
        "record" (default) gives NaN and a reason in the ``error`` column for a material
        that fails (bad formula, element not in the data, too many elements, any failure
        of its row, or its task lost with its worker) and carries on; Ctrl-C still stops
        the run (the row policy of :func:`ssenb.batch.run_row`).
    progress : bool
        Show a tqdm progress bar (rows done).
    executor : concurrent.futures.Executor, int or None
        Where the hull groups run: None (default) in this process; an int n, a pool of n
        local worker processes for this call; or any Executor you manage. Results are in
        input order and identical whichever is used. When a worker dies (a broken pool,
        Dask's ``KilledWorker``, a pre-empted node), the rows of its task are recorded as
        lost ("rerun these inputs") and every finished task is kept.
    properties : callable, optional
        Adds band gap (eV), G_VRH and K_VRH (GPa), G/G_Li and the Monroe–Newman verdict,
        each with its source column: pass :func:`ssenb.models.property_columns` (data
        where they exist, a fitted or cached composition model otherwise, never a
        minutes-long fit: without a model the value is NaN and the note says how to fit
        it). Any function ``reduced formulas (None for a failed row) -> DataFrame`` of one
        row per formula works; its columns are added after the screen's (a column the
        screen has already is refused, never overwritten) and its ``attrs["note"]`` joins
        the table's. Default None: hull and window only (this layer knows no models).

    Returns
    -------
    pandas.DataFrame
        One row per input, in input order: input, reduced_formula, chemsys, in_data,
        e_above_hull_eV_atom, reduction_V, oxidation_V, window_width_V (V), decomposition
        (:class:`~ssenb.thermo.Decomposition`), error, then the ``properties`` columns.
        ``attrs["ion"]`` is the ion; ``attrs["note"]`` names the materials that hold no
        such ion (no oxidation limit for them: screen them with their own ion), when there
        are any, and what the ``properties`` function had to say.

    Examples
    --------
    >>> table = screen(["Li3PS4", "LiF"], progress=False)
    >>> table["oxidation_V"].round(2).tolist()
    [2.36, 6.36]

    The same call on more cores, then on a Dask cluster (``pip install 'ssenb[dask]'``)::

        table = screen(formulas, executor=2)                      # laptop: 2 processes
        client = dask.distributed.Client(LocalCluster(n_workers=4))
        table = screen(formulas, executor=client.get_executor())  # cluster
        # on a supercomputer: Client(SLURMCluster(...)) from dask-jobqueue, same call
    """
    from tqdm.auto import tqdm

    check_errors(errors)
    if isinstance(materials, str) or not isinstance(materials, Iterable):
        raise InvalidInputError(
            f"materials={materials!r} is not a list of materials; wrap a single formula in a "
            "list: screen(['Li3PS4'])"
        )
    check_executor(executor)
    src = get_source(source)
    items = list(materials)
    rows: list[dict] = [_empty_row(m) for m in items]
    fractions: dict[int, dict[str, float]] = {}
    systems: dict[int, frozenset[str]] = {}
    for i, m in enumerate(items):
        try:
            comp = to_composition(m)
            check_window_input(comp, ion)
            systems[i] = check_elements({str(e) for e in comp.elements} | {ion})
            fractions[i] = {str(el): comp.get_atomic_fraction(el) for el in comp.elements}
            rows[i][K.REDUCED_FORMULA] = display_formula(comp)
            rows[i][K.CHEMSYS] = comp.chemical_system
        except Exception as err:  # the row policy of ssenb.batch: Ctrl-C is not an Exception
            _fail(rows[i], err, errors)
            systems.pop(i, None)
    tasks = bundle_groups(group_by_hull(systems), fractions)
    failures: dict[int, Exception] = {}
    with tqdm(total=len(systems), desc="screen", disable=not progress, leave=False) as bar:
        for results in run_groups(tasks, src, partial(_screen_row, ion=ion), executor):
            for i, values, error in results:  # exactly one of values, error is None
                if error is not None:
                    failures[i] = error
                    _fail(rows[i], error, "record")
                elif values is not None:
                    rows[i].update(values)
                    rows[i][K.DECOMPOSITION] = Decomposition(values[K.DECOMPOSITION])
            bar.update(len(results))
    if errors == "raise" and failures:
        raise failures[min(failures)]  # the first failing input, whatever finished first
    table = pd.DataFrame(rows)
    notes = [missing_ion_note(table, ion)]  # the ion is never applied silently
    if properties is not None:
        notes.append(_add_properties(table, properties))
    table.attrs["ion"] = ion  # figures label their voltage axes from it (keys.table_ion)
    if any(notes):
        table.attrs["note"] = "; ".join(n for n in notes if n)
    return table


def _add_properties(table: pd.DataFrame, properties: Callable[[list[Any]], Any]) -> str:
    """Append the columns of ``properties(reduced formulas)``; return its note ("" if none)."""
    if not callable(properties):
        raise InvalidInputError(
            f"properties={properties!r} is not a function; pass ssenb.models.property_columns"
        )
    formulas = [f if isinstance(f, str) else None for f in table[K.REDUCED_FORMULA]]
    extra = properties(formulas)
    if not isinstance(extra, pd.DataFrame) or len(extra) != len(table):
        raise InvalidInputError(
            f"properties= returned {type(extra).__name__} of {len(extra)} rows for "
            f"{len(table)} materials; it must return a DataFrame with one row per formula"
        )
    clash = [c for c in extra.columns if c in table.columns]
    if clash:
        raise InvalidInputError(
            f"properties= returned columns the screen has already ({clash}); a screen "
            "column is never overwritten: rename them"
        )
    for column in extra.columns:
        table[column] = extra[column].to_numpy()
    return str(extra.attrs.get("note") or "")


def missing_ion_note(table: pd.DataFrame, ion: str) -> str:
    """What a reader of a screen must know about rows without the ion ("" when none).

    Why: a material without the mobile ion still gets a window (no oxidation limit), so a
    Na conductor in a Li screen must be pointed out, never passed silently.

    Examples
    --------
    >>> t = screen(["Li3PS4", "Na3PS4"], progress=False)
    >>> missing_ion_note(t, "Li")
    '1 of 2 materials hold no Li (Na3PS4): no Li to release, so no oxidation limit; screen them with ion= set to their own mobile ion'
    """
    ok = table[K.ERROR].isna() & table[K.CHEMSYS].notna()
    rows = table.loc[ok, [K.REDUCED_FORMULA, K.CHEMSYS]].astype(str).itertuples(index=False)
    without = [formula for formula, system in rows if ion not in system.split("-")]
    if not without:
        return ""
    shown = ", ".join(without[:5]) + (" ..." if len(without) > 5 else "")
    return (
        f"{len(without)} of {len(table)} materials hold no {ion} ({shown}): no {ion} to "
        "release, so no oxidation limit; screen them with ion= set to their own mobile ion"
    )


def run_groups(
    tasks: list[Task],
    src: EntrySource,
    per_member: Callable[[FastHull, dict[str, float]], Any],
    executor: Any,
) -> Iterable[RowResults]:
    """Each task's row results, through :func:`ssenb.batch.run_tasks`.

    A task lost with its worker comes back as every one of its rows failed with the
    :class:`~ssenb.errors.TaskLostError` (its reason says to rerun those inputs).
    """
    for task, results, lost in run_tasks(tasks, over_groups, (src, per_member), executor):
        if lost is not None:
            yield [(i, None, lost) for _, members in task for i, _ in members]
        else:
            yield results or []


def over_groups(
    src: EntrySource, per_member: Callable[[FastHull, dict[str, float]], Any], groups: Task
) -> RowResults:
    """The work of one task: build each group's hull once, then ``per_member(hull, x)`` per row.

    A hull that cannot be built fails its members, a row that fails fails alone (the row
    policy of :func:`ssenb.batch.run_row`, kept as the exception so that it travels back
    from a worker); the screening and the candidate pipeline both run their rows here.
    """
    out: RowResults = []
    for system, members in groups:
        try:
            hull = src.fast_hull(system, cache=False)
        except Exception as err:
            out.extend((i, None, err) for i, _ in members)
            continue
        for i, fractions in members:
            try:
                out.append((i, per_member(hull, fractions), None))
            except Exception as err:
                out.append((i, None, err))
    return out


def _screen_row(hull: FastHull, fractions: dict[str, float], *, ion: str) -> dict:
    """Hull distance (eV/atom), window (V) and decomposition of one row."""
    x = [fractions.get(el, 0.0) for el in hull.elements]
    hull_e, phases, red, ox = hull.analyse(x, ion=ion)
    own = hull.energy_of(x)
    return {
        K.IN_DATA: not math.isnan(own),
        K.E_HULL: max(own - hull_e, 0.0) if not math.isnan(own) else math.nan,
        K.REDUCTION_V: red,
        K.OXIDATION_V: ox,
        K.WINDOW_WIDTH_V: ox - red,
        K.DECOMPOSITION: phases,
    }


def input_label(material: Any) -> str:
    """How a screening table names an input in its ``input`` column: its formula, or itself."""
    return str(getattr(material, "formula", material))


def _empty_row(material: Any) -> dict:
    return {
        K.INPUT: input_label(material),
        K.REDUCED_FORMULA: None,
        K.CHEMSYS: None,
        K.IN_DATA: False,
        K.E_HULL: math.nan,
        K.REDUCTION_V: math.nan,
        K.OXIDATION_V: math.nan,
        K.WINDOW_WIDTH_V: math.nan,
        K.DECOMPOSITION: None,
        K.ERROR: None,
    }


def _fail(row: dict, err: Exception, errors: ErrorMode) -> None:
    if errors == "raise":
        raise err
    row[K.ERROR] = failure_reason(err)


def group_by_hull(systems: dict[int, frozenset[str]]) -> dict[frozenset[str], list[int]]:
    """Map each hull to build onto the inputs it serves; subsets reuse a superset's hull.

    Largest systems first; a system joins the first-chosen host that contains it. Hosts
    are looked up through an element -> hosts index, so this stays fast for thousands of
    systems.
    """
    chosen: dict[frozenset[str], list[int]] = {}
    order: dict[frozenset[str], int] = {}
    by_element: dict[str, set[frozenset[str]]] = {}
    for i, system in sorted(systems.items(), key=lambda kv: (-len(kv[1]), sorted(kv[1]), kv[0])):
        if system in chosen:
            chosen[system].append(i)
            continue
        pools = sorted((by_element.get(el, set()) for el in system), key=len)
        hosts = set(pools[0]).intersection(*pools[1:]) if pools else set()
        if hosts:
            chosen[min(hosts, key=order.__getitem__)].append(i)
            continue
        order[system] = len(order)
        chosen[system] = [i]
        for el in system:
            by_element.setdefault(el, set()).add(system)
    return chosen


def bundle_groups(
    groups: dict[frozenset[str], list[int]], fractions: dict[int, dict[str, float]]
) -> list[Task]:
    """Tasks of whole hull groups, at most :data:`MAX_TASKS`, balanced by a cost guess."""
    ranked = sorted(groups.items(), key=lambda kv: (-(3 ** len(kv[0]) + len(kv[1])), sorted(kv[0])))
    n_tasks = min(len(ranked), MAX_TASKS)
    tasks: list[Task] = [[] for _ in range(n_tasks)]
    load = [0.0] * n_tasks
    for system, members in ranked:  # longest first into the least loaded task
        t = load.index(min(load))
        tasks[t].append((tuple(sorted(system)), [(i, fractions[i]) for i in members]))
        load[t] += 3 ** len(system) + len(members)
    return [t for t in tasks if t]


__all__ = ["MAX_TASKS", "missing_ion_note", "screen"]
