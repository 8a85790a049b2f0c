"""The most negative reaction energy along a mixing line as one linear program, no hull.

Why: a coating screen needs the reaction energy of hundreds of candidates with a
four-element electrolyte, i.e. hundreds of 6-8 element convex hulls (qhull: 0.2-2 s each).
The reaction energy needs only the hull *along one line*, and that is a linear program:

    minimise   sum_i l_i e_i - t E_a - (1 - t) E_b
    subject to sum_i l_i f_i = t a + (1 - t) b,   l_i >= 0,   0 <= t <= 1

over the entries i (atomic fractions f_i, energies e_i eV/atom) of the joint system. For
fixed t the inner minimum is the hull energy of the mixture (the lower convex envelope),
so the optimum is the most negative reaction energy of
:meth:`~ssenb.thermo._fasthull.FastHull.mixing_minimum` (Richards et al., Chem. Mater. 28,
266 (2016): both reactants at their hull energies E_a, E_b). The solver's answer (HiGHS
dual simplex, a vertex) names the phases; the energy is then recomputed from those phases
by an exact linear solve, so it agrees with the hull path to round-off (tests hold it to
1e-12 eV/atom). Where that solve does not reproduce the solver's optimum (degenerate
vertex) the caller falls back to the hull.
"""

from __future__ import annotations

import numpy as np

SUPPORT_TOL = 1e-9  # an entry with l_i above this is a product
AGREE_TOL = 1e-6  # eV/atom: the exact recomputation must agree with the solver this well


def mixing_minimum_lp(
    fractions: np.ndarray,
    energies: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    e_a: float,
    e_b: float,
) -> tuple[float, float] | None:
    """(most negative reaction energy eV/atom of mixture, x) of ``x a + (1 - x) b``, or None.

    Parameters
    ----------
    fractions : (m, n) array
        Atomic fractions of every entry of the joint system (elements included).
    energies : (m,) array
        Their energies (eV/atom), on the scale of ``e_a`` and ``e_b``.
    a, b : (n,) arrays
        The two reactants' atomic fractions.
    e_a, e_b : float
        Their hull energies (eV/atom).

    Returns
    -------
    (energy, x) or None
        As :meth:`FastHull.mixing_minimum` (0.0 when nothing reacts); None when the
        solver fails or its vertex cannot be recomputed exactly (use the hull instead).
    """
    from scipy.optimize import linprog

    f = np.asarray(fractions, float)
    e = np.asarray(energies, float)
    a = np.asarray(a, float)
    b = np.asarray(b, float)
    m = len(e)
    # variables: l_1..l_m, t ; F^T l - t (a - b) = b
    a_eq = np.hstack([f.T, -(a - b)[:, None]])
    cost = np.concatenate([e, [-(e_a - e_b)]])
    bounds = [(0, None)] * m + [(0, 1)]
    try:
        res = linprog(cost, A_eq=a_eq, b_eq=b, bounds=bounds, method="highs-ds")
    except (ValueError, np.linalg.LinAlgError):
        return None
    if res.status != 0:
        return None
    lam = res.x[:m]
    support = np.flatnonzero(lam > SUPPORT_TOL)
    cols = np.hstack([f[support].T, -(a - b)[:, None]])
    try:
        z, *_ = np.linalg.lstsq(cols, b, rcond=None)
    except np.linalg.LinAlgError:  # the OpenBLAS here can fail an SVD at random
        return None
    if np.abs(cols @ z - b).max() > 1e-10 or (z[:-1] < -SUPPORT_TOL).any():
        return None
    t_exact = min(max(float(z[-1]), 0.0), 1.0)
    energy = float(e[support] @ z[:-1]) - (t_exact * e_a + (1 - t_exact) * e_b)
    optimum = float(res.fun) - e_b  # the solver's reaction energy
    if abs(energy - optimum) > AGREE_TOL:
        return None
    if energy > -1e-12:  # nothing reacts (as FastHull.mixing_minimum writes it)
        return 0.0, 0.0
    return energy, t_exact


__all__ = ["mixing_minimum_lp"]
