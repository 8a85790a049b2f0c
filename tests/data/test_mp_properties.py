"""The MP band-gap and elastic-moduli tables: row counts, formulas, the polymorph rule."""

import csv

import pytest

from ssenb.data import REGISTRY
from ssenb.data.mp_properties import (
    PROPERTY_NAMES,
    SOURCES,
    load_mp_properties,
    lookup_properties,
    property_table,
)
from ssenb.errors import UnknownNameError


def _raw(mirror, name):
    """Rows of the upstream CSV read with the csv module (independent of the loader)."""
    with open(mirror / SOURCES[name].file, newline="") as fh:
        return [(r["formula"], float(r["target"])) for r in csv.DictReader(fh)]


def test_every_table_is_registered_with_a_hash():
    for spec in SOURCES.values():
        assert REGISTRY[spec.file].sha256 is not None
        assert REGISTRY[spec.file].url.startswith("https://raw.githubusercontent.com/")
        assert "(" not in REGISTRY[spec.file].url  # parentheses URL-encoded upstream


@pytest.mark.parametrize("name", ["expt_gap", "log10_g", "log10_k"])
def test_rows_as_upstream(mirror, name):
    raw = _raw(mirror, name)
    rows = load_mp_properties(name)
    assert len(rows) == len(raw)
    assert rows["formula"].tolist() == [f for f, _ in raw]
    assert rows[SOURCES[name].column].tolist() == [v for _, v in raw]


def test_reduced_formula_written_the_ssenb_way():
    rows = load_mp_properties("log10_g").set_index("formula")
    assert rows.loc["Li2O1", "reduced_formula"] == "Li2O"
    expt = load_mp_properties("expt_gap").set_index("formula")
    assert expt.loc["LiF", "reduced_formula"] == "LiF"
    assert expt.loc["LiFe2(PO4)3", "reduced_formula"] == "LiFe2P3O12"  # grouped -> flat


def test_polymorph_rule_median_min_max(mirror):
    # LiF has two PBE entries upstream (F2Li2 7.4778 eV, F1Li1 8.7161 eV)
    raw = [v for f, v in _raw(mirror, "pbe_gap") if f in ("F2Li2", "F1Li1")]
    assert sorted(raw) == [7.4778, 8.7161]
    row = property_table("pbe_gap").loc["LiF"]
    assert row["band_gap_pbe_eV"] == pytest.approx((7.4778 + 8.7161) / 2)
    assert row["band_gap_pbe_eV_min"] == 7.4778
    assert row["band_gap_pbe_eV_max"] == 8.7161
    assert row["n_entries"] == 2


def test_table_one_row_per_composition():
    for name in ("log10_g", "expt_gap"):
        table = property_table(name)
        assert table.index.is_unique
        assert table["n_entries"].sum() == len(load_mp_properties(name))
        col = SOURCES[name].column
        assert (table[f"{col}_min"] <= table[col]).all()
        assert (table[col] <= table[f"{col}_max"]).all()


def test_lookup_of_known_and_unknown_compositions():
    found = lookup_properties("Li2O")
    assert found["log10_g"]["n_entries"] == 2  # two Li2O elastic tensors upstream
    assert found["log10_g"]["max"] == pytest.approx(1.845098040014257)
    assert lookup_properties("LiF")["expt_gap"]["value"] == 11.7
    assert lookup_properties("Li7La3Zr2O12").keys() == {"pbe_gap"}
    assert lookup_properties("Li9Xe2") == {}


def test_unknown_property_lists_the_valid_names():
    with pytest.raises(UnknownNameError, match="pbe_gap, expt_gap"):
        load_mp_properties("gap")  # type: ignore[arg-type]
    assert set(PROPERTY_NAMES) == set(SOURCES)


@pytest.fixture
def fresh_tables(monkeypatch, tmp_path):
    """The property tables with their in-memory caches cleared and the derived folder in tmp."""
    from ssenb.data import mp_properties

    monkeypatch.setenv("SSENB_CACHE_DIR", str(tmp_path / "derived"))
    for cached in (mp_properties._rows, mp_properties._table):
        cached.cache_clear()
    yield mp_properties
    for cached in (mp_properties._rows, mp_properties._table):
        cached.cache_clear()


def test_reduced_names_are_cached_on_disk_and_a_damaged_file_is_rebuilt(
    fresh_tables, tmp_path, monkeypatch
):
    from pymatgen.core import Composition

    from ssenb.data import display_formula

    first = fresh_tables.load_mp_properties("expt_gap")
    (cache,) = (tmp_path / "derived").glob("mp_properties_names_*.npz")
    real = fresh_tables._reduced
    fresh_tables._rows.cache_clear()

    def refuse(formulas):
        if len(formulas) > fresh_tables.NAMES_SPOT_CHECK:  # the read's spot check is allowed
            raise AssertionError("named again although cached")
        return real(formulas)

    monkeypatch.setattr(fresh_tables, "_reduced", refuse)
    again = fresh_tables.load_mp_properties("expt_gap")
    assert again["reduced_formula"].tolist() == first["reduced_formula"].tolist()
    for formula, name in again[["formula", "reduced_formula"]].head(40).itertuples(index=False):
        assert name == display_formula(Composition(formula))  # pymatgen's name, not the cache's
    cache.write_bytes(b"not an npz")  # damaged: named again, and the file replaced
    fresh_tables._rows.cache_clear()
    monkeypatch.setattr(fresh_tables, "_reduced", real)
    assert fresh_tables.load_mp_properties("expt_gap").equals(first)
    assert cache.read_bytes()[:2] == b"PK"  # an npz (zip) again
