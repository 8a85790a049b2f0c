"""Windows against published values (Zhu, He & Mo 2015; Richards et al. 2016) and hand checks."""

import math

import pytest
from pymatgen.analysis.phase_diagram import PDEntry
from pymatgen.core import Composition

from ssenb.errors import InvalidInputError, UnsupportedMaterialError
from ssenb.thermo import phase_stability, stability_window


@pytest.mark.parametrize(
    ("formula", "reduction", "oxidation"),
    [
        ("Li3PO4", 0.69, 4.21),  # Zhu et al. 2015, Table 1
        ("Li7La3Zr2O12", 0.05, 2.91),  # LLZO, Zhu et al. 2015
        ("Li2PO2N", 0.68, 2.64),  # LiPON model compound, Zhu et al. 2015
        ("LiF", 0.0, 6.4),  # fluorides: the widest window, Richards et al. 2016
    ],
)
def test_published_windows(formula, reduction, oxidation):
    w = stability_window(formula)
    assert w.reduction_v == pytest.approx(reduction, abs=0.05)
    assert w.oxidation_v == pytest.approx(oxidation, abs=0.05)


@pytest.mark.parametrize("formula", ["LiF", "LiCl"])
def test_binary_window_by_hand(formula, mp_table):
    """A Li halide that is the only stable compound of its binary: stable against Li metal, and
    oxidised LiX -> Li + 1/2 X2 at V = -E_f(LiX per formula unit) = -2 E_f(per atom)."""
    halogen = formula[2:]
    binaries = mp_table[
        (mp_table["chemsys"] == "-".join(sorted(["Li", halogen])))
        & (mp_table["e_above_hull_eV_atom"] == 0)
    ]
    assert binaries["reduced_formula"].tolist() == [formula]  # premise of the hand calculation
    w = stability_window(formula)
    assert w.reduction_v == 0.0
    assert w.oxidation_v == pytest.approx(
        -2 * binaries["formation_energy_eV_atom"].iloc[0], abs=1e-9
    )
    assert w.oxidation_products == [f"{halogen}2"]


def test_toy_system_from_user_entries():
    """A hand-made Li-X hull: LiX at -3 eV/atom (-6 eV/f.u.) oxidises at 6 V."""
    entries = [
        PDEntry(Composition("Li"), 0.0),
        PDEntry(Composition("F"), 0.0),
        PDEntry(Composition("LiF"), -6.0),
    ]
    w = stability_window("LiF", source=entries)
    assert (w.reduction_v, w.oxidation_v) == (0.0, pytest.approx(6.0))
    assert w.source == "user entries"


def test_metastable_material_gets_the_window_of_its_phase_equilibrium():
    lgps = stability_window("Li10GeP2S12")
    assert lgps.metastable and lgps.e_above_hull > 0
    assert phase_stability("Li10GeP2S12").decomposition.keys() == {"Li3PS4", "Li4GeS4"}
    parts = [stability_window(f) for f in ("Li3PS4", "Li4GeS4")]
    assert lgps.reduction_v == pytest.approx(max(p.reduction_v for p in parts), abs=1e-9)
    assert lgps.oxidation_v == pytest.approx(min(p.oxidation_v for p in parts), abs=1e-9)
    assert "metastable" in lgps._repr_html_()


def test_sodium_electrolyte(mp_table):
    naf = stability_window("NaF", ion="Na")
    ef = mp_table.set_index("reduced_formula").loc["NaF", "formation_energy_eV_atom"]
    assert naf.oxidation_v == pytest.approx(-2 * ef, abs=1e-9)
    w = stability_window("Na3PS4", ion="Na")
    assert 0 < w.reduction_v < w.oxidation_v < 5
    assert all("Na" in "".join(p) for p in w.profile["products"].iloc[:1])
    assert "Na/Na⁺" in w._repr_html_()


def test_material_without_the_ion_is_limited_only_by_uptake():
    w = stability_window("GeS2")
    assert w.reduction_v > 0
    assert math.isinf(w.oxidation_v)
    assert (w.profile["ion_per_formula_unit"] >= -1e-9).all()


