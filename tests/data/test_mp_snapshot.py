import numpy as np
import pytest

from ssenb.data import load_alexandria_entries, load_mp2020_entries
from ssenb.errors import InvalidInputError, UnknownNameError


def test_snapshot_size_and_columns(mp_table):
    assert len(mp_table) == 85014
    assert mp_table["reduced_formula"].is_unique
    assert (mp_table["e_above_hull_eV_atom"] >= 0).all()
    assert {
        "formula",
        "chemsys",
        "formation_energy_eV_atom",
        "decomposition_energy_eV_atom",
    } <= set(mp_table)


def test_snapshot_values_match_source_notes(mp_table):
    # SOURCE.md: LiCoO2 is -1.790 eV/atom and Li2O -2.072 eV/atom in this snapshot
    by = mp_table.set_index("reduced_formula")
    assert by.loc["LiCoO2", "formation_energy_eV_atom"] == pytest.approx(-1.790, abs=5e-4)
    assert by.loc["Li2O", "formation_energy_eV_atom"] == pytest.approx(-2.072, abs=5e-4)
    assert by.loc["Li3PS4", "chemsys"] == "Li-P-S"
    assert by.loc["Li3PS4", "e_above_hull_eV_atom"] == 0.0


def test_stable_rows_have_non_positive_decomposition_energy(mp_table):
    stable = mp_table[mp_table["e_above_hull_eV_atom"] == 0]
    assert (stable["decomposition_energy_eV_atom"] <= 0).all()
    assert 0.1 < len(stable) / len(mp_table) < 0.9


def test_mp2020_entries_carry_structures_and_corrections():
    entries = load_mp2020_entries()
    assert len(entries) == 775
    assert all(
        e.structure.composition.reduced_composition == e.composition.reduced_composition
        for e in entries[:50]
    )
    assert any("MP2020" in a.name for e in entries for a in e.energy_adjustments)


def test_alexandria_entries_get_elemental_references():
    entries = load_alexandria_entries("Li-P-S")
    assert len(entries) == 178 + 3
    refs = [e for e in entries if e.composition.is_element]
    assert sorted(str(e.composition.elements[0]) for e in refs) == ["Li", "P", "S"]


def test_unknown_demo_system():
    with pytest.raises(UnknownNameError, match="Li-P-S"):
        load_alexandria_entries("Li-Y-Cl")
    with pytest.raises(UnknownNameError, match="Li-Co-Ni-O"):
        load_mp2020_entries("Li-Fe-O")


# --- the parsed index and its on-disk cache ------------------------------------------


def test_reduced_formula_is_display_formula(mp_table):
    """The matrix-built names equal display_formula of a pymatgen parse (the reference)."""
    from pymatgen.core import Composition

    from ssenb.data import display_formula

    sample = mp_table.sample(1500, random_state=3)
    peroxides = mp_table[mp_table["reduced_formula"].isin(["Li2O2", "Na2O2", "H2O2", "LiO2"])]
    for row in [*sample.itertuples(), *peroxides.itertuples()]:
        assert row.reduced_formula == display_formula(Composition(row.formula)), row.formula
    assert set(peroxides["reduced_formula"]) >= {"Li2O2"}


@pytest.fixture
def fresh_index(monkeypatch, tmp_path):
    """The snapshot index with its caches cleared and the derived folder in tmp_path."""
    from ssenb.data import mp_snapshot

    monkeypatch.setenv("SSENB_CACHE_DIR", str(tmp_path / "derived"))
    mp_snapshot._index_for.cache_clear()
    yield mp_snapshot
    mp_snapshot._index_for.cache_clear()


def test_index_cached_on_disk_and_reused(fresh_index, tmp_path, monkeypatch, mirror):
    before = sorted((p, p.stat().st_mtime_ns) for p in (mirror / "mp2019-allmp").rglob("*.csv"))
    built = fresh_index.snapshot_index()
    files = sorted(p.name for p in (tmp_path / "derived").iterdir())
    assert [f.rsplit(".", 1)[1] for f in files] == ["json", "npz"]
    assert built.key[:16] in files[0]

    def no_build(*_a):
        raise AssertionError("rebuilt although a valid cache exists")

    monkeypatch.setattr(fresh_index, "_build_index", no_build)
    fresh_index._index_for.cache_clear()
    again = fresh_index.snapshot_index()
    assert list(again.formula) == list(built.formula)
    np.testing.assert_array_equal(again.data, built.data)
    after = sorted((p, p.stat().st_mtime_ns) for p in (mirror / "mp2019-allmp").rglob("*.csv"))
    assert after == before  # the source files are only read


def test_damaged_or_pickled_cache_is_rebuilt(fresh_index, tmp_path):
    built = fresh_index.snapshot_index()
    npz = next((tmp_path / "derived").glob("*.npz"))
    # an object array can only be read with pickle: np.load(allow_pickle=False) refuses it
    np.savez(npz.with_suffix(".tmp.npz"), formula=np.array([object()], dtype=object))
    npz.with_suffix(".tmp.npz").replace(npz)
    assert fresh_index._read_index(tmp_path / "derived", built.key) is None
    fresh_index._index_for.cache_clear()
    rebuilt = fresh_index.snapshot_index()
    assert list(rebuilt.reduced_formula[:5]) == list(built.reduced_formula[:5])
    assert fresh_index._read_index(tmp_path / "derived", built.key) is not None


def test_stale_key_is_not_read(fresh_index, tmp_path):
    built = fresh_index.snapshot_index()
    assert fresh_index._read_index(tmp_path / "derived", "0" * 64) is None
    assert fresh_index._read_index(tmp_path / "derived", built.key) is not None


def test_derived_index_never_goes_into_the_data_dir(monkeypatch, tmp_path, mirror):
    import pooch

    from ssenb.data import mp_snapshot

    assert mp_snapshot._os_cache() == pooch.os_cache("ssenb")  # same folder, no pooch import
    monkeypatch.delenv("SSENB_CACHE_DIR", raising=False)
    monkeypatch.setattr(mp_snapshot, "_os_cache", lambda: tmp_path / "ssenb")
    for data in (mirror, tmp_path / "writable-data"):
        monkeypatch.setenv("SSENB_DATA_DIR", str(data))
        assert mp_snapshot.derived_cache_dir() == tmp_path / "ssenb" / "derived"
    monkeypatch.setenv("SSENB_CACHE_DIR", str(mirror / "derived"))  # read-only by its bits
    assert mp_snapshot.derived_cache_dir() is None
    assert not (mirror / "derived").exists()


def test_snapshot_formulas_by_chemistry(mp_table):
    from ssenb.data.mp_snapshot import snapshot_formulas

    within = snapshot_formulas(within="Li-P-S")
    expected = mp_table[mp_table["chemsys"].isin(["Li-P-S", "Li-P", "Li-S", "P-S"])]
    assert sorted(within) == sorted(expected["formula"])
    both = snapshot_formulas(contains="Li,S")
    has = mp_table["chemsys"].str.split("-").map(lambda s: {"Li", "S"} <= set(s))
    assert sorted(both) == sorted(mp_table.loc[has, "formula"])
    with pytest.raises(InvalidInputError, match="malformed"):
        snapshot_formulas(within="li-p-s")
