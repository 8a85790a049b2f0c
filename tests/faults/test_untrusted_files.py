"""Fault battery, untrusted result files: a results file from someone else runs no code.

A results file (``read_results``, any result's ``from_dict``) names classes in
``{"@module", "@class"}`` tags. Every test below hides a hostile tag somewhere in a real
result (the tutorial's shipped MLIP cache) and checks that it is refused with ssenb's
InvalidInputError naming where in the file it sits, and that the module it names is never
imported. The legitimate round trips (with MP2020 energy adjustments) still work.
"""

from __future__ import annotations

import ast
import copy
import json
import sys
from pathlib import Path

import pytest

from ssenb.errors import InvalidInputError
from ssenb.mlip import DopingResult, read_results, write_results

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "tutorials" / "data" / "mlip_cache.json"
PROBE = "ssenb_hostile_probe"  # a module a hostile file names; importing it leaves a mark


@pytest.fixture
def probe(tmp_path, monkeypatch):
    """A module on sys.path (as Jupyter puts the notebook's folder) that records imports."""
    (tmp_path / f"{PROBE}.py").write_text(
        "import builtins\nbuiltins.SSENB_PROBED = True\n"
        "class Evil:\n    @classmethod\n    def from_dict(cls, d):\n        return cls()\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    yield
    sys.modules.pop(PROBE, None)
    import builtins

    assert not getattr(builtins, "SSENB_PROBED", False), "the hostile module was imported"


@pytest.fixture(scope="module")
def cache():
    return json.loads(SHIPPED.read_text())


@pytest.fixture
def doping(cache):
    name = next(k for k, v in cache["results"].items() if v["@class"] == "DopingResult")
    return name, copy.deepcopy(cache["results"][name])


EVIL = {"@module": PROBE, "@class": "Evil"}
CALLABLE = {"@module": "os", "@callable": "system"}


def _set(tree, where, value):
    *head, last = where
    for key in head:
        tree = tree[key]
    tree[last] = value


# (where in a DopingResult dict, the path text the error must name)
PLACES = [
    (("notes", 0), r"notes\[0\]"),
    (("substitutions", "Co", "Ni"), r"substitutions\.Co\.Ni"),
    (("structures", 0, "properties", "x"), r"structures\[0\]\.properties\.x"),
    (
        ("structures", 0, "sites", 0, "properties", "magmom"),
        r"structures\[0\]\.sites\[0\]\.properties\.magmom",
    ),
    (("hull_entries", 0, "data", "x"), r"hull_entries\[0\]\.data\.x"),
    (("hull_entries", 0, "parameters", "x"), r"hull_entries\[0\]\.parameters\.x"),
    (("hull_entries", 0, "energy_adjustments"), r"hull_entries\[0\]\.energy_adjustments\[0\]"),
    (("table", "@frame", "data", 0, 0), r"table\['@frame'\]\.data\[0\]\[0\]"),
]


def _hostile(tree, where, payload):
    value = [payload] if where[-1] == "energy_adjustments" else payload
    _set(tree, where, value)


@pytest.mark.parametrize("payload", [EVIL, CALLABLE], ids=["class", "callable"])
@pytest.mark.parametrize(("where", "text"), PLACES, ids=[p[1] for p in PLACES])
def test_from_dict_refuses_a_foreign_object_at_any_depth(doping, probe, where, text, payload):
    _, d = doping
    _hostile(d, where, payload)
    with pytest.raises(InvalidInputError, match=rf"at {text}: refusing to rebuild"):
        DopingResult.from_dict(d)


def test_lists_in_lists_and_an_adjustments_scheme_record_are_walked(doping, probe):
    _, d = doping
    _set(d, ("hull_entries", 1, "data", "x"), [[1, [EVIL]]])
    with pytest.raises(InvalidInputError, match=r"hull_entries\[1\]\.data\.x\[0\]\[1\]\[0\]"):
        DopingResult.from_dict(d)
    _, d = doping
    adjustment = {
        "@module": "pymatgen.core.entries",
        "@class": "ConstantEnergyAdjustment",
        "value": -0.1,
        "cls": {"@module": "pymatgen.entries.compatibility", "@class": "X", "opt": EVIL},
    }
    _set(d, ("hull_entries", 0, "energy_adjustments"), [adjustment])
    with pytest.raises(
        InvalidInputError, match=r"hull_entries\[0\]\.energy_adjustments\[0\]\.cls\.opt"
    ):
        DopingResult.from_dict(d)


def test_an_allowed_class_in_the_wrong_place_is_refused(doping):
    _, d = doping
    structure = d["structures"][0]
    _set(d, ("hull_entries", 0, "data", "s"), structure)  # a Structure where data is plain
    with pytest.raises(InvalidInputError, match=r"hull_entries\[0\]\.data\.s: refusing"):
        DopingResult.from_dict(d)
    _, d = doping
    _set(d, ("hull_entries", 0, "energy_adjustments"), [structure])
    with pytest.raises(InvalidInputError, match=r"energy_adjustments\[0\]: refusing"):
        DopingResult.from_dict(d)


def test_read_results_names_the_item_and_the_place(tmp_path, cache, probe):
    hostile = copy.deepcopy(cache)
    name = next(k for k, v in hostile["results"].items() if v["@class"] == "DopingResult")
    _set(hostile["results"][name], ("hull_entries", 3, "data", "foo"), EVIL)
    path = tmp_path / "shared.json"
    path.write_text(json.dumps(hostile))
    with pytest.raises(InvalidInputError, match=r"results\[.*\]\.hull_entries\[3\]\.data\.foo"):
        read_results(path)


def test_the_shipped_cache_and_mp2020_adjustments_round_trip(tmp_path, doping):
    from pymatgen.entries.computed_entries import CompositionEnergyAdjustment, ComputedEntry

    _, d = doping
    result = DopingResult.from_dict(d)
    entry = result.hull_entries[0]
    scheme = {"@module": "pymatgen.entries.compatibility", "@class": "MP2020", "@version": None}
    adjusted = ComputedEntry(
        entry.composition,
        entry.uncorrected_energy,
        energy_adjustments=[
            CompositionEnergyAdjustment(-0.687, 2, name="MP2020 anion correction", cls=scheme)
        ],
        data={"nested": [[1.0, {"a": "b"}]]},
        entry_id=entry.entry_id,
    )
    result.hull_entries[0] = adjusted
    path = write_results(tmp_path / "c.json", {"x": result})
    back = read_results(path)["x"]
    assert json.dumps(back.as_dict()) == json.dumps(result.as_dict())  # NaN cells: as text
    assert back.hull_entries[0].correction == pytest.approx(-0.687 * 2)
    assert back.hull_entries[0].energy_adjustments[0].cls == scheme  # kept as a record


def test_the_allow_list_names_every_result_class():
    from ssenb._decode import ALLOWED

    found = set()
    for path in (ROOT / "ssenb").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef) and any(
                isinstance(b, ast.Name) and b.id == "Result" for b in node.bases
            ):
                parts = path.relative_to(ROOT).with_suffix("").parts
                found.add((".".join(parts), node.name))
    ssenb_allowed = {k for k in ALLOWED if k[0].startswith("ssenb.")}
    assert found == ssenb_allowed - {("ssenb.thermo.decomposition", "Decomposition")}
