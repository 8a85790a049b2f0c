"""Figures of conductivity data and interval reliability: traces from hand-made tables."""

import numpy as np
import pandas as pd
import pytest

from ssenb.errors import InvalidInputError
from ssenb.viz import cv_leaderboard, reliability_figure

RESULTS = pd.DataFrame(
    {
        "preset": ["composition"] * 4 + ["composition+structure"] * 2,
        "data": ["obelix", "obelix", "obelix+extra", "obelix+extra", "obelix", "obelix+extra"],
        "seed": [0, 1, 0, 1, 0, 0],
        "mae": [1.3, 1.4, 1.1, 1.2, 1.25, 1.2],
        "mae_draw_std": [0.1] * 6,
    }
)


def test_leaderboard_bars_error_bars_and_noise_floor():
    fig = cv_leaderboard(RESULTS, noise_floor={"median": 0.45}, references={"paper": 1.54})
    bars = [t for t in fig.data if t.type == "bar"]
    assert len(bars) == 2
    np.testing.assert_allclose(bars[0].y, [1.35, 1.25])  # mean over seeds
    # two seeds: std over seeds; one seed: the draws' std / sqrt(5)
    np.testing.assert_allclose(bars[0].error_y.array, [np.std([1.3, 1.4], ddof=1), 0.1 / 5**0.5])
    assert {s.y0 for s in fig.layout.shapes} == {0.45, 1.54}
    with pytest.raises(InvalidInputError, match="results need columns"):
        cv_leaderboard(RESULTS.drop(columns="mae"))


def test_reliability_by_hand():
    """Errors of 0.5 and 1.5 with σ = 1: half inside the 1σ interval, all inside a ±2 one."""
    p = pd.DataFrame(
        {
            "log10_sigma": [0.5, -1.5, 0.5, -1.5],
            "log10_sigma_pred": [0.0] * 4,
            "log10_sigma_std": [1.0] * 4,
            "log10_sigma_low_2sigma": [-2.0] * 4,
            "log10_sigma_high_2sigma": [2.0] * 4,
        }
    )
    fig = reliability_figure(p)
    calibrated = fig.data[-1]
    np.testing.assert_allclose(calibrated.y, [0.5, 1.0])
    with pytest.raises(InvalidInputError, match="no column 'log10_sigma_std'"):
        reliability_figure(p.drop(columns="log10_sigma_std"))
