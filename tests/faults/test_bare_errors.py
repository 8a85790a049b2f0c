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
    assert "Li<sup>+</sup> in LiX" in MigrationLandscape.from_dict(fields)._repr_html_()
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


@pytest.mark.parametrize(
    ("stem", "overwrite", "message"),
    [
        ("", False, "give a path without suffix"),
        ("notes.txt/fig", False, "it is a file .*not a folder"),
        ("plots/", False, "names a folder"),
        ("fig", True, r"fig\.html' is a folder"),  # overwrite=True never replaces a folder
    ],
)
def test_save_figure_on_paths_it_cannot_write(tmp_path, monkeypatch, stem, overwrite, message):
    import plotly.graph_objects as go

    from ssenb.viz import save_figure

    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_text("the user's notes")
    (tmp_path / "fig.html").mkdir()
    with pytest.raises(InvalidInputError, match=message):
        save_figure(go.Figure(), stem, formats=("html",), overwrite=overwrite)
    assert (tmp_path / "notes.txt").read_text() == "the user's notes"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fig.html", "notes.txt"]


class _Failing:
    name, version, energy_convention = "Broken", "0", "MP2020-corrected"

    def calculate(self, structure):
        raise RuntimeError("CUDA out of memory")


def test_benchmark_with_a_potential_that_fails_everywhere_says_so():
    from pymatgen.core import Lattice, Structure
    from pymatgen.entries.computed_entries import ComputedStructureEntry

    from ssenb.errors import SsenbError
    from ssenb.mlip import benchmark_potential

    li = Structure(Lattice.cubic(3.44), ["Li", "Li"], [[0, 0, 0], [0.5, 0.5, 0.5]])
    o = Structure(Lattice.cubic(2.5), ["O"], [[0, 0, 0]])
    li2o = Structure.from_spacegroup(
        "Fm-3m", Lattice.cubic(4.61), ["O", "Li"], [[0, 0, 0], [0.25, 0.25, 0.25]]
    )
    entries = [
        ComputedStructureEntry(s, e * len(s), entry_id=i)
        for i, (s, e) in enumerate([(li, -1.9), (o, -4.9), (li2o, -4.8)])
    ]
    with pytest.raises(SsenbError, match=r"failed on every entry \(3\); first reason: .*memory"):
        benchmark_potential(entries, _Failing(), progress=False)


def test_doping_explorer_without_a_benchmark():
    from ssenb.widgets.doping import DopingExplorer

    with pytest.raises(InvalidInputError, match=r"needs a PotentialBenchmark .* not NoneType"):
        DopingExplorer(None)


def test_a_broken_torch_install_gets_the_install_hint(monkeypatch):
    import importlib

    from ssenb.errors import MissingExtraError
    from ssenb.mlip._extra import require

    real = importlib.import_module

    def broken(name, *args):
        if name == "torch":
            raise OSError("libtorch_cpu.so: cannot open shared object file")
        return real(name, *args)

    monkeypatch.setattr(importlib, "import_module", broken)
    with pytest.raises(MissingExtraError, match=r"does not load .*libtorch_cpu.*reinstall"):
        require("torch")
