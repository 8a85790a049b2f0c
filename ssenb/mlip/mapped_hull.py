"""An honest hull offline: potential energies mapped onto the snapshot's DFT scale.

Offline, only Li-Co-Ni-O ships DFT entries with structures, so a doped sulfide, halide or
garnet has no competing phases computed the way it is. The offline MP ~2019 snapshot
(:func:`ssenb.data.load_mp_snapshot`) has the competing phases' *formation energies* but no
structures. This module puts a potential's energy of a new structure on that snapshot's
scale, so it can be placed against the snapshot hull:

1. **Fit.** For the reference structures of :mod:`ssenb.mlip.reference_set` (relaxed with the
   potential once, by ``scripts/make_reference_energies.py``; the energies ship as package
   data), per-element reference energies μ_el (eV/atom of element) are fitted by ridge
   least squares so that ``Ef_snapshot ≈ E_mlip − Σ_el x_el μ_el`` (x: atomic fractions,
   E: eV/atom). Per-element shifts between the two scales (the potential's own reference
   energies, the legacy MP anion and GGA+U corrections per atom of O, S, F, ...) are
   absorbed into μ; what is not linear per element is not, and shows up as error.
2. **Benchmark.** Leave one out: refit without a compound, predict its formation energy,
   place it against the snapshot hull of all *other* phases. That hull at the compound's own
   composition is ``Ef − Ed`` (the snapshot's decomposition energy Ed is the signed distance
   to it), so the predicted signed E_hull is ``Ef_pred − Ef + Ed`` and its error equals the
   formation-energy error. Reported: the MAE overall and per anion class, and the
   stable/unstable confusion at 0 and 50 meV/atom (:func:`ssenb.mlip.hull_agreement.confusion`).
3. **Use.** :func:`mapped_e_hull` gives each new structure its mapped formation energy,
   E_hull against the snapshot hull and, as uncertainty, the LOO MAE of its anion class.
   :func:`mapped_entries` / :func:`mapped_source` hand the mapped energies to
   :mod:`ssenb.thermo` as a user entry source, marked as MLIP-mapped.

Energies of one potential are never mixed with another's, and mapped energies never pass
as DFT: every row and entry names the potential, the snapshot and the fit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from .. import keys as K
from ..data.materials import display_formula
from ..errors import (
    IncompatibleSourcesError,
    InvalidInputError,
    SsenbError,
    UnknownNameError,
    UnsupportedMaterialError,
)
from ..results import Result, fmt_number
from .hull_agreement import THRESHOLDS, confusion
from .potential import MAX_ABS_ENERGY_EV_ATOM

if TYPE_CHECKING:
    from pymatgen.core import Composition, Structure
    from pymatgen.entries.computed_entries import ComputedEntry

    from ..thermo import UserEntries
    from .potential import Potential

AnionClass = Literal["oxide", "sulfide", "halide", "other"]
ANION_CLASSES: tuple[str, ...] = ("oxide", "sulfide", "halide", "other")

#: ridge strength λ (per squared atomic fraction) pulling each μ_el towards its prior (the
#: composition-weighted mean of E_mlip − Ef over the structures holding el): light, it
#: keeps the fit defined when an element's structures are few, and moves μ by ≪ 1 meV
#: where they are many
RIDGE_LAMBDA = 1e-4
#: fewest reference structures an element needs before a mapped energy uses it
MIN_REFERENCES = 2
#: fewest benchmarked members an anion class needs to report (and use) its own MAE
MIN_CLASS_MEMBERS = 5
#: largest |potential energy| (eV/atom) taken as an energy per atom (ssenb.mlip.potential's)
MAX_ABS_ENERGY = MAX_ABS_ENERGY_EV_ATOM

#: output columns of :func:`mapped_e_hull` (eV/atom)
E_FORM_MAPPED = "e_form_mapped_eV_atom"
E_HULL_MAPPED = "e_hull_eV_atom"
E_HULL_UNCERTAINTY = "e_hull_uncertainty_eV_atom"
HULL_METHOD = "hull_method"
COLUMNS = (E_FORM_MAPPED, E_HULL_MAPPED, E_HULL_UNCERTAINTY, K.DECOMPOSITION, HULL_METHOD, K.ERROR)

#: shipped potentials with reference energies: name (as ``load_potential`` takes it) -> file
SHIPPED: dict[str, str] = {
    "chgnet": "reference_energies_chgnet.csv",
    "7net-0": "reference_energies_7net_0.csv",
}


def anion_class(composition: Any) -> AnionClass:
    """The anion class a material's mapping error is quoted for.

    The anion element (N, O, S, Se, Te, F, Cl, Br, I: ssenb's convention,
    :data:`ssenb.features.chemistry.ANIONS`) with the largest amount decides, ties going to
    the more electronegative one: Li6PS5Cl is a sulfide, LaOCl and Li3OCl are oxides,
    Li3InCl6 a halide. Nitrides, phosphides, hydrides, intermetallics and elements are
    "other".

    Parameters
    ----------
    composition : str or pymatgen Composition

    Returns
    -------
    {"oxide", "sulfide", "halide", "other"}

    Examples
    --------
    >>> anion_class("Li6PS5Cl"), anion_class("LaOCl"), anion_class("Li3InCl6"), anion_class("Li3N")
    ('sulfide', 'oxide', 'halide', 'other')
    """
    from pymatgen.core import Composition, Element

    comp = Composition(composition) if not hasattr(composition, "elements") else composition
    anions = ("O", "S", "Se", "Te", "F", "Cl", "Br", "I")  # N counts as "other"
    present = [(comp[el], Element(el).X, el) for el in anions if comp[el] > 0]
    if not present:
        return "other"
    el = max(present)[2]
    if el == "O":
        return "oxide"
    return "sulfide" if el in ("S", "Se", "Te") else "halide"


def _solve_spd(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Solve a symmetric positive-definite system; survives a LAPACK that fails at random.

    LAPACK first (twice: the OpenBLAS here fails some calls at random), then conjugate
    gradients in plain numpy, which needs no LAPACK at all.
    """
    for _ in range(2):
        try:
            x = np.linalg.solve(a, b)
        except np.linalg.LinAlgError:
            continue
        if np.isfinite(x).all() and np.allclose(a @ x, b, atol=1e-9, rtol=1e-9):
            return x
    x = np.zeros_like(b)
    r = b - a @ x
    p = r.copy()
    rs = float(r @ r)
    for _ in range(10 * len(b) + 100):
        ap = a @ p
        alpha = rs / float(p @ ap)
        x += alpha * p
        r -= alpha * ap
        rs_new = float(r @ r)
        if math.sqrt(rs_new) < 1e-13 * (1 + float(np.abs(b).max())):
            break
        p = r + (rs_new / rs) * p
        rs = rs_new
    return x


