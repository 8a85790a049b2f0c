import numpy as np
import pandas as pd
import pytest
from pymatgen.core import Lattice, Structure

from ssenb.errors import FeaturizationError, InvalidInputError, UnknownNameError
from ssenb.features import (
    FAMILIES,
    PRESETS,
    LiAnionChemistry,
    feature_family,
    featurize,
    get_preset,
    readable_label,
)


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_on_real_rows(obelix, name):
    preset = get_preset(name)
    rows = obelix.iloc[::12]  # 40 rows spread over the split
    table = featurize(rows, name, progress=False)
    assert list(table.columns) == [*preset.feature_labels(), "error"]
    assert table.index.equals(rows.index)
    if preset.kind == "composition":
        assert table["error"].isna().all()
        values = table.drop(columns="error")
        if "Li per anion" in values:  # undefined without N/O/S/Se/Te/halogen (hydrides, phosphides)
            no_anion = values["anion fraction"] == 0
            assert values.loc[no_anion, "Li per anion"].isna().all()
            values = values.drop(columns="Li per anion")
        assert np.isfinite(values.to_numpy()).all()
    elif preset.kind == "cell":  # OBELiX gives lattice constants for every row, CIF or not
        assert table["error"].isna().all()
        assert np.isfinite(table.drop(columns="error").to_numpy()).all()
    else:
        no_structure = rows["structure"].isna()
        assert (table.loc[no_structure, "error"] == "no structure for this row").all()
        if name != "transport":  # BVSE has no parameters for some materials: they say why
            assert table.loc[~no_structure, "error"].isna().all()
        values = table.loc[~no_structure].drop(columns="error")
        assert values.notna().mean().mean() >= 0.85
        missing = values.isna().all(axis=1)  # a row with nothing has its reason
        assert table.loc[~no_structure].loc[missing, "error"].notna().all()
    assert preset.citations()


def test_li_anion_chemistry_by_hand():
    from pymatgen.core import Composition

    values = dict(
        zip(
            LiAnionChemistry().feature_labels(), LiAnionChemistry().featurize(Composition("Li3PS4"))
        )
    )
    assert values["Li fraction"] == pytest.approx(3 / 8)
    assert values["anion fraction"] == pytest.approx(4 / 8)
    assert values["Li per anion"] == pytest.approx(0.75)
    assert values["S/Se/Te share of anions"] == 1.0 and values["O share of anions"] == 0.0
    mixed = dict(
        zip(
            LiAnionChemistry().feature_labels(),
            LiAnionChemistry().featurize(Composition("Li6PS5Cl")),
        )
    )
    assert mixed["halogen share of anions"] == pytest.approx(1 / 6)
    assert mixed["number of anion elements"] == 2


def test_bad_rows_are_recorded_or_raised():
    table = featurize(["Li3PS4", "garbage!!", "Li7La3Zr2O12"], "composition", progress=False)
    assert table["error"].isna().tolist() == [True, False, True]
    assert "not a formula" in table.loc[1, "error"]
    assert table.iloc[1].drop("error").isna().all()
    # an unknown element symbol is one bad row too, not a crash of the batch
    unknown = featurize(["Li3PS4", "Li3Xq4"], "composition", progress=False)
    assert unknown["error"].isna().tolist() == [True, False]
    assert "Xq is not an element symbol" in unknown.loc[1, "error"]
    with pytest.raises(FeaturizationError, match="garbage"):
        featurize(["Li3PS4", "garbage!!"], "composition", errors="raise", progress=False)


def test_bad_inputs():
    with pytest.raises(UnknownNameError, match="magpie, composition"):
        featurize(["Li3PS4"], "nonsense")
    with pytest.raises(InvalidInputError, match="empty"):
        featurize(pd.DataFrame({"reduced_composition": []}), "composition")
    with pytest.raises(InvalidInputError, match="no 'reduced_composition' column"):
        featurize(pd.DataFrame({"x": [1]}), "composition")
    with pytest.raises(InvalidInputError, match="errors="):
        featurize(["Li3PS4"], errors="ignore")


