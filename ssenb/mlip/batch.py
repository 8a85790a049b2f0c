"""Relaxations and single points of many structures: one task per structure, on any executor.

:func:`relax_many` and :func:`single_points` run through the one batch kernel
(:mod:`ssenb.batch`): the row policy (``errors="record"`` records a reason, ``"raise"``
stops, Ctrl-C always stops), tasks on any ``concurrent.futures.Executor`` (a process pool,
a Dask ``LocalCluster`` or a cluster's client, see :func:`ssenb.batch.run_tasks`), a task
whose worker dies reported as lost without losing the others, and a checkpoint folder
(:class:`ssenb.batch.CheckpointStore`) from which an interrupted run resumes.

A potential object (a torch model) is never sent to a worker: the shipped potentials go as
their name (:func:`potential_spec`) and each worker process loads them once
(:func:`ssenb.mlip.load_chgnet` / :func:`ssenb.mlip.load_sevennet` keep one per process);
any other potential is sent as it is and must pickle. Every worker checks that the
potential it loaded carries the same label as the caller's, so no row is ever computed
with another model than the one its ``potential`` column names.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import Executor
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from .. import keys as K
from ..batch import (
    CheckpointStore,
    ErrorMode,
    capture_row,
    check_errors,
    check_executor,
    failure_reason,
    run_tasks,
)
from ..data.materials import display_formula
from ..errors import CancelledError, InvalidInputError, SsenbError
from ..results import json_default
from .potential import Potential, _finite, check_structure, cutoff_of, label
from .relaxation import Relaxation, check_relax_settings, not_converged_reason, relax

if TYPE_CHECKING:
    import threading

    import pandas as pd
    from pymatgen.core import Structure

#: columns of :func:`relax_many`, in order
RELAX_COLUMNS = [
    K.FORMULA,
    K.N_ATOMS,
    K.E_POTENTIAL,
    K.CONVERGED,
    K.N_STEPS,
    K.MAX_FORCE,
    K.POTENTIAL,
    K.ERROR,
    K.STRUCTURE,
]
#: columns of :func:`single_points`, in order
SINGLE_POINT_COLUMNS = [K.FORMULA, K.N_ATOMS, K.E_POTENTIAL, K.MAX_FORCE, K.POTENTIAL, K.ERROR]
_TEXT = (K.FORMULA, K.POTENTIAL, K.ERROR, K.STRUCTURE)
_SHIPPED = ("chgnet", "sevennet")
_KIND = ("pymatgen.core.structure", "Structure")  # the one object a checkpoint row holds


def relax_many(
    structures: Iterable[Structure] | pd.DataFrame,
    potential: Potential | str | None = None,
    *,
    fmax: float = 0.05,
    steps: int = 500,
    relax_cell: bool = True,
    executor: Executor | int | None = None,
    checkpoint: str | os.PathLike[str] | None = None,
    errors: ErrorMode = "record",
    progress: bool = True,
    cancel: threading.Event | None = None,
) -> pd.DataFrame:
    """Relax many structures, one task each, on this machine or a cluster, resumably.

    Each structure is relaxed by :func:`ssenb.mlip.relax` (ASE FIRE, the cell through
    FrechetCellFilter), with its policy: a relaxation that does not converge within
    ``steps`` is ``converged=False`` and its energy is withheld (NaN), never reported as
    converged. Results are those of a serial run, in input order, whatever the executor.

    Parameters
    ----------
    structures : iterable of pymatgen Structure, or DataFrame with a ``structure`` column
        Ordered cells of at most 200 sites. A frame keeps its index in the result.
    potential : Potential, str or None
        A potential object, a shipped name (``"chgnet"``, ``"7net-0"``, ``"7net-l3i5"``),
        or None for CHGNet 0.3.0.
    fmax : float
        Force convergence criterion (eV/Å).
    steps : int
        Most optimizer steps per structure (≤ :data:`ssenb.mlip.relaxation.MAX_STEPS`).
    relax_cell : bool
        Also relax the lattice.
    executor : concurrent.futures.Executor, int or None
        None: this process. An int: a temporary pool of that many processes. An executor:
        a ``ProcessPoolExecutor``, or Dask's ``client.get_executor()``. One task per
        structure; the shipped potentials are loaded once per worker process by name.
        A task lost with its worker (a killed or pre-empted node) fails only its own row
        ("task lost ... rerun these inputs"); every finished row is kept.
    checkpoint : path, optional
        Folder where each finished row is written as it arrives. Run again with the same
        folder, inputs and settings, and only the rows not written yet are computed (a
        row lost with its worker is not written, so it is retried); the result equals an
        uninterrupted run bit for bit. A row that failed (its relaxation raised, or did
        not converge) is written as it is and not retried; delete its ``row_*.csv`` file
        to retry it. The folder must be new, empty or a checkpoint of this very run:
        nothing else is overwritten.
    errors : {"record", "raise"}
        "record": a structure whose relaxation raises gets NaN and a reason in ``error``
        (the row policy of :func:`ssenb.batch.run_row`); "raise": stop at it.
    progress : bool
        A tqdm progress bar over the structures.
    cancel : threading.Event, optional
        Set from another thread (a widget's Cancel) to stop the batch: in this process
        (``executor`` None or 1) the relaxation under way stops at its next ionic step
        (:func:`ssenb.mlip.relax`); on an executor, whose workers cannot see the event,
        the batch stops when the next task comes back (tasks already running on workers
        finish there, unused). Either way :class:`~ssenb.errors.CancelledError` is raised,
        whatever ``errors``, and no checkpoint row is written for the stopped relaxation.

    Returns
    -------
    pandas.DataFrame
        One row per input: ``formula``, ``n_atoms``, ``energy_potential_eV_atom``
        (eV/atom in the potential's own convention, no corrections added; NaN unless
        converged), ``converged``, ``n_steps``, ``max_force_eV_A`` (eV/Å),
        ``potential`` (its label), ``error`` (None, or why there is no energy: the
        relaxation raised, did not converge, or its task was lost) and ``structure``
        (the relaxed structure; for a non-converged row the last one reached, for
        diagnosis; None where the relaxation raised). ``attrs["potential"]`` is the label.
        Filter on ``converged`` before using a structure further (e.g.
        :func:`ssenb.transport.migration_barriers` takes this frame as it is).

    Raises
    ------
    InvalidInputError
        ``structures`` is a single Structure, a string or not iterable; bad ``fmax``,
        ``steps``, ``errors``, ``executor`` or ``checkpoint`` (all before any work).
    CancelledError
        ``cancel`` was set.

    Examples
    --------
    >>> from pymatgen.core import Lattice, Structure
    >>> lif = Structure(Lattice.cubic(4.03), ["Li", "F"], [[0, 0, 0], [0.5, 0.5, 0.5]])
    >>> table = relax_many([lif, lif.copy()], "chgnet", progress=False)  # doctest: +SKIP
    >>> table["converged"].tolist()  # doctest: +SKIP
    [True, True]
    """
    check_errors(errors)
    check_executor(executor)
    check_relax_settings(fmax, steps)
    items, index = _inputs(structures)
    pot = _potential(potential)
    settings = (float(fmax), int(steps), bool(relax_cell))
    return _run(
        "relax", items, index, pot, settings, executor, checkpoint, errors, progress,
        desc=f"relaxing with {pot.name}", cancel=cancel,
    )  # fmt: skip


def relax_reason(row: Mapping[str, Any]) -> str:
    """Why a row of :func:`relax_many` has no energy, in the one wording every table uses.

    "" when it converged; :func:`~ssenb.mlip.relaxation.not_converged_reason`'s words when
    it did not (a structure came back); ``"relaxation failed (<reason>): energy withheld"``
    when the relaxation raised or its task was lost (no structure came back).

    Examples
    --------
    >>> relax_reason({"converged": False, "structure": None, "error": "MemoryError: CUDA"})
    'relaxation failed (MemoryError: CUDA): energy withheld'
    """
    if row[K.CONVERGED]:
        return ""
    if row[K.STRUCTURE] is not None:  # not converged: relax_many wrote not_converged_reason
        return str(row[K.ERROR])
    return f"relaxation failed ({row[K.ERROR]}): energy withheld"


def single_points(
    structures: Iterable[Structure] | pd.DataFrame,
    potential: Potential | str | None = None,
    *,
    executor: Executor | int | None = None,
    checkpoint: str | os.PathLike[str] | None = None,
    errors: ErrorMode = "record",
    progress: bool = True,
) -> pd.DataFrame:
    """Energies (eV/atom) and largest forces of many structures as given, one task each.

    Parameters
    ----------
    structures : iterable of pymatgen Structure, or DataFrame with a ``structure`` column
    potential : Potential, str or None
        As in :func:`relax_many`.
    executor, checkpoint, errors, progress
        As in :func:`relax_many`.

    Returns
    -------
    pandas.DataFrame
        One row per input, in input order: ``formula``, ``n_atoms``,
        ``energy_potential_eV_atom`` (eV/atom, the potential's convention),
        ``max_force_eV_A`` (eV/Å), ``potential``, ``error``.

    Raises
    ------
    InvalidInputError
        As in :func:`relax_many`.

    Examples
    --------
    >>> from pymatgen.core import Lattice, Structure
    >>> lif = Structure(Lattice.cubic(4.03), ["Li", "F"], [[0, 0, 0], [0.5, 0.5, 0.5]])
    >>> single_points([lif], "chgnet", progress=False)["n_atoms"].tolist()  # doctest: +SKIP
    [2]
    """
    check_errors(errors)
    check_executor(executor)
    items, index = _inputs(structures)
    pot = _potential(potential)
    return _run(
        "single", items, index, pot, (), executor, checkpoint, errors, progress,
        desc=f"{pot.name} single points",
    )  # fmt: skip


def potential_spec(potential: Potential) -> Any:
    """What a worker needs to load ``potential`` itself: a shipped model's name, else the object.

    Parameters
    ----------
    potential : Potential

    Returns
    -------
    tuple or Potential
        ``("chgnet", version)`` or ``("sevennet", model name)`` for the shipped potentials
        on CPU (loaded once per worker process, never pickled); any other potential as it
        is (it must then be picklable).
    """
    from .potential import CHGNetPotential
    from .sevennet import SevenNetPotential

    if isinstance(potential, CHGNetPotential) and potential.device == "cpu":
        return ("chgnet", potential.version)
    if isinstance(potential, SevenNetPotential) and potential.device == "cpu":
        return ("sevennet", potential.model_name)
    return potential


def load_spec(spec: Any, expected: str) -> Potential:
    """The potential of ``spec`` in this process (loaded once per process), checked by label.

    Raises
    ------
    SsenbError
        The potential loaded here is not the one the caller named (another version).
    """
    if isinstance(spec, tuple) and len(spec) == 2 and spec[0] in _SHIPPED:
        from .potential import load_chgnet
        from .sevennet import load_sevennet

        pot: Potential = load_chgnet(spec[1]) if spec[0] == "chgnet" else load_sevennet(spec[1])
    else:
        pot = spec
    if label(pot) != expected:
        raise SsenbError(
            f"this worker loaded {label(pot)}, not the caller's {expected}: install the same "
            "potential version on every worker"
        )
    return pot


def _potential(potential: object) -> Potential:
    from .sevennet import load_potential

    return load_potential(potential)


def _inputs(structures: object) -> tuple[list[Any], Any]:
    """The structures as a list, and the index of the result (a frame's own, else 0..n-1)."""
    import pandas as pd
    from pymatgen.core import Structure

    if isinstance(structures, pd.DataFrame):
        if K.STRUCTURE not in structures.columns:
            raise InvalidInputError(
                f"the frame has no {K.STRUCTURE!r} column; pass a list of Structures or a "
                "frame such as ssenb.data.load_obelix(structures=True)"
            )
        return list(structures[K.STRUCTURE]), structures.index
    if isinstance(structures, str | bytes | Mapping | Structure) or not isinstance(
        structures, Iterable
    ):
        raise InvalidInputError(
            f"structures must be a list of pymatgen Structures (or a frame with a "
            f"{K.STRUCTURE!r} column), not {type(structures).__name__}; wrap one structure "
            "in a list: [structure]"
        )
    items = list(structures)
    return items, pd.RangeIndex(len(items))


def _run(
    kind: str,
    items: list[Any],
    index: Any,
    pot: Potential,
    settings: tuple,
    executor: Any,
    checkpoint: str | os.PathLike[str] | None,
    errors: ErrorMode,
    progress: bool,
    *,
    desc: str,
    cancel: threading.Event | None = None,
) -> pd.DataFrame:
    """The one loop of both batches: checkpointed rows, tasks on the executor, rows in order.

    ``cancel`` reaches the relaxations only in this process (an event cannot travel to a
    worker); with an executor it is checked as each task comes back.
    """
    import pandas as pd
    from tqdm.auto import tqdm

    columns = RELAX_COLUMNS if kind == "relax" else SINGLE_POINT_COLUMNS
    expected = label(pot)
    here = executor is None or executor == 1
    spec = pot if here else potential_spec(pot)
    store = (
        None
        if checkpoint is None
        else CheckpointStore(
            checkpoint,
            run=_fingerprint(kind, expected, settings, items),
            info={"kind": f"ssenb.mlip {kind}", "structures": len(items)},
        )
    )
    rows: list[dict[str, Any] | None] = [None] * len(items)
    todo: list[tuple[int, Any]] = []
    for i, item in enumerate(items):
        if store is not None and store.has(_name(i)):
            rows[i] = _read_row(store, i, columns)
        else:
            todo.append((i, item))
    fn = _relax_task if kind == "relax" else _single_task
    with tqdm(total=len(todo), desc=desc, disable=not progress, leave=False) as bar:
        args = (spec, expected, settings, cancel if here else None)
        for (i, item), result, lost in run_tasks(todo, fn, args, executor):
            if lost is not None:  # its worker died: recorded, never written, so retried
                if errors == "raise":
                    raise lost
                rows[i] = _failed_row(item, failure_reason(lost), expected)
            elif result is not None:
                row, err = result
                if err is not None and errors == "raise":
                    raise err
                rows[i] = row
                if store is not None:
                    store.save(_name(i), _to_text(pd.DataFrame([row], columns=columns)))
            bar.update()
            if cancel is not None and cancel.is_set() and not here:  # after its row is written
                raise CancelledError(
                    f"{desc}: cancelled with {sum(r is not None for r in rows)} of "
                    f"{len(items)} structures done; running tasks finish on their workers, unused"
                )
    frame = _normalise(pd.DataFrame(rows, columns=columns), columns)
    frame.index = index
    frame.attrs["potential"] = expected
    return frame


def _relax_task(
    spec: Any,
    expected: str,
    settings: tuple[float, int, bool],
    cancel: threading.Event | None,
    task: tuple[int, Any],
) -> tuple[dict[str, Any], Exception | None]:
    """One structure relaxed (in a worker or here): its row, and its exception if it raised.

    The row policy of :func:`ssenb.batch.capture_row`: the failure travels back from a
    worker as a value; Ctrl-C and a cancel (``cancel`` set, here only) are not caught.
    """
    _, structure = task
    fmax, steps, relax_cell = settings

    def work() -> Relaxation:
        pot = load_spec(spec, expected)
        return relax(structure, pot, fmax=fmax, steps=steps, relax_cell=relax_cell, cancel=cancel)

    r, err = capture_row(work)
    if err is not None:
        return _failed_row(structure, failure_reason(err), expected), err
    r = cast("Relaxation", r)
    return {
        K.FORMULA: display_formula(r.structure.composition),
        K.N_ATOMS: len(r.structure),
        K.E_POTENTIAL: r.energy_per_atom,  # NaN unless converged (relax's policy)
        K.CONVERGED: r.converged,
        K.N_STEPS: r.n_steps,
        K.MAX_FORCE: r.max_force_eV_A,
        K.POTENTIAL: r.potential,
        K.ERROR: not_converged_reason(r) or None,
        K.STRUCTURE: r.structure,
    }, None


def _single_task(
    spec: Any, expected: str, settings: tuple, cancel: None, task: tuple[int, Any]
) -> tuple[dict[str, Any], Exception | None]:
    """One single point (in a worker or here): its row, and its exception if it raised."""
    _, structure = task

    def work() -> dict[str, Any]:
        pot = load_spec(spec, expected)
        check_structure(structure, cutoff_A=cutoff_of(pot))
        calc = pot.calculate(structure)
        energy = _finite(float(calc.energy_eV), structure)
        forces = np.asarray(calc.forces_eV_A, dtype=float)
        return {
            K.FORMULA: display_formula(structure.composition),
            K.N_ATOMS: len(structure),
            K.E_POTENTIAL: energy / len(structure),
            K.MAX_FORCE: float(np.linalg.norm(forces, axis=1).max()) if len(forces) else 0.0,
            K.POTENTIAL: expected,
            K.ERROR: None,
        }

    row, err = capture_row(work)
    if err is not None:
        return _failed_row(structure, failure_reason(err), expected), err
    return cast("dict[str, Any]", row), None


def _failed_row(item: Any, reason: str, expected: str) -> dict[str, Any]:
    """A row with no result: NaN energy, not converged, and the reason."""
    from pymatgen.core import Composition

    comp = getattr(item, "composition", None)
    return {
        K.FORMULA: display_formula(comp) if isinstance(comp, Composition) else None,
        K.N_ATOMS: len(item) if comp is not None else None,
        K.E_POTENTIAL: math.nan,
        K.CONVERGED: False,
        K.N_STEPS: 0,
        K.MAX_FORCE: math.nan,
        K.POTENTIAL: expected,
        K.ERROR: reason,
        K.STRUCTURE: None,
    }


def _normalise(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The same dtypes whether rows came from workers or from the checkpoint files."""
    frame = frame[columns].copy()
    for col in (K.FORMULA, K.POTENTIAL, K.ERROR):
        frame[col] = frame[col].astype(object).where(frame[col].notna(), None)
    frame[K.N_ATOMS] = frame[K.N_ATOMS].astype("Int64")
    for col in (K.E_POTENTIAL, K.MAX_FORCE):
        frame[col] = frame[col].astype(float)
    if K.CONVERGED in columns:
        frame[K.CONVERGED] = frame[K.CONVERGED].astype(bool)
        frame[K.N_STEPS] = frame[K.N_STEPS].astype(int)
        frame[K.STRUCTURE] = frame[K.STRUCTURE].astype(object)
    return frame


def _name(i: int) -> str:
    return f"row_{i:07d}"


def _to_text(frame: pd.DataFrame) -> pd.DataFrame:
    """A row as the checkpoint writes it: the structure as its JSON dict (exact floats)."""
    if K.STRUCTURE in frame.columns:
        frame[K.STRUCTURE] = [
            None if s is None else json.dumps(s.as_dict(), default=json_default)
            for s in frame[K.STRUCTURE]
        ]
    return frame


def _read_row(store: CheckpointStore, i: int, columns: list[str]) -> dict[str, Any]:
    """Row ``i`` from its checkpoint file, which is untrusted: anything odd is refused by name.

    Its structure is rebuilt through ssenb's closed allow-list (:mod:`ssenb._decode`):
    a pymatgen Structure and nothing else.
    """
    import pandas as pd

    from .._decode import decode

    path = store.path(_name(i))
    fix = f"delete {path.name} to recompute that row, or use a new checkpoint folder"
    frame = store.load(_name(i), text_columns=[c for c in _TEXT if c in columns])
    if list(frame.columns) != columns or len(frame) != 1:
        raise InvalidInputError(f"checkpoint file {path} is not one row of this run; {fix}")
    row = frame.iloc[0].to_dict()
    try:
        if K.STRUCTURE in columns:
            text = row[K.STRUCTURE]
            row[K.STRUCTURE] = (
                None if not isinstance(text, str) else decode(json.loads(text), allow={_KIND})
            )
        return _normalise(pd.DataFrame([row], columns=columns), columns).iloc[0].to_dict()
    except (TypeError, ValueError, RecursionError, InvalidInputError) as err:
        raise InvalidInputError(f"checkpoint file {path} is damaged ({err}); {fix}") from err


def _fingerprint(kind: str, expected: str, settings: tuple, items: Sequence[Any]) -> str:
    """What a checkpoint belongs to: the potential, the settings and every input structure."""
    h = hashlib.sha256()
    h.update(json.dumps([kind, expected, list(settings)]).encode())
    for item in items:
        as_dict = getattr(item, "as_dict", None)
        text = (
            json.dumps(as_dict(), sort_keys=True, default=json_default)
            if callable(as_dict)
            else f"{type(item).__name__}:{item!r}"
        )
        h.update(hashlib.sha256(text.encode()).digest())
    return h.hexdigest()


__all__ = [
    "RELAX_COLUMNS",
    "SINGLE_POINT_COLUMNS",
    "load_spec",
    "potential_spec",
    "relax_many",
    "relax_reason",
    "single_points",
]
