"""PropertyModel: one estimator, targets as declared specs; conductivity is one of them."""

import math

import numpy as np
import pandas as pd
import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from ssenb.errors import InvalidInputError, SsenbWarning, UnknownNameError
from ssenb.models import (
    TARGETS,
    ConductivityModel,
    PropertyModel,
    Target,
    get_target,
    load_model,
    register_target,
)

SMALL = {"n_estimators": 30, "n_models": 2, "random_state": 0, "n_jobs": 1}

# Experimental band gaps (eV, room temperature; CRC Handbook / Kittel): hand-checkable labels.
GAPS = pd.DataFrame(
    {
        "formula": ["LiF", "NaCl", "Si", "GaAs", "MgO", "ZnO", "Ge", "InSb", "KCl", "AlN"],
        "band_gap_expt_eV": [13.6, 8.5, 1.12, 1.42, 7.8, 3.37, 0.66, 0.17, 8.4, 6.2],
    }
)


@parametrize_with_checks([PropertyModel(target="log10_shear_modulus", **SMALL)])
def test_sklearn_contract(estimator, check):
    check(estimator)


def test_conductivity_model_is_the_property_model_with_the_conductivity_target(obelix):
    """Same seed, same data: the two spellings give identical predictions."""
    head = obelix.head(60)
    a = ConductivityModel(**SMALL).fit(head).predict(head.tail(10), return_std=True)
    b = PropertyModel(target="log10_sigma", **SMALL).fit(head).predict(head.tail(10), True)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert "target" not in ConductivityModel().get_params()  # fixed, not a parameter


def test_a_band_gap_model_learns_its_own_column_and_never_predicts_a_negative_gap():
    model = PropertyModel(target="band_gap_expt", **SMALL).fit(GAPS)
    assert model.target_spec().unit == "eV"
    with pytest.warns(SsenbWarning, match="elements never seen in training: Sn"):
        pred = model.predict(["LiCl", "Sn", "CsI"])  # an out-of-domain input is named
    assert (pred >= 0).all()
    table = model.predict_frame(["LiCl"])
    assert list(table.columns) == ["band_gap_expt_eV_pred", "band_gap_expt_eV_std"]
    # no Li required for a band gap: a Li-free material is in this model's domain
    assert bool(model.applicability(["NaF"])["in_domain"].iloc[0])


def test_the_conductivity_target_flags_a_material_without_li(fitted):
    row = fitted.applicability(["NaCl"]).iloc[0]
    assert not row["in_domain"] and "contains no Li" in row["domain_notes"]


def test_labels_outside_the_declared_range_are_refused():
    bad = GAPS.assign(band_gap_expt_eV=GAPS["band_gap_expt_eV"] - 1.0)  # InSb at -0.83 eV
    with pytest.raises(InvalidInputError, match="outside the valid range"):
        PropertyModel(target="band_gap_expt", **SMALL).fit(bad)
    with pytest.raises(InvalidInputError, match="band_gap_pbe_eV"):  # the frame lacks the column
        PropertyModel(target="band_gap_pbe", **SMALL).fit(GAPS)


def test_unknown_target_lists_the_declared_ones():
    with pytest.raises(UnknownNameError, match="band_gap_pbe"):
        PropertyModel(target="melting_point").fit(GAPS)
    with pytest.raises(UnknownNameError, match="register_target"):
        get_target("melting_point")


def test_a_new_target_is_a_declared_spec(tmp_path):
    spec = Target(
        name="test_density",
        label="density_g_cm3",
        quantity="density",
        unit="g/cm³",
        valid_range=(0.0, math.inf),
        clip=True,
    )
    try:
        register_target(spec)
        assert register_target(spec) is spec  # declaring the same spec again is harmless
        with pytest.raises(InvalidInputError, match="replace=True"):
            register_target(Target(name="test_density", label="other", quantity="x", unit="x"))
        frame = pd.DataFrame(
            {
                "formula": ["LiF", "NaCl", "Si", "Fe", "Al", "Cu"],
                "density_g_cm3": [2.64, 2.17, 2.33, 7.87, 2.70, 8.96],
            }
        )
        model = PropertyModel(target="test_density", **SMALL).fit(frame)
        again = load_model(model.save(tmp_path / "m"))
        assert isinstance(again, PropertyModel) and again.target == "test_density"
        np.testing.assert_array_equal(again.predict(["LiCu"]), model.predict(["LiCu"]))
    finally:
        TARGETS.pop("test_density", None)


