"""Fault battery, ssenb.mlip mapped hulls and interface cells: careless inputs, bounded work.

Each case used to escape as a bare Python error, pass a nonsense number through, or (the
interface searches) run without end. No potential is loaded: the mapped hull uses the
shipped CHGNet reference energies, the interface checks refuse before any search.
"""

from __future__ import annotations

import numpy as np
import pytest
from pymatgen.core import Lattice, Structure

from ssenb.errors import InvalidInputError


@pytest.fixture(scope="module")
def li_lif():
    li = Structure(Lattice.cubic(3.44), ["Li", "Li"], [[0, 0, 0], [0.5, 0.5, 0.5]])
    lif = Structure.from_spacegroup(
        "Fm-3m", Lattice.cubic(4.03), ["Li", "F"], [[0, 0, 0], [0.5, 0.5, 0.5]]
    )
    return li, lif


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"max_area_A2": 1e9}, r"max_area_A2=1000000000.0 is above 500 Å²"),
        ({"max_area_A2": float("inf")}, r"max_area_A2=inf is above 500 Å²"),  # OverflowError
        ({"film_miller": (97, 89, 83)}, r"film_miller=\(97, 89, 83\): indices above 10"),
        ({"substrate_miller": (0, -11, 1)}, r"substrate_miller=\(0, -11, 1\): indices above"),
    ],
)
def test_interface_searches_that_would_not_end_are_refused(li_lif, kwargs, match):
    from ssenb.mlip import interface_cells

    args = {"film_miller": (0, 0, 1), "substrate_miller": (0, 0, 1)} | kwargs
    with pytest.raises(InvalidInputError, match=match):
        interface_cells(*li_lif, **args)


def test_mapped_hull_refuses_a_scalar_energy_and_a_potential_that_is_not_one():
    from ssenb.mlip import mapped_e_hull

    with pytest.raises(InvalidInputError, match=r"e_mlip_per_atom=-3.0: pass a list of energies"):
        mapped_e_hull(["LiF"], -3.0, potential="chgnet")  # was TypeError: no len()
    with pytest.raises(InvalidInputError, match=r"potential=5 does not follow ssenb.mlip"):
        mapped_e_hull(["LiF"], [-3.0], potential=5)  # was AttributeError


def test_mapped_hull_rows_say_why_an_input_is_not_an_energy_per_atom():
    from ssenb.mlip import mapped_e_hull

    # CHGNet's LiF is about -4.8 eV/atom; 1e308 is no energy per atom, True no energy at all
    out = mapped_e_hull([None, "LiF", "LiF", "LiF"], [-3.0, 1e308, True, -480.0])
    errors = out["error"].tolist()
    assert errors[0].startswith("InvalidInputError: NoneType is not a structure")
    assert "e_mlip_per_atom=1e+308 for LiF is not a potential energy per atom" in errors[1]
    assert "e_mlip_per_atom=True for LiF is not a finite energy" in errors[2]
    assert "was it eV per cell? Divide by the number of atoms" in errors[3]  # 100 atoms' worth
    assert out["e_hull_eV_atom"].isna().all()  # 1e308 used to come back as E_hull 1e308


@pytest.fixture(scope="module")
def li_cells(li_lif):
    from ssenb.mlip import interface_cells

    return interface_cells(*li_lif, film_miller=(0, 0, 1), substrate_miller=(0, 0, 1))


class ConstantPotential:
    """The same energy per atom for every cell, no forces: NaN, inf or absurd on purpose."""

    name = "Constant"
    version = "1.0"
    energy_convention = "raw"

    def __init__(self, e_per_atom):
        self.e = e_per_atom

    def calculate(self, structure):
        import numpy as np

        from ssenb.mlip.potential import Calculation

        n = len(structure)
        return Calculation(self.e * n, np.zeros((n, 3)), np.zeros((3, 3)))


@pytest.mark.parametrize(
    ("e_per_atom", "reason"),
    [
        (float("nan"), "the potential gave energy nan eV for"),  # was NaN with error ''
        (1e300, "more than 100 eV/atom in size"),  # was W_ad = 0.0 J/m² (1e301 - 1e301)
    ],
)
def test_interface_energy_says_why_a_potential_energy_is_unusable(li_cells, e_per_atom, reason):
    from ssenb.mlip import interface_energy

    res = interface_energy(li_cells, ConstantPotential(e_per_atom), n_best=1)
    row = res.table.iloc[0]
    assert reason in row["error"]
    assert np.isnan(row["W_ad_J_m2"]) and np.isnan(res.w_ad_J_m2)
