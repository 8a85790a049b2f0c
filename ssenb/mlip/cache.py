"""Results of slow potential runs kept as small JSON files (never pickle).

The tutorial reads results computed earlier by ``scripts/make_mlip_cache.py``; a file names
which result class rebuilds each item, and only ssenb's own MLIP results are accepted.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import InvalidInputError

#: largest cache file read (bytes)
MAX_BYTES = 20_000_000


def _classes() -> dict:
    from .benchmark import PotentialBenchmark
    from .substitute import DopingResult

    return {"PotentialBenchmark": PotentialBenchmark, "DopingResult": DopingResult}


def write_results(path: str | Path, results: dict, *, overwrite: bool = False) -> Path:
    """Write named results to a JSON file (refuses to overwrite unless ``overwrite``).

    Parameters
    ----------
    path : str or Path
    results : dict of str to PotentialBenchmark or DopingResult
    overwrite : bool

    Returns
    -------
    Path
    """
    path = Path(path)
    if path.exists() and not overwrite:
        raise InvalidInputError(f"{path} exists; pass overwrite=True to replace it")
    known = tuple(_classes().values())
    bad = [k for k, v in results.items() if not isinstance(v, known)]
    if bad:
        raise InvalidInputError(f"results {bad} are not PotentialBenchmark/DopingResult objects")
    payload = {"ssenb_mlip_cache": 1, "results": {k: v.as_dict() for k, v in results.items()}}
    path.write_text(json.dumps(payload, allow_nan=True, default=_plain))
    return path


def _plain(value):
    """numpy scalars and arrays (e.g. float32 from torch models) as plain JSON numbers."""
    import numpy as np

    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def read_results(path: str | Path) -> dict:
    """Named results from a file written by :func:`write_results`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> read_results(pathlib.Path(tempfile.mkdtemp()) / "missing.json")
    Traceback (most recent call last):
    ...
    ssenb.errors.InvalidInputError: no MLIP cache at ...
    """
    path = Path(path)
    if not path.is_file():
        raise InvalidInputError(
            f"no MLIP cache at {path}; make one with scripts/make_mlip_cache.py"
        )
    if path.stat().st_size > MAX_BYTES:
        raise InvalidInputError(f"{path} is larger than {MAX_BYTES} bytes: not an MLIP cache")
    try:
        payload = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise InvalidInputError(f"{path} is not valid JSON: {err}") from err
    if not isinstance(payload, dict) or payload.get("ssenb_mlip_cache") != 1:
        raise InvalidInputError(f"{path} is not an ssenb MLIP cache (no 'ssenb_mlip_cache': 1)")
    classes = _classes()
    out = {}
    for name, d in dict(payload.get("results", {})).items():
        cls = classes.get(d.get("@class")) if isinstance(d, dict) else None
        if cls is None or d.get("@module", "").split(".")[:2] != ["ssenb", "mlip"]:
            raise InvalidInputError(f"{path}: item {name!r} is not an MLIP result")
        out[name] = cls.from_dict(d)
    return out


__all__ = ["MAX_BYTES", "read_results", "write_results"]
