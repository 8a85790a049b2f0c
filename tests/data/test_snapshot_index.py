"""The snapshot's parsed index: names equal to pymatgen's, and its on-disk cache."""

import json

import numpy as np
import pytest


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
    """ssenb.data.mp_snapshot with its index cache cleared and the derived folder in tmp_path."""
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

    monkeypatch.setattr(fresh_index, "build_index", no_build)
    fresh_index._index_for.cache_clear()
    again = fresh_index.snapshot_index()
    assert list(again.formula) == list(built.formula)
    np.testing.assert_array_equal(again.data, built.data)
    after = sorted((p, p.stat().st_mtime_ns) for p in (mirror / "mp2019-allmp").rglob("*.csv"))
    assert after == before  # the source files are only read


def test_damaged_or_pickled_cache_is_rebuilt(fresh_index, tmp_path):
    from ssenb.data._snapshot_index import read_index

    built = fresh_index.snapshot_index()
    npz = next((tmp_path / "derived").glob("*.npz"))
    # an object array can only be read with pickle: np.load(allow_pickle=False) refuses it
    np.savez(npz.with_suffix(".tmp.npz"), formula=np.array([object()], dtype=object))
    npz.with_suffix(".tmp.npz").replace(npz)
    assert read_index(tmp_path / "derived", built.key) is None
    fresh_index._index_for.cache_clear()
    rebuilt = fresh_index.snapshot_index()
    assert list(rebuilt.reduced_formula[:5]) == list(built.reduced_formula[:5])
    assert read_index(tmp_path / "derived", built.key) is not None


def test_stale_key_is_not_read(fresh_index, tmp_path):
    from ssenb.data._snapshot_index import read_index

    built = fresh_index.snapshot_index()
    assert read_index(tmp_path / "derived", "0" * 64) is None
    assert read_index(tmp_path / "derived", built.key) is not None


@pytest.mark.parametrize("rows", ["many", None, [1]])
def test_manifest_with_a_malformed_row_count_is_rebuilt_not_an_error(fresh_index, tmp_path, rows):
    """A hand-edited manifest (rows not an integer) reads as 'no cache', never raises."""
    from ssenb.data._snapshot_index import read_index

    built = fresh_index.snapshot_index()
    manifest = next((tmp_path / "derived").glob("*.json"))
    meta = json.loads(manifest.read_text())
    meta["rows"] = rows
    manifest.write_text(json.dumps(meta))
    assert read_index(tmp_path / "derived", built.key) is None


def test_cache_with_float_indices_is_rebuilt(fresh_index, tmp_path):
    """Integer-valued floats pass every bound check but cannot index: the dtype must match."""
    from ssenb.data._snapshot_index import _ARRAYS, read_index

    built = fresh_index.snapshot_index()
    npz = next((tmp_path / "derived").glob("*.npz"))
    arrays = {n: getattr(built, n) for n in _ARRAYS}
    arrays["indices"] = arrays["indices"].astype(np.float64)
    with open(npz, "wb") as fh:
        np.savez(fh, **arrays)
    assert read_index(tmp_path / "derived", built.key) is None
