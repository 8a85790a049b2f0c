import csv
import io
import math
import shutil
import tarfile

import pytest
from pymatgen.core import Composition, Structure

from ssenb.data import load_obelix, parse_cif
from ssenb.data._registry import REGISTRY, RemoteFile
from ssenb.data.obelix import parse_conductivity
from ssenb.errors import InvalidInputError, UnknownNameError


def _raw_rows(mirror):
    with open(mirror / "obelix" / "train.csv", newline="") as fh:
        return list(csv.DictReader(fh))


def test_train_split_shape(obelix):
    assert len(obelix) == 478
    assert int(obelix["structure"].notna().sum()) == 254
    assert obelix["id"].is_unique
    assert all(isinstance(c, Composition) for c in obelix["reduced_composition"])
    assert all(isinstance(s, Structure) for s in obelix["structure"].dropna())


def test_censored_rows_are_flagged_with_their_bound(obelix, mirror):
    raw = {r["ID"]: r["Ionic conductivity (S cm-1)"] for r in _raw_rows(mirror)}
    bounds = {k: v for k, v in raw.items() if v.strip().startswith("<")}
    assert len(bounds) == 29
    flagged = obelix[obelix["censored"]]
    assert set(flagged["id"]) == set(bounds)
    for _, row in flagged.iterrows():
        expected = float(bounds[row["id"]].strip()[1:])
        assert row["sigma_S_cm"] == expected
        assert row["log10_sigma"] == pytest.approx(math.log10(expected))
    exact = obelix[~obelix["censored"]]
    for _, row in exact.head(50).iterrows():
        assert row["sigma_S_cm"] == float(raw[row["id"]])


def test_rows_without_cif_have_a_reason(obelix):
    missing = obelix[obelix["structure"].isna()]
    assert (missing["structure_error"] == "no CIF in the dataset").all()
    assert obelix.loc[obelix["structure"].notna(), "structure_error"].isna().all()


def test_structure_matches_the_listed_composition(obelix):
    row = obelix[obelix["id"] == "jqc"].iloc[0]  # Li7BiO6, first row upstream
    assert row["reduced_composition"] == Composition("Li7BiO6")
    s = row["structure"]
    assert s.composition.reduced_composition.almost_equals(Composition("Li7BiO6"), rtol=0.15)
    assert row["space_group_number"] == 2


def test_each_call_returns_an_independent_copy(obelix):
    first = load_obelix("train")
    first.loc[0, "log10_sigma"] = 99.0
    first.loc[0, "structure"].remove_sites([0])
    second = load_obelix("train")
    assert second.loc[0, "log10_sigma"] != 99.0
    assert len(second.loc[0, "structure"]) == len(obelix.loc[0, "structure"])


def test_unknown_split_names_the_valid_ones():
    with pytest.raises(UnknownNameError, match="train, test, all"):
        load_obelix("validation")


def test_other_splits_need_the_file_and_say_so(mirror):
    from ssenb.errors import DataUnavailableError

    with pytest.raises(DataUnavailableError, match=r"obelix/test\.csv"):
        load_obelix("test")


@pytest.mark.parametrize(
    ("text", "value", "censored"),
    [
        ("1.2e-4", 1.2e-4, False),
        ("<1E-10", 1e-10, True),
        (" < 1e-8 ", 1e-8, True),
        ("0.001", 1e-3, False),
    ],
)
def test_parse_conductivity(text, value, censored):
    assert parse_conductivity(text) == (value, censored)


@pytest.mark.parametrize("text", ["n/a", "", "-1e-3", "0"])
def test_parse_conductivity_rejects_garbage(text):
    with pytest.raises(InvalidInputError, match="conductivity"):
        parse_conductivity(text)


def test_parse_cif_never_raises():
    structure, reason = parse_cif("data_x\n_cell_length_a 3\nthis is not a cif")
    assert structure is None
    assert reason.startswith("CIF did not parse") or reason == "CIF holds no structure"


def test_a_bad_cif_in_the_archive_keeps_the_load_going(tmp_path, monkeypatch, mirror):
    """Rewrite one CIF of a copy of the archive as garbage; register the copy's hash."""
    import hashlib

    (tmp_path / "obelix").mkdir()
    shutil.copy(mirror / "obelix" / "train.csv", tmp_path / "obelix" / "train.csv")
    src = tarfile.open(mirror / "obelix" / "train_cifs.tar.gz")
    out_path = tmp_path / "obelix" / "train_cifs.tar.gz"
    with tarfile.open(out_path, "w:gz") as out:
        for m in src.getmembers():
            data = src.extractfile(m).read() if m.isfile() else None
            if m.name.endswith("/jqc.cif"):
                data = b"data_broken\nloop_\n_atom_site_label\n garbage garbage\n"
                m.size = len(data)
            out.addfile(m, io.BytesIO(data) if data is not None else None)
    digest = hashlib.sha256(out_path.read_bytes()).hexdigest()
    spec = REGISTRY["obelix/train_cifs.tar.gz"]
    monkeypatch.setitem(
        REGISTRY, "obelix/train_cifs.tar.gz", RemoteFile(spec.url, digest, "obelix")
    )
    monkeypatch.setenv("SSENB_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SSENB_CACHE_DIR", str(tmp_path / "derived"))  # parsed, not cached
    frame = load_obelix("train")
    bad = frame[frame["id"] == "jqc"].iloc[0]
    assert bad["structure"] is None
    assert "CIF" in bad["structure_error"]
    assert int(frame["structure"].notna().sum()) == 253


def test_one_family_has_one_name(obelix, mirror):
    """issue 19: tutorial 02 listed "argyrodite" (1 row upstream) and "argyrodites" (49)."""
    from collections import Counter

    upstream = Counter(r["Family"] for r in _raw_rows(mirror))
    assert upstream["argyrodite"] >= 1 and upstream["argyrodites"] >= 1  # the upstream duplicate
    families = Counter(obelix["family"])
    assert "argyrodite" not in families
    assert families["argyrodites"] == upstream["argyrodite"] + upstream["argyrodites"]
    assert "cholorides" not in families and "nitride" not in families
    assert (obelix["family"] != "").all()
