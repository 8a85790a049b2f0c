"""Every result follows one convention: to_frame, escaped _repr_html_, as_dict round trip."""

import json
import math

import pandas as pd
import pytest
from monty.json import MontyDecoder, jsanitize

from ssenb.results import Result, fmt_number, formula_html, html_table


def _thermo_results():
    from ssenb.thermo import (
        coating_screen,
        interface_reactions,
        interphase,
        phase_stability,
        stability_window,
    )

    return {
        "PhaseStability": lambda: phase_stability("Li10GeP2S12"),
        "StabilityWindow": lambda: stability_window("Li3PS4"),
        "StabilityWindow(no ion)": lambda: stability_window("NaCl"),
        "InterfaceReactions": lambda: interface_reactions("Li3PS4", "LiCoO2"),
        "Interphase": lambda: interphase("Li3PS4", "Li", band_gaps={"Li2S": 3.39, "Li3P": 0.70}),
        "CoatingScreen": lambda: coating_screen(
            "LiCoO2", "Li3PS4", candidates=["Li3PO4", "LiF"], progress=False
        ),
    }


RESULTS = _thermo_results()
MODEL_RESULTS = [
    "CVReport",
    "Explanation",
    "ConductivityPrediction",
    "MaterialSummary",
    "MaterialProperties",
    "PolymerCVReport",
]


def _model_result(name, obelix, small_models):
    from ssenb.explain import explain
    from ssenb.models import ConductivityModel, cross_validate_conductivity, predict_conductivity
    from ssenb.summary import summarize

    if name == "CVReport":
        small = ConductivityModel(n_models=1, n_estimators=20, random_state=0)
        return cross_validate_conductivity(obelix, model=small, n_splits=2, progress=False)
    if name == "Explanation":
        return explain(small_models["composition"], obelix.head(5))
    if name == "MaterialProperties":
        from ssenb.models import material_properties

        return material_properties("Li2O", predict=False)  # every value from data
    if name == "PolymerCVReport":
        from ssenb.data import load_polymer_electrolytes
        from ssenb.models import PolymerConductivityModel, cross_validate_polymer

        df = load_polymer_electrolytes()
        part = df[df["polymer"].isin(df["polymer"].unique()[:12])]
        tiny = PolymerConductivityModel(n_models=1, n_estimators=10, random_state=0)
        return cross_validate_polymer(part, tiny, n_splits=2)
    if name == "ConductivityPrediction":
        return predict_conductivity("Na3PS4", models=small_models)
    return summarize("Li3PS4", models=small_models)


def _check(result):
    assert isinstance(result, Result)
    frame = result.to_frame()
    assert isinstance(frame, pd.DataFrame) and len(frame) > 0
    assert frame is not result.to_frame()  # a copy every time
    html = result._repr_html_()
    rows = result.summary_frame()  # issue 19: a table, not a list of tuples
    assert list(rows.columns) == ["quantity", "value"]
    assert rows.values.tolist() == [list(pair) for pair in result.summary()]
    assert html.startswith("<table") and formula_html(result.title()) in html
    # strict jsanitize (jobflow/atomate2 outputs) and a JSON round trip
    blob = json.dumps(jsanitize(result, strict=True))
    back = MontyDecoder().decode(blob)
    assert type(back) is type(result)
    assert json.dumps(back.as_dict()) == json.dumps(result.as_dict())  # NaN cells: as text


@pytest.mark.parametrize("name", list(RESULTS))
def test_result_convention(name):
    _check(RESULTS[name]())


@pytest.mark.parametrize("name", MODEL_RESULTS)
def test_model_results_follow_the_convention(name, obelix, small_models):
    _check(_model_result(name, obelix, small_models))


def test_every_result_class_is_covered():

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    core = {
        c.__name__
        for c in subclasses(Result)
        if c.__module__.startswith(
            ("ssenb.thermo", "ssenb.models", "ssenb.explain", "ssenb.summary")
        )
    }
    tested = {n.split("(")[0] for n in RESULTS} | set(MODEL_RESULTS)
    assert core <= tested, core - tested


def test_html_escapes_every_string():
    from ssenb.thermo import stability_window

    w = stability_window("Li3PS4")
    import dataclasses

    hostile = dataclasses.replace(w, source="<script>alert(1)</script>")
    html = hostile._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_html_tables_subscript_formulas_once():
    """issue 19: formulas in result tables (and so the report and widgets) are subscripted."""
    html = html_table(
        [("decomposition", "0.640 Li3PS4 + 0.360 Li4GeS4"), ("space group", "P63/mmc, C2/c")],
        caption="Window of Li10GeP2S12 <b>",
    )
    assert "Li<sub>10</sub>GeP<sub>2</sub>S<sub>12</sub> &lt;b&gt;" in html
    assert "0.640 Li<sub>3</sub>PS<sub>4</sub> + 0.360 Li<sub>4</sub>GeS<sub>4</sub>" in html
    assert "P63/mmc, C2/c" in html  # space groups are not formulas


def test_from_dict_refuses_unknown_fields_and_foreign_modules():
    from ssenb.errors import InvalidInputError
    from ssenb.thermo import StabilityWindow, stability_window

    d = stability_window("LiF").as_dict()
    with pytest.raises(InvalidInputError, match="unknown fields"):
        StabilityWindow.from_dict({**d, "predict": "pwned"})
    with pytest.raises(InvalidInputError, match="refusing to rebuild"):
        StabilityWindow.from_dict({**d, "ion": {"@module": "os", "@class": "system"}})


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (-0.0, "V", "0.00 V"),
        (-2.43e-15, "eV/atom", "0.00 eV/atom"),
        (math.inf, "V", "∞ V"),
        (math.nan, "", "n/a"),
        (1.234, "", "1.23"),
    ],
)
def test_numbers_read_as_people_mean_them(value, unit, text):
    assert fmt_number(value, unit) == text


@pytest.mark.parametrize(
    ("spread", "text"),
    [
        (0.451, "-3.21 ± 0.45 S/cm"),
        (0.0, "-3.21 S/cm"),  # one model: no spread to show, not "± 0.00"
        (0.004, "-3.21 S/cm"),  # rounds to 0.00
        (math.nan, "-3.21 S/cm"),  # not computed
        (None, "-3.21 S/cm"),
    ],
)
def test_a_spread_is_shown_only_when_there_is_one(spread, text):
    assert fmt_number(-3.2149, "S/cm", spread=spread) == text
