"""InterfaceCandidates / InterfaceResult: the JSON round trip of hand-made results (no MLIP run).

Both classes are on the decoder's allow-list (ssenb/_decode.py): what ``as_dict`` writes,
``from_dict`` must rebuild field for field (tables, cells, slabs, bounds, notes), and a
tampered dict must be refused by name.
"""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest
from pymatgen.core import Lattice, Structure

from ssenb import keys as K
from ssenb.errors import InvalidInputError
from ssenb.mlip import InterfaceCandidates, InterfaceResult


def _cell() -> Structure:
    """Na on Li, two bcc cubes stacked along c (3.44 Å in plane), 4 atoms."""
    return Structure(
        Lattice.tetragonal(3.44, 8.88),
        ["Li", "Li", "Na", "Na"],
        [[0, 0, 0], [0.5, 0.5, 0.19], [0, 0, 0.5], [0.5, 0.5, 0.69]],
    )


def _candidates() -> InterfaceCandidates:
    cell = _cell()
    film = Structure.from_sites([s for s in cell if s.specie.symbol == "Na"])
    sub = Structure.from_sites([s for s in cell if s.specie.symbol == "Li"])
    table = pd.DataFrame(
        [
            {K.FILM_MILLER: "(0, 0, 1)", K.SUBSTRATE_MILLER: "(0, 0, 1)",
             K.FILM_TERMINATION: "Na_P4/mmm_1", K.SUBSTRATE_TERMINATION: "Li_P4/mmm_1",
             K.LATTICE_MATCH: 0, K.STRAIN_PCT: 0.0, K.VON_MISES_STRAIN_PCT: 0.0,
             K.INTERFACE_AREA: 3.44**2, K.N_ATOMS: 4, K.INTERFACE_CELL: 0,
             K.INTERFACE_STATUS: "ok"},
            {K.FILM_MILLER: "(0, 0, 1)", K.SUBSTRATE_MILLER: "(0, 0, 1)",
             K.FILM_TERMINATION: "Na_P4/mmm_2", K.SUBSTRATE_TERMINATION: "Li_P4/mmm_1",
             K.LATTICE_MATCH: 1, K.STRAIN_PCT: math.nan, K.VON_MISES_STRAIN_PCT: math.nan,
             K.INTERFACE_AREA: 2 * 3.44**2, K.N_ATOMS: 8, K.INTERFACE_CELL: -1,
             K.INTERFACE_STATUS: "skipped: 8 atoms > max_atoms=6"},
        ]
    )  # fmt: skip
    return InterfaceCandidates(
        film_formula="Na",
        substrate_formula="Li",
        table=table,
        cells=[cell],
        film_slabs=[film],
        substrate_slabs=[sub],
        bounds={"max_strain": 0.05, "max_area_A2": 30.0, "max_atoms": 6},
        notes=["hand-made for the round trip"],
    )


def _energies() -> InterfaceResult:
    # W_ad = (E_film + E_sub - E_interface) / (2 A) = (-3.0 - 3.5 + 7.0) / (2 * 11.8336)
    w = 0.5 / (2 * 3.44**2)
    table = pd.DataFrame(
        [
            {K.FILM_MILLER: "(0, 0, 1)", K.STRAIN_PCT: 0.0, K.N_ATOMS: 4,
             K.INTERFACE_AREA: 3.44**2, K.RELAXED: False, K.ERROR: "",
             K.E_INTERFACE: -7.0, K.E_FILM_SLAB: -3.0, K.E_SUBSTRATE_SLAB: -3.5,
             K.W_AD_EV_A2: w, K.W_AD_J_M2: w * 16.02176634, K.NORMAL_BARRIER: math.inf,
             K.INTERFACE_BARRIER_3D: 0.41},
        ]
    )  # fmt: skip
    return InterfaceResult(
        table=table,
        w_ad_J_m2=w * 16.02176634,
        spread_J_m2=0.0,
        potential="PairCount 1.0 (raw)",
        structures=[_cell()],
        landscapes=[None],
        notes=["hand-made"],
    )


def _round_trip(result):
    text = json.dumps(result.as_dict(), allow_nan=True)  # as a file would hold it
    return type(result).from_dict(json.loads(text))


def test_interface_candidates_round_trip():
    made = _candidates()
    back = _round_trip(made)
    assert type(back) is InterfaceCandidates
    assert (back.film_formula, back.substrate_formula) == ("Na", "Li")
    pd.testing.assert_frame_equal(back.table, made.table, check_dtype=False)
    assert back.cells == made.cells and back.film_slabs == made.film_slabs
    assert back.substrate_slabs[0].composition.reduced_formula == "Li"
    assert back.bounds == {"max_strain": 0.05, "max_area_A2": 30.0, "max_atoms": 6}
    assert back.notes == ["hand-made for the round trip"]
    best = back.best(1).iloc[0]  # the rebuilt table still works as a result's table
    assert best[K.INTERFACE_CELL] == 0 and best[K.INTERFACE_AREA] == pytest.approx(11.8336)
    assert "11.8 Å²" in back._repr_html_()


def test_interface_result_round_trip():
    made = _energies()
    back = _round_trip(made)
    assert type(back) is InterfaceResult
    pd.testing.assert_frame_equal(back.table, made.table, check_dtype=False)
    assert back.w_ad_J_m2 == pytest.approx(0.5 / (2 * 11.8336) * 16.02176634)  # 0.338 J/m²
    assert back.spread_J_m2 == 0.0 and back.potential == "PairCount 1.0 (raw)"
    assert back.structures == [_cell()] and back.landscapes == [None]
    assert math.isinf(back.table[K.NORMAL_BARRIER].iloc[0])  # no path across: inf survives
    assert "0.34 J/m²" in back._repr_html_()


def test_every_interface_column_has_its_unit_in_keys():
    for result in (_candidates(), _energies()):
        assert set(result.table.columns) <= set(K.COLUMNS)
    assert K.COLUMNS[K.W_AD_J_M2][1] == "J/m²" and K.COLUMNS[K.INTERFACE_AREA][1] == "Å²"


def test_a_tampered_interface_file_is_refused():
    d = _candidates().as_dict()
    with pytest.raises(InvalidInputError, match="cells"):
        InterfaceCandidates.from_dict({**d, "cells": [{"@module": "os", "@class": "system"}]})
    with pytest.raises(InvalidInputError, match="pwned"):
        InterfaceResult.from_dict({**_energies().as_dict(), "pwned": 1})
