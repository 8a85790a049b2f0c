"""design(): host -> ranked shortlist, on a 4-atom LiCoO2 cell with a fake potential.

The fake potential gives every atom -4 eV and no force (a relaxation converges at once), so
the test runs the real orderings, hulls, windows, BVSE and ranking in seconds; the mapped
hull (ssenb.mlip.mapped_e_hull, benchmarked elsewhere) is replaced by a hand-made one whose
numbers the assertions check.
"""

from __future__ import annotations

import dataclasses
import json
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd
import pytest
from monty.json import MontyDecoder, jsanitize

from ssenb import keys as K
from ssenb.errors import InvalidInputError, UnsupportedMaterialError
from ssenb.mlip.potential import Calculation


class FlatPotential:
    """-4 eV per atom, zero forces and stress; refuses the elements in ``unknown``."""

    name = "Flat"
    version = "1.0"
    energy_convention = "MP2020-corrected"

    def __init__(self, unknown=(), stop_after=None, force_on=None):
        self.unknown = set(unknown)
        self.stop_after = stop_after
        self.force_on = force_on  # an element whose cells feel 1 eV/Å on every atom
        self.calls = 0
        self.seen = set()  # elements of every cell it was asked about

    def calculate(self, structure):
        self.calls += 1
        self.seen |= {el.symbol for el in structure.composition.elements}
        if self.stop_after is not None and self.calls > self.stop_after:
            raise KeyboardInterrupt  # a Ctrl-C in the middle of the run
        bad = {el.symbol for el in structure.composition.elements} & self.unknown
        if bad:
            raise UnsupportedMaterialError(f"Flat knows no {', '.join(sorted(bad))}")
        n = len(structure)
        forces = np.zeros((n, 3))
        if self.force_on and self.force_on in {el.symbol for el in structure.composition}:
            forces[:, 0] = 1.0  # never converges
        return Calculation(-4.0 * n, forces, np.zeros((3, 3)))


def fake_e_hull(structures, energies, *, potential=None, source=None):
    """E_hull = 10 meV/atom per dopant atom in the cell, 20 meV/atom uncertainty."""
    rows = []
    for s in structures:
        n_dop = sum(a for el, a in s.composition.items() if el.symbol not in ("Li", "Co", "O"))
        rows.append(
            {
                "e_form_mapped_eV_atom": -1.5,
                "e_hull_eV_atom": 0.010 * n_dop,
                "e_hull_uncertainty_eV_atom": 0.020,
                "decomposition": None,
                "hull_method": "test mapping",
                "error": None,
            }
        )
    return pd.DataFrame(rows)


def fake_entries(structures, energies, *, potential=None, source=None):
    from pymatgen.entries.computed_entries import ComputedEntry

    return [
        ComputedEntry(
            s.composition, -1.5 * len(s), data={"energy_source": "Flat (mapped)"},
            entry_id=f"mapped:{i}",
        )
        for i, s in enumerate(structures)
    ]  # fmt: skip


@pytest.fixture(autouse=True)
def mapped_hull(monkeypatch):
    import ssenb.mlip

    monkeypatch.setattr(ssenb.mlip, "mapped_e_hull", fake_e_hull, raising=False)
    monkeypatch.setattr(ssenb.mlip, "mapped_entries", fake_entries, raising=False)


@pytest.fixture(scope="module")
def lco():
    """LiCoO2, R-3m, the 4-atom primitive cell (a = 2.82 Å, c = 14.05 Å)."""
    from pymatgen.core import Lattice, Structure

    conv = Structure.from_spacegroup(
        "R-3m",
        Lattice.hexagonal(2.82, 14.05),
        ["Li", "Co", "O"],
        [[0, 0, 0], [0, 0, 0.5], [0, 0, 0.26]],
    )
    prim = conv.get_primitive_structure()
    return Structure.from_str(prim.to(fmt="cif"), fmt="cif")  # as `ssenb design x.cif` reads it


def run(host, **kw):
    from ssenb.design import design

    args = {
        "dopants": ["Ti", "Al", "Mg"],
        "sites": ["Co"],
        "top": 5,
        "fractions": [0.5],
        "potential": FlatPotential(),
        "model": False,
        "max_atoms": 8,
        "n_orderings": 1,
        "steps": 5,
        "progress": False,
    }
    return design(host, **(args | kw))


