import numpy as np
import pandas as pd
import pytest

from ssenb.errors import InvalidInputError
from ssenb.viz import conductivity_arrhenius, polymer_parity


def _curve(temps, inside=None):
    t = np.asarray(temps, float)
    return pd.DataFrame(
        {
            "row": 0,
            "temperature_K": t,
            "log10_sigma_pred": -1000.0 / t,  # an Arrhenius line of slope -1 in 1000/T
            "log10_sigma_std": 0.1,
            "in_temperature_range": np.ones(len(t), bool) if inside is None else inside,
        }
    )


def test_arrhenius_axis_is_1000_over_t():
    fig = conductivity_arrhenius(_curve([250.0, 300.0, 400.0]))
    line = next(t for t in fig.data if t.mode == "lines" and t.showlegend is not False)
    assert np.allclose(line.x, [2.5, 1000 / 300, 4.0])  # hot (left) to cold (right)
    assert np.allclose(line.y, -np.asarray(line.x))
    assert fig.layout.xaxis.title.text == "1000/T (1/K)"
    assert "log₁₀ σ" in fig.layout.yaxis.title.text  # keys.LOG10_SIGMA, typeset


def test_extrapolated_part_is_drawn_dotted():
    fig = conductivity_arrhenius(_curve([250.0, 300.0, 400.0, 500.0], [True, True, True, False]))
    dotted = [t for t in fig.data if t.line is not None and t.line.dash == "dot"]
    assert len(dotted) == 1
    assert np.isnan(dotted[0].y[-1]) and not np.isnan(dotted[0].y[0])  # 500 K comes first (left)


def test_measured_points_are_added():
    measured = pd.DataFrame({"temperature_K": [300.0], "log10_sigma": [-4.0]})
    fig = conductivity_arrhenius(_curve([250.0, 300.0]), measured=measured)
    points = [t for t in fig.data if t.name == "measured"]
    assert points and np.allclose(points[0].x, [1000 / 300])


def test_arrhenius_bad_input():
    with pytest.raises(InvalidInputError, match="no column 'temperature_K'"):
        conductivity_arrhenius(pd.DataFrame({"log10_sigma_pred": [1.0]}))
    with pytest.raises(InvalidInputError, match="positive"):
        conductivity_arrhenius(_curve([-5.0, 300.0]))
    with pytest.raises(InvalidInputError, match="non-empty"):
        conductivity_arrhenius(pd.DataFrame())


def test_parity_mae_in_title():
    frame = pd.DataFrame(
        {"log10_sigma": [-4.0, -6.0], "log10_sigma_pred": [-3.0, -6.5], "fold": [0, 1]}
    )
    fig = polymer_parity(frame)
    assert "MAE 0.75" in fig.layout.title.text
    assert np.allclose(fig.data[-1].x, [-4.0, -6.0])
    with pytest.raises(InvalidInputError, match="no row has both"):
        polymer_parity(frame.assign(log10_sigma_pred=np.nan))