def fit_references(
    fractions: np.ndarray,
    e_mlip: np.ndarray,
    e_form: np.ndarray,
    *,
    lam: float = RIDGE_LAMBDA,
) -> np.ndarray:
    """Elemental reference energies μ (eV/atom) so that ``e_form ≈ e_mlip − fractions @ μ``.

    Ridge least squares: minimise ``‖fractions μ − (e_mlip − e_form)‖² + λ ‖μ − μ0‖²``,
    μ0_el the composition-weighted mean of ``e_mlip − e_form`` over the rows holding el.

    Parameters
    ----------
    fractions : ndarray (m, n)
        Atomic fractions of n elements in m structures (rows sum to 1).
    e_mlip, e_form : ndarray (m,)
        Potential energy and DFT formation energy of each structure (eV/atom).
    lam : float
        Ridge strength λ ≥ 0 (0: plain least squares, needs full column rank).

    Returns
    -------
    ndarray (n,)
        μ_el (eV/atom); NaN for an element no row holds.

    Examples
    --------
    Two elements A, B with μ = (−2, −5): an element row, and AB at Ef = −0.5 eV/atom.

    >>> import numpy as np
    >>> x = np.array([[1.0, 0.0], [0.5, 0.5]])
    >>> e_form = np.array([0.0, -0.5])
    >>> e_mlip = e_form + x @ np.array([-2.0, -5.0])
    >>> fit_references(x, e_mlip, e_form, lam=0.0).round(6).tolist()
    [-2.0, -5.0]
    """
    x = np.asarray(fractions, dtype=float)
    y = np.asarray(e_mlip, dtype=float) - np.asarray(e_form, dtype=float)
    if x.ndim != 2 or len(y) != len(x) or not np.isfinite(x).all() or not np.isfinite(y).all():
        raise InvalidInputError(
            "fit_references needs finite fractions (m, n) and m finite energies (eV/atom)"
        )
    if not (lam >= 0 and math.isfinite(lam)):
        raise InvalidInputError(f"lam={lam!r} must be a finite ridge strength >= 0")
    weight = x.sum(axis=0)
    held = weight > 0
    mu = np.full(x.shape[1], math.nan)
    xs = x[:, held]
    mu0 = (xs.T @ y) / weight[held]
    a = xs.T @ xs + lam * np.eye(xs.shape[1])
    mu[held] = _solve_spd(a, xs.T @ y + lam * mu0)
    return mu


