"""Orderings of Ni on Co in LiCoO2 supercells, counted by hand; the limits and their messages."""

from __future__ import annotations

import math

import pytest

from ssenb.errors import InvalidInputError
from ssenb.mlip import orderings
from ssenb.mlip.orderings import _cell, _multinomial, _scalings, distinct_orderings
from ssenb.mlip.substitutions import site_charges, with_oxidation_states

HALF_NI = {"Co": {"Ni": 0.5}}


@pytest.fixture(scope="module")
def host(by_id):
    return with_oxidation_states(by_id["mp-22526-GGA+U"].structure)  # LiCoO2, 4 atoms


@pytest.fixture(scope="module")
def charges(host):
    return site_charges(host, HALF_NI, {})


def test_counting_by_hand():
    assert _multinomial(4, [2]) == 6  # C(4, 2)
    assert _multinomial(8, [2, 2]) == 28 * 15  # C(8, 2) C(6, 2)
    assert _multinomial(5, []) == 1
    assert _scalings(2) == [(1, 1, 1), (1, 1, 2), (1, 2, 1), (2, 1, 1)]
    # a·b·c ≤ 4: 1 cell, 3 of 2, 3 of 3, 3 of (1,1,4) and 3 of (1,2,2)
    assert len(_scalings(4)) == 13
    assert [math.prod(s) for s in _scalings(4)] == sorted(math.prod(s) for s in _scalings(4))
    assert _cell((1, 2, 1)) == "1x2x1"


def test_half_ni_on_co_in_doubled_cells(host, charges):
    # MP's 4-atom cell has a = b (related by symmetry) and c: doubling a or b gives one ordering
    # of 1 Co + 1 Ni, doubling c another. Supercells are tried 1x1x2, 1x2x1, 2x1x1.
    found, notes = distinct_orderings(
        host, HALF_NI, charges, max_cells=2, max_atoms=32, max_orderings=10
    )
    assert [o.name for o in found] == ["#1", "#2"]
    assert {o.supercell for o in found} == {"1x1x2", "1x2x1"}
    for o in found:
        assert o.structure.composition.reduced_formula == "Li2CoNiO4"
        assert len(o.structure) == 8
        assert all(not hasattr(sp, "oxi_state") or not sp.oxi_state for sp in o.structure.species)
    assert found[0].ewald_eV_atom <= found[1].ewald_eV_atom + 1e-4  # lowest Ewald first
    assert notes[-1].endswith("2 symmetry-distinct")


def test_max_orderings_keeps_the_lowest(host, charges):
    found, _ = distinct_orderings(
        host, HALF_NI, charges, max_cells=2, max_atoms=32, max_orderings=1
    )
    assert [o.name for o in found] == ["#1"]


def test_fractions_that_fit_no_supercell_in_whole_atoms(host):
    charges = site_charges(host, {"Co": {"Ni": 0.3}}, {})
    with pytest.raises(InvalidInputError, match=r"holds 0\.3 Ni on Co in whole atoms; raise"):
        distinct_orderings(
            host, {"Co": {"Ni": 0.3}}, charges, max_cells=2, max_atoms=32, max_orderings=10
        )
    # one 4-atom cell holds 1 Co: half a Ni does not fit, and 8 atoms are over the limit
    with pytest.raises(InvalidInputError, match="up to 2 cells and 4 atoms"):
        distinct_orderings(host, HALF_NI, charges, max_cells=2, max_atoms=4, max_orderings=10)


def test_too_many_orderings_say_so_rather_than_blame_the_fraction(host, charges, monkeypatch):
    # each doubled cell has C(2, 1) = 2 orderings; a limit of 1 skips them all
    monkeypatch.setattr(orderings, "MAX_COMBINATIONS", 1)
    with pytest.raises(InvalidInputError, match=r"more than 1 orderings \(supercell 1x1x2 skipped"):
        distinct_orderings(host, HALF_NI, charges, max_cells=2, max_atoms=32, max_orderings=10)


def test_many_requests_on_a_process_pool_equal_the_serial_enumeration(by_id, monkeypatch):
    """orderings_many: rows in input order, equal to distinct_orderings one by one, whether
    in this process or on 2 workers; a request no cell realises is that row's reason; the
    host is not modified (the function is pure, so a caller may map it anywhere)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from ssenb.mlip import OrderingRequest, orderings_many

    lco = by_id["mp-22526-GGA+U"].structure
    before = lco.copy()
    requests = [
        OrderingRequest(lco, HALF_NI, max_cells=2),
        OrderingRequest(lco, {"Co": {"Ni": 1 / 3}}, max_cells=2),  # needs 3 cells
        OrderingRequest(lco, {"Co": {"Ni": 0.25}}, max_cells=4, max_orderings=3),
    ]
    serial = orderings_many(requests, progress=False)
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as pool:
        pooled = orderings_many(requests, executor=pool, progress=False)
    assert lco == before and lco.site_properties == before.site_properties
    assert serial["error"].isna().tolist() == [True, False, True]
    assert "no supercell of up to 2 cells" in serial["error"].iloc[1]
    assert serial["n_orderings"].tolist()[0] == 2
    host = with_oxidation_states(lco)
    one, _ = distinct_orderings(
        host, HALF_NI, site_charges(host, HALF_NI, {}), max_cells=2, max_atoms=32, max_orderings=10
    )
    for table in (serial, pooled):
        assert table["error"].tolist()[1] == serial["error"].tolist()[1]
        for row, want in ((0, one), (2, serial["orderings"].iloc[2])):
            got = table["orderings"].iloc[row]
            assert [(o.name, o.supercell, o.ewald_eV_atom) for o in got] == [
                (o.name, o.supercell, o.ewald_eV_atom) for o in want
            ]
            assert all(a.structure == b.structure for a, b in zip(got, want))
    with pytest.raises(InvalidInputError, match="no supercell of up to 2 cells"):
        orderings_many(requests, errors="raise", progress=False)
    with pytest.raises(InvalidInputError, match="wrap one in a list"):
        orderings_many(requests[0], progress=False)
