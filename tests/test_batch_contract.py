"""Every batch function keeps one contract (the kernel in ssenb/batch.py).

- ``errors=`` is checked in one place: anything but "raise"/"record" is refused before work;
- "record": a failing row gets a reason, the others their values; "raise": it stops there;
- Ctrl-C (KeyboardInterrupt) in any row stops the batch, whatever ``errors`` says;
- rows come back in input order;
- the user's input (a list, a frame) is never modified.

Each batch function is described once below (how to call it, a good and a bad input,
how to make one row press Ctrl-C); the tests run over all of them.
"""

from __future__ import annotations

import copy
import importlib
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import pytest
from pymatgen.core import Lattice, Structure

from ssenb import keys as K
from ssenb.errors import InvalidInputError
from ssenb.mlip.potential import Calculation


def _rocksalt(a, cation, anion):
    return Structure.from_spacegroup(
        "Fm-3m", Lattice.cubic(a), [cation, anion], [[0] * 3, [0.5] * 3]
    )


def _lif(a=2.4):  # a 2-atom cell: every per-structure method is fast on it
    return Structure(Lattice.cubic(a), ["F", "Li"], [[0, 0, 0], [0.5, 0.5, 0.5]])


def _li2o():
    return Structure.from_spacegroup(
        "Fm-3m", Lattice.cubic(4.61), ["Li", "O"], [[0.25, 0.25, 0.25], [0, 0, 0]]
    )


class _Potential:
    """Energies (eV/atom) by reduced formula; an unknown formula raises (a failing row)."""

    name = "ContractFake"
    version = "1"
    energy_convention = "raw"
    table: ClassVar[dict[str, float]] = {"LiF": -4.8, "Li2O": -4.7}

    def calculate(self, structure):
        e = self.table[structure.composition.reduced_formula]  # KeyError for others
        n = len(structure)
        return Calculation(e * n, np.zeros((n, 3)), np.zeros((3, 3)))


def _entry(structure):
    from pymatgen.entries.computed_entries import ComputedStructureEntry

    return ComputedStructureEntry(structure, -1.0 * len(structure))


@dataclass
class Case:
    """One batch function under the contract."""

    name: str
    run: Callable[[list, str], pd.DataFrame]  # (inputs, errors) -> one row per input
    good: tuple[Any, Any]
    bad: Any
    bad_reason: str  # a regex the bad row's reason matches
    raised: str  # a regex the error raised for the bad row matches
    value: str  # a numeric column that the good rows fill
    interrupt: Callable[[pytest.MonkeyPatch], None]  # make every row press Ctrl-C


def _screen(items, errors):
    from ssenb.thermo import screen

    return screen(items, errors=errors, progress=False)


def _candidates(items, errors):
    from ssenb.design import screen_candidates

    return screen_candidates(items, errors=errors, progress=False).table


def _barriers(items, errors):
    from ssenb.transport import migration_barriers

    return migration_barriers(items, errors=errors, progress=False, cache="memory")


def _energies(items, errors):
    from ssenb.mlip.entry_energies import mlip_energies

    out = mlip_energies(
        items, _Potential(), relaxed=False, fmax=0.05, steps=5, errors=errors, progress=False
    )
    return pd.DataFrame(out).assign(error=lambda t: t["error"].replace("", None))


def _relax_many(items, errors):
    from ssenb.mlip import relax_many

    return relax_many(items, _Potential(), steps=5, errors=errors, progress=False)


def _single_points(items, errors):
    from ssenb.mlip import single_points

    return single_points(items, _Potential(), errors=errors, progress=False)


def _featurize(items, errors):
    from ssenb.features import featurize

    return featurize(items, "li_sites", errors=errors, progress=False)


def _interrupt(target: str) -> Callable[[pytest.MonkeyPatch], None]:
    module, name = target.rsplit(".", 1)

    def patch(monkeypatch):
        def ctrl_c(*args, **kwargs):
            raise KeyboardInterrupt

        # the module itself (ssenb.features.featurize is also a function's name)
        monkeypatch.setattr(importlib.import_module(module), name, ctrl_c)

    return patch


def _interrupt_featurizer(monkeypatch):
    from ssenb.features import clear_cache

    clear_cache()  # rows cached by an earlier test would not be computed again
    _interrupt("ssenb.features.featurize._values")(monkeypatch)


def _interrupt_potential(monkeypatch):
    def ctrl_c(self, structure):
        raise KeyboardInterrupt

    monkeypatch.setattr(_Potential, "calculate", ctrl_c)