@pytest.fixture(scope="module")
def result(lco):
    import ssenb.mlip

    keep = ssenb.mlip.__dict__.get("mapped_e_hull"), ssenb.mlip.__dict__.get("mapped_entries")
    ssenb.mlip.mapped_e_hull, ssenb.mlip.mapped_entries = fake_e_hull, fake_entries
    try:
        return run(lco)
    finally:
        ssenb.mlip.mapped_e_hull, ssenb.mlip.mapped_entries = keep


def test_every_candidate_is_a_row_with_its_compensation(result):
    t = result.table.set_index("candidate")
    assert len(t) == 6 and "host" in t.index  # host, Al3+, Ti3+, Ti4+, Mg2+, Ti2+
    ti = t.loc["Ti4+ on Co 1/2 #1"]  # Ti4+ for Co3+: one Li vacancy per Ti
    from pymatgen.core import Composition

    comp = Composition(ti[K.FORMULA])
    assert comp.get_reduced_formula_and_factor()[0] == Composition("LiCoTiO4").reduced_formula
    assert ti[K.COMPENSATION] == "1 Li vacancy per dopant" and ti[K.N_ATOMS] in (7, 14)
    al = t.loc["Al3+ on Co 1/2 #1"]  # isovalent: no Li removed
    assert Composition(al[K.FORMULA]) == Composition("Li2CoAlO4").reduced_composition
    # Mg2+ for Co3+: one Li interstitial per Mg, at a BVSE minimum of the host:
    # Li2Co2O4 -> Li3CoMgO4 (3 + 3 + 2 - 8 = 0)
    mg = t.loc["Mg2+ on Co 1/2 #1"]
    assert Composition(mg[K.FORMULA]) == Composition("Li3CoMgO4").reduced_composition
    assert mg[K.COMPENSATION].startswith("1 Li interstitial per dopant; 1 Li at BVSE minimum")


def test_rows_carry_every_step_with_units_and_reasons(result):
    t = result.table
    ok = t[t[K.ERROR].isna()]
    assert len(ok) == 6 and set(ok[K.CONVERGED]) == {True}  # Mg2+, Ti2+: with their interstitial Li
    assert (ok["hull_method"] == "test mapping").all()
    al = ok[ok[K.DOPANT] == "Al"].iloc[0]
    assert al[K.E_HULL] == pytest.approx(0.010) and al[K.E_HULL_ERR] == 0.020
    assert (
        "E_hull 10 ± 20 meV/atom (± the hull method's benchmark MAE): within its uncertainty"
        in al[K.REASONS]
    )
    for col in (K.WINDOW_WIDTH_V, K.ANODE_REACTION_ENERGY, K.CATHODE_REACTION_ENERGY):
        assert ok[col].notna().all()
    assert (ok[K.ANODE_REACTION_ENERGY] <= 0).all() and (ok[K.CATHODE_REACTION_ENERGY] <= 0).all()
    assert ok[K.BARRIER_3D].notna().all() and (ok[K.BARRIER_3D] > 0).all()
    assert ok[K.PREDICTION].isna().all()  # model=False
    assert result.table[K.PARETO_RANK].iloc[0] == 1  # sorted: the front first
    assert result.shortlist(5)["candidate"].ne("host").all()
    said = dict(result.summary())["conductivity model"]  # model=False, said in words
    assert said.startswith("none (switched off") and "log10 σ is not predicted" in said


def test_pareto_rank_counts_dominating_rows(result):
    from ssenb._pareto import dominators_pairwise

    ok = result.table[result.table[K.PARETO_RANK].notna()]
    worst = ok[[K.ANODE_REACTION_ENERGY, K.CATHODE_REACTION_ENERGY]].min(axis=1)
    obj = np.column_stack([-ok[K.E_HULL], -ok[K.BARRIER_3D], worst])
    assert ok[K.PARETO_RANK].tolist() == (dominators_pairwise(obj) + 1).tolist()


def test_result_round_trips_and_renders(result, tmp_path):
    from ssenb.design import read_design, write_design

    html = result._repr_html_()
    assert html.startswith("<table") and "Flat 1.0" in html
    back = MontyDecoder().decode(json.dumps(jsanitize(result, strict=True)))
    assert back.to_frame().shape == result.to_frame().shape
    path = write_design(tmp_path / "run.json", result)
    again = read_design(path)
    assert again.table["candidate"].tolist() == (result.table["candidate"].tolist())
    with pytest.raises(InvalidInputError, match="exists"):
        write_design(path, result)


def test_entry_source_hands_the_candidates_on(result):
    from ssenb.thermo import stability_window

    src = result.entry_source()
    assert "mapped" in src.name
    formula = result.shortlist(1)[K.FORMULA].iloc[0]
    win = stability_window(formula, source=src)
    assert win.reduction_v <= win.oxidation_v