@dataclass(frozen=True, eq=False)
class MappedScale(Result):
    """One potential's energies mapped onto the offline snapshot's formation-energy scale.

    Attributes
    ----------
    potential : str
        The potential's label (``ssenb.mlip.potential.label``).
    snapshot : str
        The snapshot's name and correction scheme.
    mu : dict of str to float
        Fitted elemental reference energies μ_el (eV/atom) from all reference structures.
    counts : dict of str to int
        Reference structures holding each element.
    table : DataFrame
        One row per reference structure: id, source, formula, anion_class, n_atoms,
        e_mlip_eV_atom, formation energy (snapshot and leave-one-out prediction),
        decomposition energy Ed, signed E_hull vs the hull of the others (snapshot and LOO
        prediction), benchmarked (False: an element, or a structure whose left-out fit
        lacks an element).
    mae : dict of str to float
        LOO MAE of the signed E_hull (= of the formation energy) in eV/atom: "overall" and
        each anion class with at least :data:`MIN_CLASS_MEMBERS` members.
    mae_clipped : dict of str to float
        The same with E_hull clipped at 0 (energy *above* hull, as the snapshot lists it).
    confusion : dict of str to dict
        "0" and "50" (meV/atom): both / mlip_only / dft_only / neither as in
        :func:`~ssenb.mlip.hull_agreement.confusion` (mlip_only = predicted stable, is not).
    n_fit : int
        Structures in the fit (converged relaxations with a snapshot energy).
    n_unconverged : int
        Reference relaxations that did not converge (left out).
    ridge_lambda : float
    """

    potential: str
    snapshot: str
    mu: dict[str, float]
    counts: dict[str, int]
    table: pd.DataFrame
    mae: dict[str, float]
    mae_clipped: dict[str, float]
    confusion: dict[str, dict[str, int]]
    n_fit: int
    n_unconverged: int = 0
    ridge_lambda: float = RIDGE_LAMBDA

    _table = "table"

    def title(self) -> str:
        """Heading: the potential and the snapshot."""
        return f"{self.potential} mapped onto {self.snapshot}"

    def summary(self) -> list[tuple[str, str]]:
        """Fit size, LOO MAE per class, confusion at 0 and 50 meV/atom."""
        rows = [("structures in the fit", str(self.n_fit))]
        for cls, v in self.mae.items():
            n = self.n_benchmarked(cls)
            rows.append((f"LOO E_hull MAE ({cls}, n={n})", fmt_number(v, "eV/atom", digits=3)))
        for t, c in self.confusion.items():
            rows.append(
                (
                    f"stable at {t} meV/atom (both/mlip only/dft only/neither)",
                    f"{c['both']}/{c['mlip_only']}/{c['dft_only']}/{c['neither']}",
                )
            )
        return rows

    def n_benchmarked(self, cls: str = "overall") -> int:
        """Number of left-out compounds behind an MAE ("overall" or an anion class)."""
        t = self.table[self.table["benchmarked"]]
        return int(len(t) if cls == "overall" else (t["anion_class"] == cls).sum())

    def uncertainty(self, composition: Any) -> tuple[float, str]:
        """(LOO MAE in eV/atom, which MAE) for a composition: its anion class's, else overall."""
        cls = anion_class(composition)
        return (self.mae[cls], cls) if cls in self.mae else (self.mae["overall"], "overall")

    def method(self, composition: Any = None) -> str:
        """The readable name of the method, carried by every mapped result."""
        mae, cls = (
            self.uncertainty(composition)
            if composition is not None
            else (self.mae["overall"], "overall")
        )
        return (
            f"{self.potential} energies mapped onto {self.snapshot}: elemental references "
            f"fitted on {self.n_fit} structures (ridge λ={self.ridge_lambda:g}), LOO E_hull MAE "
            f"{mae:.3f} eV/atom ({cls})"
        )

    def formation_energy(self, composition: Any, e_mlip_per_atom: float) -> float:
        """The mapped formation energy (eV/atom) of a potential energy (eV/atom).

        Raises
        ------
        UnsupportedMaterialError
            An element with fewer than :data:`MIN_REFERENCES` reference structures.
        InvalidInputError
            A non-finite energy.
        """
        from pymatgen.core import Composition

        comp = composition if hasattr(composition, "elements") else Composition(composition)
        try:
            e = math.nan if isinstance(e_mlip_per_atom, bool) else float(e_mlip_per_atom)
        except (TypeError, ValueError):
            e = math.nan
        if not math.isfinite(e):
            raise InvalidInputError(
                f"e_mlip_per_atom={e_mlip_per_atom!r} for {comp.reduced_formula} is not a finite "
                "energy (eV/atom); an unconverged relaxation has none"
            )
        if abs(e) > MAX_ABS_ENERGY:
            raise InvalidInputError(
                f"e_mlip_per_atom={e_mlip_per_atom!r} for {comp.reduced_formula} is not a "
                f"potential energy per atom (|E| > {MAX_ABS_ENERGY:g} eV/atom): was it eV per "
                "cell? Divide by the number of atoms"
            )
        why = self.unsupported(comp)
        if why:
            raise UnsupportedMaterialError(why)
        return e - sum(comp.get_atomic_fraction(el) * self.mu[el.symbol] for el in comp.elements)

    def unsupported(self, composition: Any) -> str:
        """Why this mapping gives no energy for ``composition`` ("" when it does).

        An element held by fewer than :data:`MIN_REFERENCES` reference structures has no
        fitted reference energy worth the name. Callers that relax before they map (design)
        ask first, so no relaxation is spent on a material the mapping must refuse.
        """
        from pymatgen.core import Composition

        comp = composition if hasattr(composition, "elements") else Composition(composition)
        thin = sorted(
            el.symbol for el in comp.elements if self.counts.get(el.symbol, 0) < MIN_REFERENCES
        )
        if not thin:
            return ""
        have = ", ".join(f"{el}: {self.counts.get(el, 0)}" for el in thin)
        return (
            f"element(s) {', '.join(thin)} of {display_formula(comp)} have fewer than "
            f"{MIN_REFERENCES} reference structures for {self.potential} ({have}), so no "
            "mapped energy is given. Add structures with a snapshot formation energy that "
            "hold it (ssenb/mlip/reference_set.py) and rerun "
            "scripts/make_reference_energies.py, or use DFT entries (source=[...])"
        )


