"""Barriers for many structures at once: per-row failures, progress, cache.

The disk cache is one small JSON file per structure (keyed by :func:`structure_key`) in
``transport/`` under ssenb's derived-data folder (:func:`ssenb.data.mp_snapshot.
derived_cache_dir`: ``$SSENB_CACHE_DIR`` or the OS cache, never a folder named by
``$SSENB_DATA_DIR``), so an interrupted batch keeps what it finished. Files are read as
plain JSON with a fixed set of keys; anything else is ignored and recomputed.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Executor
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_args

import numpy as np

from .. import keys as K
from ..batch import (
    ErrorMode,
    capture_row,
    check_errors,
    check_executor,
    failure_reason,
    run_tasks,
)
from ..data.materials import display_formula
from ..errors import InvalidInputError
from ._framework import check_ion
from .landscape import MAX_BARRIER_EV, check_inputs, check_resolution, migration_landscape

if TYPE_CHECKING:
    import pandas as pd
    from pymatgen.core import Structure

Cache = Literal["memory", "disk", "none"]
CACHE_VERSION = "bvse-1"  # bump when the method changes, so old cached rows are not reused
CACHE_FOLDER = "transport"  # under ssenb.data.mp_snapshot.derived_cache_dir()
MAX_CACHE_BYTES = 4096  # a cached row is about 300 bytes
VALUE_COLUMNS = (
    K.BARRIER_1D,
    K.BARRIER_2D,
    K.BARRIER_3D,
    K.PATHWAY_DIMENSION,
    K.ION_SITE_CONNECTIVITY,
    K.PATHWAY_VOLUME_FRACTION,
)

_MEMORY: dict[str, dict[str, Any]] = {}


def structure_key(structure: Structure, ion: str, resolution: float) -> str:
    """Identify a structure for the cache: sha256 of lattice, species, occupancies, positions.

    Rounded to 1e-5 (Å, fractional), together with the ion, the grid spacing (Å) and
    :data:`CACHE_VERSION`, so a changed method never reuses old rows.

    Examples
    --------
    >>> from pymatgen.core import Lattice, Structure
    >>> s = Structure(Lattice.cubic(2.4), ["F", "Li"], [[0, 0, 0], [0.5, 0.5, 0.5]])
    >>> structure_key(s, "Li", 0.2) == structure_key(s.copy(), "Li", 0.2)
    True
    """
    sites = [
        (
            sorted((str(sp), round(float(o), 5)) for sp, o in site.species.items()),
            [round(float(x), 5) for x in np.mod(site.frac_coords, 1.0)],
        )
        for site in structure
    ]
    payload = json.dumps(
        [
            CACHE_VERSION,
            ion,
            round(float(resolution), 5),
            np.round(structure.lattice.matrix, 5).tolist(),
            sites,
        ],
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def barrier_row(
    structure: Structure, ion: str = "Li", *, resolution: float = 0.2, cache: Cache = "memory"
) -> dict[str, Any]:
    """One structure's barrier columns, from the cache when it has them.

    Parameters
    ----------
    structure : pymatgen.core.Structure
    ion : {"Li", "Na", "K", "Mg"}
    resolution : float
        Grid spacing in Å.
    cache : {"memory", "disk", "none"}
        See :func:`migration_barriers`.

    Returns
    -------
    dict
        ``formula``, ``barrier_1d_eV``, ``barrier_2d_eV``, ``barrier_3d_eV`` (eV, inf: no
        path), ``pathway_dimension``, ``ion_site_connectivity``,
        ``pathway_volume_fraction`` and ``time_s`` (s, of the original computation).

    Raises
    ------
    InvalidInputError
        Not a Structure, a bad ``resolution`` or ``cache`` (before any cache look-up).
    SsenbError
        Whatever :func:`migration_landscape` raises for this structure.

    Examples
    --------
    >>> from pymatgen.core import Lattice, Structure
    >>> lif = Structure(Lattice.cubic(2.4), ["F", "Li"], [[0, 0, 0], [0.5, 0.5, 0.5]])
    >>> barrier_row(lif, cache="none")["pathway_dimension"]
    3
    """
    resolution = check_inputs(structure, resolution)
    if cache not in get_args(Cache):
        raise InvalidInputError(f"cache={cache!r}; use one of {', '.join(get_args(Cache))}")
    key = structure_key(structure, ion, resolution)
    if cache != "none" and key in _MEMORY:
        if cache == "disk":  # computed earlier in this session: keep it for the next one
            path = _disk_path(key)
            if path is not None and not path.exists():
                _write_disk(key, _MEMORY[key])
        return dict(_MEMORY[key])
    if cache == "disk":
        row = _read_disk(key)
        if row is not None:
            _MEMORY[key] = row
            return dict(row)
    start = time.perf_counter()
    land = migration_landscape(structure, ion, resolution=resolution)
    row = {
        K.FORMULA: land.formula,
        K.BARRIER_1D: land.barrier_1d,
        K.BARRIER_2D: land.barrier_2d,
        K.BARRIER_3D: land.barrier_3d,
        K.PATHWAY_DIMENSION: land.pathway_dimension,
        K.ION_SITE_CONNECTIVITY: land.ion_site_connectivity,
        K.PATHWAY_VOLUME_FRACTION: land.pathway_volume_fraction,
        K.RUN_TIME: time.perf_counter() - start,
    }
    if cache != "none":
        _MEMORY[key] = row
    if cache == "disk":
        _write_disk(key, row)
    return dict(row)


def migration_barriers(
    data: pd.DataFrame | Iterable[Structure],
    ion: str = "Li",
    *,
    resolution: float = 0.2,
    errors: ErrorMode = "record",
    progress: bool = True,
    cache: Cache = "memory",
    on_row: Callable[[int, int], None] | None = None,
    executor: Executor | int | None = None,
) -> pd.DataFrame:
    """BVSE percolation barriers of many structures, one row each, failures recorded.

    Parameters
    ----------
    data : pandas.DataFrame or iterable of pymatgen Structure
        A frame with a ``structure`` column (e.g. :func:`ssenb.data.load_obelix`; rows
        without a structure get their ``structure_error`` as the reason), or structures.
    ion : {"Li", "Na", "K", "Mg"}
        Mobile ion.
    resolution : float
        Grid spacing in Å (default 0.2, bvlain's default: barriers within ~0.02 eV of
        0.1 Å with an eighth of the grid points; see :func:`migration_landscape`).
    errors : {"record", "raise"}
        "record": a failed row gets NaN and a reason in ``error`` (the row policy of
        :func:`ssenb.batch.run_row`; Ctrl-C always stops); "raise": stop.
    progress : bool
        Show a tqdm progress bar.
    cache : {"memory", "disk", "none"}
        "memory": reuse results for identical structures in this session; "disk": also
        keep them as one JSON file per structure in ``transport/`` under ssenb's
        derived-data folder (``$SSENB_CACHE_DIR``, default the OS cache; never your
        working folder nor ``$SSENB_DATA_DIR``; memory-only where none is writable).
    on_row : callable, optional
        Called as ``on_row(done, total)`` after each row (e.g. to move a widget's
        progress bar); an exception it raises stops the batch.
    executor : concurrent.futures.Executor, int or None
        None: this process. An int: a temporary pool of that many processes. An executor:
        a ``ProcessPoolExecutor`` or Dask's ``client.get_executor()``; one task per
        structure (:func:`ssenb.batch.run_tasks`), rows in input order and equal to a
        serial run's (``time_s`` aside). Each worker uses ``cache`` (the disk cache is
        shared where workers see the same folder) and rows computed there join this
        session's memory cache. A task lost with its worker fails only its own row
        ("task lost ... rerun these inputs").

    Returns
    -------
    pandas.DataFrame
        A new frame (same index as ``data``) with ``id`` (if given), ``formula``,
        ``barrier_1d_eV``, ``barrier_2d_eV``, ``barrier_3d_eV`` (eV; inf: no path below
        10 eV), ``pathway_dimension``, ``ion_site_connectivity``,
        ``pathway_volume_fraction``, ``time_s`` and ``error``.

    Raises
    ------
    InvalidInputError
        ``data`` neither a frame with a ``structure`` column nor an iterable of
        structures (a single Structure or a string is refused, not iterated), an unknown
        ``ion``, ``resolution``, ``errors`` or ``cache``, or an ``on_row`` that is not
        callable. Failures of single rows are recorded (``errors="record"``).

    Examples
    --------
    >>> from pymatgen.core import Lattice, Structure
    >>> li2o = Structure.from_spacegroup(
    ...     "Fm-3m", Lattice.cubic(4.61), ["Li", "O"], [[0.25, 0.25, 0.25], [0, 0, 0]]
    ... )
    >>> table = migration_barriers([li2o, li2o.copy()], progress=False)
    >>> table["pathway_dimension"].tolist(), bool(table["error"].isna().all())
    ([3, 3], True)
    """
    import pandas as pd
    from pymatgen.core import Structure

    check_errors(errors)
    check_executor(executor)
    if cache not in get_args(Cache):
        raise InvalidInputError(f"cache={cache!r}; use one of {', '.join(get_args(Cache))}")
    check_ion(ion)
    resolution = check_resolution(resolution)
    if on_row is not None and not callable(on_row):
        raise InvalidInputError(f"on_row={on_row!r} must be a function on_row(done, total)")
    if isinstance(data, str | bytes | Mapping | Structure) or not isinstance(data, Iterable):
        raise InvalidInputError(
            f"data must be a DataFrame with a {K.STRUCTURE!r} column or a list of Structures, "
            f"not {type(data).__name__}; wrap one structure in a list: [structure]"
        )
    if isinstance(data, pd.DataFrame):
        if K.STRUCTURE not in data.columns:
            raise InvalidInputError(
                f"the frame has no {K.STRUCTURE!r} column; load it with "
                "ssenb.data.load_obelix(structures=True) or pass a list of Structures"
            )
        index = data.index
        structures = list(data[K.STRUCTURE])
        reasons = list(data[K.STRUCTURE_ERROR]) if K.STRUCTURE_ERROR in data else [None] * len(data)
        ids = list(data[K.ID]) if K.ID in data else None
    else:
        structures = list(data)
        index = pd.RangeIndex(len(structures))
        reasons, ids = [None] * len(structures), None

    pairs = list(zip(structures, reasons))
    outcomes = _run(pairs, ion, resolution, cache, errors, progress, on_row, executor)
    rows: list[dict[str, Any]] = []
    for (structure, reason), (value, failure) in zip(pairs, outcomes):
        if value is not None:
            rows.append({**value, K.ERROR: None})
            continue
        comp = getattr(structure, "composition", None)
        formula = display_formula(comp) if comp is not None else None
        no_structure = structure is None or isinstance(structure, float)
        rows.append({K.FORMULA: formula, K.ERROR: (reason if no_structure and reason else failure)})
    out = pd.DataFrame(rows, index=index)
    for col in (K.FORMULA, *VALUE_COLUMNS, K.RUN_TIME, K.ERROR):
        if col not in out:
            out[col] = np.nan if col != K.ERROR and col != K.FORMULA else None
    out = out[[K.FORMULA, *VALUE_COLUMNS, K.RUN_TIME, K.ERROR]]
    if ids is not None:
        out.insert(0, K.ID, ids)
    return out


def _run(
    pairs: list[tuple[Any, str | None]],
    ion: str,
    resolution: float,
    cache: Cache,
    errors: ErrorMode,
    progress: bool,
    on_row: Callable[[int, int], None] | None,
    executor: Executor | int | None,
) -> list[tuple[dict[str, Any], None] | tuple[None, str]]:
    """Each pair's row or failure reason, in input order, one task per structure.

    Tasks run through :func:`ssenb.batch.run_tasks` (here when ``executor`` is None);
    ``on_row(done, total)`` and the progress bar follow the rows as they finish.
    """
    from tqdm.auto import tqdm

    outcomes: list[Any] = [None] * len(pairs)
    tasks = [(i, *pair) for i, pair in enumerate(pairs)]
    remote = executor is not None and executor != 1
    with tqdm(total=len(tasks), desc=f"{ion} BVSE barriers", disable=not progress) as bar:
        for done, (task, result, lost) in enumerate(
            run_tasks(tasks, _barrier_task, (ion, resolution, cache), executor), 1
        ):
            i, structure, _ = task
            if lost is not None:  # its worker died: this row only
                if errors == "raise":
                    raise lost
                outcomes[i] = (None, failure_reason(lost))
            elif result is not None:
                row, err = result
                if err is not None:
                    if errors == "raise":
                        raise err
                    outcomes[i] = (None, failure_reason(err))
                elif row is not None:
                    outcomes[i] = (row, None)
                    if remote and cache != "none":  # this session's memory cache has it too
                        _MEMORY[structure_key(structure, ion, resolution)] = dict(row)
            bar.update()
            if on_row is not None:
                on_row(done, len(tasks))
    return outcomes


def _barrier_task(
    ion: str, resolution: float, cache: Cache, task: tuple[int, Any, str | None]
) -> tuple[dict[str, Any] | None, Exception | None]:
    """One row (in a worker or here): the row policy of :func:`ssenb.batch.capture_row`."""
    _, structure, reason = task

    def work() -> dict[str, Any]:
        if structure is None or (isinstance(structure, float) and math.isnan(structure)):
            raise InvalidInputError(reason or "no structure for this row")
        return barrier_row(structure, ion, resolution=resolution, cache=cache)

    return capture_row(work)


def _disk_path(key: str) -> Path | None:
    from ..data.mp_snapshot import derived_cache_dir

    folder = derived_cache_dir()
    return None if folder is None else folder / CACHE_FOLDER / f"{key}.json"


def _read_disk(key: str) -> dict[str, Any] | None:
    path = _disk_path(key)
    if path is None:
        return None
    from .._decode import read_untrusted

    try:  # a regular file of a row's size (never a pipe, never 1 MB of brackets)
        raw = json.loads(read_untrusted(path, max_bytes=MAX_CACHE_BYTES))
    except (InvalidInputError, OSError, ValueError, RecursionError):
        return None
    if not isinstance(raw, dict) or set(raw) != {K.FORMULA, *VALUE_COLUMNS, K.RUN_TIME}:
        return None  # not ours, or from another version: recompute
    try:
        row = {k: (str(v) if k == K.FORMULA else float(v)) for k, v in raw.items()}
    except (TypeError, ValueError):
        return None
    if row[K.PATHWAY_DIMENSION] not in (0, 1, 2, 3):  # "nan", "inf", 2.5: not a row we wrote
        return None
    row[K.PATHWAY_DIMENSION] = int(row[K.PATHWAY_DIMENSION])
    return row


def _write_disk(key: str, row: dict[str, Any]) -> None:
    path = _disk_path(key)
    if path is None:
        return
    text = json.dumps(
        {k: (v if not isinstance(v, float) or math.isfinite(v) else str(v)) for k, v in row.items()}
    )
    from ..data.mp_snapshot import keep_derived

    # a temporary name of its own (two processes may write the same key at once); a
    # read-only or full cache folder keeps the memory cache only
    keep_derived(path, lambda p: p.write_text(text, encoding="utf-8"))


__all__ = ["MAX_BARRIER_EV", "barrier_row", "migration_barriers", "structure_key"]