def test_reuse_needs_no_potential(result, lco, monkeypatch):
    """A cached run (e.g. the tutorial's) reranks without loading any potential."""
    import ssenb.mlip.potential as P

    def no(*a, **k):
        raise AssertionError("a potential was loaded")

    monkeypatch.setattr(P, "load_chgnet", no)
    again = run(lco, potential=None, reuse=result)
    cols = ["candidate", K.E_HULL, K.PARETO_RANK]
    pd.testing.assert_frame_equal(again.table[cols], result.table[cols])


def test_a_failing_relaxation_is_its_row(lco):
    res = run(lco, potential=FlatPotential(unknown={"Ti"}))
    t = res.table.set_index("candidate")
    assert t.loc["Ti4+ on Co 1/2 #1", K.ERROR] == (  # mlip.relax_reason's words, as substitute's
        "relaxation failed (UnsupportedMaterialError: Flat knows no Ti): energy withheld"
    )
    assert pd.isna(t.loc["Ti4+ on Co 1/2 #1", K.E_HULL])
    assert t.loc["Al3+ on Co 1/2 #1", K.ERROR] is None
    with pytest.raises(UnsupportedMaterialError, match="Flat knows no Ti"):
        run(lco, potential=FlatPotential(unknown={"Ti"}), errors="raise", dopants=["Ti"], top=2)


def test_resume_after_interruption_equals_an_uninterrupted_run(lco, tmp_path, result):
    folder = tmp_path / "ckpt"
    with pytest.raises(KeyboardInterrupt):
        run(lco, potential=FlatPotential(stop_after=3), checkpoint=folder)
    again = FlatPotential()
    res = run(lco, potential=again, checkpoint=folder)
    assert again.calls < 3 * 6  # the finished relaxations were read back, not redone
    cols = ["candidate", K.E_HULL, K.BARRIER_3D, K.PARETO_RANK, K.REASONS]
    pd.testing.assert_frame_equal(res.table[cols], result.table[cols])


def test_a_process_pool_gives_the_serial_result(lco, result):
    with ProcessPoolExecutor(2) as pool:
        res = run(lco, executor=pool)
    pd.testing.assert_frame_equal(
        res.table.drop(columns=[K.N_STEPS]), result.table.drop(columns=[K.N_STEPS])
    )


def test_bad_hosts_are_refused_by_name(lco):
    from pymatgen.core import Lattice, Structure

    with pytest.raises(InvalidInputError, match="is a formula"):
        run("LiCoO2")
    nacl = Structure(Lattice.cubic(5.6), ["Na", "Cl"], [[0, 0, 0], [0.5, 0.5, 0.5]])
    with pytest.raises(UnsupportedMaterialError, match="has no Li"):
        run(nacl, sites=None)
    mixed = lco.copy()
    mixed.replace(lco.indices_from_symbol("Co")[0], {"Co": 0.5, "Ni": 0.5})
    with pytest.raises(UnsupportedMaterialError, match="disordered"):
        run(mixed)


def test_bad_choices_are_refused_or_recorded(lco):
    with pytest.raises(InvalidInputError, match="realised by no cell"):
        run(lco, fractions=[0.3])
    with pytest.raises(InvalidInputError, match="top=0"):
        run(lco, top=0)
    res = run(lco, dopants=["F"])  # F- cannot take a Co3+ site
    row = res.table[res.table[K.DOPANT] == "F"].iloc[0]
    assert "cannot be charge-balanced" in row[K.ERROR]
    with pytest.raises(InvalidInputError, match="cannot be charge-balanced"):
        run(lco, dopants=["F"], errors="raise")


