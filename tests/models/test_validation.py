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


def test_grouped_cv_is_reproducible_and_beats_the_baseline(obelix):
    def run():
        return cross_validate_conductivity(
            obelix,
            # two calibration refits, not five: their reproducibility is checked all the same
            model=ConductivityModel(random_state=0, calibration_splits=2, **SMALL),
            cv="grouped",
            random_state=0,
            progress=False,
        )

    a, b = run(), run()
    assert a.summary_metrics == b.summary_metrics and a.summary() == b.summary()
    assert a.summary_metrics["mae"] < a.summary_metrics["baseline_mae"] - 0.4
    assert a.summary_metrics["mcc"] > 0.3
    groups = near_duplicate_groups(list(obelix["reduced_composition"]))
    folds = a.predictions["fold"].to_numpy()
    for g in np.unique(groups):
        assert len(set(folds[groups == g])) == 1  # a near-duplicate group never straddles folds
    assert len(a.folds) == 5 and a.folds["n_test"].sum() == len(obelix)
    assert a.predictions["id"].tolist() == obelix["id"].tolist()  # one row per material, in order
    assert "median predictor" in a._repr_html_()


def test_leave_one_family_out(obelix):
    # the folds are under test, not the intervals: no calibration refits (5 per fold, 35
    # folds: 18 of the test's 22 s CPU; the mean predictions are the same without them)
    model = ConductivityModel(random_state=0, calibration_splits=0, **SMALL)
    rep = cross_validate_conductivity(obelix, model=model, cv="family", progress=False)
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


def test_paper_groups_join_a_paper_and_a_composition_by_hand():
    import pandas as pd

    from ssenb.models import paper_groups

    frame = pd.DataFrame(
        {
            "reduced_composition": [
                Composition(c) for c in ("Li3PS4", "Li7P3S11", "Li3PS4", "LiI", "Li3YCl6")
            ],
            # rows 0-1 share a paper; rows 0 and 2 share a composition; row 3 cites two papers
            "doi": ["10.1/a", "10.1/A", "10.1/b", "10.1/c|10.1/d", "10.1/d"],
        }
    )
    g = paper_groups(frame)
    assert g[0] == g[1] == g[2]  # one paper, then one composition, chain into one group
    assert g[3] == g[4] != g[0]  # "|" separates the DOIs of one entry
    assert len(set(g)) == 2


def test_paper_splits_follow_the_official_design(obelix):
    from ssenb.models import paper_groups
    from ssenb.models._inputs import targets
    from ssenb.models._splits import _hist_distance, paper_splits

    groups = paper_groups(obelix)
    y, _ = targets(obelix)
    has = obelix["structure"].notna().to_numpy()
    draws = paper_splits(groups, y, has_structure=has, n_splits=3, random_state=1)
    again = paper_splits(groups, y, has_structure=has, n_splits=3, random_state=1)
    assert all(np.array_equal(a[1], b[1]) for a, b in zip(draws, again))  # same seed, same draws
    n_groups = len(np.unique(groups))
    for train, test in draws:
        assert len(np.intersect1d(train, test)) == 0 and len(train) + len(test) == len(y)
        assert len(np.unique(groups[test])) == int(0.25 * n_groups)  # a quarter of the groups
        assert 0.2 <= len(test) / len(y) <= 0.3
        assert 0.2 <= has[test].sum() / has.sum() <= 0.3  # also of the rows with a CIF
        assert not set(groups[test]) & set(groups[train])  # no paper or composition on both sides
    # the swaps match the train and test histograms of log10 σ better than random draws do
    edges = np.histogram_bin_edges(y, bins=25)

    def mean_distance(ds):
        return np.mean([_hist_distance(y, edges, np.isin(np.arange(len(y)), te)) for _, te in ds])

    unmatched = paper_splits(groups, y, has_structure=has, n_splits=3, random_state=1, n_iter=0)
    assert mean_distance(draws) < 0.8 * mean_distance(unmatched)


def _rowwise_paper_splits(groups, y, has, n_splits, seed, n_iter):
    """The row-by-row Monte Carlo search (each swap re-histograms every row): the reference."""
    from ssenb.models._splits import _hist_distance

    rng = np.random.default_rng(seed)
    ids, members = np.unique(groups, return_inverse=True)
    n_test = int(len(ids) * 0.25)
    edges = np.histogram_bin_edges(y, bins=25)

    def score(order):
        test = np.isin(members, order[:n_test])
        if not all(0.2 <= sh <= 0.3 for sh in (test.mean(), test[has].mean())):
            return np.inf
        d = _hist_distance(y, edges, test)
        return 0.6 * d + 0.4 * _hist_distance(y[has], edges, test[has])

    draws = []
    for _ in range(n_splits):
        while True:
            order = rng.permutation(len(ids))
            best = score(order)
            if np.isfinite(best):
                break
        for _ in range(n_iter):
            i, j = rng.integers(0, n_test), rng.integers(n_test, len(ids))
            order[i], order[j] = order[j], order[i]
            trial = score(order)
            if trial < best:
                best = trial
            else:
                order[i], order[j] = order[j], order[i]
        draws.append(np.flatnonzero(np.isin(members, order[:n_test])))
    return draws