def _fractions(formulas: Sequence[str]) -> tuple[np.ndarray, list[str]]:
    from pymatgen.core import Composition

    comps = [Composition(f) for f in formulas]
    elements = sorted({el.symbol for c in comps for el in c.elements})
    x = np.array([[c.get_atomic_fraction(el) for el in elements] for c in comps])
    return x.reshape(len(comps), len(elements)), elements


def fit_mapped_scale(
    energies: pd.DataFrame, *, potential: str | None = None, lam: float = RIDGE_LAMBDA
) -> MappedScale:
    """Fit the elemental references and run the leave-one-out benchmark.

    Parameters
    ----------
    energies : DataFrame
        One row per reference structure with ``formula``, ``e_mlip_eV_atom`` (NaN: not
        converged), ``converged``, ``source`` and, optionally, ``id`` and the snapshot's
        ``formation_energy_eV_atom`` / ``decomposition_energy_eV_atom`` (looked up in the
        snapshot when absent; an element row, ``source == "element"``, has Ef = 0 and is
        fitted but not benchmarked).
    potential : str, optional
        Label of the potential (default: the frame's ``potential`` column).
    lam : float
        Ridge strength λ (:data:`RIDGE_LAMBDA`).

    Returns
    -------
    MappedScale
    """
    from ..data.mp_snapshot import CORRECTION_SCHEME, SNAPSHOT_NAME
    from .reference_set import snapshot_row

    need = {"formula", "e_mlip_eV_atom", "converged", "source"}
    if not need <= set(energies.columns):
        raise InvalidInputError(
            f"reference energies lack column(s) {sorted(need - set(energies.columns))}; "
            "make them with scripts/make_reference_energies.py"
        )
    t = energies.copy()
    if potential is None:
        labels = set(t.get("potential", pd.Series(["unnamed potential"])).dropna())
        if len(labels) != 1:
            raise IncompatibleSourcesError(
                f"reference energies of several potentials {sorted(labels)}; one fit takes one"
            )
        potential = str(labels.pop())
    if "id" not in t:
        t["id"] = [f"row {i}" for i in range(len(t))]
    t["e_mlip_eV_atom"] = pd.to_numeric(t["e_mlip_eV_atom"], errors="coerce")
    conv = t["converged"].astype(str).str.lower().isin(("true", "1"))
    is_el = (t["source"] == "element").to_numpy()
    if K.E_FORM not in t:
        rows = [None if el else snapshot_row(f) for f, el in zip(t["formula"], is_el)]
        t[K.E_FORM] = [0.0 if el else (r[0] if r else math.nan) for r, el in zip(rows, is_el)]
        t[K.E_DECOMP] = [math.nan if el or not r else r[1] for r, el in zip(rows, is_el)]
    ok = (
        conv.to_numpy()
        & np.isfinite(t["e_mlip_eV_atom"].to_numpy())
        & np.isfinite(t[K.E_FORM].to_numpy(dtype=float))
    )
    n_unconverged = int((~conv).sum())
    t = t[ok].reset_index(drop=True)
    if len(t) < 2:
        raise InvalidInputError(f"only {len(t)} usable reference energies; a fit needs more")
    x, elements = _fractions(t["formula"].tolist())
    e_mlip = t["e_mlip_eV_atom"].to_numpy(dtype=float)
    e_form = t[K.E_FORM].to_numpy(dtype=float)
    mu = fit_references(x, e_mlip, e_form, lam=lam)
    counts = (x > 0).sum(axis=0)

    loo = np.full(len(t), math.nan)
    is_el = (t["source"] == "element").to_numpy()
    for k in np.flatnonzero(~is_el):
        keep = np.arange(len(t)) != k
        if ((x[keep] > 0).sum(axis=0)[x[k] > 0] == 0).any():
            continue  # an element only this structure holds: not predictable
        mu_k = fit_references(x[keep], e_mlip[keep], e_form[keep], lam=lam)
        loo[k] = e_mlip[k] - float(x[k] @ np.nan_to_num(mu_k))
    t["anion_class"] = [anion_class(f) for f in t["formula"]]
    t["e_form_loo_eV_atom"] = loo
    e_decomp = t[K.E_DECOMP].to_numpy(dtype=float)
    t["e_hull_dft_eV_atom"] = e_decomp  # signed distance to the hull of the others
    t["e_hull_loo_eV_atom"] = loo - e_form + e_decomp
    t["benchmarked"] = np.isfinite(t["e_hull_loo_eV_atom"].to_numpy())
    scores = _scores(t)
    return MappedScale(
        potential=potential,
        snapshot=f"{SNAPSHOT_NAME}, {CORRECTION_SCHEME}",
        mu={el: float(m) for el, m in zip(elements, mu)},
        counts={el: int(c) for el, c in zip(elements, counts)},
        table=t,
        mae=scores[0],
        mae_clipped=scores[1],
        confusion=scores[2],
        n_fit=len(t),
        n_unconverged=n_unconverged,
        ridge_lambda=float(lam),
    )