def test_profile_is_ordered_and_consistent():
    w = stability_window("Li3PS4")
    p = w.profile
    assert p["voltage_V"].is_monotonic_increasing
    assert p["ion_per_formula_unit"].is_monotonic_decreasing
    assert w.phases_at((w.reduction_v + w.oxidation_v) / 2) == ["Li3PS4"]
    assert w.phases_at(0.0) == sorted(p["products"].iloc[0])


def test_disordered_structure_uses_its_average_composition(obelix):
    row = obelix[
        obelix["structure"].notna()
        & obelix["reduced_composition"].map(lambda c: c.reduced_formula == "Li7La3Zr2O12")
    ]
    disordered = [s for s in row["structure"] if not s.is_ordered]
    assert disordered, "expected a disordered LLZO CIF in OBELiX train"
    w = stability_window(disordered[0])
    assert w.reduction_v == pytest.approx(stability_window(disordered[0].composition).reduction_v)


@pytest.mark.parametrize(
    ("material", "kwargs", "error", "match"),
    [
        ("Li3Xq4", {}, InvalidInputError, "not a chemical formula"),
        ("", {}, InvalidInputError, "empty"),
        (42, {}, InvalidInputError, "formula string"),
        ("Li", {}, InvalidInputError, "ion Li itself"),
        ("Li3PS4", {"ion": "Qq"}, InvalidInputError, "not an element symbol"),
        ("LiHe", {}, UnsupportedMaterialError, "He are not covered"),
    ],
)
def test_bad_input(material, kwargs, error, match):
    with pytest.raises(error, match=match):
        stability_window(material, **kwargs)


def test_chemical_system_without_compounds(mp_table):
    systems = set(mp_table["chemsys"])
    covered = {el for s in systems for el in s.split("-")}
    partner = next(
        el
        for el in sorted(covered)
        if el != "Li"
        and "-".join(sorted(["Li", el])) not in systems
        and not any(set(s.split("-")) <= {"Li", el} for s in systems)
    )
    with pytest.raises(UnsupportedMaterialError, match="no compound"):
        phase_stability(f"Li{partner}")


def test_window_text_says_no_window_when_the_limits_meet():
    """Li4PS4 decomposes at 1.72 V both ways (Li2S + P below, Li3PS4 above): no range."""
    from ssenb.thermo.window import window_text

    w = stability_window("Li4PS4")
    assert w.is_empty and not stability_window("Li3PS4").is_empty
    assert w.window_text() == "no window (decomposes at 1.72 V vs Li/Li⁺)"
    assert dict(w.summary())["window"] == "no window (decomposes at 1.72 V vs Li/Li⁺)"
    assert "–" not in w._repr_html_()
    # a real window, one without oxidation limit, and limits that round alike
    assert window_text(0.69, 4.21) == "0.69–4.21 V vs Li/Li⁺"
    assert window_text(0.0, math.inf, ion="Na") == (
        "above 0.00 V vs Na/Na⁺ (no oxidation limit: no Na to release)"
    )
    assert window_text(2.2792, 2.2831, reference=False) == "2.279–2.283 V"


# ---- the default (FastHull) path against pymatgen's reference path ------------------------


def window_differences(fast, ref):
    """What differs between two StabilityWindows beyond 1e-6 V / eV/atom (empty: none)."""
    out = []
    close = lambda a, b: a == b or abs(a - b) <= 1e-6 or (math.isnan(a) and math.isnan(b))  # noqa: E731
    for name in ("reduction_v", "oxidation_v", "e_above_hull"):
        if not close(getattr(fast, name), getattr(ref, name)):
            out.append(f"{name}: {getattr(fast, name)} vs {getattr(ref, name)}")
    for name in ("reduction_products", "oxidation_products", "in_data", "metastable", "formula"):
        if getattr(fast, name) != getattr(ref, name):
            out.append(f"{name}: {getattr(fast, name)} vs {getattr(ref, name)}")
    pf, pr = fast.profile, ref.profile
    if list(pf.columns) != list(pr.columns) or len(pf) != len(pr):
        return [*out, f"profile shape {pf.shape} vs {pr.shape}"]
    for col in ("voltage_V", "voltage_upper_V", "ion_per_formula_unit"):
        if not all(close(a, b) for a, b in zip(pf[col], pr[col])):
            out.append(f"{col}: {pf[col].tolist()} vs {pr[col].tolist()}")
    for col in ("products", "reaction"):
        if pf[col].tolist() != pr[col].tolist():
            out.append(f"{col}: {pf[col].tolist()} vs {pr[col].tolist()}")
    return out


