"""DFT vs MLIP hull columns and scores on hand-made tables (no potential involved)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from ssenb import keys as K
from ssenb.errors import UnsupportedMaterialError
from ssenb.mlip.hull_agreement import (
    ON_HULL_TOL,
    agreement,
    check_references,
    confusion,
    hull_columns,
)

# Hand-made Li-O system (eV/atom). DFT formation energies: Li2O -1.9, Li2O2 -1.0; the hull at
# x_O = 1/2 lies on the Li2O-O2 tie line: -1.9 * (1 - 1/2) / (1 - 1/3) = -1.425, so
# E_hull(Li2O2) = 0.425. The MLIP puts Li2O2 0.5 eV/atom lower (formation -1.5): below that
# tie line, so on its own hull; Li2O stays on it (the Li-Li2O2 line is at -1.0 at x_O = 1/3).
DFT = {"Li": -1.9, "O2": -4.9, "Li2O": -4.8, "Li2O2": -4.4}
MLIP = {**DFT, "Li2O2": -4.9}


def table(mlip=MLIP):
    return pd.DataFrame(
        {
            "composition": list(DFT),
            K.E_DFT: list(DFT.values()),
            K.E_MLIP: [mlip.get(f, math.nan) for f in DFT],
        }
    )


def test_each_side_has_its_own_hull():
    t = hull_columns(table()).set_index("composition")
    assert t[K.E_FORM_DFT].tolist() == pytest.approx([0.0, 0.0, -1.9, -1.0])
    assert t[K.E_FORM_MLIP].tolist() == pytest.approx([0.0, 0.0, -1.9, -1.5])
    assert t[K.E_HULL_DFT].tolist() == pytest.approx([0.0, 0.0, 0.0, 0.425])
    assert t[K.E_HULL_MLIP].tolist() == pytest.approx([0.0, 0.0, 0.0, 0.0], abs=1e-12)


def test_scores_of_the_hand_made_system():
    a = agreement(hull_columns(table()))
    assert a["energy_per_atom_mae"] == pytest.approx(0.5 / 4)
    assert a["energy_mae"] == pytest.approx(0.5 / 4)
    assert a["e_hull_mae"] == pytest.approx(0.425 / 4)
    # Li2O2 is on the MLIP hull but 425 meV/atom above DFT's: one false positive at both
    assert a["confusion"] == {
        "0": {"both": 3, "mlip_only": 1, "dft_only": 0, "neither": 0},
        "50": {"both": 3, "mlip_only": 1, "dft_only": 0, "neither": 0},
    }
    assert math.isnan(a["spearman"])  # every MLIP E_hull is 0: no ranking to compare


def test_a_missing_mlip_energy_leaves_that_row_out_of_both_hulls():
    # without Li2O2 the DFT hull is Li, Li2O, O2: nothing else moves
    t = hull_columns(table({k: v for k, v in MLIP.items() if k != "Li2O2"}))
    t = t.set_index("composition")
    assert math.isnan(t.loc["Li2O2", K.E_HULL_DFT]) and math.isnan(t.loc["Li2O2", K.E_HULL_MLIP])
    assert t[K.E_HULL_DFT].dropna().tolist() == pytest.approx([0.0, 0.0, 0.0])
    a = agreement(t.reset_index())
    assert a["e_hull_mae"] == pytest.approx(0.0)
    assert a["confusion"]["0"] == {"both": 3, "mlip_only": 0, "dft_only": 0, "neither": 0}


def test_spearman_on_hand_ranks():
    # DFT ranks 1 2 3 4, MLIP ranks 1 2 4 3: rho = 1 - 6 * (1 + 1) / (4 * (16 - 1)) = 0.8
    hulls = pd.DataFrame(
        {
            K.E_HULL_DFT: [0.0, 0.1, 0.2, 0.3],
            K.E_HULL_MLIP: [0.0, 0.05, 0.3, 0.2],
            K.E_FORM_DFT: [0.0, -1.0, -2.0, -3.0],
            K.E_FORM_MLIP: [0.0, -1.0, -2.0, -2.0],
            K.E_DFT: [-1.0, -2.0, -3.0, -4.0],
            K.E_MLIP: [-1.0, -2.0, -3.0, -3.0],
        }
    )
    a = agreement(hulls)
    assert a["spearman"] == pytest.approx(0.8)
    assert a["energy_mae"] == pytest.approx(0.25)
    assert a["e_hull_mae"] == pytest.approx((0.05 + 0.1 + 0.1) / 4)


def test_confusion_counts_and_tolerance():
    assert confusion([0.0, 0.02, 0.2, 0.3], [0.0, 0.1, 0.01, 0.3], 0.05) == {
        "both": 1,
        "mlip_only": 1,
        "dft_only": 1,
        "neither": 1,
    }
    # "on the hull" allows round-off of ON_HULL_TOL, not more
    assert confusion([ON_HULL_TOL / 2], [2 * ON_HULL_TOL], 0.0) == {
        "both": 0,
        "mlip_only": 0,
        "dft_only": 1,
        "neither": 0,
    }
    assert sum(confusion(np.zeros(5), np.ones(5), 0.05).values()) == 5


def test_a_hull_without_an_elemental_reference_is_refused():
    from pymatgen.analysis.phase_diagram import PDEntry
    from pymatgen.core import Composition

    entries = [PDEntry(Composition("Li"), -1.9), PDEntry(Composition("Li2O"), -14.4)]
    with pytest.raises(UnsupportedMaterialError, match="test phases have no elemental entry of O"):
        check_references(entries, "test phases")
    with pytest.raises(UnsupportedMaterialError, match="elemental entry of O"):
        hull_columns(table().iloc[[0, 2, 3]])