def test_domain_survives_an_svd_that_does_not_converge(monkeypatch):
    """LAPACK's SVD failed on a valid OBELiX matrix with OMP_NUM_THREADS=1: fall back, never fail."""
    from ssenb.models._domain import Domain

    def no_svd(*args, **kwargs):
        raise np.linalg.LinAlgError("SVD did not converge")

    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 6))
    reference = Domain.fit(x)
    monkeypatch.setattr(np.linalg, "svd", no_svd)
    fallback = Domain.fit(x)
    assert (reference.method, fallback.method) == ("svd", "eigh")
    # the same principal subspace, found by another driver: the same distances
    probe = rng.normal(size=(5, 6)) * 3
    np.testing.assert_allclose(
        reference.assess(probe)["nn_distance"], fallback.assess(probe)["nn_distance"], rtol=1e-6
    )

    def no_eigh(*args, **kwargs):
        raise np.linalg.LinAlgError("Eigenvalues did not converge")

    monkeypatch.setattr(np.linalg, "eigh", no_eigh)
    assert Domain.fit(x).method == "identity"
    model = ConductivityModel(n_estimators=5, n_models=1, random_state=0).fit(x, x[:, 0])
    assert model.domain_.method == "identity"  # the fit went on


def test_domain_nearest_neighbours_equal_the_full_distance_table():
    """The k-d tree search gives the distances of the n x m table it replaced (duplicates,
    NaN rows and the self-exclusion of the training set's own distances included)."""
    from ssenb.models._domain import _nearest

    rng = np.random.default_rng(3)
    ref = rng.normal(size=(300, 4))
    ref[7] = ref[11]  # an exact duplicate: its nearest other row is at 0
    pts = np.vstack([rng.normal(size=(50, 4)) * 2, [[np.nan, 0.0, 0.0, 0.0]]])
    table = np.linalg.norm(pts[:, None, :] - ref[None, :, :], axis=2)
    np.testing.assert_allclose(_nearest(pts, ref)[:-1], table[:-1].min(axis=1), rtol=1e-12)
    assert np.isnan(_nearest(pts, ref)[-1])
    own = np.linalg.norm(ref[:, None, :] - ref[None, :, :], axis=2)
    np.fill_diagonal(own, np.inf)
    got = _nearest(ref, ref, exclude_self=True)
    np.testing.assert_allclose(got, own.min(axis=1), rtol=1e-12, atol=1e-12)
    assert got[7] == got[11] == 0.0


def test_bad_materials_name_the_real_cause(fitted):
    """Issue 21: predict(["Li3PS4", None]) said "could not convert string to float"."""
    with pytest.raises(InvalidInputError, match=r"material 1 is None \(NoneType\)"):
        fitted.predict(["Li3PS4", None])
    with pytest.raises(InvalidInputError, match=r"material 0 is 3\.5"):
        fitted.predict(pd.Series([3.5, "LiF"]))
    # Og has no Li and was never seen: flagged, not silently answered (it was log σ = 2.36)
    with pytest.warns(SsenbWarning, match="contains no Li.*elements never seen in training: Og"):
        fitted.predict(["Og"])


