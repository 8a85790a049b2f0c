"""A vectorised convex hull for batch screening, checked against pymatgen's PhaseDiagram.

Same data preparation as ``pymatgen.analysis.phase_diagram.PhaseDiagram`` (lowest energy
per composition, only phases with negative formation energy plus the elements, an extra
point above the hull, qhull with "Qt i", degenerate facets dropped), but no entry objects
and no reaction balancing. The lower hull is a convex function, so the hull energy at a
composition x is the largest facet plane there, ``max_f x·mu_f``, where ``mu_f`` are the
facet's elemental chemical potentials; the facets whose plane attains it are those that
contain x, and a phase assemblage is stable over the min..max of their ion voltages.

For one composition's exact decomposition and for tie lines (the ion profile of a
stability window) the hull also answers as pymatgen does, by barycentric coordinates in
its facets (:meth:`FastHull.decomposition`, :meth:`FastHull.line_crossings`), with
pymatgen's tolerances.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import math
import sys
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ..keys import ion_charge
from ._hull import ion_voltage

FORMATION_TOL = 1e-11  # eV/atom, pymatgen's PhaseDiagram.formation_energy_tol
ATTAIN_TOL = 1e-9  # eV/atom: a facet plane within this of the hull contains the point
# pymatgen's PhaseDiagram.numerical_tol (1e-8) and the tolerances derived from it:
IN_FACET_TOL = 1e-9  # barycentric coordinate >= -this: the point is in the facet
LINE_TOL = 1e-8  # a tie line's crossing with a facet; crossings this close are one
PHASE_TOL = 1e-8  # atomic fraction above which a phase is part of a decomposition


#: The compiled modules a hull needs: qhull, and the LAPACK table its init imports.
_EXTENSIONS = (("linalg", "cython_lapack"), ("spatial", "_qhull"))
_CONVEX_HULL: list[Any] = []  # the class, once found


def convex_hull_type() -> Any:
    """The ``ConvexHull`` class of scipy, loading only the compiled modules it needs.

    ``import scipy.spatial`` also imports KD-trees (and through them scipy.sparse),
    distances and rotations, and scipy.linalg its array-API layer, none of which a hull
    uses: 0.3-0.5 s of a fresh process's first window (0.7 s in all on a 2-core machine,
    ``benchmarks/bench_first_window.py``). While neither package is imported, the two
    compiled modules qhull needs (``scipy.linalg.cython_lapack``, then
    ``scipy.spatial._qhull``) are loaded from their files (20 ms; a module whose package
    is already imported is imported as usual) and then taken out of ``sys.modules``
    again, so that a later ``import scipy.spatial`` runs as usual and gets these same
    module objects (Cython returns its existing module; the tests check it).
    Any surprise (another scipy layout) falls back to ``from scipy.spatial import
    ConvexHull``.
    """
    if not _CONVEX_HULL:
        cls = None if "scipy.spatial" in sys.modules else _load_qhull_alone()
        if cls is None:
            from scipy.spatial import ConvexHull

            cls = ConvexHull
        _CONVEX_HULL.append(cls)
    return _CONVEX_HULL[0]


def _load_qhull_alone() -> Any:
    """``ConvexHull`` from the qhull extension without its packages' ``__init__``, or None."""
    added: list[str] = []
    try:
        import scipy

        root = Path(scipy.__file__).parent
        module = None
        for package, name in _EXTENSIONS:
            full = f"scipy.{package}.{name}"
            if f"scipy.{package}" in sys.modules:  # its package is there: the usual import
                module = importlib.import_module(full)
                continue
            path = next(
                p
                for p in (
                    root / package / f"{name}{s}" for s in importlib.machinery.EXTENSION_SUFFIXES
                )
                if p.is_file()
            )
            spec = importlib.util.spec_from_file_location(full, path)
            if spec is None or spec.loader is None:
                return None
            module = importlib.util.module_from_spec(spec)
            sys.modules[full] = module
            added.append(full)
            spec.loader.exec_module(module)
        return module.ConvexHull if module is not None else None
    except Exception:  # any surprise: import the usual way
        return None
    finally:  # a later import of scipy.linalg / scipy.spatial finds them the usual way
        for full in added:
            sys.modules.pop(full, None)


