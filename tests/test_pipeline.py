"""The decision-table pipeline against the per-material reference functions."""

import math

import numpy as np
import pandas as pd
import pytest

from ssenb import keys as K
from ssenb.design import CandidateTable, pareto_rank, screen_candidates
from ssenb.errors import InvalidInputError
from ssenb.results import formula_html
from ssenb.thermo import interface_reactions, phase_stability, stability_window

SMALL = ["Li3PS4", "Li3InCl6", "Li10GeP2S12", "Li7La3Zr2O12", "LiF"]


class LinearModel:
    """A stand-in conductivity model with hand-checkable output: log10 σ = -(n atoms)/10."""

    def __init__(self, refuse=(), interrupt_after=None):
        self.refuse = set(refuse)
        self.calls = []
        self.interrupt_after = interrupt_after

    def predict(self, materials, return_std=False):
        from pymatgen.core import Composition

        self.calls.append(list(materials))
        if self.interrupt_after is not None and len(self.calls) > self.interrupt_after:
            raise KeyboardInterrupt
        if self.refuse & set(materials):
            raise ValueError(f"cannot featurize {sorted(self.refuse & set(materials))}")
        mean = np.array([-Composition(m).num_atoms / 10 for m in materials])
        return (mean, np.full(len(mean), 0.5)) if return_std else mean


@pytest.fixture(scope="module")
def small():
    return screen_candidates(SMALL, model=LinearModel(), progress=False)


def test_columns_equal_the_reference_functions(small):
    t = small.table
    assert list(t[K.INPUT]) == SMALL
    for row in t.itertuples(index=False):
        name = row.input
        w = stability_window(name)
        assert row.reduction_V == pytest.approx(w.reduction_v, abs=1e-6)
        assert row.oxidation_V == pytest.approx(w.oxidation_v, abs=1e-6)
        assert row.e_above_hull_eV_atom == pytest.approx(
            phase_stability(name).e_above_hull, abs=1e-6
        )
        # pymatgen's InterfacialReactivity (through interface_reactions) is the reference
        anode = interface_reactions(name, "Li").min_energy
        cathode = interface_reactions(name, "LiCoO2").min_energy
        assert row.anode_reaction_energy_eV_atom == pytest.approx(anode, abs=1e-6), name
        assert row.cathode_reaction_energy_eV_atom == pytest.approx(cathode, abs=1e-6), name


def test_model_columns_and_result_convention(small):
    t = small.table
    # Li3PS4 has 8 atoms per formula unit: -0.8 by the stand-in model
    assert t.loc[0, K.PREDICTION] == pytest.approx(-0.8)
    assert (t[K.PREDICTION_STD] == 0.5).all()
    assert isinstance(small, CandidateTable)
    assert small.to_frame().equals(t)
    html = small._repr_html_()
    assert "decision table" in html and formula_html("LiCoO2") in html
    back = CandidateTable.from_dict(small.as_dict())
    pd.testing.assert_frame_equal(back.table, t, check_dtype=False)


def test_the_old_module_name_still_imports_and_old_files_still_read(small):
    """ssenb.pipeline moved into ssenb.design: the old import is a re-export, and a table
    saved before the move (its JSON names module "ssenb.pipeline") still decodes."""
    import json

    import ssenb.pipeline as old
    from ssenb._decode import decode

    assert old.screen_candidates is screen_candidates and old.CandidateTable is CandidateTable
    assert CandidateTable.__module__ == "ssenb.design.pipeline"
    saved = json.loads(json.dumps(small.as_dict(), default=str))
    assert saved["@module"] == "ssenb.design.pipeline"
    saved["@module"] = "ssenb.pipeline"  # as written before the move
    back = decode(saved)
    assert isinstance(back, CandidateTable)
    pd.testing.assert_frame_equal(back.table, small.table, check_dtype=False)


def test_pareto_rank_by_hand():
    # objectives: σ high, width high, min(anode, cathode) high
    frame = pd.DataFrame(
        {
            K.PREDICTION: [-3.0, -2.0, -4.0, -3.0, np.nan],
            K.WINDOW_WIDTH_V: [1.0, 0.5, 0.4, 1.0, 2.0],
            K.ANODE_REACTION_ENERGY: [-0.1, -0.2, -0.3, -0.2, 0.0],
            K.CATHODE_REACTION_ENERGY: [0.0, 0.0, -0.1, -0.1, 0.0],
        }
    )
    # row 0 and 1 are not dominated; row 2 is dominated by 0, 1 and 3; row 3 by 0
    assert pareto_rank(frame).tolist() == [1, 1, 4, 2, pd.NA]
    # without σ: row 4 (width 2, no reaction) dominates all the others
    assert pareto_rank(frame, use_sigma=False).tolist() == [2, 4, 5, 3, 1]
    # a floating-point wobble (1e-15 V, a hull's facet order) breaks no tie: rows 0 and 3
    # keep their ranks; a real difference (1e-6 V wider) frees row 3
    wobble = frame.assign(**{K.WINDOW_WIDTH_V: [1.0, 0.5, 0.4, 1.0 + 1e-15, 2.0]})
    assert pareto_rank(wobble).tolist() == [1, 1, 4, 2, pd.NA]
    real = frame.assign(**{K.WINDOW_WIDTH_V: [1.0, 0.5, 0.4, 1.0 + 1e-6, 2.0]})
    assert pareto_rank(real).tolist() == [1, 1, 4, 1, pd.NA]  # row 3: wider, row 0: milder


