"""The coating screen resumes after an interruption, and says how it judged ion conduction."""

import math

import numpy as np
import pandas as pd
import pytest

from ssenb import keys as K
from ssenb.errors import InvalidInputError
from ssenb.thermo import coating_screen
from ssenb.thermo import coating_stages as stages
from ssenb.thermo.coating_criteria import ion_conductor

CANDIDATES = ["Li3PO4", "LiNbO3", "Li2SiO3"]


def test_an_interrupted_screen_resumes_to_the_same_table(tmp_path, monkeypatch):
    kwargs = {"candidates": CANDIDATES, "chunk_size": 1, "progress": False}
    whole = coating_screen("LiCoO2", "Li3PS4", **kwargs).table
    real, calls = stages.run_chunk, []

    def interrupted(fractions, *args, **kw):
        calls.append(sorted(fractions))
        if len(calls) == 2:
            raise KeyboardInterrupt  # Ctrl-C in the second chunk
        return real(fractions, *args, **kw)

    monkeypatch.setattr(stages, "run_chunk", interrupted)
    folder = tmp_path / "run"
    with pytest.raises(KeyboardInterrupt):
        coating_screen("LiCoO2", "Li3PS4", checkpoint=folder, **kwargs)
    assert sorted(p.name for p in folder.glob("chunk_*.csv")) == ["chunk_00000.csv"]
    calls.clear()
    monkeypatch.setattr(
        stages, "run_chunk", lambda f, *a, **k: calls.append(sorted(f)) or real(f, *a, **k)
    )
    resumed = coating_screen("LiCoO2", "Li3PS4", checkpoint=folder, **kwargs).table
    assert calls == [[1], [2]]  # the finished chunk (row 0) is read, not recomputed
    pd.testing.assert_frame_equal(resumed, whole)  # identical, nothing duplicated
    again = coating_screen("LiCoO2", "Li3PS4", checkpoint=folder, **kwargs).table
    assert len(calls) == 2  # a finished checkpoint computes nothing
    pd.testing.assert_frame_equal(again, whole)
    with pytest.raises(InvalidInputError, match="holds another run"):
        coating_screen("LiCoO2", "Li6PS5Cl", checkpoint=folder, **kwargs)


def test_ion_conduction_by_hand():
    assert ion_conductor(0.53, math.nan, math.nan)[0] == "yes"  # a BVSE barrier comes first
    assert ion_conductor(1.4, -3.0, 0.1)[0] == "no"  # even over a good prediction
    assert ion_conductor(math.inf, math.nan, math.nan)[1].startswith("BVSE 3D barrier no perc")
    # a prediction: yes/no only when the whole 2σ interval is on one side of -8 log10 S/cm
    assert ion_conductor(math.nan, -7.0, 0.4)[0] == "yes"  # -7.8 .. -6.2
    assert ion_conductor(math.nan, -7.0, 0.6)[0] == "uncertain"  # -8.2 .. -5.8
    assert ion_conductor(math.nan, -9.0, 0.4)[0] == "no"
    assert ion_conductor(math.nan, -7.0, math.nan)[0] == "uncertain"  # no error estimate


class Predicts:
    """A stand-in conductivity model: the same log10 σ for every material, std 0.3."""

    def __init__(self, value):
        self.value, self.asked = value, []

    def predict(self, materials, return_std=False):
        self.asked.append(list(materials))
        mean = np.full(len(materials), self.value)
        return (mean, np.full(len(materials), 0.3)) if return_std else mean


def test_a_model_decides_ion_conduction_and_says_so():
    kwargs = {"candidates": ["Li3PO4", "LiNbO3"], "progress": False}
    plain = coating_screen("LiCoO2", "Li7La3Zr2O12", **kwargs).table.set_index(K.COATING)
    assert set(plain[K.ION_CONDUCTOR]) == {"unknown"}  # Li content only: never a failure
    assert plain.loc["Li3PO4", K.PASSES] and "Li content only" in plain.loc["Li3PO4", K.REASONS]
    poor = Predicts(-11.0)
    t = coating_screen("LiCoO2", "Li7La3Zr2O12", conductivity_model=poor, **kwargs).table.set_index(
        K.COATING
    )
    assert sorted(poor.asked[0]) == ["Li3PO4", "LiNbO3"]
    assert (t[K.ION_CONDUCTOR] == "no").all() and not t[K.PASSES].any()
    assert "ion conductor" in t.loc["Li3PO4", K.FAILED_CRITERIA]
    assert "model log10 σ -11.0" in t.loc["Li3PO4", K.ION_CONDUCTOR_EVIDENCE]
    good = coating_screen(
        "LiCoO2", "Li7La3Zr2O12", conductivity_model=Predicts(-5.0), **kwargs
    ).table.set_index(K.COATING)
    assert good.loc["Li3PO4", K.ION_CONDUCTOR] == "yes" and good.loc["Li3PO4", K.PASSES]
    assert good.loc["Li3PO4", K.PREDICTION] == -5.0


def test_a_structure_gets_a_bvse_barrier(obelix):
    from ssenb.data import display_formula

    llzo = obelix[
        (obelix["reduced_composition"].map(display_formula) == "Li7La3Zr2O12")
        & obelix["structure"].notna()
    ]["structure"].iloc[0]
    model = Predicts(-11.0)  # ignored for the structure: BVSE comes first
    t = coating_screen(
        "LiCoO2", "Li6PS5Cl", candidates=[llzo], conductivity_model=model, progress=False
    ).table
    assert t[K.BARRIER_3D].iloc[0] < 1.0 and t[K.ION_CONDUCTOR].iloc[0] == "yes"
    assert t[K.ION_CONDUCTOR_EVIDENCE].iloc[0].startswith("BVSE 3D barrier")
    assert math.isnan(t[K.PREDICTION].iloc[0]) and model.asked == []
