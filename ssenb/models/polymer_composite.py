"""Composite electrolytes (polymer + ceramic filler): what ssenb can and cannot say.

ssenb has no data on composites, so it makes no prediction of a composite's measured
conductivity. What it can say honestly is what *mixing theory* allows for two phases of
known conductivity: bounds from effective-medium theory, labelled as a model.

- Wiener bounds (parallel and series layers): no two-phase composite, whatever its
  microstructure, conducts outside them.
- Hashin-Shtrikman bounds: the tightest bounds for a statistically isotropic
  three-dimensional two-phase composite (Hashin & Shtrikman, J. Appl. Phys. 33, 3125, 1962).
- Maxwell Garnett: dilute spheres of ceramic in a polymer matrix; it equals the HS bound
  whose reference phase is the matrix (the lower bound when the ceramic conducts better).

What these cannot capture, and why measured composites often fall outside them: the
interphase (space-charge layers and a percolating, more conductive polymer shell around
the particles), fillers changing the polymer's crystallinity and Tg, particle-particle
contact resistance, and particle shape and alignment. A measurement above the HS upper
bound of the two bulk phases says the interfaces, not the bulk phases, carry the current.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..errors import InvalidInputError

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

MODEL_LABEL = "effective-medium model (not data)"


def maxwell_garnett(
    sigma_matrix_S_cm: float, sigma_filler_S_cm: float, fraction: ArrayLike
) -> np.ndarray:
    """Maxwell Garnett conductivity (S/cm) of spheres (volume fraction) in a matrix.

    Examples
    --------
    >>> float(maxwell_garnett(1e-5, 1e-5, 0.3)[0])  # equal phases: the phase itself
    1e-05
    """
    sm, si = (
        _positive(sigma_matrix_S_cm, "sigma_matrix_S_cm"),
        _positive(sigma_filler_S_cm, "sigma_filler_S_cm"),
    )
    f = _fractions(fraction)
    return sm * (si + 2 * sm + 2 * f * (si - sm)) / (si + 2 * sm - f * (si - sm))


def composite_bounds(
    sigma_polymer_S_cm: float, sigma_ceramic_S_cm: float, ceramic_fraction: ArrayLike
) -> pd.DataFrame:
    """Bounds on a polymer/ceramic composite's conductivity (S/cm) by effective-medium theory.

    Parameters
    ----------
    sigma_polymer_S_cm, sigma_ceramic_S_cm : float
        Bulk conductivities of the two phases, S/cm (e.g. a model's polymer prediction
        and a measured ceramic value at the same temperature).
    ceramic_fraction : float or array
        Volume fraction of ceramic, 0 to 1.

    Returns
    -------
    DataFrame
        One row per fraction: ``ceramic_volume_fraction``, ``wiener_lower_S_cm`` (series),
        ``hs_lower_S_cm``, ``maxwell_garnett_S_cm`` (ceramic spheres in polymer),
        ``hs_upper_S_cm``, ``wiener_upper_S_cm`` (parallel), and ``source`` saying these
        are a model, not data.

    Examples
    --------
    >>> b = composite_bounds(1e-5, 1e-3, 0.5)
    >>> [f"{b[c].iloc[0]:.3g}" for c in ("wiener_lower_S_cm", "hs_lower_S_cm", "wiener_upper_S_cm")]
    ['1.98e-05', '3.83e-05', '0.000505']
    """
    sp = _positive(sigma_polymer_S_cm, "sigma_polymer_S_cm")
    sc = _positive(sigma_ceramic_S_cm, "sigma_ceramic_S_cm")
    fc = _fractions(ceramic_fraction)
    fp = 1.0 - fc
    lo_s, hi_s = min(sp, sc), max(sp, sc)
    f_lo, f_hi = (fp, fc) if sp <= sc else (fc, fp)  # fractions of the low and high phase
    if hi_s == lo_s:
        hs_lower = hs_upper = np.full_like(fc, lo_s)
    else:
        hs_lower = lo_s + f_hi / (1.0 / (hi_s - lo_s) + f_lo / (3.0 * lo_s))
        hs_upper = hi_s + f_lo / (1.0 / (lo_s - hi_s) + f_hi / (3.0 * hi_s))
    return pd.DataFrame(
        {
            "ceramic_volume_fraction": fc,
            "wiener_lower_S_cm": 1.0 / (fp / sp + fc / sc),
            "hs_lower_S_cm": hs_lower,
            "maxwell_garnett_S_cm": maxwell_garnett(sp, sc, fc),
            "hs_upper_S_cm": hs_upper,
            "wiener_upper_S_cm": fp * sp + fc * sc,
            "source": MODEL_LABEL,
        }
    )


def _positive(value: float, name: str) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise InvalidInputError(f"{name}={value!r} must be a conductivity in S/cm") from None
    if not (np.isfinite(x) and x > 0):
        raise InvalidInputError(f"{name}={value!r} must be a positive, finite conductivity in S/cm")
    return x


def _fractions(fraction: ArrayLike) -> np.ndarray:
    f = np.atleast_1d(np.asarray(fraction, dtype=float))
    if not (np.isfinite(f).all() and (f >= 0).all() and (f <= 1).all()):
        raise InvalidInputError(f"volume fraction {fraction!r} must lie between 0 and 1")
    return f
