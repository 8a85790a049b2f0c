"""Fault battery, ssenb.design.design / read_design / ssenb design: refused before any work.

Each bad argument here used to pass the first checks and then fail every row after the
relaxations (minutes to hours of CPU), or escape as a bare Python error.
"""

from __future__ import annotations

import json

import pytest
from pymatgen.core import Lattice, Structure

from ssenb.errors import InvalidInputError, UnsupportedMaterialError


class NeverCalled:
    """A potential that fails the test if anything is relaxed."""

    name = "Never"
    version = "1.0"
    energy_convention = "MP2020-corrected"

    def calculate(self, structure):  # pragma: no cover (reaching it is the failure)
        raise AssertionError("design() relaxed a structure before refusing its arguments")


@pytest.fixture(scope="module")
def lco():
    """LiCoO2, the 4-atom R-3m primitive cell (a = 2.82 Å, c = 14.05 Å)."""
    conv = Structure.from_spacegroup(
        "R-3m", Lattice.hexagonal(2.82, 14.05), ["Li", "Co", "O"],
        [[0, 0, 0], [0, 0, 0.5], [0, 0, 0.26]],
    )  # fmt: skip
    return conv.get_primitive_structure()


def _design(host, **kw):
    from ssenb.design import design

    args = {
        "dopants": ["Al"], "sites": ["Co"], "top": 1, "fractions": [0.5], "model": False,
        "potential": NeverCalled(), "max_atoms": 8, "n_orderings": 1, "progress": False,
    }  # fmt: skip
    return design(host, **(args | kw))


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"steps": float("nan")}, InvalidInputError, r"steps=nan must be an integer in 1\.\.2000"),
        ({"fmax": "x"}, InvalidInputError, r"fmax='x' must be a positive force in eV/Å"),
        ({"cathode": None}, InvalidInputError, r"cathode=None; give the cathode's formula"),
        ({"cathode": ""}, InvalidInputError, r"cathode=''; give the cathode's formula"),
        ({"cathode": "Og"}, UnsupportedMaterialError, r"cathode='Og': element\(s\) Og are not"),
        ({"property_models": "x"}, InvalidInputError, r"property_models=str; pass a dict"),
        ({"fractions": [True]}, InvalidInputError, r"fractions=\[True\]; give fractions"),
    ],
)
def test_an_argument_that_would_fail_every_row_is_refused_first(lco, kwargs, error, match):
    with pytest.raises(error, match=match):
        _design(lco, **kwargs)


def test_a_host_larger_than_max_atoms_is_refused_not_relaxed(lco):
    with pytest.raises(InvalidInputError, match=r"has 32 atoms, more than max_atoms=8.*primitive"):
        _design(lco * (2, 2, 2))


def test_a_host_with_two_atoms_on_one_spot_is_refused_before_the_proposer():
    host = Structure(
        Lattice.cubic(4.0), ["Li", "Co", "O", "O"],
        [[0, 0, 0], [0.5, 0.5, 0.5], [0.25, 0.25, 0.25], [0.25, 0.25, 0.2501]],
    )  # fmt: skip
    with pytest.raises(InvalidInputError, match=r"atoms 2 \(O\) and 3 \(O\) are 0.000 Å apart"):
        _design(host)  # every row used to fail after the orderings, one by one


def test_a_whole_site_replaced_is_one_ordering_not_a_crash(lco):
    # fraction 1 of Co -> LiAlO2: nothing left to order (pymatgen's Ewald minimizer fails)
    from ssenb.mlip.orderings import distinct_orderings
    from ssenb.mlip.substitutions import site_charges, with_oxidation_states

    host = with_oxidation_states(lco)
    subs = {"Co": {"Al": 1.0}}
    found, _ = distinct_orderings(
        host, subs, site_charges(host, subs, {}), max_cells=1, max_atoms=8, max_orderings=2
    )
    assert [o.structure.composition.reduced_formula for o in found] == ["LiAlO2"]
    assert len(found[0].structure) == 4 and found[0].ewald_eV_atom < 0  # ionic: bound


def test_read_design_refuses_a_folder_and_rows_that_do_not_line_up(tmp_path):
    from ssenb.design import read_design

    with pytest.raises(InvalidInputError, match=r"is not a regular file .*folder"):
        read_design(tmp_path)
    cols = ["candidate", "energy_potential_eV_atom", "input_key", "pareto_rank", "converged",
            "error", "e_above_hull_eV_atom", "e_above_hull_uncertainty_eV_atom"]  # fmt: skip
    rows = [
        ["host", -4.0, "a", 1, True, None, 0.0, 0.02],
        ["x", -4.1, "b", 2, True, None, 0.01, 0.02],
    ]
    table = {"@frame": {"columns": cols, "index": [0, 1], "data": rows, "dtypes": {}}}
    result = {
        "@module": "ssenb.design.run", "@class": "DesignResult", "table": table,
        "structures": [None], "entries": [None, None], "host": "LiCoO2", "potential": "Flat",
        "cathode": "LiCoO2", "model": "none", "hull_method": "", "notes": [],
    }  # fmt: skip
    path = tmp_path / "run.json"
    path.write_text(json.dumps({"ssenb_design": 1, "result": result}))
    with pytest.raises(InvalidInputError, match=r"table has 2 rows but 1 structures and 2 entries"):
        read_design(path)


def test_cli_design_refuses_words_as_fractions_and_one_path_for_two_outputs(tmp_path, lco, capsys):
    from ssenb.cli import main

    cif = tmp_path / "lco.cif"
    lco.to(filename=str(cif))
    out = str(tmp_path / "same.csv")
    assert main(["design", str(cif), "--fractions", "abc", "--no-model", "-q", "-o", out]) == 2
    assert "--fractions 'abc': give fractions of a site as numbers" in capsys.readouterr().err
    assert main(["design", str(cif), "--no-model", "-q", "-o", out, "--save", out]) == 2
    assert "--output and --save are both" in capsys.readouterr().err
    assert not (tmp_path / "same.csv").exists()


def test_an_obelix_id_or_a_non_cif_file_as_host_says_what_to_pass(tmp_path):
    from ssenb.design import propose_substitutions

    with pytest.raises(InvalidInputError, match=r"OBELiX ids are read by the command line"):
        propose_substitutions("obelix:nonexistent")  # was "not a chemical formula: ':'"
    poscar = tmp_path / "POSCAR"
    poscar.write_text("Li\n1.0\n")
    with pytest.raises(InvalidInputError, match=r"is a file but not a .cif"):
        propose_substitutions(str(poscar))
