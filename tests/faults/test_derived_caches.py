"""Fault battery, the derived caches: a damaged, foreign or edited cache file is never trusted.

The MP property names cache (an ``.npz``) and the parsed-CIF cache (JSON) live in a folder
the user (or anything else) can write. Each case used to crash the load (BadZipFile,
EOFError, RecursionError) or hand back edited names as if they were the data's own.
"""

from __future__ import annotations

import numpy as np
import pytest

FORMULAS = ["LiFePO4", "Li2O", "OLi2", "Li3PS4", "Li6PS5Cl", "Ag(AuS)2"]


@pytest.fixture
def names_cache(tmp_path, monkeypatch):
    """A names cache written by _reduced_names for FORMULAS (the table file: any bytes)."""
    from ssenb.data import mp_properties as mpp

    monkeypatch.setenv("SSENB_CACHE_DIR", str(tmp_path / "derived"))
    table = tmp_path / "table.csv"
    table.write_text("a table\n")
    truth = mpp._reduced(FORMULAS)
    assert mpp._reduced_names(table, FORMULAS) == truth
    (cache,) = (tmp_path / "derived").glob("mp_properties_names_*.npz")
    return table, cache, truth


@pytest.mark.parametrize(
    "damage",
    [b"", b"PK\x03\x04" + b"\x00" * 64, b"not a zip at all"],
    ids=["empty", "zip-header-only", "text"],
)
def test_a_damaged_names_cache_is_rebuilt_not_a_crash(names_cache, damage):
    from ssenb.data import mp_properties as mpp

    table, cache, truth = names_cache
    cache.write_bytes(damage)  # was EOFError / BadZipFile out of every property lookup
    assert mpp._reduced_names(table, FORMULAS) == truth
    with np.load(cache) as z:  # rewritten whole
        assert z["names"].tolist() == truth


def test_a_truncated_names_cache_is_rebuilt(names_cache):
    from ssenb.data import mp_properties as mpp

    table, cache, truth = names_cache
    raw = cache.read_bytes()
    cache.write_bytes(raw[: len(raw) // 2])
    assert mpp._reduced_names(table, FORMULAS) == truth


def test_edited_names_with_the_right_key_are_not_trusted(names_cache):
    from ssenb.data import mp_properties as mpp

    table, cache, truth = names_cache
    with np.load(cache) as z:
        key = z["key"]
    edited = list(truth)
    edited[1] = "LiF"  # Li2O's row now says LiF: its band gap would be LiF's
    with open(cache, "wb") as fh:
        np.savez(fh, key=key, names=np.array(edited, dtype=str))
    assert mpp._reduced_names(table, FORMULAS) == truth


def test_a_zip_bomb_in_the_names_cache_is_not_decompressed(names_cache, monkeypatch):
    from ssenb.data import mp_properties as mpp

    _, cache, _ = names_cache
    with np.load(cache) as z:
        key = z["key"]
    with open(cache, "wb") as fh:  # ~1 MB of names in a few kB of file
        np.savez_compressed(fh, key=key, names=np.zeros(250_000, dtype="U1"))
    assert cache.stat().st_size < 20_000

    def no_load(*args, **kwargs):
        raise AssertionError("np.load opened a cache larger than its names can be")

    monkeypatch.setattr(mpp.np, "load", no_load)
    assert mpp._read_names(cache, str(key), FORMULAS) is None


def test_a_structure_cache_nested_without_end_reads_as_missing(tmp_path):
    from ssenb.data._structure_cache import cache_path, read_cache

    key = "0" * 64
    path = cache_path(tmp_path, key)
    path.write_text(
        '{"format": 1, "key": "' + key + '", "rows": ' + "[" * 100_000 + "]" * 100_000 + "}"
    )
    assert read_cache(tmp_path, key) is None  # was RecursionError out of load_obelix