def _scores(
    t: pd.DataFrame,
) -> tuple[dict[str, float], dict[str, float], dict[str, dict[str, int]]]:
    """LOO MAE (signed and clipped at 0) overall and per anion class; confusion counts."""
    b = t[t["benchmarked"]]
    dft = b["e_hull_dft_eV_atom"].to_numpy()
    pred = b["e_hull_loo_eV_atom"].to_numpy()
    err = np.abs(pred - dft)
    err_clip = np.abs(np.maximum(pred, 0) - np.maximum(dft, 0))
    mae = {"overall": float(err.mean()) if len(b) else math.nan}
    clip = {"overall": float(err_clip.mean()) if len(b) else math.nan}
    for cls in ANION_CLASSES:
        m = (b["anion_class"] == cls).to_numpy()
        if m.sum() >= MIN_CLASS_MEMBERS:
            mae[cls] = float(err[m].mean())
            clip[cls] = float(err_clip[m].mean())
    conf = {f"{round(th * 1000)}": confusion(dft, pred, th) for th in THRESHOLDS}
    return mae, clip, conf


def _potential_key(potential: Any) -> str:
    """The shipped name ("chgnet", "7net-0") of a potential given by name, object or None."""
    from .potential import label

    if potential is None:
        return "chgnet"
    if isinstance(potential, str):
        if potential in SHIPPED:
            return potential
        raise UnknownNameError(
            f"potential={potential!r} has no shipped reference energies; use one of "
            f"{', '.join(SHIPPED)}, or compute them with scripts/make_reference_energies.py"
        )
    from .potential import check_potential

    name = label(check_potential(potential))
    for key in SHIPPED:
        try:
            if reference_energies(key)["potential"].iloc[0] == name:
                return key
        except SsenbError:
            continue
    raise UnknownNameError(
        f"no shipped reference energies were computed with {name}; mapped energies need the "
        f"same potential as the references ({', '.join(SHIPPED)}), or run "
        "scripts/make_reference_energies.py with it"
    )


