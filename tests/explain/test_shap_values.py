import numpy as np
import pytest

from ssenb.errors import NotFittedError
from ssenb.explain import explain
from ssenb.features import FAMILIES
from ssenb.models import ConductivityModel


@pytest.fixture(scope="module")
def explanation(fitted, obelix):
    return explain(fitted, obelix.head(40))


def test_shap_values_add_up_to_the_prediction(explanation, fitted, obelix):
    total = explanation.values.sum(axis=1).to_numpy() + explanation.base_value
    np.testing.assert_allclose(total, fitted.predict(obelix.head(40)), atol=1e-4)
    from ssenb.data import display_formula

    assert explanation.names[0] == display_formula(obelix.loc[0, "reduced_composition"])


def test_grouped_explanation_keeps_the_sum(explanation):
    grouped = explanation.grouped()
    assert set(grouped.values.columns) <= set(FAMILIES)
    np.testing.assert_allclose(
        grouped.values.sum(axis=1),
        explanation.values.sum(axis=1),
        atol=1e-5,  # float32 SHAP values summed in another order
    )
    assert grouped.importance().index[0] in FAMILIES


def test_readable_labels(explanation):
    assert "mean electronegativity (Pauling)" in explanation.values.columns


def test_unfitted_model():
    with pytest.raises(NotFittedError):
        explain(ConductivityModel(), ["Li3PS4"])


def test_a_composition_is_named_by_its_formula(fitted):
    """Seen in exported tutorial 06: the Explorer explains a structure's prediction by the
    composition model with a Composition, and the waterfall's title read "Li6 P1 S5 Cl1"
    (pymatgen's str) where every other place writes Li6PS5Cl."""
    from pymatgen.core import Composition

    names = explain(fitted, [Composition("Li6PS5Cl"), Composition("S4P1Li3"), "Li3PS4"]).names
    assert list(names) == ["Li6PS5Cl", "Li3PS4", "Li3PS4"]
