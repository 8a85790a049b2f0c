import numpy as np
import pytest

from ssenb.errors import InvalidInputError
from ssenb.models.polymer_composite import MODEL_LABEL, composite_bounds, maxwell_garnett


def test_bounds_by_hand():
    b = composite_bounds(1e-5, 1e-3, 0.5).iloc[0]
    assert b["wiener_upper_S_cm"] == pytest.approx(0.5 * 1e-5 + 0.5 * 1e-3)
    assert b["wiener_lower_S_cm"] == pytest.approx(1 / (0.5 / 1e-5 + 0.5 / 1e-3))
    # HS lower: s1 + f2 / (1/(s2 - s1) + f1/(3 s1)) = 1e-5 + 0.5 / (1010.10 + 16666.67)
    assert b["hs_lower_S_cm"] == pytest.approx(1e-5 + 0.5 / (1 / 9.9e-4 + 0.5 / 3e-5))
    assert b["source"] == MODEL_LABEL


def test_maxwell_garnett_is_the_lower_hs_bound_for_a_better_conducting_filler():
    f = np.linspace(0, 1, 11)
    b = composite_bounds(1e-6, 1e-3, f)
    assert np.allclose(b["maxwell_garnett_S_cm"], b["hs_lower_S_cm"])


def test_bounds_are_ordered_and_meet_the_pure_phases():
    f = np.linspace(0, 1, 21)
    for sp, sc in ((1e-6, 1e-3), (1e-3, 1e-6)):
        b = composite_bounds(sp, sc, f)
        cols = ["wiener_lower_S_cm", "hs_lower_S_cm", "hs_upper_S_cm", "wiener_upper_S_cm"]
        assert (np.diff(b[cols].to_numpy(), axis=1) >= -1e-18).all()
        assert b[cols].iloc[0].to_numpy() == pytest.approx([sp] * 4)
        assert b[cols].iloc[-1].to_numpy() == pytest.approx([sc] * 4)


@pytest.mark.parametrize(
    ("args", "match"),
    [
        ((-1e-5, 1e-3, 0.2), "positive"),
        ((1e-5, 1e-3, 1.5), "between 0 and 1"),
        ((1e-5, "x", 0.2), "S/cm"),
    ],
)
def test_bad_input(args, match):
    with pytest.raises(InvalidInputError, match=match):
        composite_bounds(*args)
    if args[0] == -1e-5:
        with pytest.raises(InvalidInputError, match=match):
            maxwell_garnett(*args)
