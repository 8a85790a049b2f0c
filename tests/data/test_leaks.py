"""Leak exclusion: training rows matching a reference table by composition, DOI or source id."""

import pandas as pd
import pytest
from pymatgen.core import Composition

from ssenb.data import exclude_overlaps, overlap_reasons
from ssenb.data.leaks import near_duplicate_groups, paper_group_ids
from ssenb.errors import InvalidInputError


def _frame(formulas, **cols):
    return pd.DataFrame({"reduced_composition": [Composition(f) for f in formulas], **cols})


REFERENCE = _frame(
    ["Li7La3Zr2O12", "Li0.33La0.56TiO3"],
    id=["t1", "t2"],
    doi=["10.1000/garnet", "10.1000/LLTO|10.1000/other"],
    liverpool_id=["12", None],
    laskowski_ref=[None, "30.0"],
)


def test_each_rule_by_hand():
    train = _frame(
        ["Li14La6Zr4O24", "Li0.34La0.56TiO3", "Li3PS4", "Li6PS5Cl", "Li10GeP2S12", "LiF", "Li3N"],
        source=["obelix", "liverpool", "liverpool", "laskowski", "liverpool", "laskowski", "x"],
        source_id=["a", "5", "6", "line 3", "12", "line 9", "q"],
        reference=[None, None, None, "7", None, "30", None],
        doi=[None, None, "https://doi.org/10.1000/OTHER", None, None, None, "10.1000/new"],
    )
    reasons = list(overlap_reasons(train, REFERENCE))
    assert reasons == [
        "same composition as t1",  # Li14La6Zr4O24 reduces to the garnet
        "near-duplicate composition (fractions within 0.02) of t2",  # Li 0.33 -> 0.34
        "same DOI (10.1000/other) as t2",  # the reference cell joins two DOIs
        None,
        "same liverpool entry (12) as t1",  # OBELiX's Liion ID names Liverpool row 12
        "same laskowski entry (30) as t2",  # Laskowski ID 30.0 = reference number 30
        None,
    ]
    kept = exclude_overlaps(train, REFERENCE)
    assert list(kept["source_id"]) == ["line 3", "q"]
    assert kept.attrs["excluded"]["same composition"] == 1
    assert len(train) == 7  # the caller's frame is untouched


def test_rules_can_be_chosen_and_the_tolerance_is_stated():
    train = _frame(["Li0.36La0.56TiO3"])  # fraction of Li differs by 0.012 from t2's
    assert overlap_reasons(train, REFERENCE).iloc[0] is not None
    assert overlap_reasons(train, REFERENCE, tol=0.005).iloc[0] is None
    assert overlap_reasons(train, REFERENCE, by=["composition", "doi"]).iloc[0] is None
    with pytest.raises(InvalidInputError, match="not a matching rule"):
        overlap_reasons(train, REFERENCE, by=["formula"])
    with pytest.raises(InvalidInputError, match="tol=2"):
        overlap_reasons(train, REFERENCE, tol=2)


def test_near_duplicate_groups_join_doping_steps_only():
    comps = [Composition(f) for f in ("Li7La3Zr2O12", "Li6.9La3Zr2O12", "Li6La3Zr2O12", "LiF")]
    groups = near_duplicate_groups(comps)
    assert groups[0] == groups[1] != groups[2] != groups[3]


def test_on_the_training_split(obelix, mirror):
    """Against itself every row leaks; the extra tables lose exactly the rows OBELiX took."""
    from ssenb.data import conductivity_measurements

    assert overlap_reasons(obelix, obelix).notna().all()
    extra = conductivity_measurements(["liverpool", "laskowski"])
    reasons = overlap_reasons(extra, obelix)
    keys = {c.reduced_formula for c in obelix["reduced_composition"].dropna()}
    same = extra["reduced_composition"].map(lambda c: c.reduced_formula in keys)
    assert reasons[same].notna().all()  # every composition of the split is gone
    by_id = reasons.dropna().str.startswith("same liverpool entry")
    ids = {str(int(float(v))) for v in obelix["liverpool_id"].dropna()}
    assert set(extra.loc[by_id[by_id].index, "source_id"]) <= ids
    kept = exclude_overlaps(extra, obelix)
    assert 0.3 * len(extra) < len(kept) < 0.8 * len(extra)
    assert overlap_reasons(kept, obelix).isna().all()


def test_anchored_groups_link_literature_rows_only_directly_to_curated_ones():
    """A held-out curated row takes along the literature rows that share its composition
    (or a near-duplicate) or its DOI, as exclude_overlaps drops them, but literature rows do
    not chain two curated papers into one group through each other."""
    comps = [
        Composition(f) for f in ("Li3PS4", "Li7La3Zr2O12", "Li3.01PS4", "Li6PS5Cl", "Li6PS5Cl")
    ]
    dois = ["10.1/a", "10.1/b", "10.1/c", "10.1/b", "10.1/c"]
    curated = [True, True, False, False, False]
    # row 2 is a near-duplicate of row 0; row 3 shares row 1's DOI; row 4 shares only a
    # DOI with row 2 and a composition with row 3: it touches no curated row
    anchored = paper_group_ids(comps, dois, anchors=curated)
    assert anchored[0] == anchored[2] and anchored[1] == anchored[3]
    assert len({anchored[0], anchored[1], anchored[4]}) == 3
    # without anchors every link counts, so 2-4-3 chains both papers into one group
    assert len(set(paper_group_ids(comps, dois))) == 1
    assert list(paper_group_ids(comps, dois, anchors=[True] * 5)) == [0] * 5
    with pytest.raises(InvalidInputError, match="anchors has 2 values for 5 rows"):
        paper_group_ids(comps, dois, anchors=[True, False])
