"""The data cache: find a registered file locally, verify it, or download it.

A file already in the cache folder with the right sha256 is used without any network.
A file with the wrong hash is an error, never silently replaced: it may be the user's.

Two folders: the *data* folder (:func:`data_dir`, downloaded upstream files, possibly a
shared read-only mirror) and the *derived* folder (:func:`derived_cache_dir`, what ssenb
computes from them and keeps between sessions, such as the MP snapshot's parsed index),
which is never the data folder.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from ..errors import DataIntegrityError, DataUnavailableError, UnknownNameError
from ._registry import REGISTRY, RemoteFile

ENV_DIR = "SSENB_DATA_DIR"
ENV_OFFLINE = "SSENB_OFFLINE"
ENV_CACHE_DIR = "SSENB_CACHE_DIR"

# (path, size, mtime_ns) -> sha256, so a notebook does not re-hash the same file
_verified: dict[tuple[str, int, int], str] = {}


def data_dir() -> Path:
    """The folder where registered data files are looked for and downloaded to.

    Why: one place decides where data lives, so a shared mirror (``$SSENB_DATA_DIR``)
    serves every notebook, test and command alike.

    Returns
    -------
    pathlib.Path
        ``$SSENB_DATA_DIR`` if set (``~`` expanded); else, for ssenb run from a source
        checkout (``pip install -e .``, as ``scripts/setup.sh`` does), the data mirror
        beside the checkout, ``<checkout>/../shared/data``, when that folder exists (the
        README's layout, so a notebook or ``ssenb lab`` started from the venv finds it);
        else ssenb's OS cache folder (``pooch.os_cache("ssenb")``, e.g.
        ``~/.cache/ssenb``). It may not exist yet.

    Examples
    --------
    >>> (data_dir() / "obelix" / "train.csv").is_file()  # with the mirror or after a fetch
    True
    """
    env = os.environ.get(ENV_DIR)
    if env:
        return Path(env).expanduser()
    return mirror_beside_checkout() or _os_cache()


def mirror_beside_checkout(package: Path | None = None) -> Path | None:
    """``../shared/data`` beside the source checkout ssenb runs from, if both exist.

    Parameters
    ----------
    package : Path, optional
        The ``ssenb`` package folder (default: this one). It is a source checkout when
        its parent holds ``pyproject.toml`` (an installed wheel's parent is
        ``site-packages``, which never does).

    Returns
    -------
    pathlib.Path or None
        The mirror folder, or None when ssenb is installed from a wheel or no mirror is
        there.
    """
    checkout = (package or Path(__file__).resolve().parents[1]).parent
    if not (checkout / "pyproject.toml").is_file():
        return None
    mirror = checkout.parent / "shared" / "data"
    return mirror if mirror.is_dir() else None


def offline() -> bool:
    """Whether downloads are forbidden, so tests and CI never touch the network.

    Returns
    -------
    bool
        True when ``$SSENB_OFFLINE`` is set to anything but ``""``, ``0``, ``false`` or
        ``no`` (case-insensitive).

    Examples
    --------
    >>> offline()  # the tests and CI set SSENB_OFFLINE=1
    True
    """
    return os.environ.get(ENV_OFFLINE, "").lower() not in ("", "0", "false", "no")


def derived_cache_dir() -> Path | None:
    """Writable folder for data ssenb derives from the sources, or None if none is.

    Why: a parsed index (the MP snapshot's element matrix) is worth keeping between
    sessions, but never inside ``$SSENB_DATA_DIR``, which is often a shared read-only
    mirror, and never at the price of an error when nothing is writable.

    Returns
    -------
    pathlib.Path or None
        ``$SSENB_CACHE_DIR`` if set, else ``derived/`` in ssenb's OS cache folder
        (``pooch.os_cache("ssenb")``, where the data itself is cached by default), when
        that folder or its nearest existing parent is writable; None otherwise (the
        caller then keeps what it derived in memory). The folder may not exist yet.

    Examples
    --------
    >>> folder = derived_cache_dir()
    >>> folder is None or folder != data_dir()
    True
    """
    env = os.environ.get(ENV_CACHE_DIR)
    if env:
        folder = Path(env).expanduser()
    else:
        folder = _os_cache() / "derived"
    probe = folder
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    return folder if probe.is_dir() and _writable(probe) else None


def keep_derived(path: Path, write: Callable[[Path], object]) -> bool:
    """Write one file of the derived cache whole (:func:`ssenb.batch.atomic_write`), or nothing.

    Its folder is made if needed. A read-only or full cache folder is no error: False is
    returned and the caller keeps what it derived in memory. One rule for every derived
    cache (the snapshot index, OBELiX's parsed cells, property-table names, BVSE barriers).
    """
    from ..batch import atomic_write

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, write)
    except OSError:
        return False
    return True


def _os_cache() -> Path:
    """``pooch.os_cache("ssenb")`` without importing pooch (0.2 s) on the fast path."""
    try:
        import platformdirs
    except ImportError:  # pragma: no cover - pooch depends on platformdirs
        import pooch

        return Path(pooch.os_cache("ssenb"))
    return Path(platformdirs.user_cache_dir("ssenb"))


def _writable(folder: Path) -> bool:
    """Writable by us and by its mode bits (root ignores the bits; a read-only mirror keeps them)."""
    return os.access(folder, os.W_OK | os.X_OK) and bool(folder.stat().st_mode & 0o222)


def sha256sum(path: Path) -> str:
    """The sha256 of a file, memoised, so a notebook does not re-hash the same file.

    Parameters
    ----------
    path : pathlib.Path
        A readable file.

    Returns
    -------
    str
        The hex digest (64 characters). Memoised on (resolved path, size, mtime in ns):
        a file changed in place is hashed again.

    Raises
    ------
    OSError
        The file cannot be read.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "x.txt"
    >>> _ = p.write_bytes(b"abc")
    >>> sha256sum(p)[:16]
    'ba7816bf8f01cfea'
    """
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
    """The registry entry of ``name``, or an error listing the registered names."""
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
    """Whether a registered file is cached and intact, so a caller can skip what needs it.

    Parameters
    ----------
    name : str
        A key of :data:`ssenb.data.REGISTRY`.

    Returns
    -------
    bool
        True when :func:`file_status` says ``"verified"``; never downloads.

    Raises
    ------
    UnknownNameError
        ``name`` is not a registered file.

    Examples
    --------
    >>> is_present("obelix/train.csv")
    True
    """
    return file_status(name) == "verified"


def fetch(name: str) -> Path:
    """Local path of registered file ``name``, downloading it if allowed and needed.

    Why: every loader reads its files through this one function, so each file is
    sha256-verified before use and a user's file is never overwritten.

    Parameters
    ----------
    name : str
        A key of :data:`ssenb.data.REGISTRY`, e.g. ``"obelix/train.csv"``.

    Returns
    -------
    pathlib.Path
        ``data_dir() / name``, present and with the registered sha256.

    Raises
    ------
    UnknownNameError
        ``name`` is not a registered file.
    ------
    DataIntegrityError
        The cached file's sha256 differs from the registry (it is left untouched).
    DataUnavailableError
        The file is not cached and cannot be downloaded (offline or no connection).

    Examples
    --------
    >>> fetch("obelix/train.csv").name
    'train.csv'
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
    """Refuse a cached file whose sha256 differs from the registry (it stays untouched)."""
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
    """Download with pooch, which checks the hash before the file appears at ``path``."""
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
