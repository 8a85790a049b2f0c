"""Predictions that say what they rest on: the right model for the input, and its domain.

A bare formula has no lattice, so it is answered by a composition-only model; a
structure by a model that also uses its cell and Li-site geometry; an OBELiX row with
lattice constants but no CIF by the composition + lattice model. Each answer names the
model, its training data, and whether the input lies in that model's domain.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from .. import keys as K
from ..errors import InvalidInputError, ModelFileError, SsenbWarning

if TYPE_CHECKING:
    from collections.abc import Iterator

    from .conductivity import ConductivityModel
from ..results import Result, fmt_number

#: The default models' settings (grouped CV on OBELiX train; see ConductivityModel).
DEFAULT_PARAMS: dict[str, Any] = {"n_estimators": 600, "n_models": 5, "random_state": 0}
#: Revision of how a default model is fitted, beyond its settings and data (bump it when the
#: recipe changes, so a model cached on disk the old way is refitted rather than reused;
#: saved models still load). 2: intervals calibrated over the OBELiX rows' groups, literature
#: rows held out only where they directly overlap, weighted by OBELiX measurements.
FIT_REVISION = 2
#: Conductivity tables the default models learn from (ssenb.data.conductivity_measurements).
DEFAULT_SOURCES = ("obelix", "liverpool", "laskowski")
DATA_VERSION = "OBELiX train split (NRC-Mila/OBELiX 4eaac88)"
_MEMO: dict[tuple, Any] = {}


@dataclass(frozen=True, eq=False)
class ConductivityPrediction(Result):
    """Predicted room-temperature Li-ion conductivity of one material, with its basis.

    Attributes
    ----------
    formula : str
    log10_sigma, log10_sigma_std : float
        Ensemble mean of log10 σ (σ in S/cm) and its calibrated 1σ: the half-width that
        held 68 % of held-out OBELiX materials in test-like splits (wider out of domain;
        the raw ensemble spread for a model fitted with ``calibration_splits=0``).
    log10_sigma_low, log10_sigma_high : float
        The calibrated 2σ interval (95 % of held-out materials), log10 S/cm; NaN when
        the model has no calibration.
    preset : str
        Model preset that answered ("composition" for a bare formula, ...).
    model : str
        Which model, trained on which data.
    in_domain : bool
    domain_notes : list[str]
        Why the input is outside the model's domain (empty when inside).
    """

    formula: str
    log10_sigma: float
    log10_sigma_std: float
    preset: str
    model: str
    in_domain: bool
    domain_notes: list[str] = field(default_factory=list)
    log10_sigma_low: float = float("nan")
    log10_sigma_high: float = float("nan")

    @property
    def superionic(self) -> bool:
        """σ ≥ 1e-4 S/cm predicted."""
        from .conductivity import SUPERIONIC_LOG10

        return self.log10_sigma >= SUPERIONIC_LOG10

    def title(self) -> str:
        """Heading of the HTML view: the material's predicted conductivity."""
        return f"{self.formula}: predicted ionic conductivity"

    def summary(self) -> list[tuple[str, str]]:
        """Predicted log10 σ (S/cm) with its ensemble spread, superionic verdict, model and domain."""
        value = fmt_number(self.log10_sigma, spread=self.log10_sigma_std)  # no "± 0.00"
        rows = [
            ("predicted log10 σ", f"{value} (S/cm{', 1σ: 68 % interval' if '±' in value else ''})"),
            *(
                [
                    (
                        "2σ interval (95 %)",
                        f"{fmt_number(self.log10_sigma_low)} to "
                        f"{fmt_number(self.log10_sigma_high)} (log10 S/cm)",
                    )
                ]
                if math.isfinite(self.log10_sigma_low)
                else []
            ),
            ("superionic (σ ≥ 1e-4 S/cm)", "likely" if self.superionic else "unlikely"),
            ("answered by", f"{self.preset} model"),
        ]
        if not self.in_domain:
            rows.append(("⚠ outside the model's domain", "; ".join(self.domain_notes)))
        return rows


