"""Elastic tensor, Voigt–Reuss–Hill moduli and Born stability from an interatomic potential.

The protocol (the stress–strain method of de Jong et al., Sci. Data 2, 150009 (2015), the
one behind the Materials Project moduli, with a potential in place of DFT):

1. Relax the structure (positions and cell, FIRE + FrechetCellFilter, ``fmax``).
2. For each of the six Voigt components (xx, yy, zz, yz, xz, xy) and each strain
   magnitude δ in ``strains`` (default ±0.5 % and ±1 %: normal strains ε_ii = δ,
   engineering shear strains γ = 2ε_ij = δ), deform the relaxed cell by F = I + ε and
   relax the atoms in the fixed strained cell (relaxed-ion tensor, as MP's).
3. Fit the 6×6 tensor C (GPa) to all (ε, σ − σ₀) pairs by least squares, σ₀ being the
   residual stress of the relaxed cell; symmetrise it.
4. Born stability: C is positive definite (all eigenvalues > 0; Mouhat & Coudert, Phys.
   Rev. B 90, 224104 (2014)). An unstable tensor gets no modulus (NaN), only the flag.
5. Voigt, Reuss and Hill (their mean) bulk and shear moduli (GPa), identical to pymatgen's
   ``ElasticTensor.k_vrh`` / ``g_vrh``.

Numerical noise is stated with every result: the rms residual of the fit and the largest
asymmetry |C_ij − C_ji| before symmetrising (GPa), both small for a linear response.
CPU time is bounded: cells of at most :data:`MAX_ELASTIC_ATOMS` sites, at most
``1 + 6 × len(strains)`` relaxations of at most ``steps`` FIRE steps each, and a wall-clock
limit ``max_time_s`` (default 600 s) after which the result is returned flagged, without
moduli.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import keys as K
from ..errors import InvalidInputError
from ..results import Result, fmt_number
from .potential import Potential, check_structure, cutoff_of, label

if TYPE_CHECKING:
    import pandas as pd
    from pymatgen.core import Structure

#: strain magnitudes (fraction) applied to each Voigt component by default
DEFAULT_STRAINS: tuple[float, ...] = (-0.01, -0.005, 0.005, 0.01)
#: smallest and largest strain magnitude accepted (fraction): 0.01 % to 5 %
STRAIN_LIMITS = (1e-4, 0.05)
#: largest cell (sites) elastic_moduli accepts: 25 relaxations of it must stay minutes on CPU
MAX_ELASTIC_ATOMS = 64
#: MAE of each potential in (log10 G, log10 K) (log10 GPa) on the moduli benchmark
#: (benchmarks/potential_moduli.py; docs/electronic_mechanical.md), keyed by potential name
POTENTIAL_LOG10_MAE: dict[str, tuple[float, float]] = {
    "SevenNet 7net-0": (0.075, 0.074),  # 8 structures: 6 MP DFT + LiF, Li2O experiment
    "CHGNet 0.3.0": (0.214, 0.145),  # the same 8
}
#: potential elastic_moduli uses when none is given: SevenNet-0 (benchmark above; its
#: stress is smooth: fit rms 0.007 GPa on Li2O against CHGNet's 0.12)
DEFAULT_POTENTIAL = "7net-0"
#: Voigt order of the six strain/stress components
VOIGT = ("xx", "yy", "zz", "yz", "xz", "xy")
_PAIRS = ((0, 0), (1, 1), (2, 2), (1, 2), (0, 2), (0, 1))


@dataclass(frozen=True, eq=False)
class ElasticModuli(Result):
    """An elastic tensor and its Voigt–Reuss–Hill moduli, or the reason there are none.

    Attributes
    ----------
    formula : str
    tensor_gpa : tuple of tuples
        The symmetrised 6×6 elastic tensor, Voigt notation (GPa); NaN when not computed.
    shear_modulus_gpa, bulk_modulus_gpa : float
        Hill (VRH) averages (GPa); NaN when the tensor is unstable or a step failed.
    shear_voigt_gpa, shear_reuss_gpa, bulk_voigt_gpa, bulk_reuss_gpa : float
        The bounds the Hill values average (GPa); NaN as above.
    stable : bool
        Born stability: every eigenvalue of the tensor is positive.
    min_eigenvalue_gpa : float
    fit_rms_gpa, asymmetry_gpa : float
        Numerical noise: rms stress residual of the linear fit, largest |C_ij − C_ji| (GPa).
    strain_sensitivity_gpa : float
        How much G_VRH and K_VRH move when the tensor is fitted to the smaller and to the
        larger half of the strain magnitudes separately (half the larger difference, GPa):
        the noise of the potential's stress seen in the moduli themselves. NaN when fewer
        than four distinct strains were used.
    strains : tuple of float
        Magnitudes applied to each Voigt component (fraction).
    n_unconverged : int
        Strained cells whose ionic relaxation did not converge.
    relaxation_converged : bool
        Whether the first, full relaxation converged.
    flag : str
        "" when the moduli are trustworthy; otherwise why they are withheld.
    potential : str
    time_s : float
    """

    formula: str
    tensor_gpa: tuple[tuple[float, ...], ...]
    shear_modulus_gpa: float
    bulk_modulus_gpa: float
    shear_voigt_gpa: float
    shear_reuss_gpa: float
    bulk_voigt_gpa: float
    bulk_reuss_gpa: float
    stable: bool
    min_eigenvalue_gpa: float
    fit_rms_gpa: float
    asymmetry_gpa: float
    strain_sensitivity_gpa: float
    strains: tuple[float, ...]
    n_unconverged: int
    relaxation_converged: bool
    flag: str
    potential: str
    time_s: float

    @property
    def tensor(self) -> np.ndarray:
        """The 6×6 Voigt tensor as an array (GPa)."""
        return np.asarray(self.tensor_gpa, dtype=float)

    @property
    def ok(self) -> bool:
        """True when the moduli are reported (stable tensor, every step converged)."""
        return not self.flag

    def title(self) -> str:
        """Heading: the formula."""
        return f"Elastic moduli of {self.formula}"

    def log10_uncertainty(self) -> tuple[float, float]:
        """1σ of (log10 G, log10 K): the potential's benchmark MAE and the strain sensitivity.

        The two add in quadrature; the sensitivity (GPa) enters relative to the modulus.
        NaN when the potential was not benchmarked (:data:`POTENTIAL_LOG10_MAE`).
        """
        name = self.potential.split(" (")[0]  # "CHGNet 0.3.0", "SevenNet 7net-0"
        mae_g, mae_k = POTENTIAL_LOG10_MAE.get(name, (math.nan, math.nan))
        sens = self.strain_sensitivity_gpa if math.isfinite(self.strain_sensitivity_gpa) else 0.0
        out = []
        for mae, value in ((mae_g, self.shear_modulus_gpa), (mae_k, self.bulk_modulus_gpa)):
            rel = math.log10(1 + sens / value) if value > 0 else math.nan
            out.append(math.hypot(mae, rel))
        return out[0], out[1]

    def summary(self) -> list[tuple[str, str]]:
        """Moduli (GPa), stability, noise, protocol and the potential."""
        rows = [
            ("shear modulus G_VRH", fmt_number(self.shear_modulus_gpa, "GPa", digits=1)),
            ("bulk modulus K_VRH", fmt_number(self.bulk_modulus_gpa, "GPa", digits=1)),
            (
                "Born stability",
                ("stable" if self.stable else "UNSTABLE")
                + f" (smallest eigenvalue {fmt_number(self.min_eigenvalue_gpa, 'GPa', digits=1)})",
            ),
            (
                "numerical noise",
                f"fit rms {fmt_number(self.fit_rms_gpa, 'GPa', digits=3)}, asymmetry "
                f"{fmt_number(self.asymmetry_gpa, 'GPa', digits=3)}; moduli move by "
                f"±{fmt_number(self.strain_sensitivity_gpa, 'GPa', digits=1)} between small "
                "and large strains",
            ),
            ("strains", ", ".join(f"{s:+.2%}" for s in self.strains) + " per Voigt component"),
            ("potential", self.potential),
        ]
        if self.flag:
            rows.insert(0, ("WARNING", self.flag))
        return rows

    def to_frame(self) -> pd.DataFrame:
        """The 6×6 tensor (GPa) with Voigt labels."""
        import pandas as pd

        return pd.DataFrame(self.tensor, index=list(VOIGT), columns=list(VOIGT))

    def row(self) -> dict[str, Any]:
        """One table row: G, K (GPa) and their log10, for batch tables."""
        g, k = self.shear_modulus_gpa, self.bulk_modulus_gpa
        return {
            K.G_VRH: g,
            K.K_VRH: k,
            K.LOG10_G: math.log10(g) if g > 0 else math.nan,
            K.LOG10_K: math.log10(k) if k > 0 else math.nan,
            "stable": self.stable,
            K.ERROR: self.flag,
        }


def vrh_moduli(tensor_gpa: Any) -> dict[str, float]:
    """Voigt, Reuss and Hill bulk and shear moduli (GPa) of a 6×6 Voigt elastic tensor.

    Why: the averages that turn an anisotropic tensor into the K and G of Materials Project
    (Hill, Proc. Phys. Soc. A 65, 349 (1952)); pymatgen's ``ElasticTensor`` gives the same.

    Parameters
    ----------
    tensor_gpa : array-like, 6×6
        Elastic constants in Voigt notation (GPa), engineering shear strains.

    Returns
    -------
    dict
        ``K_V, K_R, K_VRH, G_V, G_R, G_VRH`` (GPa).

    Raises
    ------
    InvalidInputError
        Not a finite 6×6 array, or singular (no compliance, so no Reuss bound).

    Examples
    --------
    >>> c11, c12, c44 = 100.0, 40.0, 30.0  # cubic
    >>> m = vrh_moduli([[c11, c12, c12, 0, 0, 0], [c12, c11, c12, 0, 0, 0],
    ...                 [c12, c12, c11, 0, 0, 0], [0, 0, 0, c44, 0, 0],
    ...                 [0, 0, 0, 0, c44, 0], [0, 0, 0, 0, 0, c44]])
    >>> round(m["K_VRH"], 6)  # (C11 + 2 C12) / 3
    60.0
    """
    c = _check_tensor(tensor_gpa)
    try:
        s = np.linalg.inv(c)
    except np.linalg.LinAlgError as err:
        raise InvalidInputError("the elastic tensor is singular: it has no Reuss bound") from err
    k_v = (c[0, 0] + c[1, 1] + c[2, 2] + 2 * (c[0, 1] + c[1, 2] + c[0, 2])) / 9
    g_v = (
        c[0, 0]
        + c[1, 1]
        + c[2, 2]
        - (c[0, 1] + c[1, 2] + c[0, 2])
        + 3 * (c[3, 3] + c[4, 4] + c[5, 5])
    ) / 15
    k_r = 1 / (s[0, 0] + s[1, 1] + s[2, 2] + 2 * (s[0, 1] + s[1, 2] + s[0, 2]))
    g_r = 15 / (
        4 * (s[0, 0] + s[1, 1] + s[2, 2])
        - 4 * (s[0, 1] + s[1, 2] + s[0, 2])
        + 3 * (s[3, 3] + s[4, 4] + s[5, 5])
    )
    return {
        "K_V": float(k_v),
        "K_R": float(k_r),
        "K_VRH": float((k_v + k_r) / 2),
        "G_V": float(g_v),
        "G_R": float(g_r),
        "G_VRH": float((g_v + g_r) / 2),
    }


def born_stable(tensor_gpa: Any) -> tuple[bool, float]:
    """Born stability of a 6×6 elastic tensor: positive definite, and its smallest eigenvalue.

    Parameters
    ----------
    tensor_gpa : array-like, 6×6 (GPa)

    Returns
    -------
    (bool, float)
        Whether all eigenvalues of the symmetric part are > 0; the smallest one (GPa).

    Examples
    --------
    >>> born_stable(np.diag([100.0, 100, 100, 30, 30, -1]))
    (False, -1.0)
    """
    c = _check_tensor(tensor_gpa)
    eig = np.linalg.eigvalsh((c + c.T) / 2)
    return bool(eig.min() > 0), float(eig.min())


def _check_tensor(tensor_gpa: Any) -> np.ndarray:
    c = np.asarray(tensor_gpa, dtype=float)
    if c.shape != (6, 6) or not np.isfinite(c).all():
        raise InvalidInputError(
            f"an elastic tensor must be a finite 6×6 Voigt array in GPa, got shape {c.shape}"
        )
    return c


def strain_matrix(component: int, magnitude: float) -> np.ndarray:
    """The symmetric 3×3 strain of one Voigt component (shear: engineering γ = 2ε_ij)."""
    i, j = _PAIRS[component]
    eps = np.zeros((3, 3))
    if i == j:
        eps[i, i] = magnitude
    else:
        eps[i, j] = eps[j, i] = magnitude / 2
    return eps


def voigt_stress(stress: Any) -> np.ndarray:
    """A stress (GPa) as a Voigt 6-vector, from a 3×3 matrix or a 6-vector."""
    s = np.asarray(stress, dtype=float)
    if s.shape == (6,):
        return s
    if s.shape == (3, 3):
        return np.array([s[i, j] for i, j in _PAIRS])
    raise InvalidInputError(f"a stress must be 3×3 or a Voigt 6-vector, got shape {s.shape}")


def fit_tensor(strains: np.ndarray, stresses: np.ndarray) -> tuple[np.ndarray, float, float]:
    """Least-squares C from Voigt strains (n×6) and stresses (n×6, GPa): σ = C ε.

    Returns
    -------
    (numpy.ndarray, float, float)
        The symmetrised tensor (GPa), the rms stress residual (GPa), the largest
        |C_ij − C_ji| before symmetrising (GPa).

    Raises
    ------
    InvalidInputError
        Fewer than two distinct strains of every Voigt component: the six columns are not
        all determined twice over.
    """
    e = np.asarray(strains, dtype=float)
    s = np.asarray(stresses, dtype=float)
    counts = [len({round(v, 12) for v in e[:, j] if v != 0}) for j in range(6)]
    if min(counts) < 2:
        missing = [VOIGT[j] for j in range(6) if counts[j] < 2]
        raise InvalidInputError(
            f"too few strains for an elastic tensor: components {', '.join(missing)} have fewer "
            "than two distinct non-zero strains; use at least two magnitudes, e.g. "
            "strains=(-0.01, -0.005, 0.005, 0.01)"
        )
    for _ in range(3):  # the OpenBLAS here makes an SVD fail now and then: retry
        try:
            ct, *_ = np.linalg.lstsq(e, s, rcond=None)
            break
        except np.linalg.LinAlgError:
            continue
    else:  # normal equations: well conditioned for these strain sets
        ct = np.linalg.solve(e.T @ e, e.T @ s)
    c = ct.T
    residual = s - e @ ct
    rms = float(np.sqrt(np.mean(residual**2)))
    return (c + c.T) / 2, rms, float(np.abs(c - c.T).max())


def elastic_moduli(
    structure: Structure,
    potential: Potential | str | None = None,
    *,
    strains: tuple[float, ...] = DEFAULT_STRAINS,
    relax_first: bool = True,
    fmax: float = 0.01,
    steps: int = 300,
    max_time_s: float = 600.0,
) -> ElasticModuli:
    """Elastic tensor, VRH shear and bulk moduli (GPa) and Born stability from a potential.

    Why: Monroe–Newman's dendrite criterion needs the shear modulus of an electrolyte
    that has no elastic tensor in any database; a universal potential gives one in minutes.

    Parameters
    ----------
    structure : pymatgen Structure
        Ordered, at most :data:`MAX_ELASTIC_ATOMS` (64) sites.
    potential : Potential or str, optional
        Default :data:`DEFAULT_POTENTIAL` (SevenNet-0, the better of the shipped potentials
        on the moduli benchmark, with a smooth stress); or a shipped potential's name
        (``"chgnet"``) or any :class:`~ssenb.mlip.Potential`.
    strains : tuple of float
        Strain magnitudes applied to each of the six Voigt components (fraction, each
        between 1e-4 and 0.05 in size; at least two distinct values).
    relax_first : bool
        Relax positions and cell first (needed unless ``structure`` is already relaxed
        with this very potential: residual stress is subtracted, but not residual forces).
    fmax : float
        Force criterion of every relaxation (eV/Å).
    steps : int
        Most FIRE steps per relaxation.
    max_time_s : float
        Wall-clock budget (s); past it the result is returned flagged, without moduli.

    Returns
    -------
    ElasticModuli
        ``flag`` is "" when the moduli are reported; otherwise it says why they are NaN
        (mechanically unstable, a relaxation did not converge, time limit).

    Raises
    ------
    InvalidInputError
        Not a structure, too large, bad strains (too few, zero, over 5 %), bad settings.
    UnsupportedMaterialError
        Disordered, or elements the potential does not know.

    Examples
    --------
    >>> from pymatgen.core import Lattice, Structure
    >>> lif = Structure(Lattice.cubic(4.03), ["Li", "F"], [[0, 0, 0], [0.5, 0.5, 0.5]])
    >>> elastic_moduli(lif.get_primitive_structure()).shear_modulus_gpa  # doctest: +SKIP
    """
    from .sevennet import load_potential

    potential = load_potential(DEFAULT_POTENTIAL if potential is None else potential)
    check_structure(structure, cutoff_A=cutoff_of(potential))
    if len(structure) > MAX_ELASTIC_ATOMS:
        raise InvalidInputError(
            f"structure has {len(structure)} sites; elastic_moduli takes at most "
            f"{MAX_ELASTIC_ATOMS} on CPU (25 relaxations of the cell): use the primitive cell "
            "(structure.get_primitive_structure())"
        )
    mags = _check_strains(strains)
    if not (isinstance(max_time_s, int | float) and max_time_s > 0):
        raise InvalidInputError(f"max_time_s={max_time_s!r} must be a positive number of seconds")
    from .relaxation import relax

    start = time.perf_counter()
    formula = structure.composition.reduced_formula
    relaxed_ok = True
    if relax_first:
        first = relax(structure, potential, fmax=fmax, steps=steps, relax_cell=True)
        relaxed_ok = first.converged
        structure = first.structure
    base = voigt_stress(potential.calculate(structure).stress_GPa)
    rows_e, rows_s, unconverged, flag = [], [], 0, ""
    if not relaxed_ok:
        flag = f"the first relaxation did not converge within {steps} steps: no moduli"
    for j in range(6) if relaxed_ok else ():
        for m in mags:
            if time.perf_counter() - start > max_time_s:
                flag = f"time limit of {max_time_s:g} s reached before every strain was done"
                break
            eps = strain_matrix(j, m)
            calc = potential.calculate(cell := _strained(structure, eps))
            if np.linalg.norm(calc.forces_eV_A, axis=1).max() > fmax:  # ions must relax
                r = relax(cell, potential, fmax=fmax, steps=steps, relax_cell=False)
                unconverged += not r.converged
                calc = potential.calculate(r.structure)
            rows_e.append([eps[i, k] * (1 if i == k else 2) for i, k in _PAIRS])
            rows_s.append(voigt_stress(calc.stress_GPa) - base)
    if not flag and unconverged:
        flag = f"{unconverged} strained cell(s) did not converge within {steps} steps: no moduli"
    nan6 = tuple(tuple(math.nan for _ in range(6)) for _ in range(6))
    if flag:
        return _result(formula, nan6, None, False, math.nan, math.nan, math.nan, math.nan,
                       mags, unconverged, relaxed_ok, flag, potential, start)  # fmt: skip
    c, rms, asym = fit_tensor(np.array(rows_e), np.array(rows_s))
    sensitivity = _strain_sensitivity(np.array(rows_e), np.array(rows_s))
    stable, min_eig = born_stable(c)
    tensor = tuple(tuple(float(x) for x in row) for row in c)
    if not stable:
        flag = (
            f"mechanically unstable (Born criterion: smallest eigenvalue {min_eig:.1f} GPa): "
            "no modulus is reported"
        )
    moduli = vrh_moduli(c) if stable else None
    return _result(formula, tensor, moduli, stable, min_eig, rms, asym, sensitivity, mags,
                   unconverged, relaxed_ok, flag, potential, start)  # fmt: skip


def _result(
    formula: str,
    tensor: tuple[tuple[float, ...], ...],
    moduli: dict[str, float] | None,
    stable: bool,
    min_eig: float,
    rms: float,
    asym: float,
    sensitivity: float,
    mags: tuple[float, ...],
    unconverged: int,
    relaxed_ok: bool,
    flag: str,
    potential: Potential,
    start: float,
) -> ElasticModuli:
    m = moduli or dict.fromkeys(("K_V", "K_R", "K_VRH", "G_V", "G_R", "G_VRH"), math.nan)
    return ElasticModuli(
        formula=formula,
        tensor_gpa=tensor,
        shear_modulus_gpa=m["G_VRH"],
        bulk_modulus_gpa=m["K_VRH"],
        shear_voigt_gpa=m["G_V"],
        shear_reuss_gpa=m["G_R"],
        bulk_voigt_gpa=m["K_V"],
        bulk_reuss_gpa=m["K_R"],
        stable=stable,
        min_eigenvalue_gpa=min_eig,
        fit_rms_gpa=rms,
        asymmetry_gpa=asym,
        strain_sensitivity_gpa=sensitivity,
        strains=mags,
        n_unconverged=unconverged,
        relaxation_converged=relaxed_ok,
        flag=flag,
        potential=label(potential),
        time_s=time.perf_counter() - start,
    )


def _strain_sensitivity(strains: np.ndarray, stresses: np.ndarray) -> float:
    """Half the largest change of G_VRH or K_VRH between small- and large-strain fits (GPa)."""
    size = np.abs(strains).max(axis=1)
    cut = np.median(np.unique(np.round(size, 12)))
    parts = [size <= cut, size > cut]
    try:
        fits = [vrh_moduli(fit_tensor(strains[p], stresses[p])[0]) for p in parts]
    except InvalidInputError:  # fewer than two distinct strains in a half
        return math.nan
    return max(abs(fits[0][q] - fits[1][q]) for q in ("G_VRH", "K_VRH")) / 2


def _check_strains(strains: Any) -> tuple[float, ...]:
    try:
        mags = tuple(float(s) for s in strains)
    except (TypeError, ValueError) as err:
        raise InvalidInputError(
            f"strains={strains!r} must be a tuple of numbers (fractions, e.g. 0.005)"
        ) from err
    lo, hi = STRAIN_LIMITS
    bad = [s for s in mags if not (math.isfinite(s) and lo <= abs(s) <= hi)]
    if bad:
        raise InvalidInputError(
            f"strains={strains!r}: {bad[0]!r} is outside {lo:g} ≤ |strain| ≤ {hi:g} (fractions: "
            "0.005 is 0.5 %); a zero strain carries no information"
        )
    if len(set(mags)) < 2:
        raise InvalidInputError(
            f"too few strains: strains={strains!r} has {len(set(mags))} distinct value(s); a "
            "least-squares tensor needs at least two per component, e.g. (-0.005, 0.005)"
        )
    return mags


def _strained(structure: Structure, eps: np.ndarray) -> Structure:
    """The structure in the cell deformed by F = I + ε (fractional coordinates kept)."""
    from pymatgen.core import Lattice, Structure

    deformation = np.eye(3) + eps
    lattice = Lattice(structure.lattice.matrix @ deformation.T)
    return Structure(lattice, structure.species, structure.frac_coords)


__all__ = [
    "DEFAULT_POTENTIAL",
    "DEFAULT_STRAINS",
    "MAX_ELASTIC_ATOMS",
    "POTENTIAL_LOG10_MAE",
    "STRAIN_LIMITS",
    "ElasticModuli",
    "born_stable",
    "elastic_moduli",
    "fit_tensor",
    "strain_matrix",
    "voigt_stress",
    "vrh_moduli",
]