def test_no_model_gives_nan_and_a_note():
    result = screen_candidates(["Li3PS4", "LiF"], progress=False)
    assert result.table[K.PREDICTION].isna().all()
    assert "no conductivity model" in result.notes[0]
    assert result.table[K.PARETO_RANK].tolist() == [2, 1]


def test_failures_are_recorded_per_row():
    model = LinearModel(refuse={"LiCoO2"})
    t = screen_candidates(["Li3PS4", "Li1e400S", "LiCoO2"], model=model, progress=False).table
    assert t[K.ERROR].isna().tolist() == [True, False, False]
    assert "conductivity model" in t.loc[2, K.ERROR]
    assert t.loc[0, K.PREDICTION] == pytest.approx(-0.8)
    assert math.isnan(t.loc[2, K.PREDICTION])
    assert t.loc[2, K.REDUCTION_V] == pytest.approx(stability_window("LiCoO2").reduction_v)


def test_interrupted_run_resumes_from_its_checkpoint(tmp_path):
    folder = tmp_path / "run"
    items = ["Li3PS4", "LiF", "Li3InCl6", "Li2S", "Li3PO4"]
    with pytest.raises(KeyboardInterrupt):  # Ctrl-C during the second chunk
        screen_candidates(
            items,
            model=LinearModel(interrupt_after=1),
            checkpoint=folder,
            chunk_size=2,
            progress=False,
        )
    assert sorted(p.name for p in folder.glob("chunk_*.csv")) == ["chunk_00000.csv"]
    model = LinearModel()
    resumed = screen_candidates(items, model=model, checkpoint=folder, chunk_size=2, progress=False)
    assert model.calls == [["Li3InCl6", "Li2S"], ["Li3PO4"]]  # the first chunk was not redone
    fresh = screen_candidates(items, model=LinearModel(), chunk_size=2, progress=False)
    pd.testing.assert_frame_equal(resumed.table, fresh.table)


def test_checkpoint_never_mixes_runs_or_user_files(tmp_path):
    screen_candidates(["LiF"], checkpoint=tmp_path / "a", progress=False)
    with pytest.raises(InvalidInputError, match="holds another run"):
        screen_candidates(["Li2S"], checkpoint=tmp_path / "a", progress=False)
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    with pytest.raises(InvalidInputError, match="not empty"):
        screen_candidates(["LiF"], checkpoint=mine, progress=False)
    assert (mine / "notes.txt").read_text() == "keep me"


def test_checkpoint_tells_polymorphs_and_fitted_models_apart(tmp_path):
    """Same formula, other structure; same model class, other fit: another run, refused."""
    from pymatgen.core import Lattice, Structure

    rocksalt = Structure.from_spacegroup(
        "Fm-3m", Lattice.cubic(4.03), ["Li", "F"], [[0, 0, 0], [0.5, 0.5, 0.5]]
    )
    strained = rocksalt.copy()
    strained.scale_lattice(rocksalt.volume * 1.1)
    assert strained.composition.reduced_formula == rocksalt.composition.reduced_formula
    screen_candidates([rocksalt], checkpoint=tmp_path / "a", progress=False)
    with pytest.raises(InvalidInputError, match="holds another run"):
        screen_candidates([strained], checkpoint=tmp_path / "a", progress=False)

    class Tuned(LinearModel):
        def __init__(self, alpha):
            super().__init__()
            self.alpha = alpha

        def get_params(self, deep=True):
            return {"alpha": self.alpha}

    screen_candidates(["LiF"], model=Tuned(1.0), checkpoint=tmp_path / "b", progress=False)
    with pytest.raises(InvalidInputError, match="holds another run"):
        screen_candidates(["LiF"], model=Tuned(2.0), checkpoint=tmp_path / "b", progress=False)
    again = screen_candidates(["LiF"], model=Tuned(1.0), checkpoint=tmp_path / "b", progress=False)
    assert len(again.table) == 1  # the same run resumes


def test_an_unknown_ion_is_refused_once_not_per_row():
    with pytest.raises(InvalidInputError, match="Xx"):
        screen_candidates(["LiF", "Li2S"], ion="Xx", progress=False)


