"""The prediction's summary: a spread is written only when the ensemble has one."""

from ssenb.models.predictor import ConductivityPrediction


def _prediction(std: float) -> ConductivityPrediction:
    return ConductivityPrediction("Li3PS4", -3.21, std, "composition", "hand", True)


def test_summary_shows_the_ensemble_spread():
    assert dict(_prediction(0.45).summary())["predicted log10 σ"] == (
        "-3.21 ± 0.45 (S/cm, ensemble spread)"
    )


def test_summary_leaves_out_a_zero_or_missing_spread():
    for std in (0.0, float("nan")):
        row = dict(_prediction(std).summary())["predicted log10 σ"]
        assert row == "-3.21 (S/cm)" and "±" not in row