#: Above this many candidate phases a hull is built from its sub-systems' vertices
#: (:func:`_pruned_facets`): 8-element systems of the snapshot (1,600 phases, 230 on the
#: hull) in half the time; below it the sub-hulls cost more than they save.
PRUNE_MIN_POINTS = 400
PRUNE_CHECK_TOL = 1e-6  # eV/atom: a dropped phase must lie this far above the hull


def _lower_facets(
    x: np.ndarray, e: np.ndarray, rows: np.ndarray, cols: Sequence[int] | None = None
) -> np.ndarray:
    """Lower-hull facets (as indices into ``x``) of the phases ``rows``, in columns ``cols``.

    pymatgen's construction: columns 2..n of the fractions and the energy, one extra
    point above every phase, qhull with "Qt i", facets through the extra point and
    degenerate ones (|det| <= 1e-14) dropped.
    """
    sub = x[rows] if cols is None else x[np.ix_(rows, np.asarray(cols, int))]
    n = sub.shape[1]
    data = np.column_stack([sub[:, 1:], e[rows]])
    extra = np.full(n, 1.0 / n)
    extra[-1] = np.max(data) + 1
    data = np.vstack([data, extra])
    simplices = convex_hull_type()(data, qhull_options="Qt i").simplices
    simplices = simplices[simplices.max(axis=1) < len(data) - 1]
    mats = data[simplices]  # fancy indexing: a copy
    mats[..., -1] = 1.0
    return np.asarray(rows)[simplices[np.abs(np.linalg.det(mats)) > 1e-14]]


def _pruned_facets(x: np.ndarray, e: np.ndarray) -> np.ndarray | None:
    """The lower-hull facets from the hull's possible vertices only, or None.

    A phase is on the hull of the whole system exactly when it is on the hull of its own
    elements' sub-system (that face of the composition simplex holds every decomposition
    of its composition). So the sub-systems that phases span are hulled smallest first,
    each from its own phases plus the vertices of the smaller ones it contains, and the
    system's hull from the union of their vertices: the same facets as from every phase,
    with qhull seeing far fewer points. Checked, not trusted: every dropped phase must lie
    at least :data:`PRUNE_CHECK_TOL` above the result, else (or on any qhull error) None,
    and the caller hulls every phase.
    """
    try:
        support = [frozenset(np.flatnonzero(row > 0).tolist()) for row in x]
        groups: dict[frozenset[int], list[int]] = {}
        for i, cols in enumerate(support):
            groups.setdefault(cols, []).append(i)
        pure = {next(iter(c)): idx[0] for c, idx in groups.items() if len(c) == 1}
        vertices: dict[frozenset[int], set[int]] = {}
        for cols in sorted(groups, key=lambda c: (len(c), sorted(c))):
            if len(cols) == 1:
                vertices[cols] = {groups[cols][0]}
                continue
            cand = set(groups[cols]) | {pure[c] for c in cols}
            for smaller, found in vertices.items():
                if smaller < cols:
                    cand |= found
            facets = _lower_facets(x, e, np.array(sorted(cand)), sorted(cols))
            vertices[cols] = set(np.unique(facets).tolist())
        keep = np.array(sorted(set().union(*vertices.values())))
        facets = _lower_facets(x, e, keep)
        mu = np.linalg.solve(x[facets], e[facets][..., None])[..., 0]
        dropped = np.setdiff1d(np.arange(len(x)), keep)
        if len(dropped) and np.any(e[dropped] - (x[dropped] @ mu.T).max(axis=1) < PRUNE_CHECK_TOL):
            return None
        return facets
    except Exception:  # qhull or LAPACK trouble: hull every phase instead
        return None