def test_design_report_shows_the_shortlist_and_its_caveats(result):
    from ssenb.report_design import build_design_report

    page = build_design_report(result, n_drawn=1)
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    for text in ("What the numbers rest on", "test mapping", "Flat 1.0", "Shortlist",
                 "relaxed structure", "Li pathway", "Li interstitials"):  # fmt: skip
        assert text in page, text
    assert page.count("plotly.js v") <= 1  # embedded once
    shortlist = page[page.index("<h2>Shortlist</h2>") : page.index("<h3>Why</h3>")]
    assert "<td>Li<sub>3</sub>MgCoO<sub>4</sub></td>" in shortlist  # formulas subscripted
    assert "<td>Mg<sup>2+</sup> on Co 1/2 #1</td>" in shortlist and "Li3MgCoO4" not in shortlist
    assert "<li><b>Mg<sup>2+</sup> on Co 1/2 #1</b>: E_hull" in page  # the reasons too
    # model=False: every provenance line says what was not done and why, never a bare "none"
    assert "<small>none</small>" not in page and "model: none." not in page
    words = "none (switched off: design(model=False), ssenb design --no-model), so log10 σ"
    assert (
        f"<br><small>energies: Flat 1.0 (MLIP, MP2020-compatible); conductivity model: {words}"
        in page
    )
    assert f"<b>Conductivity model</b>: {words}" in page and f"conductivity model: {words}" in page
    fitted = dataclasses.replace(result, model="ConductivityModel (preset 'composition'), v9")
    assert fitted.provenance().endswith(
        "conductivity model: ConductivityModel (preset 'composition'), v9"
    )
    assert "predicted from the formula only" in build_design_report(fitted, n_drawn=0)


def test_cli_design_writes_csv_and_report(result, lco, tmp_path, capsys):
    from ssenb.cli import main
    from ssenb.design import write_design

    cif = tmp_path / "LiCoO2.cif"
    lco.to(filename=str(cif))
    saved = write_design(tmp_path / "run.json", result)
    out, page = tmp_path / "d.csv", tmp_path / "d.html"
    argv = ["design", str(cif), "--reuse", str(saved), "--dopants", "Ti,Al,Mg", "--sites", "Co",
            "--fractions", "0.5", "--max-atoms", "8", "--orderings", "1", "--steps", "5",
            "--no-model", "--draw", "0", "-o", str(out), "--report", str(page), "-q"]  # fmt: skip
    assert main(argv) == 0, capsys.readouterr().err
    table = pd.read_csv(out)
    assert len(table) == 6 and table["pareto_rank"].iloc[0] == 1
    assert "What the numbers rest on" in page.read_text(encoding="utf-8")
    assert "Pareto front" in capsys.readouterr().out
    assert main(argv) == 2  # the CSV exists: refused, never overwritten
    assert "add --force" in capsys.readouterr().err
    assert (
        main(
            [
                "design",
                "LiCoO2",
                "-o",
                str(tmp_path / "x.csv"),
                "--report",
                str(tmp_path / "x.html"),
            ]
        )
        == 2
    )
    assert "is a formula" in capsys.readouterr().err


def test_the_shipped_mapping_places_the_rows(lco, monkeypatch):
    """The real mapped hull (CHGNet's shipped references), not the test's stand-in.

    The flat potential carries CHGNet's label so the shipped CHGNet mapping applies; its
    energies are not CHGNet's, so only the wiring is checked: each row's E_hull is what
    mapped_e_hull gives for that relaxed structure and energy, with its method named.
    """
    import ssenb.mlip
    from ssenb.mlip.mapped_hull import mapped_e_hull, mapped_entries

    monkeypatch.setattr(ssenb.mlip, "mapped_e_hull", mapped_e_hull)
    monkeypatch.setattr(ssenb.mlip, "mapped_entries", mapped_entries)
    pot = FlatPotential()
    pot.name, pot.version = "CHGNet", "0.3.0"
    res = run(lco, potential=pot, dopants=["Al"], top=1)
    t = res.table
    assert list(t["candidate"]) == ["host", "Al3+ on Co 1/2 #1"] or set(t["candidate"]) == {
        "host", "Al3+ on Co 1/2 #1"}  # fmt: skip
    direct = mapped_e_hull(res.structures, [-4.0] * len(t), potential="chgnet")
    assert t[K.E_HULL].tolist() == pytest.approx(direct["e_hull_eV_atom"].tolist())
    assert t["hull_method"].str.contains("mapped onto MP ~2019").all()
    assert (t[K.E_HULL_ERR] > 0).all()
    v = run(lco, potential=pot, dopants=["Cr"], top=1).table  # Cr3+ on Co3+: one Cr reference
    row = v[v[K.DOPANT] == "Cr"].iloc[0]
    assert row[K.ERROR].startswith("not relaxed: element(s) Cr of ")
    assert "fewer than 2 reference structures" in row[K.ERROR] and pd.isna(row[K.E_HULL])
    # refused before its relaxation (it could never be placed), its cell still described
    assert not row[K.CONVERGED] and row[K.N_STEPS] == 0 and pd.isna(row[K.PARETO_RANK])
    assert row[K.N_ATOMS] > 0 and "Cr" in row[K.FORMULA]
    assert "Cr" not in pot.seen  # no Cr cell was ever relaxed