@lru_cache(maxsize=4)
def _read_reference_energies(key: str) -> pd.DataFrame:
    from importlib.resources import files

    from ..errors import DataUnavailableError

    path = files("ssenb.mlip") / "data" / SHIPPED[key]
    if not path.is_file():
        raise DataUnavailableError(
            f"no reference energies for {key} in this installation ({SHIPPED[key]}); make them "
            f"with: python scripts/make_reference_energies.py --potential {key}"
        )
    with path.open() as fh:
        frame = pd.read_csv(fh, comment="#", dtype={"id": str, "formula": str, "source": str})
    return frame


def reference_energies(potential: str | Potential | None = None) -> pd.DataFrame:
    """The shipped reference energies of a potential (made by scripts/make_reference_energies.py).

    Parameters
    ----------
    potential : {"chgnet", "7net-0"}, Potential or None
        None: CHGNet 0.3.0.

    Returns
    -------
    DataFrame
        id, source, formula, n_atoms, e_mlip_eV_atom (NaN where not converged),
        converged, steps, max_force_eV_A, volume_A3_atom, prescale, seconds, potential,
        versions. A fresh copy.
    """
    return _read_reference_energies(_potential_key(potential)).copy()


@lru_cache(maxsize=4)
def _scale(key: str) -> MappedScale:
    return fit_mapped_scale(_read_reference_energies(key))


def mapped_scale(potential: str | Potential | None = None) -> MappedScale:
    """The fitted mapping and its leave-one-out benchmark for a shipped potential (cached).

    Parameters
    ----------
    potential : {"chgnet", "7net-0"}, Potential or None
        None: CHGNet 0.3.0.

    Returns
    -------
    MappedScale
    """
    return _scale(_potential_key(potential))


def default_potential(chemistry: Any) -> str:
    """The shipped potential whose mapped E_hull is best benchmarked for a chemistry.

    Parameters
    ----------
    chemistry : str or Composition
        An anion class ("oxide", "sulfide", "halide", "other"), a chemical system
        ("Li-P-S"; each element counts once, so "Li-P-S-Cl" is a halide by
        :func:`anion_class`'s tie rule: pass "sulfide" or a formula for an argyrodite) or a
        formula.

    Returns
    -------
    str
        "chgnet" or "7net-0". CHGNet 0.3.0 (ssenb's default potential) unless another
        shipped potential has the lower LOO E_hull MAE by more than twice the standard error
        of the paired difference, on the compounds of that anion class that both benchmarked
        (all common compounds where the class has fewer than :data:`MIN_CLASS_MEMBERS`).
    """
    if isinstance(chemistry, str) and chemistry in ANION_CLASSES:
        cls = chemistry
    else:
        text = chemistry.replace("-", "") if isinstance(chemistry, str) else chemistry
        try:
            cls = anion_class(text)
        except (ValueError, KeyError) as err:
            raise InvalidInputError(
                f"chemistry={chemistry!r}: give an anion class ({', '.join(ANION_CLASSES)}), a "
                "chemical system ('Li-P-S') or a formula"
            ) from err
    scales = {}
    for key in SHIPPED:
        try:
            scales[key] = _scale(key)
        except SsenbError:
            continue
    best = "chgnet"
    if best not in scales:
        return next(iter(scales), best)
    for key in scales:
        if key != best and _significantly_better(scales, key, best, cls):
            best = key
    return best


def _paired_errors(scales: dict[str, MappedScale], cls: str) -> dict[str, pd.Series]:
    """|LOO E_hull error| (eV/atom) per potential on the compounds every potential benchmarked.

    The shipped sets may differ (a slower potential may not have reached the largest cells),
    so potentials are compared on the same compounds, by id: of ``cls`` where they number
    at least :data:`MIN_CLASS_MEMBERS`, else all common ones.
    """
    common = set.intersection(
        *({*s.table.loc[s.table["benchmarked"], "id"]} for s in scales.values())
    )
    first = next(iter(scales.values())).table.set_index("id")
    ids = sorted(common)
    in_cls = [i for i in ids if first.loc[i, "anion_class"] == cls]
    ids = in_cls if len(in_cls) >= MIN_CLASS_MEMBERS else ids
    out = {}
    for key, s in scales.items():
        t = s.table.set_index("id").loc[ids]
        out[key] = (t["e_hull_loo_eV_atom"] - t["e_hull_dft_eV_atom"]).abs()
    return out


