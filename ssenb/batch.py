"""The one batch kernel of ssenb: error modes, failure reasons, safe writes.

Every batch function (screening, BVSE batches, potential energies, the candidate
pipeline, featurization) and every file ssenb writes goes through here, so the rules
exist once:

- :data:`ErrorMode` / :func:`check_errors`: the one ``errors="raise" | "record"`` option;
- :func:`failure_reason`: how a failed row's ``error`` column reads;
- :func:`check_output_path` / :func:`write_new_file`: a user's output file is written
  through a hidden temporary file in the same folder and renamed onto the target
  (``os.replace``, atomic on one file system) only when writing succeeded; an existing
  file is never overwritten by surprise.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Literal, TypeAlias, get_args

from .errors import InvalidInputError

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


def failure_reason(err: BaseException) -> str:
    """The short reason a failed row carries in its ``error`` column: ``"Type: message"``.

    Examples
    --------
    >>> failure_reason(ValueError("bad formula 'Xx'"))
    "ValueError: bad formula 'Xx'"
    """
    text = str(err).strip().splitlines()[0] if str(err).strip() else ""
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


def check_output_path(path: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
    """Refuse an output path that cannot or must not be written, before any work is done.

    Why: a command that computes for minutes should fail at once on ``-o`` pointing at a
    folder, into a missing folder, or at the user's existing file.

    Parameters
    ----------
    path : str or path-like
        The file to write.
    overwrite : bool
        Allow replacing an existing file (``--force`` on the command line).

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
                "choose another name, or pass overwrite=True (--force on the command line)"
            )
        if not out.is_file():
            raise InvalidInputError(f"{str(out)!r} exists and is not a regular file")
    return out


def write_new_file(
    path: str | os.PathLike[str], write: Callable[[Path], object], *, overwrite: bool = False
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
    out = check_output_path(path, overwrite=overwrite)
    tmp = out.parent / f".{out.name}.{secrets.token_hex(6)}.part"
    try:
        with open(tmp, "xb"):  # created with the user's umask, unlike mkstemp's 0600
            pass
    except OSError as err:
        raise InvalidInputError(
            f"cannot write in folder {str(out.parent)!r} ({err.strerror or err}); "
            "choose a writable folder"
        ) from err
    try:
        write(tmp)
        if not overwrite and (out.exists() or out.is_symlink()):  # appeared meanwhile
            check_output_path(out, overwrite=False)
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return out
