"""Save and load models without pickle: a security boundary.

A model folder may come from a colleague or the internet, so loading trusts nothing in
it: only ``metadata.json`` and ``member_<k>.json`` inside the folder are read (names
fixed here, never taken from the file), sizes and JSON depth are bounded, the estimator
class is looked up among ssenb's own by name, parameters and fitted attributes are
checked by the estimator, and a newer file format is refused. Saving never overwrites a
user's files: a non-empty folder is refused unless ``overwrite=True``, and the model is
written to a temporary folder beside it, then moved into place.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, overload

from .. import __version__
from ..errors import InvalidInputError, ModelFileError

if TYPE_CHECKING:  # types only: io imports no estimator at run time
    from .conductivity import ConductivityModel, SuperionicClassifier
    from .property import PropertyModel

_Model = TypeVar("_Model")

FORMAT = "ssenb-model"
#: 1: ssenb 0.1 (member names and attributes read from the file; no longer accepted).
#: 2: fixed member names, fitted state checked by the estimator, applicability domain.
FORMAT_VERSION = 2
METADATA = "metadata.json"
MAX_METADATA_BYTES = 20_000_000
MAX_MEMBER_BYTES = 500_000_000
MAX_JSON_DEPTH = 64

#: Estimators a model file may name -> (module, class); nothing else is ever imported.
ESTIMATORS = {
    "ConductivityModel": ("ssenb.models.conductivity", "ConductivityModel"),
    "SuperionicClassifier": ("ssenb.models.conductivity", "SuperionicClassifier"),
    "PropertyModel": ("ssenb.models.property", "PropertyModel"),
    "PolymerConductivityModel": ("ssenb.models.polymer", "PolymerConductivityModel"),
}


def member_name(k: int) -> str:
    """File name of ensemble member ``k`` (the only member names ssenb reads)."""
    return f"member_{k}.json"


def save_model(
    model: ConductivityModel | PropertyModel | SuperionicClassifier,
    path: str | os.PathLike[str],
    *,
    data_version: str | None = None,
    overwrite: bool = False,
) -> Path:
    """Write a fitted ``model`` to the folder ``path``; never overwrites a user's files.

    The folder holds ``metadata.json`` (format and version, ssenb version, estimator,
    parameters, fitted state, data version) and ``member_<k>.json`` per booster.

    Parameters
    ----------
    model : ConductivityModel, PropertyModel or SuperionicClassifier
        A fitted estimator.
    path : str or Path
        Folder to create. An existing empty folder is used; a non-empty one is refused
        unless ``overwrite=True``, which replaces only ssenb's own model files in it.
    data_version : str, optional
        Which data the model was trained on (stored and shown on load).

    Raises
    ------
    ModelFileError
        The path is a file, its parent folder is missing or read-only, or it holds files.
    """
    out = _as_path(path)
    if type(model).__name__ not in ESTIMATORS:
        raise InvalidInputError(f"save_model saves ssenb models, not {type(model).__name__}")
    state, boosters = model._export_state()
    if out.exists() and not out.is_dir():
        raise ModelFileError(f"{out} is a file; save the model to a folder path instead")
    if not out.parent.is_dir():
        raise ModelFileError(
            f"cannot save to {out}: its parent folder {out.parent} does not exist; create it first"
        )
    existing = sorted(p.name for p in out.iterdir()) if out.is_dir() else []
    if existing and not overwrite:
        raise ModelFileError(
            f"{out} already holds files ({', '.join(existing[:3])}{' ...' if len(existing) > 3 else ''}); "
            "ssenb does not overwrite them: choose a new folder, or pass overwrite=True to "
            "replace a saved model there"
        )
    meta = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "ssenb_version": __version__,
        "estimator": type(model).__name__,
        "params": model.get_params(),
        "n_members": len(boosters),
        "data_version": data_version,
        "state": state,
    }
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    except OSError as err:
        raise ModelFileError(
            f"cannot write in {out.parent} ({err.strerror}); choose a writable folder"
        ) from err
    try:
        for k, booster in enumerate(boosters):
            booster.save_model(str(tmp / member_name(k)))
        (tmp / METADATA).write_text(json.dumps(meta, indent=1, allow_nan=False), encoding="utf-8")
        if out.is_dir():  # empty, or overwrite=True: replace only ssenb's own files
            stale = [p for p in out.iterdir() if p.name == METADATA or _is_member_name(p.name)]
            for p in stale:
                p.unlink()
            for p in tmp.iterdir():
                os.replace(p, out / p.name)
            tmp.rmdir()
        else:
            os.replace(tmp, out)
    except OSError as err:
        raise ModelFileError(f"could not save the model to {out}: {err}") from err
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return out


@overload
def load_model(
    path: str | os.PathLike[str], expected: None = None
) -> ConductivityModel | PropertyModel | SuperionicClassifier: ...


@overload
def load_model(path: str | os.PathLike[str], expected: type[_Model]) -> _Model: ...


def load_model(path: str | os.PathLike[str], expected: type | None = None) -> Any:
    """Read a model written by :func:`save_model`; ``expected`` checks the estimator class.

    Raises
    ------
    ModelFileError
        Anything wrong with the folder or its files: missing, too large, not JSON, a
        format newer or older than this ssenb reads, unknown estimator or parameters,
        fitted state of the wrong type, corrupt boosters.
    """
    import xgboost as xgb

    folder = _as_path(path)
    if not folder.is_dir():
        raise ModelFileError(f"{folder} is not a folder holding an ssenb model")
    meta = _read_json(folder / METADATA, folder)
    fmt, version = meta.get("format"), meta.get("format_version")
    if fmt != FORMAT or isinstance(version, bool) or not isinstance(version, int):
        raise ModelFileError(f"{folder / METADATA} is not an ssenb model file (format {fmt!r})")
    if version > FORMAT_VERSION:
        raise ModelFileError(
            f"{folder} was saved in model format v{version} (ssenb {meta.get('ssenb_version')!r}); "
            f"this ssenb {__version__} reads up to v{FORMAT_VERSION}: upgrade ssenb to load it"
        )
    if version < FORMAT_VERSION:
        raise ModelFileError(
            f"{folder} is model format v{version}, which this ssenb no longer reads (it trusted "
            "paths and attributes in the file); re-train and save the model with this version"
        )
    name = meta.get("estimator")
    if not isinstance(name, str) or name not in ESTIMATORS:
        raise ModelFileError(
            f"{folder} names estimator {name!r}; ssenb knows {', '.join(ESTIMATORS)}"
        )
    module, attr = ESTIMATORS[name]
    cls = getattr(importlib.import_module(module), attr)
    if expected is not None and cls is not expected:
        raise ModelFileError(f"{folder} holds a {name}, not a {expected.__name__}")
    params = meta.get("params")
    if not isinstance(params, dict):
        raise ModelFileError(
            f"{folder / METADATA}: 'params' must be an object of estimator parameters"
        )
    unknown = sorted(set(params) - set(cls().get_params()))
    if unknown:
        raise ModelFileError(f"{folder / METADATA}: unknown parameters {unknown} for {name}")
    model = cls(**params)
    try:
        from ._params import validate_params

        validate_params(model)
    except InvalidInputError as err:
        raise ModelFileError(f"{folder / METADATA}: {err}") from err
    n_members = meta.get("n_members")
    if isinstance(n_members, bool) or not isinstance(n_members, int) or not 1 <= n_members <= 1000:
        raise ModelFileError(f"{folder / METADATA}: 'n_members' must be an integer from 1 to 1000")
    boosters = []
    for k in range(n_members):
        raw = _read_member(folder, member_name(k))
        booster = xgb.Booster()
        try:
            booster.load_model(bytearray(raw))
        except xgb.core.XGBoostError as err:
            raise ModelFileError(
                f"{folder / member_name(k)} is not an XGBoost model file: {str(err)[:200]}"
            ) from err
        boosters.append(booster)
    state = meta.get("state")
    if not isinstance(state, dict):
        raise ModelFileError(f"{folder / METADATA}: 'state' must be an object")
    try:
        model._import_state(state, boosters)
    except InvalidInputError as err:
        raise ModelFileError(f"{folder / METADATA}: fitted state is invalid: {err}") from err
    if any(b.num_features() != model.n_features_in_ for b in boosters):
        raise ModelFileError(
            f"{folder}: member files and metadata disagree on the number of features"
        )
    data_version = meta.get("data_version")
    model.data_version_ = data_version if isinstance(data_version, str) else None
    return model


def _as_path(path: Any) -> Path:
    if isinstance(path, bool) or not isinstance(path, str | os.PathLike) or str(path) == "":
        raise InvalidInputError(f"path={path!r} is not a folder path; pass a str or pathlib.Path")
    return Path(path)


def _is_member_name(name: str) -> bool:
    return name.startswith("member_") and name.endswith(".json") and name[7:-5].isdigit()


def _inside(folder: Path, name: str) -> Path:
    """``folder / name`` as a regular file that really lies in ``folder`` (no symlink out)."""
    path = folder / name
    if path.is_symlink() or not path.is_file():
        raise ModelFileError(f"{path} is missing (or not a regular file)")
    if path.resolve().parent != folder.resolve():
        raise ModelFileError(f"{path} points outside the model folder")
    return path


def _read_member(folder: Path, name: str) -> bytes:
    path = _inside(folder, name)
    if path.stat().st_size > MAX_MEMBER_BYTES:
        raise ModelFileError(f"{path} is larger than {MAX_MEMBER_BYTES} bytes; refusing to read it")
    return path.read_bytes()


def _read_json(path: Path, folder: Path) -> dict:
    path = _inside(folder, path.name)
    if path.stat().st_size > MAX_METADATA_BYTES:
        raise ModelFileError(
            f"{path} is larger than {MAX_METADATA_BYTES} bytes; refusing to read it"
        )
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ModelFileError(f"{path} is not UTF-8 text (a pickle or binary file?): {err}") from err
    depth = _max_depth(text)
    if depth > MAX_JSON_DEPTH:
        raise ModelFileError(
            f"{path} nests JSON {depth} levels deep (limit {MAX_JSON_DEPTH}); refusing it"
        )
    try:
        meta = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as err:
        raise ModelFileError(f"{path} is not valid JSON: {err}") from err
    if not isinstance(meta, dict):
        raise ModelFileError(f"{path} must hold a JSON object, not a {type(meta).__name__}")
    return meta


def _max_depth(text: str) -> int:
    """Deepest bracket nesting outside strings (cheap, before the parser recurses)."""
    depth = best = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            best = max(best, depth)
        elif ch in "]}":
            depth -= 1
    return best