def _significantly_better(scales: dict[str, MappedScale], key: str, than: str, cls: str) -> bool:
    """Whether ``key`` has the lower MAE than ``than`` by more than twice its standard error.

    Paired over the same compounds (:func:`_paired_errors`): d_i = |err_key| − |err_than|;
    better when mean(d) < −2 sd(d)/√n. A smaller difference is noise of a few dozen
    compounds, and the default (CHGNet, several times faster on a CPU) stays.
    """
    errs = _paired_errors(scales, cls)
    d = (errs[key] - errs[than]).to_numpy()
    if len(d) < 2:
        return False
    return bool(d.mean() < -2 * d.std(ddof=1) / math.sqrt(len(d)))


def _scale_for(potential: Any, source: Any) -> MappedScale:
    from ..thermo.sources import MPSnapshot, get_source

    if not isinstance(get_source(source), MPSnapshot):
        raise IncompatibleSourcesError(
            f"source={source!r}: mapped energies are fitted onto the offline MP ~2019 snapshot's "
            "scale only; use source=None (or 'mp2019'). With DFT entries or a Materials Project "
            "key, compare the potential against them directly (ssenb.mlip.substitute)"
        )
    if isinstance(potential, MappedScale):
        return potential
    return mapped_scale(potential)


def _composition(item: Any) -> Composition:
    """The composition of a Structure, a Composition or a formula."""
    from pymatgen.core import Composition

    comp = getattr(item, "composition", item)
    if comp is None or not isinstance(comp, Composition | str):
        raise InvalidInputError(
            f"{type(item).__name__} is not a structure: give a pymatgen Structure, a "
            "Composition or a formula for each row"
        )
    return comp if isinstance(comp, Composition) else Composition(comp)


def _check_inputs(structures: Sequence[Any], energies: Sequence[float]) -> None:
    if isinstance(structures, str) or not isinstance(structures, Sequence):
        raise InvalidInputError(
            f"structures={type(structures).__name__}: pass a list of pymatgen Structures"
        )
    if isinstance(energies, str) or not hasattr(energies, "__len__"):
        raise InvalidInputError(
            f"e_mlip_per_atom={energies!r}: pass a list of energies (eV/atom), one per structure"
        )
    if len(structures) != len(energies):
        raise InvalidInputError(
            f"{len(structures)} structures but {len(energies)} energies; give one potential "
            "energy (eV/atom) per structure"
        )


def mapped_e_hull(
    structures: Sequence[Structure],
    e_mlip_per_atom: Sequence[float],
    *,
    potential: str | Potential | MappedScale | None = None,
    source: Any = None,
) -> pd.DataFrame:
    """E_hull of new structures against the offline snapshot, from their potential energies.

    Each energy is mapped onto the snapshot's formation-energy scale by the potential's
    fitted elemental references (:class:`MappedScale`) and placed against the snapshot hull
    of its chemical system.

    Parameters
    ----------
    structures : sequence of pymatgen Structure (or Composition)
    e_mlip_per_atom : sequence of float
        Their energies from ``potential`` (eV/atom, the potential's own convention, no
        corrections; NaN for an unconverged relaxation).
    potential : {"chgnet", "7net-0"}, Potential, MappedScale or None
        The potential that gave the energies (None: CHGNet 0.3.0).
    source : None or "mp2019"
        The hull: the offline snapshot is the only one the mapping is fitted to.

    Returns
    -------
    DataFrame
        One row per input, in input order: e_form_mapped_eV_atom, e_hull_eV_atom (signed:
        negative below the snapshot hull), e_hull_uncertainty_eV_atom (LOO MAE of the
        material's anion class, else overall), decomposition
        (:class:`~ssenb.thermo.decomposition.Decomposition`), hull_method, error (None, or
        why the row has no value: an element without references, a non-finite energy...).

    Raises
    ------
    InvalidInputError
        Lengths differ, or a source other than the snapshot.
    """
    from ..thermo.sources import get_source
    from ..thermo.stability import stability_of

    _check_inputs(structures, e_mlip_per_atom)
    scale = _scale_for(potential, source)
    src = get_source(source)
    rows = []
    for s, e in zip(structures, e_mlip_per_atom):
        row: dict[str, Any] = dict.fromkeys(COLUMNS)
        row |= {E_FORM_MAPPED: math.nan, E_HULL_MAPPED: math.nan, E_HULL_UNCERTAINTY: math.nan}
        try:
            comp = _composition(s)
            row[HULL_METHOD] = scale.method(comp)
            row[E_HULL_UNCERTAINTY] = scale.uncertainty(comp)[0]
            ef = scale.formation_energy(comp, e)
            row[E_FORM_MAPPED] = ef
            st = stability_of(comp, src, formation_energy=ef)
            row[E_HULL_MAPPED] = float(st.e_above_hull)
            row[K.DECOMPOSITION] = st.decomposition
        except (SsenbError, ValueError, KeyError, TypeError) as err:
            row[K.ERROR] = f"{type(err).__name__}: {err}"
        rows.append(row)
    return pd.DataFrame(rows, columns=list(COLUMNS))


