"""interface_cells / interface_energy / normal_barrier: hand-checkable cells, W_ad, guards, bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest
from pymatgen.core import Lattice, Structure

from ssenb import keys as K
from ssenb.errors import InvalidInputError, UnsupportedMaterialError
from ssenb.mlip import interface_cells, interface_energy
from ssenb.mlip.interface import EV_A2_TO_J_M2, _bulk_oxidation_states, normal_barrier
from ssenb.mlip.potential import Calculation

A = 3.44  # Å, bcc Li


def bcc(element: str, a: float = A) -> Structure:
    return Structure(Lattice.cubic(a), [element, element], [[0, 0, 0], [0.5, 0.5, 0.5]])


class PairCount:
    """E = -eps per pair of atoms closer than cutoff (eV); forces zero. Hand-checkable W_ad."""

    name, version, energy_convention = "PairCount", "1.0", "raw"

    def __init__(self, eps: float = 0.1, cutoff: float = 3.2) -> None:
        self.eps, self.cutoff = eps, cutoff

    def calculate(self, structure):
        centers, _, _, _ = structure.get_neighbor_list(self.cutoff)
        return Calculation(
            -self.eps * len(centers) / 2, np.zeros((len(structure), 3)), np.zeros((3, 3))
        )


@pytest.fixture(scope="module")
def li_na():
    """bcc 'Na' on the Li lattice (pure geometry) as film on bcc Li, (001) | (001)."""
    return interface_cells(
        bcc("Na"), bcc("Li"), film_miller=(0, 0, 1), substrate_miller=(0, 0, 1), max_area_A2=30
    )


def test_cubic_001_match_has_the_cube_face_and_no_strain(li_na):
    best = li_na.best(1).iloc[0]
    assert best["area_A2"] == pytest.approx(A**2, rel=1e-6)  # one cube face, 11.83 Å²
    assert best["strain_pct"] == pytest.approx(0, abs=1e-6)
    cell = li_na.cells[int(best["cell"])]
    assert len(cell) == best["n_atoms"]
    assert cell.composition["Na"] > 0 and cell.composition["Li"] > 0
    # the reference slabs keep the interface's in-plane lattice and its atoms, split by side
    film, sub = li_na.film_slabs[int(best["cell"])], li_na.substrate_slabs[int(best["cell"])]
    assert film.composition.reduced_formula == "Na" and sub.composition.reduced_formula == "Li"
    assert len(film) + len(sub) == len(cell)
    np.testing.assert_allclose(film.lattice.matrix[:2], cell.lattice.matrix[:2], atol=1e-8)
    assert (li_na.table["status"] == "ok").any()
    assert set(li_na.table.columns) <= set(K.COLUMNS)  # every column named, with its unit


def test_work_of_adhesion_counts_the_bonds_across_the_two_contacts(li_na):
    pot = PairCount(eps=0.1, cutoff=3.2)
    res = interface_energy(li_na, pot, n_best=1)
    row = res.to_frame().iloc[0]
    cell = li_na.cells[int(li_na.best(1).iloc[0]["cell"])]
    # cross pairs Li-Na within the cutoff, counted directly on the cell (both contacts)
    centers, neighbors, _, _ = cell.get_neighbor_list(3.2)
    species = np.array([s.specie.symbol for s in cell])
    n_cross = int((species[centers] != species[neighbors]).sum()) // 2
    assert n_cross > 0
    expected = 0.1 * n_cross / (2 * A**2)  # eV/Å²
    assert row["W_ad_eV_A2"] == pytest.approx(expected, rel=1e-9)
    assert row["W_ad_J_m2"] == pytest.approx(expected * 16.02176634, rel=1e-9)
    assert EV_A2_TO_J_M2 == pytest.approx(1.602176634e-19 / 1e-20)
    assert res.w_ad_J_m2 == pytest.approx(row["W_ad_J_m2"]) and res.spread_J_m2 == 0
    assert set(res.table.columns) <= set(K.COLUMNS)
    assert "PairCount" in res.potential and "not validated" in res.provenance()
    assert "W_ad (mean ± half the range over cells)" in res._repr_html_()
    assert "cells built" in li_na._repr_html_() and "#4651" in li_na.provenance()


def test_a_failed_potential_is_recorded_not_raised(li_na):
    class Broken(PairCount):
        def calculate(self, structure):
            raise RuntimeError("model blew up")

    res = interface_energy(li_na, Broken(), n_best=1)
    row = res.to_frame().iloc[0]
    assert math.isnan(row["W_ad_J_m2"]) and "model blew up" in row["error"]
    assert math.isnan(res.w_ad_J_m2)


def test_both_terminations_of_bcc_111_are_kept():
    """pymatgen #3854/#4572: two (111) shifts share the label R-3m_1 and would be merged."""
    cands = interface_cells(
        bcc("Li"), bcc("Li"), film_miller=(1, 1, 1), substrate_miller=(1, 1, 1), max_area_A2=25
    )
    assert cands.table["substrate_termination"].nunique() >= 2
    assert cands.table["film_termination"].nunique() >= 2


