import numpy as np
from pymatgen.core import Composition

from ssenb.models import ConductivityModel, cross_validate_conductivity, near_duplicate_groups

SMALL = {"n_estimators": 60, "n_models": 1}


def test_near_duplicates_by_hand():
    comps = [
        Composition(c)
        for c in (
            "Li0.33La0.56Ti0.99Al0.01O2.99F0.01",
            "Li0.33La0.56Ti0.98Al0.02O2.98F0.02",
            "Li3PS4",
            "Li3PO4",
        )
    ]
    groups = near_duplicate_groups(comps)
    assert groups[0] == groups[1]
    assert len(set(groups)) == 3


def test_random_cv_is_reproducible_and_beats_the_baseline(obelix):
    a = cross_validate_conductivity(
        obelix, model=ConductivityModel(random_state=0, **SMALL), random_state=0, progress=False
    )
    b = cross_validate_conductivity(
        obelix, model=ConductivityModel(random_state=0, **SMALL), random_state=0, progress=False
    )
    assert a.summary_metrics == b.summary_metrics and a.summary() == b.summary()
    assert a.summary_metrics["mae"] < a.summary_metrics["baseline_mae"] - 0.4
    assert a.summary_metrics["mcc"] > 0.3
    groups = near_duplicate_groups(list(obelix["reduced_composition"]))
    folds = a.predictions["fold"].to_numpy()
    for g in np.unique(groups):
        assert len(set(folds[groups == g])) == 1  # a near-duplicate group never straddles folds
    assert len(a.folds) == 5 and a.folds["n_test"].sum() == len(obelix)
    assert "median predictor" in a._repr_html_()


def test_leave_one_family_out(obelix):
    rep = cross_validate_conductivity(
        obelix, model=ConductivityModel(random_state=0, **SMALL), cv="family", progress=False
    )
    # one split per family, except families joined by a near-duplicate group
    assert 30 <= rep.n_splits <= obelix["family"].nunique()
    groups = near_duplicate_groups(list(obelix["reduced_composition"]))
    family = obelix["family"].to_numpy()
    for k, fold in rep.predictions.groupby("fold"):
        held_out = rep.folds.loc[k, "test_group"]
        for i in fold.index[
            fold["family"] != held_out
        ]:  # only near-duplicates of the held-out family
            assert held_out in set(family[groups == groups[i]])
    assert np.isfinite(rep.summary_metrics["mae"])