def mapped_entries(
    structures: Sequence[Structure],
    e_mlip_per_atom: Sequence[float],
    *,
    potential: str | Potential | MappedScale | None = None,
    source: Any = None,
) -> list[ComputedEntry]:
    """Potential energies as entries on the snapshot's formation-energy scale.

    Parameters
    ----------
    structures, e_mlip_per_atom, potential, source
        As :func:`mapped_e_hull`.

    Returns
    -------
    list of ComputedEntry
        One per structure that maps (the others are left out; :func:`mapped_e_hull` says
        why): energy = mapped formation energy × atoms (eV; elements at 0),
        ``parameters["run_type"] = "MLIP"``, ``data["energy_source"]`` naming the potential
        *and* the mapping (so :func:`ssenb.mlip.mlip_source` refuses to mix them with plain
        MLIP entries), ``data["hull_method"]`` and ``data["e_hull_uncertainty_eV_atom"]``.
    """
    from pymatgen.entries.computed_entries import ComputedEntry

    _check_inputs(structures, e_mlip_per_atom)
    scale = _scale_for(potential, source)
    out = []
    for i, (s, e) in enumerate(zip(structures, e_mlip_per_atom)):
        try:
            comp = _composition(s)
            ef = scale.formation_energy(comp, e)
        except (SsenbError, ValueError, TypeError):
            continue
        out.append(
            ComputedEntry(
                comp,
                ef * comp.num_atoms,
                parameters={"run_type": "MLIP", "potential": scale.potential},
                data={
                    "energy_source": f"{scale.potential}, mapped onto the MP ~2019 snapshot",
                    "hull_method": scale.method(comp),
                    E_HULL_UNCERTAINTY: scale.uncertainty(comp)[0],
                },
                entry_id=f"mapped:{i}",
            )
        )
    return out


def mapped_source(
    structures: Sequence[Structure],
    e_mlip_per_atom: Sequence[float],
    *,
    potential: str | Potential | MappedScale | None = None,
) -> UserEntries:
    """The snapshot's phases of the structures' chemical system plus the mapped structures.

    An entry source for :mod:`ssenb.thermo` (windows, interface reactions) whose name says
    that MLIP-mapped energies joined the snapshot's DFT formation energies.

    Parameters
    ----------
    structures, e_mlip_per_atom, potential
        As :func:`mapped_e_hull`.

    Returns
    -------
    ssenb.thermo.UserEntries
        Formation energies (elements at 0 eV/atom); at most
        :data:`~ssenb.thermo.sources.MAX_HULL_ELEMENTS` elements in all.
    """
    from ..data.mp_snapshot import CORRECTION_SCHEME
    from ..thermo import UserEntries
    from ..thermo.sources import get_source

    entries = mapped_entries(structures, e_mlip_per_atom, potential=potential)
    if not entries:
        raise UnsupportedMaterialError(
            "no structure could be mapped (see mapped_e_hull(...)['error'] for why)"
        )
    scale = _scale_for(potential, None)
    elements = sorted({el.symbol for e in entries for el in e.composition.elements})
    snapshot = get_source(None).entries(elements)
    return UserEntries(
        [*snapshot, *entries],
        name=f"MP ~2019 snapshot + {len(entries)} {scale.potential} structure(s) mapped onto it",
        correction_scheme=f"{CORRECTION_SCHEME}; MLIP energies mapped by fitted elemental "
        "references",
        energy_kind="formation",
    )


__all__ = [
    "ANION_CLASSES",
    "COLUMNS",
    "E_FORM_MAPPED",
    "E_HULL_MAPPED",
    "E_HULL_UNCERTAINTY",
    "HULL_METHOD",
    "MIN_REFERENCES",
    "RIDGE_LAMBDA",
    "SHIPPED",
    "AnionClass",
    "MappedScale",
    "anion_class",
    "default_potential",
    "fit_mapped_scale",
    "fit_references",
    "mapped_e_hull",
    "mapped_entries",
    "mapped_scale",
    "mapped_source",
    "reference_energies",
]
