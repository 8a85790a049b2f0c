"""Dominator counts for any number of objectives agree with the pairwise definition."""

import numpy as np
import pytest

from ssenb._pareto import count_dominators, dominators_pairwise


@pytest.mark.parametrize("d", [2, 3, 4, 5])
def test_count_equals_pairwise_with_ties(d):
    rng = np.random.default_rng(d)
    pts = np.round(rng.normal(size=(300, d)), 1)  # rounded: many ties
    assert (count_dominators(pts) == dominators_pairwise(pts)).all()


def test_one_objective_counts_the_strictly_better():
    assert count_dominators(np.array([[1.0], [3.0], [1.0], [2.0]])).tolist() == [2, 0, 2, 1]
