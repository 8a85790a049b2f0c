"""The data cache: find a registered file locally, verify it, or download it.

A file already in the cache folder with the right sha256 is used without any network.
A file with the wrong hash is an error, never silently replaced: it may be the user's.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Literal

from ..errors import DataIntegrityError, DataUnavailableError, UnknownNameError
from ._registry import REGISTRY, RemoteFile

ENV_DIR = "SSENB_DATA_DIR"
ENV_OFFLINE = "SSENB_OFFLINE"

# (path, size, mtime_ns) -> sha256, so a notebook does not re-hash the same file
_verified: dict[tuple[str, int, int], str] = {}


def data_dir() -> Path:
    """The cache folder: ``$SSENB_DATA_DIR`` if set, else the OS cache (``~/.cache/ssenb``)."""
    env = os.environ.get(ENV_DIR)
    if env:
        return Path(env).expanduser()
    import pooch

    return Path(pooch.os_cache("ssenb"))


def offline() -> bool:
    """True when ``$SSENB_OFFLINE`` forbids downloads (tests and CI set it)."""
    return os.environ.get(ENV_OFFLINE, "").lower() not in ("", "0", "false", "no")


def sha256sum(path: Path) -> str:
    """sha256 of a file, memoised on (path, size, mtime)."""
    st = path.stat()
    key = (str(path.resolve()), st.st_size, st.st_mtime_ns)
    if key not in _verified:
        h = hashlib.sha256()
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
        _verified[key] = h.hexdigest()
    return _verified[key]


def _spec(name: str) -> RemoteFile:
    try:
        return REGISTRY[name]
    except KeyError:
        raise UnknownNameError(
            f"no registered data file {name!r}; known files: {', '.join(sorted(REGISTRY))}"
        ) from None


FileStatus = Literal["verified", "absent", "corrupted"]


def file_status(name: str) -> FileStatus:
    """Whether registered file ``name`` is cached and intact; never downloads.

    Why: ``ssenb info`` must tell a missing file (fetch it) from a damaged one (move it
    away), since ssenb never overwrites a file it finds in the cache.

    Parameters
    ----------
    name : str
        A key of :data:`ssenb.data.REGISTRY`, e.g. ``"obelix/train.csv"``.

    Returns
    -------
    {"verified", "absent", "corrupted"}
        "verified": present with the registered sha256; "absent": no such file (or
        unreadable); "corrupted": present but its sha256 differs from the registry.

    Raises
    ------
    UnknownNameError
        ``name`` is not a registered file.

    Examples
    --------
    >>> file_status("obelix/train.csv")
    'verified'
    """
    spec = _spec(name)
    path = data_dir() / name
    if not path.is_file():
        return "absent"
    try:
        digest = sha256sum(path)
    except OSError:  # unreadable (permissions): as good as absent for ssenb
        return "absent"
    return "verified" if spec.sha256 is None or digest == spec.sha256 else "corrupted"


def is_present(name: str) -> bool:
    """Whether ``name`` is in the cache with the right hash (never downloads)."""
    return file_status(name) == "verified"


def fetch(name: str) -> Path:
    """Local path of registered file ``name``, downloading it if allowed and needed.

    Raises
    ------
    DataIntegrityError
        The cached file's sha256 differs from the registry (it is left untouched).
    DataUnavailableError
        The file is not cached and cannot be downloaded (offline or no connection).
    """
    spec = _spec(name)
    path = data_dir() / name
    if path.is_file():
        _check_hash(path, spec)
        return path
    if offline():
        raise DataUnavailableError(
            f"data file {name!r} is not in {data_dir()} and downloads are disabled "
            f"(${ENV_OFFLINE} is set). Fix: set ${ENV_DIR} to a folder holding a copy of "
            f"the data (e.g. a shared mirror), or unset ${ENV_OFFLINE} and connect to the internet."
        )
    return _download(name, spec, path)


def _check_hash(path: Path, spec: RemoteFile) -> None:
    if spec.sha256 is None:
        return
    got = sha256sum(path)
    if got != spec.sha256:
        raise DataIntegrityError(
            f"{path} has sha256 {got}, expected {spec.sha256} (upstream {spec.url}). "
            "ssenb never overwrites an existing file: move it away (it may be a modified or "
            f"truncated copy) and ssenb will download a fresh one, or point ${ENV_DIR} elsewhere."
        )


def _download(name: str, spec: RemoteFile, path: Path) -> Path:
    import pooch

    try:
        out = pooch.retrieve(
            spec.url,
            known_hash=None if spec.sha256 is None else f"sha256:{spec.sha256}",
            fname=path.name,
            path=path.parent,
            progressbar=False,
        )
    except ValueError as err:  # pooch: hash mismatch of the downloaded file
        raise DataIntegrityError(
            f"download of {spec.url} did not match the registry: {err}"
        ) from err
    except Exception as err:  # network, permissions, read-only cache
        raise DataUnavailableError(
            f"data file {name!r} is not in {data_dir()} and could not be downloaded from "
            f"{spec.url} ({type(err).__name__}: {err}). Fix: set ${ENV_DIR} to a folder holding "
            "a copy of the data, or connect to the internet and make the cache folder writable."
        ) from err
    return Path(out)
