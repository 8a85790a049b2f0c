"""Band gap, shear and bulk moduli of a material: data where they exist, a model otherwise.

One policy for every place a user looks (summary, report, Explorer, screening, the
multi-property table): for each quantity, take the best source at hand and say which.

- **Band gap (eV)**: experiment (matbench_expt_gap) > Materials Project PBE data >
  composition model of the PBE gap (``PropertyModel(target="band_gap_pbe")``, with its
  ensemble spread). PBE underestimates gaps (often by 30-50 %), so a PBE gap is a lower
  estimate of the true one.
- **G_VRH, K_VRH (GPa)**: an elastic tensor the user computed with a potential
  (:func:`ssenb.mlip.elastic_moduli`) > Materials Project DFT data > composition model of
  log10 G / log10 K. Data rows follow the polymorph rule of :mod:`ssenb.data.mp_properties`
  (median, spread kept as uncertainty).
- **Monroe–Newman** (J. Electrochem. Soc. 152, A396 (2005)): a flat Li | electrolyte
  interface resists dendrites when the electrolyte's shear modulus exceeds about twice
  Li's, G_Li ≈ 4.2 GPa (polycrystalline Li at room temperature), i.e. G ≳ 8.5 GPa. The
  verdict is graded by the 2σ interval of log10 G: "likely meets" only when the whole
  interval lies above the threshold, "likely fails" only when it lies below, otherwise
  "uncertain".

Default models are fitted on first use on the composition tables (one row per reduced
composition) and cached on disk like the conductivity model; the PBE-gap model learns from
a seeded sample of :data:`GAP_SAMPLE` compositions to keep its first fit within CPU
minutes (the matbench numbers in ``docs/electronic_mechanical.md`` use every row).
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .. import keys as K
from ..results import Result, fmt_number
from ..thermo.electronic import INSULATOR_GAP_EV  # one threshold for products and materials

if TYPE_CHECKING:
    from .property import PropertyModel

#: shear modulus of polycrystalline Li metal at room temperature (GPa)
G_LI_GPA = 4.2
#: Monroe–Newman: electrolyte G over Li's G needed at a flat interface
MONROE_NEWMAN_RATIO = 2.0
#: log10 uncertainty floor of DFT moduli data (GPa): ~15 % DFT-vs-experiment (de Jong 2015)
DATA_LOG10_FLOOR = 0.06
#: compositions the default PBE-gap model learns from (seeded sample of 78,164)
GAP_SAMPLE = 10_000
#: targets of the default models, by the data table that trains them
MODEL_TARGETS = {
    "pbe_gap": "band_gap_pbe",
    "log10_g": "log10_shear_modulus",
    "log10_k": "log10_bulk_modulus",
}
#: Three calibration draws, not five: on ~10^4 compositions they hold out ~7,300 rows,
#: plenty for the 0.5-0.99 conformal quantiles (log10 G: within 2.3 % of five draws' at
#: every level, 99 %: 0.501 vs 0.490), and the fit takes 38 s instead of 51 s CPU.
DEFAULT_PROPERTY_PARAMS: dict[str, Any] = {
    "n_estimators": 600,
    "max_depth": 6,
    "n_models": 3,
    "random_state": 0,
    "calibration_splits": 3,
}
_MEMO: dict[tuple, Any] = {}


def monroe_newman(
    g_gpa: float, log10_std: float = math.nan, *, source: str = ""
) -> tuple[float, str]:
    """G/G_Li and a plain-language verdict, only as confident as its inputs.

    Parameters
    ----------
    g_gpa : float
        Shear modulus of the electrolyte (GPa).
    log10_std : float
        1σ uncertainty of log10 G (log10 GPa); NaN when unknown (then no "likely").
    source : str
        Where G came from, quoted in the verdict.

    Returns
    -------
    (float, str)
        The ratio G/G_Li and the verdict.

    Examples
    --------
    >>> ratio, verdict = monroe_newman(59.6, 0.05, source="experiment")  # cubic LLZO
    >>> round(ratio, 1), verdict.split(":")[0]
    (14.2, 'likely meets the Monroe–Newman criterion')
    """
    if not (isinstance(g_gpa, int | float) and math.isfinite(g_gpa) and g_gpa > 0):
        return math.nan, "no shear modulus: the Monroe–Newman criterion cannot be judged"
    ratio = g_gpa / G_LI_GPA
    where = f" ({source})" if source else ""
    text = f"G/G_Li = {ratio:.1f}{where}, threshold {MONROE_NEWMAN_RATIO:g} (G ≈ 8.5 GPa)"
    if not math.isfinite(log10_std):
        return ratio, f"uncertain (no error estimate): {text}"
    lo, hi = ratio * 10 ** (-2 * log10_std), ratio * 10 ** (2 * log10_std)
    span = f"; 2σ range {lo:.1f}–{hi:.1f}"
    if lo > MONROE_NEWMAN_RATIO:
        return ratio, f"likely meets the Monroe–Newman criterion: {text}{span}"
    if hi < MONROE_NEWMAN_RATIO:
        return ratio, f"likely too soft to suppress dendrites (Monroe–Newman): {text}{span}"
    return ratio, f"uncertain, the range straddles the threshold: {text}{span}"


def gap_verdict(gap_ev: float, std_ev: float = math.nan, *, source: str = "") -> str:
    """A plain-language reading of a band gap for an electrolyte (eV)."""
    if not math.isfinite(gap_ev):
        return "no band gap available"
    pbe = "PBE" in source or "model" in source
    note = " (a PBE value: the true gap is likely larger)" if pbe else ""
    lo = gap_ev - 2 * std_ev if math.isfinite(std_ev) else gap_ev
    if lo >= INSULATOR_GAP_EV:
        return f"electronic insulator: gap {gap_ev:.1f} eV ≥ {INSULATOR_GAP_EV:g} eV{note}"
    if gap_ev < 0.5:
        return f"metallic or nearly so ({gap_ev:.1f} eV): electronic leakage likely{note}"
    return f"moderate gap ({gap_ev:.1f} eV): may conduct electrons at the interface{note}"


@dataclass(frozen=True, eq=False)
class MaterialProperties(Result):
    """Band gap, G and K of one material, each with its source and uncertainty.

    Attributes
    ----------
    formula : str
    band_gap_eV, band_gap_std_eV : float
    band_gap_source : str
    shear_modulus_gpa, bulk_modulus_gpa : float
    log10_g_std, log10_k_std : float
        1σ of log10 G and log10 K (log10 GPa).
    moduli_source : str
    g_over_g_li : float
    monroe_newman_verdict, gap_verdict : str
    notes : list of str
    """

    formula: str
    band_gap_eV: float
    band_gap_std_eV: float
    band_gap_source: str
    shear_modulus_gpa: float
    bulk_modulus_gpa: float
    log10_g_std: float
    log10_k_std: float
    moduli_source: str
    g_over_g_li: float
    monroe_newman_verdict: str
    gap_verdict: str
    notes: list[str] = field(default_factory=list)

    def title(self) -> str:
        """Heading: the formula."""
        return f"Electronic and mechanical properties of {self.formula}"

    def summary(self) -> list[tuple[str, str]]:
        """Band gap, G, K (with sources), G/G_Li and the two verdicts."""
        return [
            (
                "band gap",
                f"{fmt_number(self.band_gap_eV, 'eV', spread=self.band_gap_std_eV)} "
                f"[{self.band_gap_source}]",
            ),
            (
                "shear modulus G",
                f"{fmt_number(self.shear_modulus_gpa, 'GPa', digits=1)} "
                f"(log10 ± {fmt_number(self.log10_g_std)}) [{self.moduli_source}]",
            ),
            (
                "bulk modulus K",
                f"{fmt_number(self.bulk_modulus_gpa, 'GPa', digits=1)} "
                f"(log10 ± {fmt_number(self.log10_k_std)}) [{self.moduli_source}]",
            ),
            ("G / G_Li", fmt_number(self.g_over_g_li, digits=1)),
            ("dendrites (Monroe–Newman)", self.monroe_newman_verdict),
            ("electronic", self.gap_verdict),
        ]

    def row(self) -> dict[str, Any]:
        """The table row of this material (columns named in :mod:`ssenb.keys`)."""
        return {
            K.BAND_GAP: self.band_gap_eV,
            K.BAND_GAP_STD: self.band_gap_std_eV,
            K.BAND_GAP_SOURCE: self.band_gap_source,
            K.G_VRH: self.shear_modulus_gpa,
            K.K_VRH: self.bulk_modulus_gpa,
            K.LOG10_G_STD: self.log10_g_std,
            K.LOG10_K_STD: self.log10_k_std,
            K.MODULI_SOURCE: self.moduli_source,
            K.G_OVER_G_LI: self.g_over_g_li,
            K.MONROE_NEWMAN: self.monroe_newman_verdict,
        }


def default_property_model(
    name: str, *, cache: bool = True, fit: bool = True
) -> PropertyModel | None:
    """The default composition model of ``"pbe_gap"``, ``"log10_g"`` or ``"log10_k"``.

    ``fit=False`` returns None instead of fitting when the model is neither in memory nor
    cached on disk: a first fit takes minutes on 2 cores (calibration and the domain's
    nearest-neighbour table over thousands of compositions), too long for a first result.

    Fitted on first use on the composition table (:func:`ssenb.data.property_table`;
    the PBE gap on a seeded sample of :data:`GAP_SAMPLE` compositions) with
    :data:`DEFAULT_PROPERTY_PARAMS`, then cached on disk (JSON, no pickle) in
    :func:`ssenb.models.predictor.model_dir`, keyed by the data's sha256, the settings and
    ssenb's version.

    Raises
    ------
    UnknownNameError
        ``name`` is not one of :data:`MODEL_TARGETS`.
    """
    from .. import __version__
    from ..data import fetch, sha256sum
    from ..data.mp_properties import property_source
    from ..errors import ModelFileError, UnknownNameError
    from .io import FORMAT_VERSION, load_model, save_model
    from .predictor import fit_lock, model_dir
    from .property import PropertyModel

    if name not in MODEL_TARGETS:
        raise UnknownNameError(
            f"no default model for {name!r}; use one of {', '.join(MODEL_TARGETS)}"
        )
    spec = property_source(name)
    digest = hashlib.sha256(
        json.dumps(
            [
                name,
                DEFAULT_PROPERTY_PARAMS,
                GAP_SAMPLE,
                __version__,
                FORMAT_VERSION,
                sha256sum(fetch(spec.file)),
            ],
            sort_keys=True,
        ).encode()
    ).hexdigest()[:16]
    if (name, digest) in _MEMO:
        return _MEMO[(name, digest)]
    folder = model_dir() / f"property-{name}-{digest}"
    model = None
    if cache and folder.is_dir():
        try:
            model = load_model(folder, expected=PropertyModel)
        except ModelFileError:
            model = None
    if model is None and not fit:
        return None
    if model is None:
        with fit_lock(folder if cache else None):  # a second process waits, then loads
            if cache and folder.is_dir():
                try:
                    model = load_model(folder, expected=PropertyModel)
                except ModelFileError:
                    model = None
            if model is None:
                model = _fit_property_model(name)
                if cache:
                    try:
                        folder.parent.mkdir(parents=True, exist_ok=True)
                        if not folder.exists():
                            save_model(model, folder, data_version=model.data_version_)
                    except (OSError, ModelFileError):
                        pass
    _MEMO[(name, digest)] = model
    return model


def _fit_property_model(name: str) -> PropertyModel:
    """Fit the default model ``name`` on its composition table (no cache involved)."""
    from ..data.mp_properties import SOURCES, property_source, property_table
    from .property import PropertyModel

    spec = property_source(name)
    table = property_table(name).reset_index()  # type: ignore[arg-type]
    if name == "pbe_gap" and len(table) > GAP_SAMPLE:
        table = table.sample(GAP_SAMPLE, random_state=0)
    frame = pd.DataFrame(
        {K.FORMULA: table[K.REDUCED_FORMULA], spec.column: table[SOURCES[name].column]}
    )
    model = PropertyModel(target=MODEL_TARGETS[name], **DEFAULT_PROPERTY_PARAMS).fit(frame)
    model.data_version_ = f"{spec.source_label}: {spec.matbench_task} composition medians"
    return model


def property_predictions(
    materials: list[Any], *, models: dict[str, Any] | None = None, fit: bool = True
) -> pd.DataFrame | None:
    """Model predictions of the PBE gap (eV), log10 G and log10 K (log10 GPa) with 1σ.

    Parameters
    ----------
    materials : list of formulas, Compositions or Structures
    models : dict, optional
        Fitted models by name (``"pbe_gap"``, ``"log10_g"``, ``"log10_k"``); missing ones
        are the defaults (:func:`default_property_model`). Features are computed once and
        shared by the three models when they share a preset.
    fit : bool
        Fit a default model that is not cached yet (minutes); False: return None then.

    Returns
    -------
    pandas.DataFrame
        One row per material: ``band_gap_pbe_eV_pred``/``_std``,
        ``log10_G_VRH_GPa_pred``/``_std``, ``log10_K_VRH_GPa_pred``/``_std``, and
        ``in_domain`` (False when any model flags the material).
    """
    found = {n: (models or {}).get(n) or default_property_model(n, fit=fit) for n in MODEL_TARGETS}
    if any(m is None for m in found.values()):
        return None  # fit=False and a default model is not fitted yet
    chosen: dict[str, Any] = found
    out: dict[str, Any] = {}
    in_domain = np.ones(len(materials), bool)
    shared: dict[str, tuple[pd.DataFrame, Any]] = {}
    for model in chosen.values():
        spec = model.target_spec()
        if model.preset not in shared:
            shared[model.preset] = model.feature_matrix(materials)
        table, frame = shared[model.preset]
        mean, std = model.predict(table, return_std=True)
        out[spec.prediction_column] = mean
        out[spec.std_column] = std
        comps = list(frame[K.REDUCED_COMPOSITION]) if frame is not None else None
        dom = model.domain_.assess(table.to_numpy(float), comps, index=table.index)
        in_domain &= dom["in_domain"].to_numpy(bool)
    out["in_domain"] = in_domain
    return pd.DataFrame(out)


def material_properties(
    material: Any,
    *,
    models: dict[str, Any] | None = None,
    elastic: Any = None,
    predict: bool = True,
    fit_models: bool = True,
) -> MaterialProperties:
    """Band gap, G, K, G/G_Li and verdicts of one material, from the best source at hand.

    Parameters
    ----------
    material : str, Composition or Structure
    models : dict, optional
        Fitted models by name (see :func:`property_predictions`).
    elastic : ElasticModuli, optional
        A potential's result for this material (:func:`ssenb.mlip.elastic_moduli`); used
        first when it carries moduli. Its uncertainty is the potential's benchmark MAE in
        log10 (``docs/electronic_mechanical.md``) and its strain sensitivity.
    predict : bool
        Fill what the data lack with the composition models (fitted on first use).
    fit_models : bool
        False: use a default model only when it is already fitted (in memory or cached on
        disk); otherwise leave the value missing and say how to fit it (a first result,
        e.g. the summary, must not wait minutes for a fit).

    Examples
    --------
    >>> p = material_properties("Li2O", predict=False)
    >>> p.band_gap_source, p.moduli_source
    ('MP data (PBE)', 'MP data (DFT elastic tensor)')
    """
    from ..data.materials import display_formula, to_composition
    from ..data.mp_properties import lookup_properties

    comp = to_composition(material)
    found = lookup_properties(comp)
    notes: list[str] = []
    gap, gap_std, gap_src = math.nan, math.nan, "none"
    for name in ("expt_gap", "pbe_gap"):
        if name in found:
            d = found[name]
            gap, gap_src = d["value"], d["source"]
            gap_std = (d["max"] - d["min"]) / 2
            if d["n_entries"] > 1:
                notes.append(
                    f"band gap: median of {d['n_entries']} entries ({d['min']:.2f}–{d['max']:.2f} eV)"
                )
            break
    log_g = log_k = sg = sk = math.nan
    mod_src = "none"
    if elastic is not None and getattr(elastic, "ok", False):  # an ElasticModuli (duck-typed)
        log_g, log_k = math.log10(elastic.shear_modulus_gpa), math.log10(elastic.bulk_modulus_gpa)
        sg, sk = elastic.log10_uncertainty()
        mod_src = f"potential: {elastic.potential}"
    elif "log10_g" in found and "log10_k" in found:
        dg, dk = found["log10_g"], found["log10_k"]
        log_g, log_k = dg["value"], dk["value"]
        sg = max((dg["max"] - dg["min"]) / 2, DATA_LOG10_FLOOR)
        sk = max((dk["max"] - dk["min"]) / 2, DATA_LOG10_FLOOR)
        mod_src = dg["source"]
        if dg["n_entries"] > 1:
            notes.append(f"G: median of {dg['n_entries']} entries (polymorphs)")
    need_gap, need_mod = not math.isfinite(gap), not math.isfinite(log_g)
    found_pred = None
    if predict and (need_gap or need_mod):
        found_pred = property_predictions([comp], models=models, fit=fit_models)
        if found_pred is None:
            notes.append(fit_note(need_gap, need_mod))
    if found_pred is not None:
        pred = found_pred.iloc[0]
        if not pred["in_domain"]:
            notes.append("outside a model's domain: treat model values as rough")
        if need_gap:
            gap, gap_std = float(pred["band_gap_pbe_eV_pred"]), float(pred["band_gap_pbe_eV_std"])
            gap_src = "model (PBE gap, composition)"
        if need_mod:
            log_g, sg = float(pred["log10_G_VRH_GPa_pred"]), float(pred["log10_G_VRH_GPa_std"])
            log_k, sk = float(pred["log10_K_VRH_GPa_pred"]), float(pred["log10_K_VRH_GPa_std"])
            mod_src = "model (composition)"
    g = 10**log_g if math.isfinite(log_g) else math.nan
    k = 10**log_k if math.isfinite(log_k) else math.nan
    ratio, verdict = monroe_newman(g, sg, source=mod_src)
    return MaterialProperties(
        formula=display_formula(comp),
        band_gap_eV=float(gap),
        band_gap_std_eV=float(gap_std),
        band_gap_source=gap_src,
        shear_modulus_gpa=float(g),
        bulk_modulus_gpa=float(k),
        log10_g_std=float(sg),
        log10_k_std=float(sk),
        moduli_source=mod_src,
        g_over_g_li=float(ratio),
        monroe_newman_verdict=verdict,
        gap_verdict=gap_verdict(gap, gap_std, source=gap_src),
        notes=notes,
    )


def fit_note(need_gap: bool = True, need_mod: bool = True, *, rows: str = "") -> str:
    """What a result says when the data lack a value and no property model is fitted yet.

    Why: a first result (a summary, a screen) never waits minutes for a model's first fit
    (``fit_models=False``); the reader is told what is missing and the one call that fills it.

    Examples
    --------
    >>> fit_note(False, True).split(";")[0]
    'no data for the moduli'
    """
    what = "band gap and moduli" if need_gap and need_mod else "band gap" if need_gap else "moduli"
    return (
        f"no data for the {what}{rows}; the composition models are not fitted yet: run "
        "ssenb.models.default_property_model('pbe_gap' / 'log10_g' / 'log10_k') once "
        "(minutes on 2 cores, then cached) to have them filled"
    )


def properties_frame(
    formulas: list[str],
    *,
    models: dict[str, Any] | None = None,
    predict: bool = True,
    fit_models: bool = True,
) -> pd.DataFrame:
    """:func:`material_properties` for many reduced formulas at once, as table columns.

    The same source priority and uncertainties, vectorised over the composition tables;
    models run once on the rows the data leave empty. A test holds it equal to
    :func:`material_properties` row by row.

    Parameters
    ----------
    formulas : list of str
        Reduced formulas as :func:`ssenb.data.display_formula` writes them.
    models, predict, fit_models
        As for :func:`material_properties` (``fit_models=False``: a default model that is
        not fitted yet leaves the rows the data lack at NaN, source "none", and
        ``attrs["note"]`` says how to fit it).

    Returns
    -------
    pandas.DataFrame
        Columns of :meth:`MaterialProperties.row` in input order (plus ``in_domain`` of the
        models, True where no model was needed).
    """
    from ..data.mp_properties import SOURCES, property_table

    idx = pd.Index(formulas)
    out = pd.DataFrame(index=range(len(formulas)))

    def col(name: str, suffix: str = "") -> np.ndarray:
        table = property_table(name)  # type: ignore[arg-type]
        return table[SOURCES[name].column + suffix].reindex(idx).to_numpy(float)

    expt, pbe = col("expt_gap"), col("pbe_gap")
    pbe_half = (col("pbe_gap", "_max") - col("pbe_gap", "_min")) / 2
    expt_half = (col("expt_gap", "_max") - col("expt_gap", "_min")) / 2
    has_expt, has_pbe = np.isfinite(expt), np.isfinite(pbe)
    gap = np.where(has_expt, expt, pbe)
    gap_std = np.where(has_expt, expt_half, pbe_half)
    gap_src = np.where(has_expt, SOURCES["expt_gap"].source_label,
                       np.where(has_pbe, SOURCES["pbe_gap"].source_label, "none"))  # fmt: skip
    lg, lk = col("log10_g"), col("log10_k")
    sg = np.maximum((col("log10_g", "_max") - col("log10_g", "_min")) / 2, DATA_LOG10_FLOOR)
    sk = np.maximum((col("log10_k", "_max") - col("log10_k", "_min")) / 2, DATA_LOG10_FLOOR)
    has_mod = np.isfinite(lg) & np.isfinite(lk)
    lg, lk = np.where(has_mod, lg, np.nan), np.where(has_mod, lk, np.nan)
    sg, sk = np.where(has_mod, sg, np.nan), np.where(has_mod, sk, np.nan)
    mod_src = np.where(has_mod, SOURCES["log10_g"].source_label, "none").astype(object)
    gap_src = gap_src.astype(object)
    in_domain = np.ones(len(formulas), bool)
    need = ~np.isfinite(gap) | ~has_mod
    note = ""
    rows = np.flatnonzero(need)
    pred = None
    if predict and need.any():
        pred = property_predictions([formulas[i] for i in rows], models=models, fit=fit_models)
        if pred is None:  # fit_models=False and a default model is not fitted yet
            note = fit_note(
                bool((~np.isfinite(gap)).any()),
                bool((~has_mod).any()),
                rows=f" of {len(rows)} of {len(formulas)} materials",
            )
    if pred is not None:
        in_domain[rows] = pred["in_domain"].to_numpy(bool)
        g_rows = rows[~np.isfinite(gap[rows])]
        m_rows = rows[~has_mod[rows]]
        pos = {r: i for i, r in enumerate(rows)}
        gi, mi = [pos[r] for r in g_rows], [pos[r] for r in m_rows]
        gap[g_rows] = pred["band_gap_pbe_eV_pred"].to_numpy()[gi]
        gap_std[g_rows] = pred["band_gap_pbe_eV_std"].to_numpy()[gi]
        gap_src[g_rows] = "model (PBE gap, composition)"
        lg[m_rows] = pred["log10_G_VRH_GPa_pred"].to_numpy()[mi]
        sg[m_rows] = pred["log10_G_VRH_GPa_std"].to_numpy()[mi]
        lk[m_rows] = pred["log10_K_VRH_GPa_pred"].to_numpy()[mi]
        sk[m_rows] = pred["log10_K_VRH_GPa_std"].to_numpy()[mi]
        mod_src[m_rows] = "model (composition)"
    g, k = 10.0**lg, 10.0**lk
    verdicts = [monroe_newman(float(a), float(b), source=str(c)) for a, b, c in zip(g, sg, mod_src)]
    out[K.BAND_GAP] = gap
    out[K.BAND_GAP_STD] = gap_std
    out[K.BAND_GAP_SOURCE] = gap_src
    out[K.G_VRH] = g
    out[K.K_VRH] = k
    out[K.LOG10_G_STD] = sg
    out[K.LOG10_K_STD] = sk
    out[K.MODULI_SOURCE] = mod_src
    out[K.G_OVER_G_LI] = [v[0] for v in verdicts]
    out[K.MONROE_NEWMAN] = [v[1] for v in verdicts]
    out["in_domain"] = in_domain
    if note:
        out.attrs["note"] = note
    return out


def property_columns(
    formulas: list[Any],
    *,
    models: dict[str, Any] | None = None,
    predict: bool = True,
    fit_models: bool = False,
) -> pd.DataFrame:
    """Band gap (eV), G and K (GPa), G/G_Li and the Monroe–Newman verdict as screen columns.

    Why: a screen's table needs the properties of many rows, some of which failed (no
    formula): one vectorised call of :func:`properties_frame` (data where they exist,
    model otherwise, each with a source column) on the rows that have a formula, NaN and
    source "none" for the others. Never fits a model by default (``fit_models=False``):
    without a fitted or cached model the rows the data lack stay NaN and
    ``attrs["note"]`` says how to fit one; a model value outside the model's domain is
    counted in the note.

    Pass it to :func:`ssenb.thermo.screen` (``properties=property_columns``); the
    candidate pipeline calls it.

    Parameters
    ----------
    formulas : list of str or None
        Reduced formulas as :func:`ssenb.data.display_formula` writes them; None or ""
        for a row without one.
    models, predict, fit_models
        As for :func:`material_properties`.

    Returns
    -------
    pandas.DataFrame
        One row per input, columns of :meth:`MaterialProperties.row` (band_gap_eV,
        band_gap_std_eV, band_gap_source, G_VRH_GPa, K_VRH_GPa, log10 std columns,
        moduli_source, G_over_G_Li, monroe_newman_verdict).

    Examples
    --------
    >>> t = property_columns(["Li2O", None], predict=False)
    >>> t["moduli_source"].tolist()
    ['MP data (DFT elastic tensor)', 'none']
    """
    ok = [i for i, f in enumerate(formulas) if isinstance(f, str) and f]
    found = properties_frame(
        [formulas[i] for i in ok], models=models, predict=predict, fit_models=fit_models
    )
    out = found.drop(columns="in_domain")
    out.index = pd.Index(ok)
    out = out.reindex(range(len(formulas)))
    for column in (K.BAND_GAP_SOURCE, K.MODULI_SOURCE):
        out[column] = out[column].astype(object).where(out[column].notna(), "none")
    out[K.MONROE_NEWMAN] = (
        out[K.MONROE_NEWMAN]
        .astype(object)
        .where(out[K.MONROE_NEWMAN].notna(), monroe_newman(math.nan)[1])
    )
    notes = [found.attrs["note"]] if found.attrs.get("note") else []
    outside = int((~found["in_domain"].to_numpy(bool)).sum())
    if outside:
        notes.append(
            f"{outside} material(s) outside a property model's domain: treat their model "
            "values as rough"
        )
    if notes:
        out.attrs["note"] = "; ".join(notes)
    return out.reset_index(drop=True)


__all__ = [
    "DEFAULT_PROPERTY_PARAMS",
    "G_LI_GPA",
    "MONROE_NEWMAN_RATIO",
    "MaterialProperties",
    "default_property_model",
    "fit_note",
    "gap_verdict",
    "material_properties",
    "monroe_newman",
    "properties_frame",
    "property_columns",
    "property_predictions",
]
