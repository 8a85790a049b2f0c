import pytest

from ssenb.errors import InvalidInputError
from ssenb.thermo import ELECTRODES, interface_reactions


def test_li_metal_reduction_of_li3ps4_by_hand(mp_table):
    """Li3PS4 + 8 Li -> 4 Li2S + Li3P: reaction energy per atom of the 16-atom mixture."""
    ef = mp_table.set_index("reduced_formula")["formation_energy_eV_atom"]
    expected = (4 * 3 * ef["Li2S"] + 4 * ef["Li3P"] - 8 * ef["Li3PS4"]) / 16
    r = interface_reactions("Li3PS4", "Li")
    kink = r.table[r.table["products"].map(lambda p: p == ["Li2S", "Li3P"])]
    assert len(kink) == 1
    assert kink["mixing_ratio"].iloc[0] == pytest.approx(8 / 16)  # electrolyte's atomic fraction
    assert kink["reaction_energy_eV_atom"].iloc[0] == pytest.approx(expected, abs=1e-9)
    assert r.min_energy <= expected + 1e-12


def test_sulfide_against_oxide_cathode_forms_phosphate_and_cobalt_sulfide():
    """Richards et al. 2016: LPS | LiCoO2 is strongly reactive, forming Li3PO4 and Co sulfides."""
    r = interface_reactions("Li3PS4", "LiCoO2")
    assert r.min_energy < -0.3
    assert "Li3PO4" in r.products and any(p.startswith("Co") and "S" in p for p in r.products)
    assert (
        r.table["reaction_energy_eV_atom"].iloc[[0, -1]].abs().max() < 1e-9
    )  # pure ends do not react


def test_stable_pair_does_not_react():
    r = interface_reactions("Li3PO4", "LiCoO2")
    assert r.min_energy == pytest.approx(0.0, abs=1e-6)


def test_li_open_interface_depends_on_mu():
    at_anode = interface_reactions("Li3PS4", "LiCoO2", open_element="Li", mu=0.0)
    charged = interface_reactions("Li3PS4", "LiCoO2", open_element="Li", mu=-4.0)
    assert at_anode.min_energy < 0 and charged.min_energy < 0
    assert at_anode.min_energy != pytest.approx(charged.min_energy)
    assert charged.open_element == "Li" and charged.mu == -4.0


def test_named_electrodes():
    assert "NMC811" in ELECTRODES
    r = interface_reactions("Li6PS5Cl", "NMC811")
    assert r.electrode == "NMC811" and r.min_energy < 0


def test_bad_interface_input():
    with pytest.raises(InvalidInputError, match="open_element"):
        interface_reactions("Li3PS4", "LiCoO2", mu=-3)
    with pytest.raises(InvalidInputError, match="reservoir"):
        interface_reactions("Li3PS4", "Li", open_element="Li")
    with pytest.raises(InvalidInputError, match="open_element='Qq' is not an element symbol"):
        interface_reactions("Li3PS4", "LiCoO2", open_element="Qq")
    with pytest.raises(InvalidInputError, match="electrode"):
        interface_reactions("Li3PS4", "LiCoOO2x")


def test_reaction_energy_excludes_a_metastable_reactants_own_decomposition():
    """NMC111 is above its hull in the snapshot; LLZO and Li3PO4 hardly react with it.

    Premise first: the cathode is metastable by tens of meV/atom. Then, with both reactants
    at their hull energies, the pure ends are 0 and the reaction energy is not the
    cathode's own e_above_hull (the old map showed -0.043 eV/atom for both pairs).
    """
    from ssenb.thermo import phase_stability

    own = phase_stability("Li3NiMnCoO6").e_above_hull
    assert own > 0.02  # premise
    for electrolyte in ("Li3PO4", "Li7La3Zr2O12"):
        r = interface_reactions(electrolyte, "NMC111")
        ends = r.table["reaction_energy_eV_atom"].iloc[[0, -1]]
        assert ends.abs().max() < 1e-9
        assert r.electrode_e_above_hull == pytest.approx(own, abs=1e-9)
        assert r.min_energy > -0.01  # not -own
        assert "hull energy" in r.convention


