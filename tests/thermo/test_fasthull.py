"""FastHull's barycentric answers (decomposition, tie-line crossings) by hand and vs pymatgen."""

import numpy as np
import pytest
from pymatgen.analysis.phase_diagram import PhaseDiagram
from pymatgen.core import Composition

from ssenb.thermo import get_source
from ssenb.thermo._fasthull import FastHull, convex_hull_type

# Li-S toy hull: Li2S (x_S = 1/3) at -1.5 eV/atom, LiS (x_S = 1/2) at -1.2 eV/atom, and
# Li3S (x_S = 1/4) at -0.1 eV/atom, far above the Li-Li2S tie line (not on the hull).
ELEMENTS = ["Li", "S"]
FRACTIONS = [[1, 0], [0, 1], [2 / 3, 1 / 3], [1 / 2, 1 / 2], [3 / 4, 1 / 4]]
ENERGIES = [0.0, 0.0, -1.5, -1.2, -0.1]
NAMES = ["Li", "S", "Li2S", "LiS", "Li3S"]


@pytest.fixture(scope="module")
def toy():
    return FastHull(ELEMENTS, FRACTIONS, ENERGIES, NAMES)


def test_tie_line_crossings_by_hand(toy):
    # Li -> S: the line meets the vertices Li2S (s = 1/3) and LiS (s = 1/2)
    s = toy.line_crossings([1.0, 0.0], [0.0, 1.0])
    assert s.tolist() == pytest.approx([0.0, 1 / 3, 1 / 2, 1.0], abs=1e-12)
    # from Li2S to LiS: only the two ends
    s = toy.line_crossings([2 / 3, 1 / 3], [1 / 2, 1 / 2])
    assert s.tolist() == pytest.approx([0.0, 1.0], abs=1e-12)


def test_decomposition_by_hand(toy):
    # x_S = 0.4 between Li2S (1/3) and LiS (1/2): w/3 + (1 - w)/2 = 0.4 -> w(Li2S) = 0.6
    d = {toy.names[j]: w for j, w in toy.decomposition([0.6, 0.4]).items()}
    assert d == pytest.approx({"Li2S": 0.6, "LiS": 0.4}, abs=1e-12)
    assert {toy.names[j] for j in toy.decomposition([2 / 3, 1 / 3])} == {"Li2S"}
    # hull energy there: 0.6 (-1.5) + 0.4 (-1.2) = -1.38 eV/atom
    assert toy.hull_energy([0.6, 0.4]) == pytest.approx(-1.38, abs=1e-12)


def test_position_and_stable_phases(toy):
    assert toy.stable_names == ["Li", "Li2S", "LiS", "S"]  # Li3S is above the hull
    assert toy.position([2 / 3, 1 / 3]) == (True, 0.0)
    # Li3S: the Li-Li2S tie line at x_S = 1/4 is (3/4)(-1.5) = -1.125; -0.1 is 1.025 above
    in_data, e_hull = toy.position([3 / 4, 1 / 4])
    assert in_data and e_hull == pytest.approx(1.025, abs=1e-12)
    in_data, e_hull = toy.position([0.6, 0.4])
    assert not in_data and np.isnan(e_hull)


@pytest.mark.parametrize("system", ["Li-P-S", "Li-Ge-P-S", "Li-La-O-Zr", "Cl-Li-P-S"])
def test_decomposition_matches_pymatgen(system):
    src = get_source()
    hull = src.fast_hull(system.split("-"))
    pd_ = PhaseDiagram(src.entries(system.split("-")))
    rng = np.random.default_rng(0)
    for x in rng.dirichlet(np.ones(len(hull.elements)), size=40):
        comp = Composition(dict(zip(hull.elements, x)))
        ref = {e.composition.reduced_formula: w for e, w in pd_.get_decomposition(comp).items()}
        ours = {hull.names[j]: w for j, w in hull.decomposition(x).items()}
        ref = {Composition(k).reduced_composition: w for k, w in ref.items()}
        ours = {Composition(k).reduced_composition: w for k, w in ours.items()}
        assert ours.keys() == ref.keys()
        assert [ours[k] for k in ref] == pytest.approx(list(ref.values()), abs=1e-9)
        assert hull.hull_energy(x) == pytest.approx(pd_.get_hull_energy_per_atom(comp), abs=1e-9)