def test_a_relaxation_that_does_not_converge_is_never_ranked(lco):
    res = run(lco, potential=FlatPotential(force_on="Ti"), dopants=["Ti", "Al"], top=3)
    t = res.table.set_index("candidate")
    ti = t.loc["Ti4+ on Co 1/2 #1"]
    assert not ti[K.CONVERGED] and pd.isna(ti["energy_potential_eV_atom"])
    assert ti[K.ERROR] == (  # relax_many's words (not_converged_reason), not a design copy
        "relaxation not converged in 5 steps (max force 1.000 > 0.05 eV/Å): energy withheld"
    )
    assert pd.isna(ti[K.E_HULL]) and pd.isna(ti[K.PARETO_RANK])
    assert res.structures[list(t.index).index("Ti4+ on Co 1/2 #1")] is None
    assert t.loc["Al3+ on Co 1/2 #1", K.CONVERGED]


def test_entry_source_spans_more_elements_than_one_hull():
    """Candidates of different systems (10 elements in all, with LiCoO2) share one source."""
    from pymatgen.entries.computed_entries import ComputedEntry

    from ssenb.design._steps import candidate_source

    cands = [ComputedEntry("Li5GeSbS6", -30.0), ComputedEntry("Li3SeBrCl", -12.0)]
    src = candidate_source(cands, "LiCoO2")
    formulas = {e.composition.reduced_formula for e in src._entries}
    assert {"Li2S", "LiBr", "LiCl", "Li2Se", "GeS2", "LiCoO2"} <= formulas
    assert {"Li5GeSbS6", "Li3SeBrCl"} <= formulas
    assert len(src._entries) == len({id(e) for e in src._entries})


def test_properties_use_the_screen_kernel_with_one_note(monkeypatch):
    """Band gap and moduli: data rows as material_properties gives them, one note for the rest.

    Li6PS5Cl has an MP gap (2.14 eV, PBE) and no elastic tensor, Li3MgCoO4 has neither:
    with no fitted property model (stood in here) one note counts both, never two notes
    that differ only in what is missing.
    """
    import ssenb.models.gap_moduli as gm
    from ssenb.design._steps import properties

    monkeypatch.setattr(gm, "property_predictions", lambda *a, **k: None)  # none fitted yet
    frame, notes = properties(["Li2O", "Li6PS5Cl", None, "Li3MgCoO4"], None)
    for i, f in [(0, "Li2O"), (1, "Li6PS5Cl")]:
        single = gm.material_properties(f, predict=False)
        assert frame.loc[i, K.BAND_GAP] == pytest.approx(single.band_gap_eV)
        assert frame.loc[i, K.BAND_GAP_SOURCE] == single.band_gap_source == "MP data (PBE)"
    assert frame.loc[0, K.G_VRH] == pytest.approx(45.8, abs=0.1)  # Li2O, MP elastic tensor
    assert np.isnan(frame.loc[1, K.G_VRH]) and frame.loc[1, K.MODULI_SOURCE] == "none"
    assert np.isnan(frame.loc[2, K.BAND_GAP]) and np.isnan(frame.loc[3, K.BAND_GAP])
    assert len(notes) == 1 and "of 2 of 3 materials" in notes[0]
    assert "band gap and moduli" in notes[0] and "default_property_model" in notes[0]


def test_rows_and_host_write_formulas_the_one_way():
    """display_formula (Li3SbSe2S2), never pymatgen's grouping (Li3Sb(SeS)2), in the table."""
    from pymatgen.core import Lattice, Structure

    from ssenb.design._jobs import Job
    from ssenb.design.propose import propose_substitutions
    from ssenb.design.run import _base_rows

    cell = Structure(
        Lattice.cubic(7.0),
        ["Li", "Li", "Li", "Sb", "Se", "Se", "S", "S"],
        [[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0.25, 0.25, 0.25],
         [0.1, 0.1, 0.4], [0.4, 0.1, 0.1], [0.1, 0.4, 0.1], [0.4, 0.4, 0.4]],
    )  # fmt: skip
    assert cell.composition.reduced_formula == "Li3Sb(SeS)2"  # what pymatgen would write
    job = Job("Se2- on S 1/2 #1", "S", "Se", 0.5, cell, supercell="1x1x1")
    rows = _base_rows([job], [], pd.DataFrame())
    assert rows.loc[0, K.FORMULA] == "Li3SbSe2S2"
    host = propose_substitutions("Li10GeP2S12", dopants=["Si"], sites=["Ge"])
    assert host.host == "Li10GeP2S12"  # not Li10Ge(PS6)2