def test_results_are_cached(monkeypatch, obelix):
    from ssenb.features import _fast

    first = featurize(obelix.head(10), "composition", progress=False)

    def fail(*args, **kwargs):
        raise AssertionError("featurized again")

    monkeypatch.setattr(_fast, "fast_featurize", fail)
    again = featurize(obelix.head(10), "composition", progress=False)
    pd.testing.assert_frame_equal(first, again)


def test_every_feature_has_a_declared_family_and_a_readable_label():
    for name in PRESETS:
        families = get_preset(name).families()
        assert list(families) == get_preset(name).feature_labels()
        assert set(families.values()) <= set(FAMILIES), name
    assert feature_family("Li fraction") == "Li content"
    assert feature_family("S/Se/Te share of anions") == "anion chemistry"
    # Magpie statistics are split by what the property measures, not by label text
    assert feature_family("MagpieData mean Electronegativity") == "electronegativity & ionicity"
    assert feature_family("MagpieData mean NValence") == "valence electrons"
    assert feature_family("MagpieData mean CovalentRadius") == "atomic size & mass"
    assert feature_family("a (Å)").startswith("cell dimensions")
    assert readable_label("MagpieData mean Electronegativity") == "mean electronegativity (Pauling)"


def test_no_raw_matminer_name_reaches_a_figure():
    """issue 19: the paper SHAP figure showed "avg ionic char", "0-norm", "spacegroup_num"."""
    assert readable_label("avg ionic char") == "mean ionic character"
    assert readable_label("0-norm") == "number of elements"
    assert readable_label("frac p valence electrons") == "share of valence electrons in p orbitals"
    from ssenb.models import MODEL_PRESETS

    for name, parts in MODEL_PRESETS.items():  # what one model (and its SHAP figure) sees
        texts = [readable_label(label) for p in parts for label in get_preset(p).feature_labels()]
        assert len(set(texts)) == len(texts), name  # two features never share a name
    for name in PRESETS:
        labels = get_preset(name).feature_labels()
        for label in labels:
            text = readable_label(label)
            assert "_" not in text and "Magpie" not in text, (name, label, text)
            assert not text.startswith(("avg ", "frac ")), (name, label, text)


def test_cell_features_by_hand():
    """A cubic cell a = 4 Å with 8 atoms: volume per atom 8 Å³; the same from the frame
    columns and from the Structure."""
    from ssenb.features import CellFeatures, CellRecord

    s = Structure.from_spacegroup(
        "Fm-3m", Lattice.cubic(4.0), ["Li", "F"], [[0, 0, 0], [0.5, 0.5, 0.5]]
    )
    from_structure = CellFeatures().featurize(s)
    assert from_structure[0] == 225 and from_structure[1:4] == [4.0, 4.0, 4.0]
    assert from_structure[-1] == pytest.approx(8.0)
    record = CellRecord(4.0, 4.0, 4.0, 90, 90, 90, 225, 8)
    assert CellFeatures().featurize(record) == pytest.approx(from_structure)


def test_importing_features_stays_light(fresh_python):
    """Building presets needs matminer; importing the package does not."""

    code = (
        "import sys; import ssenb.features, ssenb.models, ssenb.thermo, ssenb.viz; "
        "from ssenb.features import featurize, PRESETS; "
        "print(sorted(m for m in ('matminer', 'sklearn', 'xgboost', 'shap', 'torch') if m in sys.modules))"
    )
    assert fresh_python(code).strip() == "[]"


def test_a_featurizer_copy_changed_in_place_leaves_the_preset_alone():
    """featurizers() are built once per process and copied: a copy's lists are its own."""
    from ssenb.features import featurize, get_preset

    preset = get_preset("magpie")
    labels = preset.feature_labels()
    mine = preset.featurizers()[0]
    mine.stats.remove("mode")
    mine.features.pop()
    assert preset.feature_labels() == labels
    assert list(featurize(["Li3PS4"], preset="magpie").columns[:-1]) == labels
    assert mine.data_source is preset.featurizers()[0].data_source  # the tables are shared
