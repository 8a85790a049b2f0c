"""Save and load models without pickle: XGBoost JSON boosters plus a metadata file."""

from __future__ import annotations

import json
from pathlib import Path

from .. import __version__
from ..errors import ModelFileError

FORMAT = "ssenb-model"
FORMAT_VERSION = 1


def save_model(model, path, *, data_version: str | None = None) -> Path:
    """Write ``model`` to the folder ``path`` (created; existing model files are refused).

    The folder holds ``metadata.json`` (format, ssenb version, estimator, parameters,
    feature names, data version, training metrics) and ``member_<k>.json`` per booster.
    """
    model._check_fitted()
    out = Path(path)
    if (out / "metadata.json").exists():
        raise ModelFileError(
            f"{out} already holds a saved model; ssenb does not overwrite it: choose another folder or delete it"
        )
    out.mkdir(parents=True, exist_ok=True)
    members = []
    for k, booster in enumerate(model.boosters_):
        name = f"member_{k}.json"
        booster.save_model(str(out / name))
        members.append(name)
    meta = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "ssenb_version": __version__,
        "estimator": type(model).__name__,
        "params": model.get_params(),
        "feature_names": model.feature_names_,
        "nan_allowed": [bool(a) for a in model.nan_allowed_],
        "members": members,
        "data_version": data_version,
        "attributes": {
            k: (v.tolist() if hasattr(v, "tolist") else v)
            for k, v in {
                "base_score_": getattr(model, "base_score_", None),
                "train_mae_": getattr(model, "train_mae_", None),
                "classes_": getattr(model, "classes_", None),
            }.items()
            if v is not None
        },
    }
    (out / "metadata.json").write_text(json.dumps(meta, indent=2, default=str))
    return out


def load_model(path, expected=None):
    """Read a model written by :func:`save_model`; ``expected`` checks the estimator class."""
    import numpy as np
    import xgboost as xgb

    from .conductivity import ConductivityModel, SuperionicClassifier

    folder = Path(path)
    meta_path = folder / "metadata.json"
    if not meta_path.is_file():
        raise ModelFileError(f"{folder} holds no ssenb model (no metadata.json)")
    try:
        meta = json.loads(meta_path.read_text())
    except json.JSONDecodeError as err:
        raise ModelFileError(f"{meta_path} is not valid JSON: {err}") from err
    if meta.get("format") != FORMAT or meta.get("format_version") != FORMAT_VERSION:
        raise ModelFileError(
            f"{folder} is format {meta.get('format')!r} v{meta.get('format_version')} (saved by ssenb "
            f"{meta.get('ssenb_version')}); this ssenb {__version__} reads {FORMAT!r} v{FORMAT_VERSION}. "
            "Re-train and save the model with this version"
        )
    classes = {"ConductivityModel": ConductivityModel, "SuperionicClassifier": SuperionicClassifier}
    cls = classes.get(meta.get("estimator"))
    if cls is None or (expected is not None and cls is not expected):
        raise ModelFileError(
            f"{folder} holds a {meta.get('estimator')!r}, not a {getattr(expected, '__name__', 'known model')}"
        )
    model = cls(**meta["params"])
    boosters = []
    for name in meta["members"]:
        booster = xgb.Booster()
        try:
            booster.load_model(str(folder / name))
        except xgb.core.XGBoostError as err:
            raise ModelFileError(f"{folder / name} is missing or corrupt: {err}") from err
        boosters.append(booster)
    model.boosters_ = boosters
    model.feature_names_ = meta["feature_names"]
    model.n_features_in_ = len(meta["feature_names"])
    model.nan_allowed_ = meta["nan_allowed"]
    for key, value in meta.get("attributes", {}).items():
        setattr(model, key, np.array(value) if key == "classes_" else value)
    model.data_version_ = meta.get("data_version")
    return model