def test_calibrated_intervals_cover_held_out_rows_and_widen_far_away():
    """A noisy linear toy: the 1σ and 2σ intervals from the fit's own held-out splits cover
    about 68 % and 95 % of fresh rows; a row far outside the training cloud gets a wider one."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 3))
    noise = rng.standard_t(df=4, size=400) * 0.5  # heavy tails, like conductivity repeats
    y = X[:, 0] + noise
    model = PropertyModel(target="log10_shear_modulus", **SMALL).fit(X[:300], y[:300])
    assert model.calibration_ is not None and model.calibration_["n"] > 250
    mean, std = model.predict(X[300:], return_std=True)
    inside1 = np.abs(y[300:] - mean) <= std
    lo, hi = model.predict_interval(X[300:], level=0.9545)
    inside2 = (lo <= y[300:]) & (y[300:] <= hi)
    assert 0.55 < inside1.mean() < 0.82 and 0.88 < inside2.mean() <= 1.0
    far = np.array([[12.0, 12.0, 12.0]])
    assert model.predict(far, return_std=True)[1][0] > 2 * np.median(std)
    with pytest.raises(InvalidInputError, match=r"from 0\.5 to 0\.99"):
        model.predict_interval(X[:2], level=0.999)
    uncal = PropertyModel(target="log10_shear_modulus", calibration_splits=0, **SMALL).fit(X, y)
    assert uncal.calibration_ is None  # the ensemble spread, as before
    # the calibration draws its own random numbers: the ensemble's trees are the same
    # without it (notebooks that only explain a model skip it on that ground)
    cal = PropertyModel(target="log10_shear_modulus", **SMALL).fit(X, y)
    np.testing.assert_array_equal(cal.predict(X[:50]), uncal.predict(X[:50]))


def test_intervals_match_a_known_gaussian_noise_and_ignore_noisier_uncalibrated_rows():
    """y = 2 x0 + N(0, 0.5): the calibrated 1σ half-width is the noise's 0.5 plus the model's
    own error (about 0.3 here: √(0.5² + 0.3²) ≈ 0.58), and fresh rows fall inside the 1σ and
    2σ intervals 68 % and 95 % of the time. 200 noisier "literature" rows (σ = 1.5) are
    trained on but not calibrated on: scored too, they widen the 1σ to 0.75 (80 % covered)."""
    rng = np.random.default_rng(1)
    X = rng.uniform(-2, 2, size=(3200, 3))
    noise = rng.normal(0.0, 0.5, size=3200)
    noise[600:800] *= 3.0  # the literature rows
    y = 2.0 * X[:, 0] + noise
    curated = np.arange(800) < 600
    model = PropertyModel(
        target="log10_shear_modulus", n_estimators=300, n_models=2, random_state=0, n_jobs=1
    )
    model.fit(X[:800], y[:800], calibration_rows=curated)
    assert model.calibration_ is not None and model.calibration_["n"] > 400
    fresh, truth = X[800:], y[800:]
    mean, std = model.predict(fresh, return_std=True)
    assert 0.5 < float(np.median(std)) < 0.68
    lo, hi = model.predict_interval(fresh, level=0.9545)
    inside1 = np.abs(truth - mean) <= std
    inside2 = (lo <= truth) & (truth <= hi)
    # 2,400 fresh rows: binomial standard errors of 1.0 and 0.4 percentage points
    assert 0.64 < inside1.mean() < 0.74 and 0.93 < inside2.mean() < 0.98


def test_the_conformal_rank_by_hand_and_counts_as_weights():
    """Rank ceil((n+1)·level) of n; a score that stands for two measurements counts twice."""
    from ssenb.models.property import conformal_quantile

    s = np.arange(1.0, 11.0)[::-1]  # order does not matter
    assert conformal_quantile(s, 0.5) == 6.0  # ceil(11 * 0.5) = 6th smallest
    assert conformal_quantile(s, 0.9) == 10.0 and conformal_quantile(s, 0.99) == 10.0
    w = np.ones(10)
    w[s == 1.0] = 2.0  # n = 11: the 6th of 12 ranks is reached at score 5
    assert conformal_quantile(s, 0.5, w) == 5.0
    X, y = np.random.default_rng(0).normal(size=(40, 2)), np.arange(40.0) / 10
    bad = np.ones(40)
    bad[3] = -1
    with pytest.raises(InvalidInputError, match="calibration_rows must be booleans or counts"):
        PropertyModel(target="log10_shear_modulus", **SMALL).fit(X, y, calibration_rows=bad)