def test_convex_hull_type_is_scipys_without_its_packages(fresh_python):
    """In a fresh process: qhull without scipy.spatial's and scipy.linalg's __init__, and a
    later ordinary import of both packages gets the same modules, attributes included."""
    code = """
import sys
import numpy as np
from ssenb.thermo._fasthull import convex_hull_type
C = convex_hull_type()
assert not {"scipy.spatial", "scipy.linalg"} & set(sys.modules), "a package was imported"
h = C(np.vstack([np.eye(3), np.zeros(3)]), qhull_options="Qt i")
import scipy.linalg.cython_lapack, scipy.spatial
assert scipy.spatial.ConvexHull is C and scipy.spatial._qhull.ConvexHull is C
assert scipy.linalg.cython_lapack.__pyx_capi__["dgetrf"] is not None
from scipy.spatial import Delaunay
print(len(h.simplices), len(Delaunay(np.eye(3)[:, :2]).simplices))
"""
    assert fresh_python(code, timeout=120).split() == [
        "4",
        "1",
    ]  # a tetrahedron has 4 facets; a triangle is 1
    assert convex_hull_type() is __import__("scipy.spatial").spatial.ConvexHull


@pytest.mark.parametrize("system", ["Li-La-O-Zr", "Cl-Li-P-S"])
def test_hull_from_subsystem_vertices_is_pymatgens(system, monkeypatch):
    """Big systems are hulled from their sub-systems' vertices only (_pruned_facets):
    forced here on real snapshot systems, it gives the facets of the hull of every phase
    and pymatgen's decompositions and hull energies."""
    from ssenb.thermo import _fasthull

    src = get_source()
    arrays = src.hull_arrays(system.split("-"))
    full = FastHull(*arrays)
    assert len(full.names) < _fasthull.PRUNE_MIN_POINTS  # the default path hulls them all
    monkeypatch.setattr(_fasthull, "PRUNE_MIN_POINTS", 0)
    calls = []
    real = _fasthull._pruned_facets
    monkeypatch.setattr(_fasthull, "_pruned_facets", lambda x, e: calls.append(1) or real(x, e))
    pruned = FastHull(*arrays)
    assert calls and pruned.names == full.names
    assert sorted(map(sorted, pruned.facets.tolist())) == sorted(map(sorted, full.facets.tolist()))
    pd_ = PhaseDiagram(src.entries(system.split("-")))
    assert {Composition(n).reduced_composition for n in pruned.stable_names} == {
        e.composition.reduced_composition for e in pd_.stable_entries
    }
    rng = np.random.default_rng(1)
    for x in rng.dirichlet(np.ones(len(pruned.elements)), size=20):
        comp = Composition(dict(zip(pruned.elements, x)))
        ref = {e.composition.reduced_composition: w for e, w in pd_.get_decomposition(comp).items()}
        ours = {
            Composition(pruned.names[j]).reduced_composition: w
            for j, w in pruned.decomposition(x).items()
        }
        assert ours.keys() == ref.keys()
        assert [ours[k] for k in ref] == pytest.approx(list(ref.values()), abs=1e-9)
        assert pruned.hull_energy(x) == pytest.approx(pd_.get_hull_energy_per_atom(comp), abs=1e-9)


def test_a_phase_on_the_hull_left_out_falls_back_to_every_phase(monkeypatch):
    """The pruned hull is checked: were a phase on the hull dropped (here the sub-hulls
    are made to miss Li2S), the check sees it and every phase is hulled instead."""
    from ssenb.thermo import _fasthull

    monkeypatch.setattr(_fasthull, "PRUNE_MIN_POINTS", 0)
    real = _fasthull._lower_facets

    def missing_li2s(x, e, rows, cols=None):
        rows = np.array([r for r in rows if not np.allclose(x[r], [2 / 3, 1 / 3])])
        return real(x, e, rows, cols)

    monkeypatch.setattr(_fasthull, "_lower_facets", missing_li2s)
    x = np.array(FRACTIONS, float)
    e = np.array(ENERGIES)
    assert _fasthull._pruned_facets(x, e) is None
