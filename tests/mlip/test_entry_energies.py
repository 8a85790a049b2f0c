"""mlip_energies(): batches, a failing batch redone one by one, failures named, Ctrl-C stops."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ssenb.errors import SsenbError, UnsupportedMaterialError
from ssenb.mlip.entry_energies import BATCH, mlip_energies
from ssenb.mlip.potential import Calculation

IDS = ("mp-1018134-GGA", "mp-12957-GGA", "mp-1960-GGA", "mp-841-GGA")  # Li, O2, Li2O, Li2O2
TABLE = {"Li": -1.9, "O2": -4.9, "Li2O": -4.8, "Li2O2": -4.4}  # eV/atom


class BatchFake:
    """Energies from TABLE; its batch method fails as a whole on one bad formula."""

    name, version, energy_convention = "BatchFake", "1.0", "raw"

    def __init__(self, bad=(), error=KeyError):
        self.bad, self.error = set(bad), error
        self.batches: list[int] = []

    def calculate(self, structure):
        f = structure.composition.reduced_formula
        if f in self.bad:
            raise self.error(f"no energy for {f}")
        return Calculation(TABLE[f] * len(structure), np.zeros((len(structure), 3)), np.zeros(3))

    def energies(self, structures):
        self.batches.append(len(structures))
        for s in structures:
            if s.composition.reduced_formula in self.bad:
                raise self.error(f"no energy for {s.composition.reduced_formula}")
        return [TABLE[s.composition.reduced_formula] * len(s) for s in structures]


@pytest.fixture
def entries(by_id):
    return [by_id[i] for i in IDS]


def run(entries, pot, **kw):
    opts = {"relaxed": False, "fmax": 0.05, "steps": 10, "errors": "record", "progress": False}
    return mlip_energies(entries, pot, **{**opts, **kw})


def test_single_points_go_in_batches(entries):
    pot = BatchFake()
    out = run(entries * 10, pot)  # 40 entries: one full batch and the rest
    assert pot.batches == [BATCH, 40 - BATCH]
    assert [o["energy"] for o in out[:4]] == pytest.approx(
        [TABLE[e.composition.reduced_formula] * len(e.structure) for e in entries]
    )
    assert all(o["converged"] and o["structure"] is None and o["error"] == "" for o in out)


def test_a_failing_batch_is_redone_one_by_one_and_loses_only_the_bad_entry(entries):
    pot = BatchFake(bad={"Li2O2"})
    out = run(entries, pot)
    assert pot.batches == [4, 1, 1, 1, 1]  # the batch, then each entry alone
    assert [math.isnan(o["energy"]) for o in out] == [False, False, False, True]
    assert out[3]["error"] == "KeyError: 'no energy for Li2O2'"
    assert not out[3]["converged"]
    assert out[2]["energy"] == pytest.approx(-4.8 * 3)


def test_errors_raise_names_the_entry_and_keeps_ssenb_errors_as_they_are(entries):
    with pytest.raises(SsenbError, match="BatchFake failed on mp-841-GGA: 'no energy for Li2O2'"):
        run(entries, BatchFake(bad={"Li2O2"}), errors="raise")
    with pytest.raises(UnsupportedMaterialError, match="no energy for Li2O2"):
        run(entries, BatchFake(bad={"Li2O2"}, error=UnsupportedMaterialError), errors="raise")


def test_ctrl_c_stops_the_batch(entries):
    with pytest.raises(KeyboardInterrupt):
        run(entries, BatchFake(bad={"Li"}, error=KeyboardInterrupt), errors="record")


def test_relaxations_report_non_convergence_without_an_energy(entries, fake):
    pot = fake(TABLE, convention="raw", force=1.0, force_on={"Li2O2"})
    out = run(entries, pot, relaxed=True, steps=3)
    assert [o["converged"] for o in out] == [True, True, True, False]
    assert math.isnan(out[3]["energy"])
    assert out[3]["error"] == (  # the wording of relax_many and design (not_converged_reason)
        "relaxation not converged in 3 steps (max force 1.000 > 0.05 eV/Å): energy withheld"
    )
    assert out[2]["energy"] == pytest.approx(-4.8 * 3)  # zero forces: converged at once
    assert out[2]["structure"].composition.reduced_formula == "Li2O"
