"""Fault battery, bare errors: what a user gets wrong ends in ssenb's own error.

Each case here once escaped as a builtin (TypeError, KeyError, RecursionError ...) or a
dependency's message; each must now raise a class from :mod:`ssenb.errors` whose message
names the cause and the fix.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ssenb.errors import InvalidInputError

SHIPPED = Path(__file__).resolve().parents[2] / "tutorials" / "data" / "mlip_cache.json"


@pytest.fixture(scope="module")
def window_dict():
    from ssenb.thermo import stability_window

    return stability_window("LiF").as_dict()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"ion": None}, r"missing fields \['ion'\]"),  # None: the field is dropped
        ({"reduction_v": "abc"}, r"at reduction_v: StabilityWindow needs float"),
        ({"reduction_products": "Li"}, r"at reduction_products: .* needs list"),
        ({"profile": {"@frame": {"columns": ["a"]}}}, r"at profile\['@frame'\]\.data: a table"),
        ({"profile": {"@frame": {"columns": ["a"], "data": [[1, 2]]}}}, r"rows of 1 cells"),
        ({"ion": "Xx"}, r"not make a valid StabilityWindow .*'Xx'"),
    ],
)
def test_result_from_dict_with_bad_fields(window_dict, change, message):
    from ssenb.thermo import StabilityWindow

    d = {**window_dict, **change}
    d = {k: v for k, v in d.items() if v is not None}
    with pytest.raises(InvalidInputError, match=message):
        StabilityWindow.from_dict(d)


def test_a_landscape_with_an_unknown_ion_is_refused_when_read_not_when_shown():
    from ssenb import keys as K
    from ssenb.transport import MigrationLandscape

    sites = {
        "@frame": {"columns": [K.OCCUPANCY, K.IN_PATHWAY], "index": [0], "data": [[1.0, True]]}
    }
    fields = {
        "formula": "LiX",
        "ion": "Li",
        "structure": None,
        "energy": [[[0.0]]],
        "resolution": 0.2,
        **dict.fromkeys(["barrier_1d", "barrier_2d", "barrier_3d"], 0.3),
        "pathway_dimension": 3,
        "pathway": [[0, 0, 0]],
        "sites": sites,
        "profile": None,
        "oxidation_states": {},
        "parameters": {},
    }
    assert "Li+" in MigrationLandscape.from_dict(fields)._repr_html_()
    with pytest.raises(InvalidInputError, match=r"not make a valid MigrationLandscape .*'Xx'"):
        MigrationLandscape.from_dict({**fields, "ion": "Xx"})


@pytest.mark.parametrize(
    ("results", "message"),
    [
        ([1, 2], "'results' must map names to results, not a list"),
        ("ab", "'results' must map names to results, not a str"),
        ({"b": {"@module": "ssenb.mlip.benchmark", "@class": "PotentialBenchmark"}}, "missing"),
        ({"b": 3}, r"item results\.b is not an MLIP result"),
        ("deep", "nested deeper than 64"),
    ],
)
def test_read_results_on_broken_files(tmp_path, results, message):
    from ssenb.mlip import read_results

    if results == "deep":  # the shipped benchmark with a runaway nesting inside
        shipped = json.loads(SHIPPED.read_text())["results"]["benchmark"]
        results = {"b": {**shipped, "confusion": {"x": json.loads("[" * 90 + "]" * 90)}}}
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"ssenb_mlip_cache": 1, "results": results}))
    with pytest.raises(InvalidInputError, match=message):
        read_results(path)


def test_read_results_on_json_nested_past_the_parser(tmp_path):
    from ssenb.mlip import read_results

    path = tmp_path / "c.json"
    path.write_text('{"ssenb_mlip_cache": 1, "results": ' + "[" * 100_000 + "]" * 100_000 + "}")
    with pytest.raises(InvalidInputError, match="is not valid JSON"):
        read_results(path)