def test_bad_arguments():
    with pytest.raises(InvalidInputError, match="not a list"):
        screen_candidates("Li3PS4", progress=False)
    with pytest.raises(InvalidInputError, match="chunk_size"):
        screen_candidates(["LiF"], chunk_size=0, progress=False)
    with pytest.raises(InvalidInputError, match="predict"):
        screen_candidates(["LiF"], model=object(), progress=False)
    with pytest.raises(InvalidInputError, match="cathode"):
        screen_candidates(["LiF"], cathode="notaformula!", progress=False)


# --- the command line (screen and candidates subcommands) ----------------------------


def test_cli_screen_writes_a_ranked_table_and_never_overwrites(tmp_path, capsys):
    from ssenb.cli import main

    out = tmp_path / "lips.csv"
    assert main(["screen", "--chemsys", "Li-P-S", "--contains", "Li", "-q", "-o", str(out)]) == 0
    table = pd.read_csv(out)  # a snapshot query: best first
    assert table["rank"].tolist() == list(range(1, len(table) + 1))
    assert "Li3PS4" in set(table["reduced_formula"])
    assert table["e_above_hull_eV_atom"].is_monotonic_increasing
    before = out.read_text()
    assert main(["screen", "LiF", "-q", "-o", str(out)]) == 2
    assert "exists" in capsys.readouterr().err
    assert out.read_text() == before
    named = tmp_path / "named.csv"  # formulas you name are ranked too, best first
    assert main(["screen", "Li3PS4", "LiF", "-q", "-o", str(named)]) == 0
    table = pd.read_csv(named)
    assert table["input"].tolist() == ["LiF", "Li3PS4"]  # both on the hull; LiF's window wider
    assert table["rank"].tolist() == [1, 2]


def test_cli_candidates(tmp_path):
    from ssenb.cli import main

    out = tmp_path / "c.csv"
    assert main(["candidates", "Li3PS4", "LiF", "-q", "-o", str(out)]) == 0
    table = pd.read_csv(out)
    assert table[K.INPUT].tolist() == ["Li3PS4", "LiF"]
    assert table[K.PARETO_RANK].tolist() == [2, 1]  # LiF: wider window, no reaction


def test_candidates_carry_band_gap_and_moduli_with_sources():
    from ssenb.design import screen_candidates

    t = screen_candidates(["Li3PS4", "Li3Xq"], progress=False).table
    row = t.iloc[0]
    assert row["band_gap_eV"] == 3.68 and row["band_gap_source"] == "experiment"
    assert row["moduli_source"] == "MP data (DFT elastic tensor)" and row["G_over_G_Li"] > 2
    assert t.iloc[1]["error"] and t["band_gap_eV"].isna().iloc[1]  # a failed row stays empty


def test_pareto_rank_with_property_objectives_by_hand():
    frame = pd.DataFrame(
        {
            K.WINDOW_WIDTH_V: [1.0, 1.0, 1.0, 2.0],
            K.ANODE_REACTION_ENERGY: [0.0, 0.0, 0.0, 0.0],
            K.CATHODE_REACTION_ENERGY: [0.0, 0.0, 0.0, 0.0],
            K.BAND_GAP: [8.0, 4.0, 1.0, np.nan],
            K.G_VRH: [5.0, 30.0, 60.0, 40.0],
        }
    )
    # without them row 3 (widest window) dominates the three equal rows
    assert pareto_rank(frame, use_sigma=False).tolist() == [2, 2, 2, 1]
    # gap capped at 3 eV: rows 0 and 1 tie on it (uncapped, 8 eV would beat 4 eV)
    ranked = pareto_rank(frame, use_sigma=False, objectives=["band_gap"])
    assert ranked.tolist() == [1, 1, 3, pd.NA]  # row 3: no gap, no rank
    # G capped at 2 G_Li = 8.4 GPa: rows 1 and 2 tie on G, so row 1 (wider gap) dominates
    # row 2 as well as row 0 (softer); uncapped, row 2's 60 GPa would keep it on the front
    both = pareto_rank(frame, use_sigma=False, objectives=["band_gap", "shear_modulus"])
    assert both.tolist() == [2, 1, 2, pd.NA]


def test_unknown_objective_is_refused():
    with pytest.raises(InvalidInputError, match=r"unknown.*band_gap"):
        screen_candidates(["LiF"], objectives=["gap"], progress=False)
    with pytest.raises(InvalidInputError, match="keep properties=True"):
        screen_candidates(["LiF"], objectives=["band_gap"], properties=False, progress=False)


def test_candidate_table_has_property_columns_and_ranks_on_them(tiny_property_models):
    r = screen_candidates(
        ["Li3PS4", "LiF", "Li7La3Zr2O12"],
        progress=False,
        property_models=tiny_property_models,
        objectives=["shear_modulus"],
    )
    t = r.table
    assert t[K.MODULI_SOURCE].tolist()[:2] == ["MP data (DFT elastic tensor)"] * 2
    assert t[K.MODULI_SOURCE].iloc[2] == "model (composition)"
    assert t[K.PARETO_RANK].notna().all()
    assert any("dendrite resistance" in n for n in r.notes)