def preset_for(material: Any) -> str:
    """The model preset whose features exist for ``material``."""
    from pymatgen.core import Structure

    if isinstance(material, Structure):
        return "composition+structure"
    if isinstance(material, pd.DataFrame | pd.Series):
        row = material.iloc[0] if isinstance(material, pd.DataFrame) else material
        if isinstance(row.get(K.STRUCTURE), Structure):
            return "composition+structure"
        if all(pd.notna(row.get(c)) for c in ("a", "b", "c", "alpha", "beta", "gamma")):
            return "composition+lattice"
    return "composition"


def _check_one_material(material: Any) -> None:
    """One material, as the docstring lists them: refused by name otherwise."""
    from pymatgen.core import Composition, Structure

    if isinstance(material, pd.DataFrame):
        if len(material) != 1:
            raise InvalidInputError(
                f"material is a frame of {len(material)} rows; predict_conductivity takes one "
                "material (a one-row frame): for many, call model.predict(frame)"
            )
        return
    if isinstance(material, str | Composition | Structure | pd.Series):
        return
    what = "a list" if isinstance(material, list | tuple) else f"{material!r}"
    raise InvalidInputError(
        f"material is {what} ({type(material).__name__}); predict_conductivity takes one "
        "material: a formula, a pymatgen Composition or Structure, or a one-row OBELiX "
        "frame/row (for many, call model.predict(materials))"
    )


def predict_conductivity(
    material: Any, *, models: dict[str, Any] | None = None, progress: bool = True
) -> ConductivityPrediction:
    """log10 σ (S/cm) of one material from the model whose features exist for it.

    Parameters
    ----------
    material : str, Composition, Structure, or a one-row OBELiX frame/row
    models : dict, optional
        Fitted models by preset name; missing ones come from :func:`default_model`.
    progress : bool
        Show progress if a default model has to be fitted (first use only).

    Examples
    --------
    A small model keeps the example fast; without ``models`` the default model is used.

    >>> from ssenb.data import load_obelix
    >>> from ssenb.models import ConductivityModel
    >>> model = ConductivityModel(n_models=2, n_estimators=50, n_jobs=1, random_state=0)
    >>> model = model.fit(load_obelix("train", structures=False))
    >>> p = predict_conductivity("Li6PS5Cl", models={"composition": model})
    >>> p.preset, p.in_domain
    ('composition', True)
    >>> bool(-5 < p.log10_sigma < -2)  # measured: about 1e-3 S/cm (argyrodite)
    True
    """
    _check_one_material(material)
    if models is not None and not isinstance(models, dict):
        raise InvalidInputError(
            f"models={type(models).__name__}; pass a dict of fitted models by preset name, "
            "e.g. {'composition': model}, or None (the default models)"
        )
    preset = preset_for(material)
    model = (models or {}).get(preset) or default_model(preset, progress=progress)
    if not callable(getattr(model, "predict", None)):
        raise InvalidInputError(
            f"models[{preset!r}]={type(model).__name__} has no predict(); pass a fitted "
            "ConductivityModel"
        )
    if isinstance(material, pd.Series):
        material = material.to_frame().T
    X = material if isinstance(material, pd.DataFrame) else [material]
    from .property import two_sigma_interval

    with warnings.catch_warnings():  # the domain is reported in the result instead
        warnings.simplefilter("ignore", SsenbWarning)
        mean, std = model.predict(X, return_std=True)
        low, high = (float(v[0]) for v in two_sigma_interval(model, X))
    domain = model.applicability(X).iloc[0]
    from ..data.materials import display_formula, to_composition

    if isinstance(X, pd.DataFrame):
        comp = (
            X[K.REDUCED_COMPOSITION].iloc[0]
            if K.REDUCED_COMPOSITION in X
            else X[K.STRUCTURE].iloc[0].composition
        )
    else:
        comp = to_composition(material)
    return ConductivityPrediction(
        formula=display_formula(comp),
        log10_sigma=float(mean[0]),
        log10_sigma_std=float(std[0]),
        preset=preset,
        model=f"XGBoost ensemble ({model.n_models} x {model.n_estimators} trees), preset {preset!r}, "
        f"trained on {getattr(model, 'data_version_', None) or DATA_VERSION}",
        in_domain=bool(domain["in_domain"]),
        domain_notes=[n for n in str(domain["domain_notes"]).split("; ") if n],
        log10_sigma_low=low,
        log10_sigma_high=high,
    )


