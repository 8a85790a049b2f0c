"""Ionic conductivity of polymer electrolytes vs temperature, through a VTF (or Arrhenius) law.

Trees do not predict log10 σ directly. For each electrolyte (repeat unit, salt, molality,
molecular weight) they predict the two parameters of a Vogel-Tammann-Fulcher law,

    σ(T) = A exp(-B / (T - T0)),   log10 σ = log10 A - B / (ln 10 (T - T0)),

with T0 fixed (``law="arrhenius"`` is T0 = 0, B = E_a/k_B). Both outputs come from one
multi-output XGBoost booster trained end-to-end on log10 σ with a custom squared loss, the
tree analogue of Bradford et al.'s Arrhenius readout layer (ACS Cent. Sci. 2023). So a
prediction is smooth in T, and B is clipped at 0, so σ never falls as T rises: every
predicted σ(T) curve is monotonically non-decreasing (strictly increasing where B > 0).
"""

from __future__ import annotations

import math
import os
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Self, get_args, overload

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, RegressorMixin

from .. import keys as K
from ..errors import InvalidInputError
from ._domain import Domain
from ._params import BOOSTER_CONSTRAINTS, Constraint, validate_params, xgboost_settings

if TYPE_CHECKING:
    from pathlib import Path

    from numpy.typing import ArrayLike

Law = Literal["vtf", "arrhenius"]
LN10 = math.log(10.0)
#: B is learned in units of this many kelvin, so its Newton steps are of order one.
B_UNIT_K = 1000.0
#: Which data a saved model learned from (stored in its metadata).
POLYMER_DATA_VERSION = "Bradford et al. 2023, Chem-prop-pred@39b0c16 clean_train_data.csv"
#: Temperatures closer than this to T0 are refused (the law diverges at T0), K.
T0_MARGIN_K = 10.0


def vtf_log10_sigma(
    temperature_K: ArrayLike, log10_A: ArrayLike, B_K: ArrayLike, T0_K: ArrayLike
) -> np.ndarray:
    """log10 σ (S/cm) of the VTF law σ = A exp(-B/(T - T0)); T0 = 0 is Arrhenius.

    Why: the one place the temperature law is written; the model, its explanations and
    the figures all call it.

    Examples
    --------
    >>> float(vtf_log10_sigma(400.0, -1.0, 1000.0 * np.log(10), 300.0))  # -1 - 1000/100
    -11.0
    """
    t = np.asarray(temperature_K, float)
    return np.asarray(log10_A, float) - np.asarray(B_K, float) / (
        LN10 * (t - np.asarray(T0_K, float))
    )


def _check_law(law: object) -> None:
    if law not in get_args(Law):
        raise InvalidInputError(f"law={law!r}; use one of {', '.join(get_args(Law))}")


