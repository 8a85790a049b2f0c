"""Single and batch paths agree for every ion: one voltage rule, one hull, one reaction.

``screen`` and ``screen_candidates`` (FastHull facets, many materials at once) against
``stability_window``, ``phase_stability`` and ``interface_reactions`` (one material at a
time, pymatgen's InterfacialReactivity for the reactions) on real compounds of the MP
~2019 snapshot, for every ion ssenb names, multivalent ones included: a voltage is per
electron (V = -Δμ / z e), so MgS's window ends at 1.61 V vs Mg/Mg²⁺, not at 3.22 V.
"""

import pytest

from ssenb import keys as K
from ssenb.design import screen_candidates
from ssenb.thermo import interface_reactions, phase_stability, screen, stability_window

# real snapshot compounds per ion; the first of each list lies above the hull where the
# snapshot has such a compound of the ion (the window is then its equilibrium's), and
# the last material of Mg holds no Mg (no oxidation limit)
CASES = {
    "Li": ["Li10GeP2S12", "Li3PS4"],
    "Na": ["Na3SbS4", "NaAlCl4"],
    "K": ["K3PS4", "KAlCl4"],
    "Mg": ["MgSc2Se4", "MgS", "ZnS"],
    "Ca": ["CaF2", "CaZrO3"],
    "Zn": ["ZnPS3", "ZnCl2"],
    "Al": ["Al2S3", "AlF3"],
}
CATHODE = "LiCoO2"


@pytest.mark.parametrize("ion", list(CASES))
def test_screen_and_candidates_equal_the_single_material_functions(ion):
    names = CASES[ion]
    table = screen(names, ion=ion, progress=False)
    candidates = screen_candidates(names, ion=ion, cathode=CATHODE, progress=False).table
    assert table[K.ERROR].isna().all() and candidates[K.ERROR].isna().all()
    for name, row, cand in zip(names, table.itertuples(), candidates.itertuples()):
        w = stability_window(name, ion=ion)
        for got in (row, cand):
            assert got.reduction_V == pytest.approx(w.reduction_v, abs=1e-6), name
            assert got.oxidation_V == pytest.approx(w.oxidation_v, abs=1e-6), name
        e_hull = phase_stability(name).e_above_hull
        assert row.e_above_hull_eV_atom == pytest.approx(e_hull, abs=1e-6), name
        assert cand.e_above_hull_eV_atom == pytest.approx(e_hull, abs=1e-6), name
        anode = interface_reactions(name, ion).min_energy
        cathode = interface_reactions(name, CATHODE).min_energy
        assert cand.anode_reaction_energy_eV_atom == pytest.approx(anode, abs=1e-6), name
        assert cand.cathode_reaction_energy_eV_atom == pytest.approx(cathode, abs=1e-6), name


def test_a_divalent_window_is_per_electron_by_hand():
    """MgS is oxidised to MgS2: 2 MgS -> MgS2 + Mg at mu_Mg = 2 E(MgS) - E(MgS2), V = -mu/2."""
    from ssenb.thermo import get_source

    w = stability_window("MgS", ion="Mg")
    row = screen(["MgS"], ion="Mg", progress=False).iloc[0]
    assert w.oxidation_products == ["MgS2"]
    hull = get_source().fast_hull({"Mg", "S"})
    assert hull.refs.tolist() == [0.0, 0.0]  # the snapshot's energies are formation energies
    mgs = 2 * hull.energy_of([1 / 2, 1 / 2])  # eV per MgS
    mgs2 = 3 * hull.energy_of([1 / 3, 2 / 3])  # eV per MgS2
    by_hand = -(2 * mgs - mgs2) / 2  # 2 electrons per Mg
    assert by_hand == pytest.approx(1.611, abs=1e-3)
    assert w.oxidation_v == pytest.approx(by_hand, abs=1e-9)
    assert row[K.OXIDATION_V] == pytest.approx(by_hand, abs=1e-9)  # was 3.22 V: not per electron