def test_paper_splits_running_sums_draw_what_the_rowwise_search_draws():
    """The swaps score running per-group histogram sums: the same draws, bit for bit."""
    from ssenb.models._splits import _group_counts, paper_splits

    rng = np.random.default_rng(5)
    y = np.round(rng.normal(-5, 2, 240), 1)  # ties on bin edges, the top edge included
    groups = rng.integers(0, 70, 240)
    has = rng.random(240) < 0.4
    edges = np.histogram_bin_edges(y, bins=25)
    _, members = np.unique(groups, return_inverse=True)
    counts = _group_counts(members, members.max() + 1, y, edges)
    np.testing.assert_array_equal(counts.sum(axis=0), np.histogram(y, edges)[0])
    fast = paper_splits(groups, y, has_structure=has, n_splits=2, random_state=4, n_iter=300)
    slow = _rowwise_paper_splits(groups, y, has, 2, 4, 300)
    for (_, test), reference in zip(fast, slow, strict=True):
        np.testing.assert_array_equal(test, reference)


def test_paper_cv_is_the_default_and_reports_draws(obelix):
    rep = cross_validate_conductivity(
        obelix, model=ConductivityModel(random_state=0, **SMALL), n_splits=2, progress=False
    )
    assert rep.scheme == "paper" and len(rep.folds) == 2
    assert rep.folds["n_test"].sum() == len(rep.predictions)
    assert rep.summary_metrics["mae"] < rep.summary_metrics["baseline_mae"]


def test_paper_splits_refuse_data_the_design_cannot_split():
    import pytest

    from ssenb.errors import InvalidInputError
    from ssenb.models.validation import paper_splits

    y = np.linspace(-8.0, -2.0, 12)
    with pytest.raises(InvalidInputError, match="too few for a 25 % test draw"):
        paper_splits(np.array([0, 0, 0, 1, 1, 1, 2, 2, 2, 2, 2, 2]), y)  # 3 groups
    # one group holds 9 of 12 rows: no quarter of the groups holds 20-30 % of the rows
    groups = np.array([0] * 9 + [1, 2, 3])
    with pytest.raises(InvalidInputError, match="holds too much of the data"):
        paper_splits(groups, y, n_splits=1)


def test_cv_with_extra_data_never_trains_on_a_held_out_material_or_paper(obelix):
    """Each fold's extra rows match no held-out row (composition, near-duplicate, DOI, id)."""
    from ssenb.data import conductivity_measurements, overlap_reasons
    from ssenb.data.leaks import composition_key
    from ssenb.models._splits import paper_splits
    from ssenb.models.validation import _MergedTraining, paper_groups

    extra = conductivity_measurements(["liverpool", "laskowski"]).iloc[::8]  # a sample, fast
    model = ConductivityModel(n_estimators=5, n_models=1, random_state=0)
    table, _ = model.feature_matrix(obelix, fitting=True)
    merged = _MergedTraining(obelix, table, extra, model, progress=False)
    y = obelix["log10_sigma"].to_numpy()
    (train, test), *_ = paper_splits(paper_groups(obelix), y, n_splits=1, random_state=0)
    X, y_fit, censored, groups, scored = merged.fold(train, test)
    assert len(X) == len(y_fit) == len(censored) == len(groups) == len(scored)
    held_out = obelix.iloc[test]
    held_keys = {composition_key(c) for c in held_out["reduced_composition"]}
    used = extra[overlap_reasons(extra, held_out).isna()]
    assert len(used) < len(extra)  # some extra rows were held-out materials or papers
    assert not {composition_key(c) for c in used["reduced_composition"]} & held_keys
    # the training rows' features are those of their first member, OBELiX or extra
    assert X.shape[1] == table.shape[1] and np.isfinite(y_fit).all()
    # one calibration row per OBELiX training composition, weighted by its measurements
    assert (scored > 0).sum() == len(
        set(obelix.iloc[train]["reduced_composition"].map(composition_key))
    )
    assert scored.sum() == len(train)


def test_cv_report_has_interval_coverage(obelix):
    from ssenb.data import conductivity_measurements

    extra = conductivity_measurements(["liverpool"]).iloc[::4]
    model = ConductivityModel(n_estimators=20, n_models=2, learning_rate=0.3, random_state=0)
    report = cross_validate_conductivity(
        obelix, model=model, n_splits=2, extra=extra, progress=False
    )
    s = report.summary_metrics
    assert 0 < s["coverage_1sigma"] < s["coverage_2sigma"] <= 1
    assert "liverpool" in report.data_version
    p = report.predictions
    assert (p["log10_sigma_low_2sigma"] < p["log10_sigma_pred"]).all()
    assert "interval coverage" in report._repr_html_()
