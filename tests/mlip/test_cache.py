"""The JSON cache: round trip, no overwrite, nothing foreign rebuilt; the shipped cache reads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ssenb import keys as K
from ssenb.errors import InvalidInputError
from ssenb.mlip import PotentialBenchmark, benchmark_potential, read_results, write_results

SHIPPED = Path(__file__).resolve().parents[2] / "tutorials" / "data" / "mlip_cache.json"
DFT = {"Li": -1.9, "O2": -4.9, "Li2O": -4.8}


@pytest.fixture
def bench(by_id, fake):
    from pymatgen.entries.computed_entries import ComputedStructureEntry

    entries = [
        ComputedStructureEntry(by_id[i].structure, DFT[f] * len(by_id[i].structure), entry_id=i)
        for i, f in (("mp-1018134-GGA", "Li"), ("mp-12957-GGA", "O2"), ("mp-1960-GGA", "Li2O"))
    ]
    return benchmark_potential(entries, fake(DFT, convention="raw"), progress=False)


def test_round_trip_and_no_overwrite(tmp_path, bench):
    path = write_results(tmp_path / "c.json", {"b": bench})
    back = read_results(path)["b"]
    assert isinstance(back, PotentialBenchmark)
    assert back.table[K.E_FORM_DFT].tolist() == pytest.approx(bench.table[K.E_FORM_DFT].tolist())
    with pytest.raises(InvalidInputError, match="overwrite=True"):
        write_results(path, {"b": bench})
    with pytest.raises(InvalidInputError, match="not PotentialBenchmark"):
        write_results(tmp_path / "d.json", {"x": 1})


def test_foreign_and_broken_files_are_refused(tmp_path, bench):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(InvalidInputError, match="not valid JSON"):
        read_results(bad)
    bad.write_text(json.dumps({"results": {}}))
    with pytest.raises(InvalidInputError, match="not an ssenb MLIP cache"):
        read_results(bad)
    d = bench.as_dict()
    d["@module"] = "os"
    bad.write_text(json.dumps({"ssenb_mlip_cache": 1, "results": {"b": d}}))
    with pytest.raises(InvalidInputError, match="not an MLIP result"):
        read_results(bad)
    with pytest.raises(InvalidInputError, match="no MLIP cache"):
        read_results(tmp_path / "missing.json")


def test_shipped_cache_reads_and_matches_the_documented_numbers():
    cache = read_results(SHIPPED)
    b20 = cache["benchmark"].subset(max_atoms=20)
    assert b20.potential == "CHGNet 0.3.0 (MLIP, MP2020-compatible)"
    # the numbers quoted in ssenb/mlip/benchmark.py's docstring
    assert b20.energy_mae == pytest.approx(0.048, abs=0.0015)
    assert b20.e_hull_mae == pytest.approx(0.049, abs=0.0015)
    doped = cache["LiCoO2 + 1/2 Ni on Co"]
    assert doped.substitutions == {"Co": {"Ni": 0.5}}
    assert all(e.data["energy_source"] == doped.potential for e in doped.hull_entries)
