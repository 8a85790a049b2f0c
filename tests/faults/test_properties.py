"""Fault battery, band gaps and moduli: bad compositions, structures, strains and tensors."""

import math

import numpy as np
import pytest
from pymatgen.core import Lattice, Structure

from ssenb.errors import InvalidInputError, UnknownNameError, UnsupportedMaterialError
from ssenb.mlip.elastic import elastic_moduli
from ssenb.mlip.potential import Calculation
from ssenb.mlip.sevennet import load_potential
from ssenb.models import material_properties


class Pushy:
    """Zero stress; a constant force on every atom of a strained cell: it never relaxes."""

    name, version, energy_convention = "Pushy", "1", "raw"

    def __init__(self, reference):
        self.ref = reference.lattice.matrix

    def calculate(self, structure):
        strained = not np.allclose(structure.lattice.matrix, self.ref)
        forces = np.zeros((len(structure), 3))
        forces[:, 0] = 1.0 if strained else 0.0
        return Calculation(0.0, forces, np.zeros((3, 3)))


class Soft:
    """σ = C ε with C12 > C11: a Born-unstable tensor (hand-made)."""

    name, version, energy_convention = "Soft", "1", "raw"

    def __init__(self, reference):
        self.ref = reference.lattice.matrix
        self.c = np.zeros((6, 6))
        self.c[:3, :3] = 60.0
        np.fill_diagonal(self.c[:3, :3], 40.0)
        self.c[3:, 3:] = 30.0 * np.eye(3)

    def calculate(self, structure):
        f = np.linalg.solve(self.ref, structure.lattice.matrix).T
        e = (f + f.T) / 2 - np.eye(3)
        v = np.array([e[0, 0], e[1, 1], e[2, 2], 2 * e[1, 2], 2 * e[0, 2], 2 * e[0, 1]])
        return Calculation(0.0, np.zeros((len(structure), 3)), self.c @ v)


@pytest.fixture
def cell():
    return Structure(Lattice.cubic(4.0), ["Li", "F"], [[0, 0, 0], [0.5, 0.5, 0.5]])


def test_strained_cell_that_does_not_converge_gives_no_modulus(cell):
    r = elastic_moduli(cell, Pushy(cell), relax_first=False, steps=3)
    assert not r.ok and r.n_unconverged == 24
    assert "did not converge" in r.flag
    assert math.isnan(r.shear_modulus_gpa) and math.isnan(r.bulk_modulus_gpa)


def test_unstable_tensor_is_flagged_never_a_modulus(cell):
    r = elastic_moduli(cell, Soft(cell), relax_first=False)
    assert not r.stable and "mechanically unstable" in r.flag
    assert math.isnan(r.shear_modulus_gpa)


@pytest.mark.parametrize(
    ("strains", "match"),
    [((0.01,), "too few strains"), ((0.01, 0.01), "too few strains"),
     ((0.0, 0.01), "outside"), ((0.5, -0.5), "outside"), ("abc", "must be a tuple")],
)  # fmt: skip
def test_bad_strain_sets(cell, strains, match):
    with pytest.raises(InvalidInputError, match=match):
        elastic_moduli(cell, Soft(cell), strains=strains, relax_first=False)


def test_structures_no_potential_can_take(cell):
    disordered = Structure(Lattice.cubic(4.0), [{"Li": 0.5, "Na": 0.5}, "F"],
                           [[0, 0, 0], [0.5, 0.5, 0.5]])  # fmt: skip
    with pytest.raises(UnsupportedMaterialError, match="disordered"):
        elastic_moduli(disordered, Soft(cell))
    with pytest.raises(InvalidInputError, match="at most 64"):
        elastic_moduli(cell * (4, 4, 3), Soft(cell))  # 96 sites
    with pytest.raises(InvalidInputError, match="pymatgen Structure"):
        elastic_moduli("LiF", Soft(cell))  # type: ignore[arg-type]
    with pytest.raises(UnknownNameError, match="7net-0"):
        load_potential("mace-mp")


def test_composition_outside_every_model_domain(tiny_property_models):
    p = material_properties("Og2Ts", models=tiny_property_models)
    assert any("outside a model's domain" in n for n in p.notes)
    assert p.band_gap_source.startswith("model")  # a value, flagged as rough
    with pytest.raises(InvalidInputError, match="not an element symbol"):
        material_properties("Li3Xq")