CASES = [
    Case(
        "thermo.screen",
        _screen,
        ("Li3PS4", "LiF"),
        "Xx2O",
        r"^InvalidInputError: .*Xx",
        "Xx",
        K.E_HULL,
        _interrupt("ssenb.thermo.screening._screen_row"),
    ),
    Case(
        "design.screen_candidates",
        _candidates,
        ("Li3PS4", "LiF"),
        "Xx2O",
        r"^InvalidInputError: .*Xx",
        "Xx",
        K.ANODE_REACTION_ENERGY,
        _interrupt("ssenb.design.pipeline._mixing_row"),
    ),
    Case(
        "transport.migration_barriers",
        _barriers,
        (_lif(), _lif(2.6)),  # two tiny cells with different barriers
        _rocksalt(5.64, "Na", "Cl"),
        r"^\w+Error: .*holds no Li",
        "holds no Li",
        K.PATHWAY_VOLUME_FRACTION,
        _interrupt("ssenb.transport.batch.barrier_row"),
    ),
    Case(
        "mlip.entry_energies",
        _energies,
        (_entry(_lif()), _entry(_li2o())),
        _entry(_rocksalt(5.64, "Na", "Cl")),
        r"^KeyError: 'NaCl'",
        "ContractFake failed on .*'NaCl'",  # raised as ssenb's own error, naming the entry
        "energy",
        _interrupt_potential,
    ),
    Case(
        "mlip.relax_many",
        _relax_many,
        (_lif(), _li2o()),
        _rocksalt(5.64, "Na", "Cl"),
        r"^KeyError: 'NaCl'",
        "'NaCl'",
        K.E_POTENTIAL,
        _interrupt_potential,
    ),
    Case(
        "mlip.single_points",
        _single_points,
        (_lif(), _li2o()),
        _rocksalt(5.64, "Na", "Cl"),
        r"^KeyError: 'NaCl'",
        "'NaCl'",
        K.E_POTENTIAL,
        _interrupt_potential,
    ),
    Case(
        "features.featurize",
        _featurize,
        (_lif(), _li2o()),
        "LiF",  # a formula where a structure preset needs a structure
        r"no structure for this row",
        "no structure for this row",
        None,  # filled below: the first feature column
        _interrupt_featurizer,
    ),
]
IDS = [c.name for c in CASES]
FRAME_CASES = [
    "transport.migration_barriers",
    "mlip.relax_many",
    "mlip.single_points",
    "features.featurize",
]


def _value_column(case, table):
    return case.value or next(c for c in table.columns if c != K.ERROR)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_an_unknown_error_mode_is_refused_before_work(case):
    with pytest.raises(InvalidInputError, match=r"errors='skip'; use one of 'raise', 'record'"):
        case.run([case.good[0]], "skip")


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_record_keeps_the_batch_in_input_order_and_raise_stops(case):
    items = [case.good[0], case.bad, case.good[1]]
    kept = copy.deepcopy(items)
    table = case.run(items, "record")
    assert len(table) == 3
    reasons = table[K.ERROR].tolist()
    assert reasons[0] is None and reasons[2] is None, reasons
    assert isinstance(reasons[1], str) and pytest.approx(0) != len(reasons[1])
    import re

    assert re.search(case.bad_reason, reasons[1]), reasons[1]
    col = _value_column(case, table)
    values = table[col].astype(float)
    assert math.isfinite(values[0]) and math.isfinite(values[2])
    assert math.isnan(values[1])
    # input order: the same rows in reverse give the same values in reverse
    back = case.run(items[::-1], "record")
    assert back[col].astype(float).tolist()[::2] == values.tolist()[::-2]
    assert [type(x) for x in items] == [type(x) for x in kept]
    assert all(_same(a, b) for a, b in zip(items, kept))  # the inputs were not touched
    with pytest.raises(Exception, match=case.raised):
        case.run(items, "raise")


@pytest.mark.parametrize("errors", ["record", "raise"])
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_ctrl_c_in_a_row_always_stops_the_batch(case, errors, monkeypatch):
    case.interrupt(monkeypatch)
    with pytest.raises(KeyboardInterrupt):
        case.run([case.good[0], case.good[1]], errors)


@pytest.mark.parametrize(
    "case",
    [c for c in CASES if c.name in FRAME_CASES],
    ids=FRAME_CASES,
)
def test_the_users_frame_is_never_modified(case):
    frame = pd.DataFrame({K.STRUCTURE: [case.good[0], None], "mine": [1, 2]}, index=[10, 20])
    before = frame.copy(deep=True)
    out = case.run(frame, "record")
    assert out is not frame and list(out.index) == [10, 20]
    assert list(frame.columns) == [K.STRUCTURE, "mine"] and frame["mine"].tolist() == [1, 2]
    assert frame[K.STRUCTURE].iloc[0] == before[K.STRUCTURE].iloc[0]
    assert frame[K.STRUCTURE].iloc[1] is None


def _same(a, b):
    if isinstance(a, Structure):
        return a == b
    if hasattr(a, "structure"):
        return a.structure == b.structure and a.energy == b.energy
    return a == b