def test_a_crashing_builder_call_is_skipped_with_its_reason(monkeypatch):
    from pymatgen.analysis.interfaces import CoherentInterfaceBuilder

    original = CoherentInterfaceBuilder.get_interfaces
    calls = {"n": 0}

    def flaky(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise ValueError("Transformation didn't make proper supercell for film")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(CoherentInterfaceBuilder, "get_interfaces", flaky)
    cands = interface_cells(
        bcc("Li"), bcc("Li"), film_miller=(1, 1, 1), substrate_miller=(1, 1, 1), max_area_A2=25
    )
    status = cands.table["status"]
    assert status.str.contains("skipped: pymatgen get_interfaces failed").sum() == 1
    assert (status == "ok").any()


def test_no_match_within_the_bounds_says_how_to_widen():
    with pytest.raises(InvalidInputError, match="widen max_strain or max_area_A2"):
        interface_cells(
            bcc("Li"), bcc("Li", 3.44 * 1.3), film_miller=(0, 0, 1), substrate_miller=(0, 0, 1),
            max_area_A2=15, max_strain=0.01,
        )  # fmt: skip


def test_a_cell_larger_than_the_bound_is_refused():
    with pytest.raises(InvalidInputError, match="atoms > max_atoms=2"):
        interface_cells(
            bcc("Li"), bcc("Li"), film_miller=(0, 0, 1), substrate_miller=(0, 0, 1), max_atoms=2
        )
    with pytest.raises(InvalidInputError, match=r"max_atoms=500 must be an integer in 1\.\.200"):
        interface_cells(bcc("Li"), bcc("Li"), max_atoms=500)


def test_bad_structures_and_arguments():
    with pytest.raises(InvalidInputError, match="film must be a pymatgen Structure, got str"):
        interface_cells("Li", bcc("Li"))
    mixed = Structure(Lattice.cubic(A), [{"Li": 0.5, "Na": 0.5}] * 2, [[0, 0, 0], [0.5] * 3])
    with pytest.raises(UnsupportedMaterialError, match=r"substrate .* is disordered"):
        interface_cells(bcc("Li"), mixed)
    with pytest.raises(InvalidInputError, match=r"film_miller=.* three integers"):
        interface_cells(bcc("Li"), bcc("Li"), film_miller=(0, 0, 0), substrate_miller=(0, 0, 1))
    with pytest.raises(InvalidInputError, match="max_strain=5 is a fraction"):
        interface_cells(bcc("Li"), bcc("Li"), max_strain=5)
    with pytest.raises(InvalidInputError, match="InterfaceCandidates"):
        interface_energy(bcc("Li"), PairCount())


def test_normal_barrier_of_hand_made_grids():
    e = np.full((5, 5, 8), 3.0)
    # a channel along axis 2 whose highest point is 1.5 eV, wrapping through the boundary
    e[2, 2, :] = [0.2, 0.4, 1.5, 0.3, 0.1, 0.9, 0.0, 0.6]
    assert normal_barrier(e, axis=2) == 1.5
    assert normal_barrier(e, axis=0) == 3.0  # only the background connects along axis 0
    # a diagonal channel (26-connected): (i, i, k) for all k is not needed; a staircase is
    f = np.full((4, 4, 4), 2.0)
    for k in range(4):
        f[k, k, k] = 0.5  # winds along all three axes at once through the corner neighbours
    assert normal_barrier(f, axis=2) == 0.5 and normal_barrier(f, axis=0) == 0.5
    # a closed pocket never winds: the background decides
    g = np.full((4, 4, 4), 1.0)
    g[1:3, 1:3, 1:3] = 0.0
    assert normal_barrier(g, axis=2) == 1.0
    with pytest.raises(InvalidInputError, match="3D grid"):
        normal_barrier(np.zeros((3, 3)))


def test_bvse_barrier_across_the_normal_lies_between_the_1d_and_3d_thresholds():
    li2o = Structure.from_spacegroup(
        "Fm-3m", Lattice.cubic(4.61), ["Li", "O"], [[0.25, 0.25, 0.25], [0, 0, 0]]
    )
    cands = interface_cells(
        li2o, li2o, film_miller=(0, 0, 1), substrate_miller=(0, 0, 1), max_area_A2=30,
        film_layers=1, substrate_layers=1,
    )  # fmt: skip
    res = interface_energy(cands, PairCount(), n_best=1, bvse=True, resolution=0.3)
    row, land = res.to_frame().iloc[0], res.landscapes[0]
    assert row["area_A2"] == pytest.approx(4.61**2 / 2, rel=1e-6)  # the primitive (001) face
    normal = row["bvse_normal_barrier_eV"]
    # winding along the normal needs at least a 1D path, and a 3D path winds along it
    assert land.barrier_1d <= normal <= land.barrier_3d < math.inf
    assert normal == normal_barrier(land.energy, axis=2)
    assert land.oxidation_states == {"O": -2.0}  # the framework (mobile Li removed)


def test_bulk_oxidation_states_of_the_two_sides():
    assert _bulk_oxidation_states(["Li3PO4", "LiCoO2"]) == {"Li": 1, "P": 5, "O": -2, "Co": 3}
    assert _bulk_oxidation_states(["Li3N", "Li"]) == {"Li": 1, "N": -3}  # a Li anode: Li+
    assert _bulk_oxidation_states(["LiCoO2", "In"]) is None  # another metal: no guess