def test_chemical_potential_must_be_physical():
    with pytest.raises(InvalidInputError, match="physical range"):
        interface_reactions("Li3PS4", "LiCoO2", open_element="Li", mu=5)
    with pytest.raises(InvalidInputError, match="physical range"):
        interface_reactions("Li3PS4", "LiCoO2", open_element="Li", mu=-1e6)
    for bad in (float("nan"), float("inf"), "abc"):
        with pytest.raises(InvalidInputError, match="mu="):
            interface_reactions("Li3PS4", "LiCoO2", open_element="Li", mu=bad)


ELECTRODE_CASES = ["Li", "LiCoO2", "NMC811", "LiFePO4", "LiMn2O4", "LNMO", "Li4Ti5O12"]


def test_fast_kinks_equal_pymatgen_reference(reference_cases):
    """The closed-interface table from FastHull equals pymatgen's InterfacialReactivity
    (norm=True, use_hull_energy=True): same kinks, energies to 1e-6 eV/atom, same reactions
    and products, over the named electrolytes and the snapshot sample against 7 electrodes."""
    import numpy as np

    from ssenb.data.materials import to_composition
    from ssenb.thermo import get_source
    from ssenb.thermo._kinks import fast_kinks, reference_kinks

    src = get_source()
    mismatches, compared = {}, 0
    for k, (formula, _) in enumerate(reference_cases[:60]):
        electrode = ELECTRODE_CASES[k % len(ELECTRODE_CASES)]
        c1, c2 = to_composition(formula), to_composition(ELECTRODES[electrode])
        elements = {str(e) for e in c1.elements} | {str(e) for e in c2.elements}
        if len(elements) > 7:  # pymatgen's 8-element hulls take seconds each
            continue
        fast = fast_kinks(src.fast_hull(elements), c1, c2)
        ref = reference_kinks(src.phase_diagram(elements), c1, c2)
        compared += 1
        same = len(fast) == len(ref) and all(
            np.allclose(fast[col], ref[col], atol=1e-6, rtol=0)
            for col in ("mixing_ratio", "reaction_energy_eV_atom")
        )
        same = same and all(fast[c].tolist() == ref[c].tolist() for c in ("reaction", "products"))
        if not same:
            mismatches[(formula, electrode)] = (fast.to_dict("list"), ref.to_dict("list"))
    assert not mismatches, mismatches
    assert compared >= 45


def test_closed_interface_needs_no_pymatgen_analysis(fresh_python):
    """The default (snapshot) closed interface is computed without pymatgen.analysis."""

    code = (
        "import sys; from ssenb.thermo import interface_reactions;"
        "r = interface_reactions('Li3PS4', 'Li');"
        "print(sorted(m for m in sys.modules if m.startswith('pymatgen.analysis')));"
        "print(r.table['reaction'][r.table['products'].map(len) == 2].tolist())"
    )
    modules, reactions = fresh_python(code).splitlines()
    assert modules == "[]"
    # Li3PS4 + 8 Li -> 4 Li2S + Li3P per one formula unit of reactants (1/9 + 8/9), by hand
    assert "0.1111 Li3PS4 + 0.8889 Li -> 0.4444 Li2S + 0.1111 Li3P" in reactions


def test_one_reaction_reads_the_same_from_a_formula_and_a_cell():
    """issue 19: a structure's cell (Li24P4S20Cl4) gave "0.3195 Li6PS5Cl + 0.9201 LiCoO2"
    where the formula gave "0.2577 Li6PS5Cl + 0.7423 LiCoO2": one reduced formula unit of
    reactants in all, for closed and Li-open interfaces alike."""
    from pymatgen.core import Composition

    for kwargs in ({}, {"open_element": "Li", "mu": -3.0}):
        texts = {
            interface_reactions(c, electrode, **kwargs).min_reaction
            for c, electrode in (
                ("Li6PS5Cl", "LiCoO2"),
                (Composition("Li24P4S20Cl4"), "LiCoO2"),
                (Composition("Li12P2S10Cl2"), Composition("Li2Co2O4")),
            )
        }
        assert len(texts) == 1, texts
        text = texts.pop()
        assert text.startswith(("0.2577 Li6PS5Cl + 0.7423 LiCoO2 ->", "0.3529 Li6PS5Cl + 0.6471"))
        left = text.split(" -> ")[0].split(" + ")
        assert abs(sum(float(term.split()[0]) for term in left) - 1) < 1e-3
