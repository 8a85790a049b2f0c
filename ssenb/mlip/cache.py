"""Results of slow potential runs kept as small JSON files (never pickle).

The tutorial reads results computed earlier by ``scripts/make_mlip_cache.py``; a file names
which result class rebuilds each item, and only ssenb's own MLIP results are accepted.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InvalidInputError

if TYPE_CHECKING:
    from .benchmark import PotentialBenchmark
    from .substitute import DopingResult

    MLIPResult = PotentialBenchmark | DopingResult

#: largest cache file read (bytes)
MAX_BYTES = 20_000_000


def _classes() -> dict[str, type[PotentialBenchmark] | type[DopingResult]]:
    from .benchmark import PotentialBenchmark
    from .substitute import DopingResult

    return {"PotentialBenchmark": PotentialBenchmark, "DopingResult": DopingResult}


def write_results(
    path: str | Path, results: dict[str, MLIPResult], *, overwrite: bool = False
) -> Path:
    """Keep slow potential results as small JSON (never pickle), to show them again without torch.

    Parameters
    ----------
    path : str or Path
        The JSON file to write.
    results : dict of str to PotentialBenchmark or DopingResult
        Results by name (e.g. ``{"benchmark": bench, "LiCoO2 Ni 0.5": doping}``).
    overwrite : bool
        Replace an existing file; without it an existing file is refused.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    InvalidInputError
        When the file exists (and not ``overwrite``) or a value is not an MLIP result.
    """
    from ..batch import check_output_path, write_new_file

    path = check_output_path(path, overwrite=overwrite)  # the one rule for a user's file
    known = tuple(_classes().values())
    bad = [k for k, v in results.items() if not isinstance(v, known)]
    if bad:
        raise InvalidInputError(f"results {bad} are not PotentialBenchmark/DopingResult objects")
    payload = {"ssenb_mlip_cache": 1, "results": {k: v.as_dict() for k, v in results.items()}}
    text = json.dumps(payload, allow_nan=True, default=_plain)
    return write_new_file(path, lambda tmp: tmp.write_text(text), overwrite=overwrite)


def _plain(value: object) -> Any:
    """Numpy scalars and arrays (e.g. float32 from torch models) as plain JSON numbers."""
    import numpy as np

    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def read_results(path: str | Path) -> dict[str, MLIPResult]:
    """Named results from a file written by :func:`write_results`, shown without rerunning torch.

    Only ssenb's own MLIP result classes are rebuilt; nothing else in the file is imported.

    Parameters
    ----------
    path : str or Path
        A file written by :func:`write_results` (at most :data:`MAX_BYTES` bytes).

    Returns
    -------
    dict of str to PotentialBenchmark or DopingResult

    Raises
    ------
    InvalidInputError
        When the file is missing, too large, not JSON, or holds anything but MLIP results.

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
    out: dict[str, MLIPResult] = {}
    for name, d in dict(payload.get("results", {})).items():
        cls = classes.get(str(d.get("@class"))) if isinstance(d, dict) else None
        if cls is None or d.get("@module", "").split(".")[:2] != ["ssenb", "mlip"]:
            raise InvalidInputError(f"{path}: item {name!r} is not an MLIP result")
        out[name] = cls.from_dict(d)
    return out


__all__ = ["MAX_BYTES", "read_results", "write_results"]