class FastHull:
    """Lower convex hull of one chemical system from composition/energy arrays.

    Parameters
    ----------
    elements : list[str]
        Column order of ``fractions``.
    fractions : (m, n) array
        Atomic fractions of each entry (rows sum to 1).
    energies : (m,) array
        Energy per atom (eV/atom) on one scale; every element needs a pure row.
    names : list[str]
        A label per row (reduced formula).
    """

    def __init__(
        self,
        elements: Sequence[str],
        fractions: ArrayLike,
        energies: ArrayLike,
        names: Sequence[str],
    ) -> None:
        self.elements = list(elements)
        fractions = np.asarray(fractions, float)
        energies = np.asarray(energies, float)
        n = len(self.elements)
        # lowest energy per composition (compositions compared at 10 decimals)
        rounded = np.round(fractions, 10) + 0.0  # + 0.0: no -0.0 in the keys
        group = np.unique(rounded, axis=0, return_inverse=True)[1]
        group = group.ravel()
        by_energy = np.lexsort((np.arange(len(energies)), energies, group))
        starts = np.flatnonzero(np.r_[True, np.diff(group[by_energy]) != 0])
        rows = np.sort(by_energy[starts])  # lowest energy (first listed on ties) of each
        self._lookup = {rounded[i].tobytes(): float(energies[i]) for i in rows}
        x, e = fractions[rows], energies[rows]
        is_pure = np.isclose(x.max(axis=1), 1.0)
        pure = {int(np.argmax(x[j])): int(j) for j in np.flatnonzero(is_pure)}
        missing = [self.elements[c] for c in range(n) if c not in pure]
        if missing:
            raise ValueError(f"no elemental entry for {missing}")
        self.refs = np.array([e[pure[c]] for c in range(n)])
        form = e - x @ self.refs
        keep = sorted({*np.where(form < -FORMATION_TOL)[0].tolist(), *pure.values()})
        x, e = x[keep], e[keep]
        self.names = [names[rows[j]] for j in keep]
        if n == 1:
            facets = np.array([[int(np.argmin(e))]])
        else:
            pruned = _pruned_facets(x, e) if len(x) >= PRUNE_MIN_POINTS else None
            facets = _lower_facets(x, e, np.arange(len(x))) if pruned is None else pruned
        self.facets = facets
        self._x = x
        self._e = e
        self.mu = np.linalg.solve(x[facets], e[facets][..., None])[..., 0]  # (n_facets, n) eV

    @property
    def fractions(self) -> np.ndarray:
        """(k, n) atomic fractions of the hull's candidate phases (rows of :attr:`names`)."""
        return self._x

    @property
    def energies(self) -> np.ndarray:
        """(k,) energies per atom (eV/atom) of the rows of :attr:`names`."""
        return self._e

    @cached_property
    def tie_lines(self) -> list[tuple[int, int]]:
        """Pairs of hull vertices joined by a facet edge (indices into :attr:`names`).

        As pymatgen's ``PDPlotter`` lines: every pair of phases of every facet.
        """
        pairs = {
            (min(a, b), max(a, b))
            for facet in self.facets.tolist()
            for i, a in enumerate(facet)
            for b in facet[i + 1 :]
        }
        return sorted(pairs)

    @cached_property
    def _inverse(self) -> np.ndarray:
        """(n_facets, n, n): ``p @ _inverse[f]`` are the barycentric coordinates of p in f."""
        return np.linalg.inv(self._x[self.facets])

    @cached_property
    def stable_names(self) -> list[str]:
        """Every phase on the hull (elements included), sorted by name."""
        return sorted({self.names[j] for j in np.unique(self.facets).tolist()})

    @cached_property
    def _vertex_keys(self) -> frozenset[bytes]:
        """The hull vertices' fractions rounded to 10 decimals, as bytes (no -0.0)."""
        rounded = np.round(self._x[np.unique(self.facets)], 10) + 0.0
        return frozenset(row.tobytes() for row in rounded)

    def is_stable(self, fractions: ArrayLike) -> bool:
        """Whether a hull vertex (a stable phase) has exactly these fractions."""
        key = np.round(np.asarray(fractions, float), 10) + 0.0
        return key.tobytes() in self._vertex_keys

    def facet_of(self, fractions: ArrayLike) -> tuple[int, np.ndarray]:
        """(first facet containing the composition, its barycentric coordinates there).

        As pymatgen's ``PhaseDiagram._get_facet_and_simplex``: the first facet whose
        barycentric coordinates are all >= -1e-9.
        """
        x = np.asarray(fractions, float)
        bary = np.einsum("k,fkj->fj", x, self._inverse)
        inside = np.flatnonzero((bary >= -IN_FACET_TOL).all(axis=1))
        if not len(inside):
            raise ValueError(f"no facet of the {'-'.join(self.elements)} hull holds {x.tolist()}")
        return int(inside[0]), bary[inside[0]]

    def decomposition(self, fractions: ArrayLike) -> dict[int, float]:
        """{hull vertex (index into :attr:`names`): atomic fraction} of the phase equilibrium.

        As pymatgen's ``PhaseDiagram.get_decomposition``: phases of the first facet that
        holds the composition, with fractions above 1e-8.
        """
        facet, bary = self.facet_of(fractions)
        return {int(j): float(w) for j, w in zip(self.facets[facet], bary) if abs(w) > PHASE_TOL}

    def hull_energy(self, fractions: ArrayLike) -> float:
        """Hull energy (eV/atom) at the composition: that of its :meth:`decomposition`."""
        return float(sum(self._e[j] * w for j, w in self.decomposition(fractions).items()))

    def position(self, fractions: ArrayLike) -> tuple[bool, float]:
        """(an entry has these fractions?, its energy above hull eV/atom, NaN if none).

        The lowest entry of the composition, as pymatgen: 0 exactly for a hull vertex,
        else its energy minus :meth:`hull_energy`, floored at 0.
        """
        own = self.energy_of(fractions)
        if math.isnan(own):
            return False, math.nan
        if self.is_stable(fractions):
            return True, 0.0
        return True, max(own - self.hull_energy(fractions), 0.0)

    def line_crossings(self, a: ArrayLike, b: ArrayLike) -> np.ndarray:
        """Where the tie line from ``a`` to ``b`` crosses facet boundaries, as s in [0, 1].

        The point at s is ``(1 - s) a + s b`` (atomic fractions); 0 and 1 are included,
        sorted, crossings within 1e-8 (in composition distance) merged, as pymatgen's
        ``PhaseDiagram.get_critical_compositions``.
        """
        a = np.asarray(a, float)
        b = np.asarray(b, float)
        ba = a @ self._inverse  # (F, n) barycentric coordinates of a in every facet
        line = ba - b @ self._inverse
        valid = np.abs(line) > 1e-10  # coordinates that change along the line
        s = np.divide(ba, line, out=np.zeros_like(ba), where=valid)  # coordinate k is 0 at s
        at_s = ba[:, None, :] - s[:, :, None] * line[:, None, :]  # (F, k, n)
        inside = valid & (at_s >= -LINE_TOL).all(axis=2)
        length = float(np.linalg.norm(b - a))
        proj = np.sort(np.concatenate([[0.0, 1.0], s[inside]])) * length
        proj = proj[(proj > -LINE_TOL) & (proj < length + LINE_TOL)]
        keep = np.ones(len(proj), bool)
        keep[1:] = proj[1:] > proj[:-1] + LINE_TOL
        return proj[keep] / length

    def energy_of(self, fractions: ArrayLike) -> float:
        """Lowest energy per atom (eV/atom) of an entry with exactly these fractions, or NaN."""
        key = (np.round(np.asarray(fractions, float), 10) + 0.0).tobytes()
        return self._lookup.get(key, math.nan)

    def analyse(
        self, fractions: ArrayLike, ion: str | None = None
    ) -> tuple[float, dict[str, float], float, float]:
        """(hull energy eV/atom, {phase: atomic fraction}, reduction V, oxidation V) at ``fractions``.

        Voltages are vs the ``ion`` metal, per electron: the one formula
        :func:`ssenb.thermo._hull.ion_voltage` (divided by the ion's charge, as the single
        window); oxidation is ``inf`` when the composition has no ion. Without ``ion``
        both voltages are NaN.
        """
        x = np.asarray(fractions, float)
        planes = self.mu @ x
        hull = float(planes.max())
        touching = np.where(planes >= hull - ATTAIN_TOL)[0]
        common = set(self.facets[touching[0]].tolist())
        for f in touching[1:]:
            common &= set(self.facets[f].tolist())
        vertices = sorted(common)
        weights = np.linalg.lstsq(self._x[vertices].T, x, rcond=None)[0]
        phases: dict[str, float] = {}
        for j, w in zip(vertices, weights):
            if w > 1e-8:
                phases[self.names[j]] = phases.get(self.names[j], 0.0) + float(w)
        if ion is None:
            return hull, phases, math.nan, math.nan
        col = self.elements.index(ion)
        volts = ion_voltage(self.mu[touching, col], float(self.refs[col]), ion_charge(ion))
        has_ion = x[col] > 0
        return hull, phases, float(volts.min()), float(volts.max()) if has_ion else math.inf

    def mixing_minimum(self, a: ArrayLike, b: ArrayLike) -> tuple[float, float]:
        """Most negative reaction energy along the mixing line of ``a`` and ``b``.

        ``a`` and ``b`` are atomic fractions (columns as :attr:`elements`); the mixture is
        ``x a + (1 - x) b``. Both reactants are at their hull energies (Richards et al.,
        Chem. Mater. 28, 266 (2016)), as in :func:`ssenb.thermo.interface_reactions`, so
        the reaction energy ``E_hull(mix) - x E_hull(a) - (1 - x) E_hull(b)`` (eV/atom of
        mixture) is 0 at both ends. Along the line the hull energy is the upper envelope
        of one straight line per facet; its minimum relative to the chord lies on a
        breakpoint, found by walking the envelope from x = 0.

        Returns
        -------
        (energy eV/atom, x)
            The most negative reaction energy (0.0 when nothing reacts) and its mixing
            ratio x (atomic fraction of ``a``).
        """
        a = np.asarray(a, float)
        b = np.asarray(b, float)
        at_a, at_b = self.mu @ a, self.mu @ b
        slopes, starts = at_a - at_b, at_b
        e_a, e_b = float(at_a.max()), float(at_b.max())
        best_e, best_x = 0.0, 0.0
        top = starts.max()
        on_top = np.flatnonzero(starts >= top - ATTAIN_TOL)
        cur = int(on_top[np.argmax(slopes[on_top])])
        x = 0.0
        for _ in range(len(slopes)):  # slope rises at each step: at most one step per line
            steeper = np.flatnonzero(slopes > slopes[cur] + 1e-12)
            if not len(steeper):
                break
            cross = (starts[cur] - starts[steeper]) / (slopes[steeper] - slopes[cur])
            nxt = cross.min()
            if nxt >= 1.0:
                break
            ties = steeper[cross <= nxt + 1e-12]
            cur = int(ties[np.argmax(slopes[ties])])
            x = max(x, float(nxt))
            energy = starts[cur] + slopes[cur] * x - (x * e_a + (1 - x) * e_b)
            if energy < best_e:
                best_e, best_x = float(energy), x
        return (0.0 if best_e > -1e-12 else best_e), best_x