def training_table(
    preset: str = "composition",
    *,
    sources: tuple[str, ...] = DEFAULT_SOURCES,
    exclude_test: bool = True,
) -> tuple[pd.DataFrame, str]:
    """The default model's training table (one row per composition) and what it is.

    OBELiX's training split plus, by default, the room-temperature rows of the Liverpool
    Ionics dataset (Hargreaves et al. 2023) and Laskowski et al. (2023), repeats combined
    (:func:`ssenb.data.combine_repeats`). With ``exclude_test`` (default) every row
    matching the official OBELiX test split (composition, near-duplicate composition,
    DOI, OBELiX's Liverpool/Laskowski ids; :func:`ssenb.data.exclude_overlaps`) is
    dropped when the test split can be loaded (downloaded by URL + sha256 online). When
    it cannot (offline, not in the data folder), nothing is dropped and the description
    says so: such a model has seen test-split materials through the extra tables and
    must not be compared with OBELiX test-split results. ``exclude_test=False`` trains
    on everything, on purpose.

    Returns
    -------
    (DataFrame, str)
        The combined table and its data version (sources, filtering, what was dropped).
    """
    from ..data import combine_repeats, conductivity_measurements, exclude_overlaps, load_obelix
    from ..errors import DataUnavailableError

    measurements = conductivity_measurements(
        sources,  # type: ignore[arg-type]
        obelix_split="train",
        structures="structure" in preset,
    )
    note = "not filtered against the OBELiX test split (exclude_test=False)"
    if exclude_test:
        try:
            test = load_obelix("test", structures=False)
        except DataUnavailableError:
            note = (
                "NOT filtered against the OBELiX test split (unavailable offline): do not "
                "compare with OBELiX test-split results"
            )
        else:
            before = len(measurements)
            measurements = exclude_overlaps(measurements, test)
            note = (
                f"leak-filtered against the OBELiX test split ({before - len(measurements)} "
                "measurements dropped: same or near-duplicate composition, DOI, source id)"
            )
    table = combine_repeats(measurements)
    version = f"{measurements.attrs.get('data_version', '+'.join(sources))}; {note}"
    table.attrs["data_version"] = version
    return table, version