class PolymerConductivityModel(RegressorMixin, BaseEstimator):
    """Predict log10 σ (S/cm) of a polymer electrolyte at a temperature, with uncertainty.

    Fit on the frame :func:`ssenb.data.load_polymer_electrolytes` returns (or one with its
    columns: ``polymer``, ``salt_smiles``, ``molality_mol_kg``, ``mw_g_mol``,
    ``temperature_K`` and, to fit, ``log10_sigma``). Features come from
    :func:`ssenb.features.polymer.polymer_features`; temperature enters only through the
    VTF law.

    Parameters
    ----------
    law : {"vtf", "arrhenius"}
        Temperature law; "arrhenius" is VTF with T0 = 0 K (Bradford et al.'s choice).
    t0_K : float
        VTF T0 in K, the same for every electrolyte (ignored for "arrhenius").
    n_estimators, learning_rate, max_depth, subsample, colsample_bytree, min_child_weight, reg_lambda
        XGBoost settings of every ensemble member.
    n_models : int
        Bootstrap ensemble size; the members' spread is the uncertainty (log10 S/cm).
    n_jobs : int or None
        XGBoost threads (None: ``$OMP_NUM_THREADS`` or every usable core).
    random_state : int or None
        Seed of the bootstraps and boosters: same seed, same predictions.

    Attributes
    ----------
    boosters_ : list of xgboost.Booster (two outputs: log10 A and B / 1000 K, before offsets)
    offset_ : ndarray, shape (2,)
        Global least-squares (log10 A, B/1000 K) the trees start from.
    feature_names_in_ : ndarray of str
    feature_families_ : dict
    domain_ : Domain
        Feature-space neighbourhood of the training electrolytes.
    temperature_range_K_ : tuple of float
    molality_max_ : float
    salts_ : list of str
        Canonical salt SMILES seen in training ("" for no added salt).

    Examples
    --------
    >>> from ssenb.data import load_polymer_electrolytes
    >>> df = load_polymer_electrolytes()
    >>> model = PolymerConductivityModel(n_models=2, n_estimators=60, random_state=0).fit(df)
    >>> peo = df[df["polymer"] == "*CCO*"].head(1)
    >>> curve = model.predict_curve(peo, [300.0, 330.0, 360.0])
    >>> bool(np.all(np.diff(curve["log10_sigma_pred"]) > 0))
    True
    """

    _parameter_constraints: ClassVar[dict[str, Constraint]] = {
        "law": Constraint(check=_check_law),
        "t0_K": Constraint(float, 0.0, 400.0),
        **BOOSTER_CONSTRAINTS,
    }

    def __init__(
        self,
        law: Law = "vtf",
        t0_K: float = 150.0,
        n_estimators: int = 300,
        learning_rate: float = 0.05,
        max_depth: int = 4,
        subsample: float = 0.8,
        colsample_bytree: float = 0.5,
        min_child_weight: float = 1.0,
        reg_lambda: float = 1.0,
        n_models: int = 5,
        n_jobs: int | None = None,
        random_state: int | None = None,
    ) -> None:
        self.law = law
        self.t0_K = t0_K
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.max_depth = max_depth
        self.subsample = subsample
        self.colsample_bytree = colsample_bytree
        self.min_child_weight = min_child_weight
        self.reg_lambda = reg_lambda
        self.n_models = n_models
        self.n_jobs = n_jobs
        self.random_state = random_state

    # --- inputs -------------------------------------------------------------------
    @property
    def T0_K(self) -> float:
        """T0 of the law in K (0 for Arrhenius)."""
        return 0.0 if self.law == "arrhenius" else float(self.t0_K)

    def feature_table(self, X: pd.DataFrame) -> pd.DataFrame:
        """The descriptors the boosters see (one row per input row; no temperature)."""
        from ..features.polymer import polymer_features

        return polymer_features(_check_frame(X))

    def _temperatures(self, X: pd.DataFrame) -> np.ndarray:
        if K.TEMPERATURE_K not in _check_frame(X):
            raise InvalidInputError("X needs a temperature_K column (K) to predict log10 σ at")
        t = pd.to_numeric(X[K.TEMPERATURE_K], errors="coerce").to_numpy(float)
        if not np.isfinite(t).all():
            raise InvalidInputError("temperature_K has NaN or non-numeric values; give kelvin")
        low = self.T0_K + T0_MARGIN_K
        if (t <= low).any():
            raise InvalidInputError(
                f"temperature_K = {t[t <= low].min():.1f} K is at or below T0 + {T0_MARGIN_K:.0f} K "
                f"= {low:.1f} K, where the {self.law.upper()} law diverges; give temperatures "
                f"above {low:.1f} K (the data span {self._range_text()})"
            )
        return t

    def _range_text(self) -> str:
        lo, hi = getattr(self, "temperature_range_K_", (math.nan, math.nan))
        return f"{lo:.0f}-{hi:.0f} K"

    def _g(self, t: np.ndarray) -> np.ndarray:
        """Coefficient of the B output: B_UNIT_K / (ln 10 (T - T0))."""
        return B_UNIT_K / (LN10 * (t - self.T0_K))

    # --- fit ----------------------------------------------------------------------
    def fit(self, X: pd.DataFrame, y: ArrayLike | None = None) -> Self:
        """Fit on a polymer-electrolyte frame; ``y`` defaults to its ``log10_sigma``."""
        import xgboost as xgb

        validate_params(self)
        table = self.feature_table(X)
        t = self._temperatures(X)
        y = X[K.LOG10_SIGMA] if y is None and K.LOG10_SIGMA in X else y
        if y is None:
            raise InvalidInputError("y is None and X has no log10_sigma column (log10 S/cm)")
        y = np.asarray(y, float).ravel()
        if len(y) != len(table) or not np.isfinite(y).all():
            raise InvalidInputError(f"y needs {len(table)} finite log10 σ values (S/cm)")
        matrix = table.to_numpy(float)
        g = self._g(t)
        self.offset_ = _line_fit(-g, y)
        rng = np.random.default_rng(self.random_state)
        params = {"tree_method": "hist", **xgboost_settings(self), "base_score": 0.0}
        if self.n_jobs not in (None, -1):  # else XGBoost's default, which honours $OMP_NUM_THREADS
            params["nthread"] = self.n_jobs
        boosters = []
        for _ in range(self.n_models):
            rows = np.arange(len(y)) if self.n_models == 1 else rng.integers(0, len(y), len(y))
            dtrain = xgb.DMatrix(matrix[rows], label=np.zeros((len(rows), 2)), missing=np.nan)
            obj = _vtf_objective(y[rows], g[rows], self.offset_)
            seed = int(rng.integers(0, 2**31 - 1))
            boosters.append(xgb.train({**params, "seed": seed}, dtrain, self.n_estimators, obj=obj))
        self.boosters_ = boosters
        self.n_features_in_ = matrix.shape[1]
        self.feature_names_in_ = np.asarray(table.columns, dtype=object)
        from ..features.polymer import polymer_feature_families

        self.feature_families_ = polymer_feature_families()
        self.domain_ = _fit_domain(matrix)
        self.temperature_range_K_ = (float(t.min()), float(t.max()))
        molality = pd.to_numeric(X[K.MOLALITY], errors="coerce")
        self.molality_max_ = float(np.nanmax(molality)) if molality.notna().any() else math.nan
        self.salts_ = sorted(set(X[K.SALT_SMILES].fillna("").astype(str)))
        return self

    # --- predict ------------------------------------------------------------------
    def _check_fitted(self) -> None:
        if not hasattr(self, "boosters_"):
            from ..errors import NotFittedError

            raise NotFittedError(f"this {type(self).__name__} is not fitted yet: call fit() first")

    def member_parameters(self, X: pd.DataFrame) -> np.ndarray:
        """Per member and row: (log10 A in log10 S/cm, B in K), shape (n_models, n_rows, 2).

        B is clipped at 0 K, so no member predicts σ falling with temperature.
        """
        import xgboost as xgb

        self._check_fitted()
        d = xgb.DMatrix(self.feature_table(X).to_numpy(float), missing=np.nan)
        out = []
        for booster in self.boosters_:
            raw = np.asarray(booster.predict(d, output_margin=True)).reshape(-1, 2) + self.offset_
            out.append(np.c_[raw[:, 0], np.clip(raw[:, 1], 0.0, None) * B_UNIT_K])
        return np.asarray(out)

    def predict_vtf(self, X: pd.DataFrame) -> pd.DataFrame:
        """Mean VTF parameters per row: vtf_log10_A (log10 S/cm), vtf_B_K (K), vtf_T0_K (K)."""
        p = self.member_parameters(X).mean(axis=0)
        index = X.index if isinstance(X, pd.DataFrame) else None
        return pd.DataFrame(
            {K.VTF_LOG10_A: p[:, 0], K.VTF_B: p[:, 1], K.VTF_T0: self.T0_K}, index=index
        )

    @overload
    def predict(self, X: pd.DataFrame, return_std: Literal[False] = False) -> np.ndarray: ...

    @overload
    def predict(
        self, X: pd.DataFrame, return_std: Literal[True]
    ) -> tuple[np.ndarray, np.ndarray]: ...

    def predict(
        self, X: pd.DataFrame, return_std: bool = False
    ) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
        """log10 σ (S/cm) at each row's ``temperature_K``; with ``return_std`` the member spread."""
        self._check_fitted()
        t = self._temperatures(X)
        p = self.member_parameters(X)
        members = vtf_log10_sigma(t[None, :], p[:, :, 0], p[:, :, 1], self.T0_K)
        mean = members.mean(axis=0)
        return (mean, members.std(axis=0)) if return_std else mean

    def predict_frame(self, X: pd.DataFrame) -> pd.DataFrame:
        """Predictions with VTF parameters and the domain flag, one row per input row."""
        mean, std = self.predict(X, return_std=True)
        out = pd.DataFrame({K.PREDICTION: mean, K.PREDICTION_STD: std}, index=X.index)
        return pd.concat([out, self.predict_vtf(X), self.applicability(X)], axis=1)

    def predict_curve(self, X: pd.DataFrame, temperatures_K: ArrayLike) -> pd.DataFrame:
        """σ(T) of each row's electrolyte over ``temperatures_K`` (long table).

        Columns: ``row`` (the input row's index), temperature_K, 1000/T, log10_sigma_pred,
        log10_sigma_std, and ``in_temperature_range`` (inside the training temperatures).
        """
        t = np.asarray(temperatures_K, float).ravel()
        if t.size == 0:
            raise InvalidInputError("temperatures_K is empty; give at least one temperature (K)")
        self._temperatures(pd.DataFrame({K.TEMPERATURE_K: t}))
        p = self.member_parameters(X)  # (members, rows, 2)
        members = vtf_log10_sigma(
            t[None, None, :], p[:, :, 0, None], p[:, :, 1, None], self.T0_K
        )  # (members, rows, temperatures)
        lo, hi = self.temperature_range_K_
        rows = np.repeat(np.asarray(X.index), len(t))
        return pd.DataFrame(
            {
                "row": rows,
                K.TEMPERATURE_K: np.tile(t, len(X)),
                K.INVERSE_TEMPERATURE: np.tile(1000.0 / t, len(X)),
                K.PREDICTION: members.mean(axis=0).ravel(),
                K.PREDICTION_STD: members.std(axis=0).ravel(),
                "in_temperature_range": np.tile((t >= lo) & (t <= hi), len(X)),
            }
        )

    def applicability(self, X: pd.DataFrame) -> pd.DataFrame:
        """Whether each row lies where the model learned, with reasons.

        Notes name: a temperature outside the training range (the law is extrapolated),
        a molality above the largest in training, a salt never seen in training, an
        electrolyte far from the training ones in descriptor space.
        """
        self._check_fitted()
        table = self.feature_table(X)
        out = self.domain_.assess(table.to_numpy(float), index=X.index)
        notes = [[n] if n else [] for n in out["domain_notes"]]
        lo, hi = self.temperature_range_K_
        if K.TEMPERATURE_K in X:
            t = pd.to_numeric(X[K.TEMPERATURE_K], errors="coerce").to_numpy(float)
            for i in np.where((t < lo) | (t > hi))[0]:
                notes[i].append(
                    f"temperature {t[i]:.0f} K outside the training range {lo:.0f}-{hi:.0f} K "
                    "(the VTF law is extrapolated)"
                )
        molality = pd.to_numeric(X[K.MOLALITY], errors="coerce").to_numpy(float)
        for i in np.where(molality > self.molality_max_)[0]:
            notes[i].append(
                f"molality {molality[i]:g} mol/kg above the largest in training ({self.molality_max_:g})"
            )
        seen = set(self.salts_)
        for i, s in enumerate(X[K.SALT_SMILES].fillna("").astype(str)):
            if s not in seen:
                notes[i].append("salt never seen in training")
        out["in_domain"] = [not n for n in notes]
        out["domain_notes"] = ["; ".join(n) for n in notes]
        return out

    # --- persistence (ssenb.models.save_model / load_model: JSON, no pickle) --------
    def save(self, path: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
        """Save to a folder: XGBoost JSON per member plus ``metadata.json`` (no pickle)."""
        from .io import save_model

        return save_model(self, path, data_version=POLYMER_DATA_VERSION, overwrite=overwrite)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> PolymerConductivityModel:
        """Read a model written by :meth:`save` (files are checked, never trusted)."""
        from .io import load_model

        return load_model(path, cls)

    def _export_state(self) -> tuple[dict[str, Any], list]:
        self._check_fitted()
        state = {
            "feature_names_in": [str(c) for c in self.feature_names_in_],
            "domain": self.domain_.as_dict(),
            "offset": [float(v) for v in self.offset_],
            "temperature_range_K": list(self.temperature_range_K_),
            "molality_max": None if math.isnan(self.molality_max_) else self.molality_max_,
            "salts": list(self.salts_),
        }
        return state, list(self.boosters_)

    def _import_state(self, state: dict, boosters: list) -> None:
        from ..features.polymer import polymer_feature_families

        families = polymer_feature_families()
        if state.get("feature_names_in") != list(families):
            raise InvalidInputError(
                "the saved model's descriptors differ from this ssenb's polymer features; "
                "re-train the model with this version"
            )
        numbers = [*state.get("offset", []), *state.get("temperature_range_K", [])]
        if len(numbers) != 4 or not all(
            isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
            for v in numbers
        ):
            raise InvalidInputError(
                "offset and temperature_range_K must be two finite numbers each"
            )
        m = state.get("molality_max")
        if m is not None and (isinstance(m, bool) or not isinstance(m, int | float)):
            raise InvalidInputError("molality_max must be a number or null")
        salts = state.get("salts")
        if not isinstance(salts, list) or not all(isinstance(x, str) for x in salts):
            raise InvalidInputError("salts must be a list of SMILES strings")
        if len(boosters) != self.n_models:
            raise InvalidInputError(f"{len(boosters)} boosters for n_models={self.n_models}")
        self.boosters_ = boosters
        self.n_features_in_ = len(families)
        self.feature_names_in_ = np.asarray(list(families), dtype=object)
        self.feature_families_ = families
        self.domain_ = Domain.from_dict(state.get("domain"))
        self.offset_ = np.asarray(numbers[:2], float)
        self.temperature_range_K_ = (float(numbers[2]), float(numbers[3]))
        self.molality_max_ = math.nan if m is None else float(m)
        self.salts_ = salts


def _check_frame(X: object) -> pd.DataFrame:
    if not isinstance(X, pd.DataFrame):
        raise InvalidInputError(
            f"X must be a DataFrame of polymer electrolytes, got {type(X).__name__}: use "
            "ssenb.data.load_polymer_electrolytes() or a frame with its columns"
        )
    return X


_DEFAULT: dict[str, PolymerConductivityModel] = {}


def default_polymer_model() -> PolymerConductivityModel:
    """A small model on all of Bradford et al.'s data, fitted once per session (~10 s).

    Three bootstrap members of 150 trees (VTF, T0 = 150 K, seed 0): enough for the
    explorer and the tutorial; :func:`ssenb.models.cross_validate_polymer` measures how
    well such a model predicts polymers it has not seen (docs/polymer_model.md).
    """
    if "model" not in _DEFAULT:
        from ..data import load_polymer_electrolytes

        frame = load_polymer_electrolytes()
        model = PolymerConductivityModel(n_models=3, n_estimators=150, random_state=0)
        _DEFAULT["model"] = model.fit(frame[frame[K.SMILES_ERROR] == ""])
    return _DEFAULT["model"]


def _line_fit(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Least-squares (intercept, slope) of y on x in closed form.

    Why not ``np.linalg.lstsq``: its SVD fails at random with some OpenBLAS builds, and a
    straight line needs none. A constant x gives slope 0.
    """
    xm, ym = float(x.mean()), float(y.mean())
    sxx = float(((x - xm) ** 2).sum())
    slope = float(((x - xm) * (y - ym)).sum()) / sxx if sxx > 0 else 0.0
    return np.array([ym - slope * xm, slope])


def _vtf_objective(y: np.ndarray, g: np.ndarray, offset: np.ndarray) -> Any:
    """Squared loss of log10 σ = a - b g for XGBoost's two outputs (a, b), Gauss-Newton hessian."""

    def objective(raw: np.ndarray, _dtrain: Any) -> tuple[np.ndarray, np.ndarray]:
        p = raw.reshape(-1, 2) + offset
        r = p[:, 0] - p[:, 1] * g - y
        grad = np.c_[r, -r * g]
        hess = np.c_[np.ones_like(r), g * g]
        return grad, hess

    return objective


def _fit_domain(matrix: np.ndarray) -> Domain:
    """Domain of the distinct electrolytes (rows repeat per temperature); survives a flaky SVD."""
    rows = np.unique(np.nan_to_num(matrix, nan=-1e300), axis=0, return_index=True)[1]
    for _ in range(3):
        try:
            return Domain.fit(matrix[np.sort(rows)])
        except np.linalg.LinAlgError:  # OpenBLAS here fails at random; retry
            continue
    return Domain()
