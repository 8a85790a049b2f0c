"""Sources: entries from the parsed snapshot, guards checked before any hull, energy kinds."""

import pickle

import numpy as np
import pytest

from ssenb.data import load_alexandria_entries, load_mp2020_entries
from ssenb.errors import IncompatibleSourcesError, InvalidInputError
from ssenb.thermo import (
    interface_reactions,
    phase_stability,
    screen,
    stability_window,
)
from ssenb.thermo.sources import MAX_HULL_ELEMENTS, MPSnapshot, check_elements, get_source


def test_snapshot_entries_equal_pymatgen_parse_of_the_upstream_rows(mp_table):
    """Entries come from the matrix; the reference parses each upstream formula with pymatgen."""
    from pymatgen.core import Composition

    entries = get_source().entries(["Li", "P", "S"])
    rows = mp_table[mp_table["chemsys"].isin(["Li-P-S", "Li-P", "Li-S", "P-S"])]
    expected = sorted(
        (Composition(f).formula, round(ef * Composition(f).num_atoms, 9))
        for f, ef in zip(rows["formula"], rows["formation_energy_eV_atom"])
    )
    got = sorted(
        (e.composition.formula, round(e.energy, 9)) for e in entries if not e.composition.is_element
    )
    assert got == expected
    refs = [e for e in entries if e.composition.is_element]
    assert sorted(str(e.composition.elements[0]) for e in refs) == ["Li", "P", "S"]
    assert all(e.energy == 0.0 for e in refs)


def test_fast_hull_arrays_match_entries(mirror):
    import csv

    upstream = {}
    for split in ("train", "val", "test"):  # the raw file, read without ssenb
        with open(mirror / "mp2019-allmp" / "CritExam__Ef" / f"{split}.csv") as fh:
            upstream.update({r["formula"]: float(r["target"]) for r in csv.DictReader(fh)})
    src = get_source()
    els, fractions, energies, names = src.hull_arrays("Li-P-S")
    assert els == ["Li", "P", "S"]
    np.testing.assert_allclose(np.asarray(fractions).sum(axis=1), 1.0)
    by_name = dict(zip(names, energies))
    assert by_name["Li3PS4"] == upstream["Li3P1S4"]
    assert by_name["Li7P3S11"] == upstream["Li7P3S11"]
    assert {"Li", "P", "S"} <= set(names)


@pytest.mark.parametrize(
    ("system", "shown"),
    [
        ("li-p-s", "'li' is not an element symbol"),
        ("Li--S", "empty symbol"),
        (["Li", "Xx"], "'Xx'"),
    ],
)
def test_malformed_chemsys_is_named_malformed(system, shown):
    with pytest.raises(InvalidInputError, match="malformed") as info:
        get_source().phase_diagram(system)
    assert shown in str(info.value)
    assert "not covered" not in str(info.value)


def test_fifteen_elements_refused_before_any_hull(monkeypatch):
    def no_hull(*_args, **_kwargs):  # building entries is the first step of any hull
        raise AssertionError("a hull was started")

    monkeypatch.setattr(MPSnapshot, "_entries_within", no_hull)
    monkeypatch.setattr(MPSnapshot, "hull_arrays", no_hull)
    big = "LiNaKRbCsBaSrCaMgBeAlGaInTlSi"
    for call in (
        lambda: phase_stability(big),
        lambda: stability_window(big),
        lambda: interface_reactions(big, "Li"),
        lambda: screen([big], errors="raise", progress=False),
    ):
        with pytest.raises(InvalidInputError, match="MAX_HULL_ELEMENTS"):
            call()


def test_too_big_row_fails_alone_in_a_batch():
    out = screen(["LiNaKRbCsBaSrCaMgBeAlGaInTlSi", "Li3PS4"], progress=False)
    assert "15 elements" in out.loc[0, "error"]
    assert out.loc[1, "error"] is None
    assert out.loc[1, "oxidation_V"] == pytest.approx(2.36, abs=0.01)


def test_limit_counts_the_joint_system():
    assert MAX_HULL_ELEMENTS == 8
    assert check_elements("Li-P-S-Ge-Si-O-Cl-Br") == frozenset("Li P S Ge Si O Cl Br".split())
    with pytest.raises(InvalidInputError, match="9 elements"):
        check_elements("Li-P-S-Ge-Si-O-Cl-Br-I")


def test_energy_kinds():
    assert get_source().energy_kind == "formation"
    alex = get_source(load_alexandria_entries("Li-Co-O"))
    assert alex.energy_kind == "formation"
    assert "Alexandria" in alex.correction_scheme
    assert get_source(load_mp2020_entries()).energy_kind == "total"


def test_total_plus_formation_energies_refused():
    mixed = load_mp2020_entries() + load_alexandria_entries("Li-Co-O")
    with pytest.raises(IncompatibleSourcesError, match="formation energies"):
        get_source(mixed)


def test_total_energy_refused_on_formation_source():
    alex = get_source(load_alexandria_entries("Li-P-S"))
    with pytest.raises(InvalidInputError, match="formation energies"):
        phase_stability("Li3PS4", source=alex, total_energy=-4.2)


def test_snapshot_pickles_to_the_workers_own_copy():
    src = get_source()
    src.fast_hull("Li-S")
    clone = pickle.loads(pickle.dumps(src))
    assert clone is get_source()  # in a worker process: its module-level snapshot
    user = get_source(load_alexandria_entries("Li-P-S"))
    user.fast_hull("Li-P-S")
    copy = pickle.loads(pickle.dumps(user))
    assert copy._pd_cache == {}  # hulls are not shipped to workers
    assert copy.energy_kind == "formation"


def test_live_source_without_mp_api_names_the_extra(monkeypatch):
    import sys

    from ssenb.errors import MissingExtraError
    from ssenb.thermo.sources import MPLive

    monkeypatch.setitem(sys.modules, "mp_api", None)  # as if not installed
    monkeypatch.setitem(sys.modules, "mp_api.client", None)
    with pytest.raises(MissingExtraError, match=r"pip install 'ssenb\[mp\]'") as info:
        MPLive(api_key="not-a-real-key")._rester()
    assert isinstance(info.value, ImportError)  # the builtin a caller may already catch


def test_an_entry_without_a_finite_energy_is_refused_by_name():
    from pymatgen.analysis.phase_diagram import PDEntry

    entries = [PDEntry("Li", 0.0), PDEntry("O2", 0.0), PDEntry("Li2O", -float("inf"))]
    with pytest.raises(InvalidInputError, match=r"Li2O has energy -inf eV"):
        stability_window("Li2O", source=entries)
