"""Results of slow potential runs kept as small JSON files (never pickle).

The tutorial reads results computed earlier by ``scripts/make_mlip_cache.py``; a file names
which result class rebuilds each item, and only ssenb's own MLIP results are accepted.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InvalidInputError
from ..results import json_default

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
        Replace an existing file; without it an existing file (or a link, even a broken
        one) is refused. Written whole or not at all (:func:`ssenb.batch.write_new_file`).

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
    text = json.dumps(payload, allow_nan=True, default=json_default)
    return write_new_file(path, lambda tmp: tmp.write_text(text), overwrite=overwrite)


def read_results(path: str | Path) -> dict[str, MLIPResult]:
    """Named results from a file written by :func:`write_results`, shown without rerunning torch.

    Only ssenb's own MLIP result classes are rebuilt, and inside them only the pymatgen
    structures and entries they hold: the whole file is checked against one closed
    allow-list (:mod:`ssenb._decode`), so nothing else it names is imported.

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
    from .._decode import build_result, path_text, read_untrusted

    path = Path(path)
    if not path.exists():
        raise InvalidInputError(
            f"no MLIP cache at {path}; make one with scripts/make_mlip_cache.py"
        )
    raw = read_untrusted(path, max_bytes=MAX_BYTES)  # a regular file, not a pipe
    try:
        payload = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError) as err:  # JSONDecodeError, UnicodeDecodeError are
        raise InvalidInputError(f"{path} is not valid JSON: {str(err)[:200]}") from err
    if not isinstance(payload, dict) or payload.get("ssenb_mlip_cache") != 1:
        raise InvalidInputError(f"{path} is not an ssenb MLIP cache (no 'ssenb_mlip_cache': 1)")
    items = payload.get("results", {})
    if not isinstance(items, dict):
        raise InvalidInputError(
            f"{path}: 'results' must map names to results, not a {type(items).__name__}"
        )
    classes = _classes()
    out: dict[str, MLIPResult] = {}
    for name, d in items.items():
        where = ("results", name)
        cls = classes.get(str(d.get("@class"))) if isinstance(d, dict) else None
        if cls is None or d.get("@module") != cls.__module__:
            raise InvalidInputError(
                f"{path}: item {path_text(where)} is not an MLIP result "
                f"(expected one of {sorted(classes)})"
            )
        try:  # the whole item is checked against one closed allow-list (ssenb._decode)
            out[name] = build_result(cls, d, where)
        except InvalidInputError as err:
            raise InvalidInputError(f"{path}: {err}") from err
    return out


__all__ = ["MAX_BYTES", "read_results", "write_results"]