def test_fast_path_equals_pymatgen_reference(reference_cases):
    """Every number to 1e-6 V (eV/atom), the same phases and the same reactions, on the named
    electrolytes and a seeded sample of the snapshot (about 80 materials)."""
    from ssenb.data.materials import to_composition
    from ssenb.thermo import get_source
    from ssenb.thermo.window import window_of

    src = get_source()
    cases = reference_cases
    assert len(cases) > 80
    mismatches, compared = {}, 0
    for formula, ion in cases:
        comp = to_composition(formula)
        ref = window_of(comp, ion, src, reference=True)
        fast = window_of(comp, ion, src)
        compared += 1
        if diff := window_differences(fast, ref):
            mismatches[formula] = diff
    assert not mismatches, mismatches
    assert compared == len(cases)


def test_first_window_needs_no_pymatgen_analysis(fresh_python):
    """In a fresh process, a window and a phase stability from the snapshot import neither
    pymatgen.analysis (matplotlib, scipy.interpolate ...) nor the scipy.spatial and
    scipy.linalg packages (only qhull's compiled modules)."""

    code = (
        "import sys, pymatgen.core;"
        # older pymatgen (the 2025.2 floor) imports scipy.spatial itself: not ssenb's doing
        "pre = {m for m in ('scipy.spatial', 'scipy.linalg') if m in sys.modules};"
        "from ssenb.thermo import phase_stability, stability_window;"
        "w = stability_window('Li10GeP2S12'); s = phase_stability('Li10GeP2S12');"
        "bad = sorted(m for m in sys.modules if m.split('.')[:2] == ['pymatgen', 'analysis']"
        " or m in {'scipy.spatial', 'scipy.linalg', 'matplotlib', 'scipy.interpolate'} - pre);"
        "print(round(w.reduction_v, 3), round(w.oxidation_v, 3), bad)"
    )
    assert fresh_python(code).split() == ["1.721", "2.291", "[]"]


def test_a_divalent_ion_moves_two_electrons_per_atom():
    """Hand case: Mg, S at 0 eV/atom and MgS at -1.8 eV/atom (-3.6 eV per formula unit).
    MgS -> Mg²⁺ + 2e⁻ + S once mu_Mg < -3.6 eV: 3.6 eV over two electrons is 1.8 V vs
    Mg/Mg²⁺ (a monovalent reading would say 3.6 V)."""
    entries = [PDEntry("Mg", 0.0), PDEntry("S", 0.0), PDEntry("MgS", -3.6)]
    assert entries[2].energy_per_atom == pytest.approx(-1.8)  # the premise
    w = stability_window("MgS", ion="Mg", source=entries)
    assert w.reduction_v == pytest.approx(0.0, abs=1e-9)
    assert w.oxidation_v == pytest.approx(1.8, abs=1e-9)
    assert "V vs Mg/Mg²⁺" in w.window_text()


def test_divalent_windows_agree_between_the_fast_and_the_reference_path():
    from ssenb.thermo import get_source
    from ssenb.thermo._profile import fast_ion_profile, reference_ion_profile

    src = get_source()
    comp = Composition("MgPS3")
    fast = fast_ion_profile(src.fast_hull(["Mg", "P", "S"]), comp, "Mg")
    ref = reference_ion_profile(src.phase_diagram(["Mg", "P", "S"]), comp, "Mg")
    assert fast["voltage_V"].tolist() == pytest.approx(ref["voltage_V"].tolist(), abs=1e-6)
