"""The one batch kernel of ssenb: error modes, rows, tasks, safe writes, checkpoints.

Every batch function (screening, BVSE batches, potential energies, the candidate
pipeline, featurization) and every file ssenb writes goes through here, so the rules
exist once:

- :data:`ErrorMode` / :func:`check_errors`: the one ``errors="raise" | "record"`` option;
- :func:`failure_reason`: how a failed row's ``error`` column reads;
- :func:`run_row` / :func:`run_rows`: the one row policy. Any ``Exception`` of a row is
  recorded as that row's reason ("record") or raised ("raise"); ``KeyboardInterrupt``
  (Ctrl-C) and ``SystemExit`` are not ``Exception`` subclasses and always stop the batch,
  and so does a :class:`~ssenb.errors.CancelledError` (a widget's Cancel: never a row's
  failure, never a result);
- :func:`capture_row`: the row policy inside a task, its failure returned, not raised;
- :func:`check_executor` / :func:`run_tasks`: tasks in this process, in a local process
  pool, or on any ``concurrent.futures.Executor`` (a Dask cluster); a task whose worker
  dies (a broken process pool, Dask's ``KilledWorker``, a pre-empted node) is reported
  as lost, never discarding the tasks that finished;
- :func:`atomic_write`: a file is written through a hidden temporary file in the same
  folder and renamed onto the target (``os.replace``, atomic on one file system) only
  when writing succeeded; :func:`check_output_path` / :func:`write_new_file` add the
  user-file rule on top: an existing file is never overwritten by surprise;
- :class:`CheckpointStore`: a folder of finished chunks of one run, read back bit for
  bit (a resumed run equals an uninterrupted one exactly).
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import BrokenExecutor, Executor, ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeAlias, TypeVar, get_args

from .errors import CancelledError, InvalidInputError, SsenbError, SsenbWarning, TaskLostError

if TYPE_CHECKING:
    import pandas as pd

_T = TypeVar("_T")
_R = TypeVar("_R")

#: What a batch does when one row fails: stop ("raise") or record NaN and a reason.
ErrorMode: TypeAlias = Literal["raise", "record"]
ERROR_MODES: tuple[str, ...] = get_args(ErrorMode)


def check_errors(errors: object) -> ErrorMode:
    """The ``errors=`` option of every batch function, checked in one place.

    Examples
    --------
    >>> check_errors("record")
    'record'
    """
    if errors not in ERROR_MODES:
        raise InvalidInputError(
            f"errors={errors!r}; use one of {', '.join(repr(m) for m in ERROR_MODES)}"
        )
    return errors  # type: ignore[return-value]


#: Longest reason (characters) a row's ``error`` column keeps.
MAX_REASON = 300


def failure_reason(err: BaseException) -> str:
    """The short reason a failed row carries in its ``error`` column: ``"Type: message"``.

    The first line of the message, at most :data:`MAX_REASON` characters.

    Examples
    --------
    >>> failure_reason(ValueError("bad formula 'Xx'"))
    "ValueError: bad formula 'Xx'"
    """
    text = str(err).strip().splitlines()[0] if str(err).strip() else ""
    reason = f"{type(err).__name__}: {text}" if text else type(err).__name__
    return reason if len(reason) <= MAX_REASON else reason[: MAX_REASON - 1] + "…"


def run_row(fn: Callable[[], _T], errors: ErrorMode) -> tuple[_T, None] | tuple[None, str]:
    """Run one row of a batch under the one row policy: ``(value, None)`` or ``(None, reason)``.

    Why: every batch records the same failures the same way. Any ``Exception`` (a bad
    formula, a potential that runs out of memory, a library's own error) is the row's
    failure: raised as it is with ``errors="raise"``, else recorded as
    :func:`failure_reason`. ``KeyboardInterrupt`` and ``SystemExit`` are not
    ``Exception`` subclasses: Ctrl-C always stops the batch; a
    :class:`~ssenb.errors.CancelledError` (a Cancel asked for) stops it too.

    Examples
    --------
    >>> run_row(lambda: 1 / 0, "record")
    (None, 'ZeroDivisionError: division by zero')
    >>> run_row(lambda: 2.0, "record")
    (2.0, None)
    """
    try:
        return fn(), None
    except CancelledError:  # asked for: stops the batch, never recorded as a row's failure
        raise
    except Exception as err:  # BaseException (Ctrl-C, exit) is not caught: it stops
        if errors == "raise":
            raise
        return None, failure_reason(err)


def run_rows(
    fn: Callable[[_T], _R],
    items: Iterable[_T],
    *,
    errors: ErrorMode,
    progress: bool = False,
    desc: str = "",
    on_row: Callable[[int, int], object] | None = None,
) -> list[tuple[_R, None] | tuple[None, str]]:
    """:func:`run_row` over ``items`` in order, with a tqdm bar and a progress callback.

    Parameters
    ----------
    fn : callable
        The work of one row, ``fn(item)``.
    items : iterable
    errors : {"raise", "record"}
    progress : bool
        Show a tqdm progress bar labelled ``desc``.
    on_row : callable, optional
        Called as ``on_row(done, total)`` after each row; what it raises stops the batch.

    Returns
    -------
    list of (value, None) or (None, reason)
        One per item, in input order.

    Examples
    --------
    >>> run_rows(lambda x: 1 / x, [1, 0], errors="record")
    [(1.0, None), (None, 'ZeroDivisionError: division by zero')]
    """
    from tqdm.auto import tqdm

    todo = list(items)
    out: list[tuple[_R, None] | tuple[None, str]] = []
    for done, item in enumerate(tqdm(todo, desc=desc, disable=not progress, leave=False), 1):
        out.append(run_row(lambda: fn(item), errors))  # noqa: B023 - called at once
        if on_row is not None:
            on_row(done, len(todo))
    return out


def capture_row(fn: Callable[[], _T]) -> tuple[_T, None] | tuple[None, Exception]:
    """Run one row inside a task: ``(value, None)``, or ``(None, exception)`` to travel back.

    Why: a task that runs on a worker must return its rows' failures, not raise them
    (what a task raises is the task lost, :func:`run_tasks`). The row policy is
    :func:`run_row`'s: any ``Exception`` is the row's failure, Ctrl-C (not an
    ``Exception``) and a :class:`~ssenb.errors.CancelledError` stop. The caller applies ``errors=`` to what comes back; an
    exception that would not survive pickling comes back as an :class:`SsenbError` with
    its :func:`failure_reason`.

    Examples
    --------
    >>> capture_row(lambda: 1 / 0)[1]
    ZeroDivisionError('division by zero')
    """
    import pickle

    try:
        return fn(), None
    except CancelledError:  # asked for: stops, never a row's failure (run_row's policy)
        raise
    except Exception as err:  # BaseException (Ctrl-C, exit) is not caught: it stops
        try:
            pickle.loads(pickle.dumps(err))
        except Exception:
            return None, SsenbError(failure_reason(err))
        return None, err


def check_executor(executor: Any) -> None:
    """None, a number of worker processes (1 to 1024), or a concurrent.futures.Executor."""
    if executor is None or isinstance(executor, Executor):
        return
    if isinstance(executor, bool) or not isinstance(executor, int) or not 1 <= executor <= 1024:
        raise InvalidInputError(
            f"executor={executor!r}; use None (this process), a number of worker processes "
            "(1 to 1024), or a concurrent.futures.Executor (e.g. dask's client.get_executor())"
        )


def lost_reason(err: BaseException) -> str:
    """Why a task's rows have no result when the task itself never came back.

    Examples
    --------
    >>> lost_reason(RuntimeError("worker killed"))
    'task lost (RuntimeError: worker killed): its worker died or was stopped before it finished; rerun these inputs to retry them'
    """
    return (
        f"task lost ({failure_reason(err)}): its worker died or was stopped before it "
        "finished; rerun these inputs to retry them"
    )


def run_tasks(
    tasks: Sequence[_T], fn: Callable[..., _R], args: tuple, executor: Any
) -> Iterator[tuple[_T, _R | None, TaskLostError | None]]:
    """Run ``fn(*args, task)`` per task: in this process, a temporary pool, or ``executor``.

    Why: a batch that took hours must not be lost to one dead worker. ``fn`` records its
    rows' own failures; what comes back from the executor as an exception is the task
    itself lost (a broken process pool, Dask's ``KilledWorker``, a pre-empted node, a
    cancelled future): that task is yielded as lost, and every other task is kept.

    Parameters
    ----------
    tasks : sequence
    fn : callable
        Picklable (module-level) when an executor runs it.
    args : tuple
        Leading arguments of every call.
    executor : None, int or concurrent.futures.Executor
        See :func:`check_executor`; an int makes a pool of that many processes for this
        call only.

    Yields
    ------
    (task, result, None) or (task, None, TaskLostError)
        In completion order. In this process a task is never lost: its exceptions
        propagate (``fn`` is expected to record its rows' failures).

    Raises
    ------
    InvalidInputError
        The executor is shut down (it accepts no work).

    Warns
    -----
    SsenbWarning
        The executor is broken before this call (a process pool whose worker died in an
        earlier step): the tasks run in this process instead, so the batch still ends.
    """
    check_executor(executor)
    if executor is None or executor == 1 or not tasks:
        for task in tasks:
            yield task, fn(*args, task), None
        return
    own = isinstance(executor, int)
    pool = ProcessPoolExecutor(executor) if own else executor
    try:
        try:
            futures = {pool.submit(fn, *args, task): task for task in tasks}
        except BrokenExecutor as err:  # broken earlier: none of these tasks broke it
            import warnings

            warnings.warn(
                f"the executor is broken ({failure_reason(err)}), so the {len(tasks)} tasks "
                "of this step run in this process; pass a new executor to run them in parallel",
                SsenbWarning,
                stacklevel=3,
            )
            for task in tasks:
                yield task, fn(*args, task), None
            return
        except RuntimeError as err:  # "cannot schedule new futures after shutdown"
            raise InvalidInputError(
                f"the executor accepts no work ({err}); it was shut down: pass a running "
                "executor, or an int for a pool of that many processes"
            ) from err
        for fut in as_completed(futures):
            try:
                result = fut.result()
            except Exception as err:  # the task, not a row: its worker is gone
                lost = TaskLostError(lost_reason(err))
                lost.__cause__ = err
                yield futures[fut], None, lost
                continue
            yield futures[fut], result, None
    finally:
        if own:
            pool.shutdown(cancel_futures=True)


#: How a Python caller allows replacing a file; the command line says "add --force".
PYTHON_REPLACE_HINT = "pass overwrite=True"


def check_output_path(
    path: str | os.PathLike[str],
    *,
    overwrite: bool = False,
    replace_hint: str = PYTHON_REPLACE_HINT,
) -> Path:
    """Refuse an output path that cannot or must not be written, before any work is done.

    Why: a command that computes for minutes should fail at once on ``-o`` pointing at a
    folder, into a missing folder, or at the user's existing file.

    Parameters
    ----------
    path : str or path-like
        The file to write.
    overwrite : bool
        Allow replacing an existing file (``--force`` on the command line).
    replace_hint : str
        How the caller's user allows replacing it, for the message ("pass overwrite=True"
        in Python; the command line says "add --force").

    Returns
    -------
    pathlib.Path
        ``path`` as a Path.

    Raises
    ------
    InvalidInputError
        The path is a folder, its folder does not exist or is not a folder, or the file
        exists and ``overwrite`` is False.

    Examples
    --------
    >>> import tempfile
    >>> folder = tempfile.mkdtemp()
    >>> check_output_path(Path(folder) / "out.csv").name
    'out.csv'
    """
    if not isinstance(path, str | os.PathLike):
        raise InvalidInputError(f"output path must be a str or Path, not {type(path).__name__}")
    out = Path(path)
    if str(path) == "" or out.is_dir():
        raise InvalidInputError(f"output path {str(path)!r} is a folder; give a file name")
    parent = out.parent
    if not parent.is_dir():
        raise InvalidInputError(
            f"cannot write {str(out)!r}: folder {str(parent)!r} does not exist; create it first"
        )
    if out.exists() or out.is_symlink():
        if not overwrite:
            raise InvalidInputError(
                f"{str(out)!r} already exists and ssenb never overwrites a file by surprise: "
                f"choose another name, or {replace_hint}"
            )
        if not out.is_file():
            raise InvalidInputError(f"{str(out)!r} exists and is not a regular file")
    return out


def write_new_file(
    path: str | os.PathLike[str],
    write: Callable[[Path], object],
    *,
    overwrite: bool = False,
    replace_hint: str = PYTHON_REPLACE_HINT,
) -> Path:
    """Write a file through ``write(temporary_path)``, then move it onto ``path``.

    Why: a failed or interrupted write must leave nothing behind, and a user's existing
    file must never be replaced unless asked.

    Parameters
    ----------
    path : str or path-like
        The file to create.
    write : callable
        Called with a temporary path in the same folder; it writes the whole content
        there (e.g. ``lambda p: frame.to_csv(p, index=False)``).
    overwrite : bool
        Replace an existing file (default: refuse).
    replace_hint : str
        See :func:`check_output_path`.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    InvalidInputError
        See :func:`check_output_path`; also when the folder is not writable.

    Examples
    --------
    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "note.txt"
    >>> write_new_file(target, lambda p: p.write_text("hi")).read_text()
    'hi'
    """
    out = check_output_path(path, overwrite=overwrite, replace_hint=replace_hint)

    def still_new() -> None:
        if not overwrite and (out.exists() or out.is_symlink()):  # appeared meanwhile
            check_output_path(out, overwrite=False, replace_hint=replace_hint)

    try:
        return atomic_write(out, write, before_replace=still_new)
    except InvalidInputError:
        raise
    except OSError as err:
        if _written(err):
            raise
        raise InvalidInputError(
            f"cannot write in folder {str(out.parent)!r} ({err.strerror or err}); "
            "choose a writable folder"
        ) from err


class _TemporaryNotCreated(OSError):
    """The temporary file could not be created: the folder is not writable."""


def _written(err: OSError) -> bool:
    """Whether an OSError came from the writer itself, not from creating the temporary."""
    return not isinstance(err, _TemporaryNotCreated)


def atomic_write(
    path: str | os.PathLike[str],
    write: Callable[[Path], object],
    *,
    before_replace: Callable[[], object] | None = None,
) -> Path:
    """Write ``path`` whole or not at all: ``write(temporary)``, then rename onto ``path``.

    Why: an interrupted or failing write (Ctrl-C, a full disk, a crash) must never leave
    a half-written file where a reader expects a whole one. The temporary file is hidden
    (``.name.<random>.part``) in the same folder, created with the user's umask (unlike
    ``mkstemp``'s 0600), unique per call (two processes may write one key at once), and
    removed on any failure. This replaces an existing file: :func:`write_new_file` is the
    version for the user's own files.

    Parameters
    ----------
    path : str or path-like
        The file to write; its folder must exist.
    write : callable
        Called with the temporary path; writes the whole content there.
    before_replace : callable, optional
        Called after writing, just before the rename (a last check; what it raises aborts).

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    OSError
        The folder is not writable, or the writer's own errors.

    Examples
    --------
    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "cache.json"
    >>> atomic_write(target, lambda p: p.write_text("{}")).read_text()
    '{}'
    """
    out = Path(path)
    tmp = out.parent / f".{out.name}.{secrets.token_hex(6)}.part"
    try:
        with open(tmp, "xb"):  # created with the user's umask, unlike mkstemp's 0600
            pass
    except OSError as err:
        raise _TemporaryNotCreated(err.errno, err.strerror) from err
    try:
        write(tmp)
        if before_replace is not None:
            before_replace()
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return out


class CheckpointStore:
    r"""A folder of one run's finished chunks, so an interrupted run resumes where it stopped.

    Why: a run of hours must survive Ctrl-C, a crash or a lost node, and the resumed
    result must equal an uninterrupted one bit for bit. Chunks are CSV files written with
    :func:`atomic_write` (a chunk is there whole or not at all) and read back with
    Python's own float parser (``float_precision="round_trip"``), so every float is the
    same double that was written; a missing value is written ``\N`` (the convention of
    PostgreSQL's and MySQL's text dumps), so an empty text stays empty text. The folder
    holds a manifest naming the run (a key the caller derives from its inputs and
    settings); a folder of another run, or a non-empty folder that is not a checkpoint,
    is refused: nothing of the user's is overwritten.

    Parameters
    ----------
    folder : str or path-like
    run : str
        What the checkpoint belongs to (e.g. a sha256 of the inputs and settings).
    info : dict, optional
        More JSON-able facts written into the manifest (counts, chunk size).

    Raises
    ------
    InvalidInputError
        ``folder`` is not a path, is a file, is not empty and no checkpoint, holds
        another run, or cannot be created.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> store = CheckpointStore(Path(tempfile.mkdtemp()) / "run", run="abc")
    >>> store.save("chunk_0", pd.DataFrame({"x": [0.1 + 0.2]}))
    >>> float(store.load("chunk_0")["x"].iloc[0]) == 0.1 + 0.2
    True
    """

    MANIFEST = "ssenb-checkpoint.json"
    FORMAT = 2  # 1: missing values written as empty cells (an empty text came back None)
    NA = "\\N"
    MAX_MANIFEST_BYTES = 1_000_000  # a manifest is a few hundred bytes

    def __init__(
        self, folder: str | os.PathLike[str], *, run: str, info: dict[str, Any] | None = None
    ) -> None:
        if not isinstance(folder, str | os.PathLike) or "\x00" in str(folder):
            raise InvalidInputError(
                f"checkpoint={folder!r} is not a folder path; give a path such as 'run1/'"
            )
        self.folder = Path(folder)
        self.run = run
        if self.folder.exists() and not self.folder.is_dir():
            raise InvalidInputError(f"checkpoint={str(self.folder)!r} is a file; give a folder")
        manifest = self.folder / self.MANIFEST
        if manifest.is_file():
            try:  # untrusted: bounded, and nested lists without end are no manifest
                if manifest.stat().st_size > self.MAX_MANIFEST_BYTES:
                    raise ValueError("too large")
                meta = json.loads(manifest.read_text(encoding="utf-8"))
            except (OSError, ValueError, RecursionError):
                meta = None
            if not isinstance(meta, dict) or not isinstance(meta.get("run"), str):
                raise InvalidInputError(
                    f"checkpoint folder {str(self.folder)!r} has a damaged {self.MANIFEST}; "
                    "use a new folder (or delete the folder to start this run again)"
                )
            if meta.get("format") != self.FORMAT or meta.get("run") != run:
                raise InvalidInputError(
                    f"checkpoint folder {str(self.folder)!r} holds another run (other inputs "
                    "or settings); use a new folder to start this one, or the same inputs to "
                    "resume"
                )
            return
        if self.folder.exists() and any(self.folder.iterdir()):
            raise InvalidInputError(
                f"checkpoint folder {str(self.folder)!r} is not empty and is no ssenb "
                "checkpoint; ssenb never writes among your files: give a new or empty folder"
            )
        meta = {"format": self.FORMAT, "run": run, **(info or {})}
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            atomic_write(manifest, lambda p: p.write_text(json.dumps(meta), encoding="utf-8"))
        except OSError as err:
            raise InvalidInputError(
                f"cannot write checkpoint folder {str(self.folder)!r} ({err.strerror or err}); "
                "choose a writable folder"
            ) from err

    def path(self, name: str) -> Path:
        """The file of chunk ``name``."""
        return self.folder / f"{name}.csv"

    def has(self, name: str) -> bool:
        """Whether chunk ``name`` was finished (its file is there, whole)."""
        return self.path(name).is_file()

    def save(self, name: str, frame: pd.DataFrame) -> None:
        """Write chunk ``name`` whole or not at all (floats in their shortest exact form).

        Raises
        ------
        InvalidInputError
            The folder became unwritable (read-only, full disk).
        """
        try:
            atomic_write(self.path(name), lambda p: frame.to_csv(p, index=False, na_rep=self.NA))
        except OSError as err:
            raise InvalidInputError(
                f"cannot write checkpoint file {self.path(name)} ({err.strerror or err}); "
                "free space or make the folder writable, then run again to resume"
            ) from err

    def load(self, name: str, *, text_columns: Sequence[str] = ()) -> pd.DataFrame:
        r"""Chunk ``name`` as written: every float the same double (round-trip parser).

        ``\N`` cells are NaN/None; ``text_columns`` are read as text (a formula ``"NaN"``
        stays text, an empty text stays empty). The file is untrusted: what does not
        parse is refused by name.

        Raises
        ------
        InvalidInputError
            The file cannot be read or parsed.
        """
        import pandas as pd

        path = self.path(name)
        try:
            return pd.read_csv(
                path,
                keep_default_na=False,
                na_values=[self.NA],
                dtype=dict.fromkeys(text_columns, str),
                float_precision="round_trip",
            )
        except (OSError, ValueError) as err:  # pandas' parser errors are ValueErrors
            raise InvalidInputError(
                f"checkpoint file {path} cannot be read ({failure_reason(err)}); delete "
                f"{path.name} to recompute that chunk, or use a new checkpoint folder"
            ) from err