def default_model(
    preset: str = "composition",
    *,
    progress: bool = True,
    cache: bool = True,
    sources: tuple[str, ...] = DEFAULT_SOURCES,
    exclude_test: bool = True,
) -> ConductivityModel:
    """The default conductivity model for ``preset``, fitted once and cached on disk.

    The first call fits it on :func:`training_table` (OBELiX train + Liverpool Ionics +
    Laskowski et al., leak-filtered against the OBELiX test split when that can be
    loaded; see there for what happens when it cannot) with a progress bar, and saves it
    (JSON, no pickle) in the model cache folder, keyed by the data files' sha256 (the
    test split's too, or its absence), the sources, the preset, the settings and ssenb's
    version; later calls, in any process, load it in about a second.
    ``$SSENB_MODEL_DIR`` chooses the folder (default: the OS cache). Its intervals are
    calibrated on held-out OBELiX measurements (``calibration_``); ``data_version_``
    says what it was trained on and whether the test split was excluded.

    Parameters
    ----------
    preset : str
        Model preset (``ssenb.models.MODEL_PRESETS``).
    sources : tuple of str
        Conductivity tables to train on; ``("obelix",)`` reproduces the OBELiX-only model.
    exclude_test : bool
        Drop training rows that match the official OBELiX test split (when it can be
        loaded). False trains on everything.
    """
    from .. import __version__
    from ..data import REGISTRY, fetch, sha256sum
    from ..errors import DataUnavailableError
    from ._inputs import check_model_preset
    from .conductivity import ConductivityModel
    from .io import FORMAT_VERSION, load_model, save_model

    check_model_preset(preset)
    files = ["obelix/train.csv"] + (["obelix/train_cifs.tar.gz"] if "structure" in preset else [])
    files += (
        [k for k in REGISTRY if k.startswith("conductivity-extra/")] if len(sources) > 1 else []
    )
    test_state = "off"
    if exclude_test:
        try:  # downloads it (URL + sha256) unless offline
            test_state = sha256sum(fetch("obelix/test.csv"))
        except DataUnavailableError:
            test_state = "absent"
    digest = hashlib.sha256(
        json.dumps(
            [
                preset,
                DEFAULT_PARAMS,
                __version__,
                FORMAT_VERSION,
                FIT_REVISION,
                [sha256sum(fetch(f)) for f in files],
                sorted(sources),
                test_state,
            ],
            sort_keys=True,
        ).encode()
    ).hexdigest()[:16]
    key = (preset, digest)
    if key in _MEMO:
        return _MEMO[key]
    folder = model_dir() / f"{preset.replace('+', '_')}-{digest}"
    model = None
    if cache and folder.is_dir():
        try:
            model = load_model(folder, expected=ConductivityModel)
        except ModelFileError:  # a damaged cache entry: refit beside it, never delete it
            folder = folder.with_name(folder.name + "-refit")
            if folder.is_dir():
                try:
                    model = load_model(folder, expected=ConductivityModel)
                except ModelFileError:
                    model = None
    if model is not None and list(model.feature_names_in_) != _feature_labels(preset):
        model = None  # cached by a version whose featurizers emitted other columns: refit
    if model is None:
        with fit_lock(folder if cache else None):
            if cache and folder.is_dir():  # another process fitted it while we waited
                try:
                    model = load_model(folder, expected=ConductivityModel)
                except ModelFileError:
                    model = None
                if model is not None and list(model.feature_names_in_) != _feature_labels(preset):
                    model = None
            if model is None:
                model = _fit_default(preset, sources, exclude_test, progress)
                if cache:
                    try:
                        folder.parent.mkdir(parents=True, exist_ok=True)
                        if not folder.exists():
                            save_model(model, folder, data_version=model.data_version_)
                    except (OSError, ModelFileError):  # a read-only cache: a refit next time
                        pass
    _MEMO[key] = model
    return model


def _fit_default(
    preset: str, sources: tuple[str, ...], exclude_test: bool, progress: bool
) -> ConductivityModel:
    """Fit the default model of ``preset`` on :func:`training_table` (no cache involved)."""
    from .conductivity import ConductivityModel

    frame, version = training_table(preset, sources=sources, exclude_test=exclude_test)
    from ..data.conductivity_table import measurement_counts

    curated = measurement_counts(frame)  # OBELiX measurements behind each row
    model = ConductivityModel(preset=preset, **DEFAULT_PARAMS).fit(
        frame, calibration_rows=curated if curated.any() else None, progress=progress
    )
    model.data_version_ = version
    return model


@contextlib.contextmanager
def fit_lock(folder: Path | None) -> Iterator[None]:
    """Hold an exclusive lock beside ``folder`` while a default model is fitted into it.

    Two processes sharing a model cache (a notebook and a test run, two notebooks) that
    both miss it would each fit the same model (minutes for some); with the lock the
    second waits and then loads what the first saved. Best effort: no lock where the
    platform has no ``fcntl`` (Windows) or the cache folder is not writable, and the
    operating system drops it when its process dies.
    """
    if folder is None:
        yield
        return
    try:
        import fcntl

        folder.parent.mkdir(parents=True, exist_ok=True)
        handle = open(folder.with_name(folder.name + ".lock"), "a")
    except (ImportError, OSError):
        yield
        return
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX)
        except OSError:
            pass
        yield  # closing the file releases the lock


def _feature_labels(preset: str) -> list[str]:
    """Columns today's featurizers give for a model preset (a cached model must match)."""
    from ..features import get_preset
    from ._inputs import check_model_preset

    return [
        label for name in check_model_preset(preset) for label in get_preset(name).feature_labels()
    ]


def model_dir() -> Path:
    """Folder of cached default models: ``$SSENB_MODEL_DIR`` or the OS cache."""
    env = os.environ.get("SSENB_MODEL_DIR")
    if env:
        return Path(env).expanduser()
    import pooch

    return Path(pooch.os_cache("ssenb")) / "models"


__all__ = [
    "ConductivityPrediction",
    "default_model",
    "model_dir",
    "predict_conductivity",
    "preset_for",
    "training_table",
]
