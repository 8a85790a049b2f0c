import csv
import io
import math
import shutil
import tarfile

import pytest
from pymatgen.core import Composition, Structure

from ssenb.data import load_obelix
from ssenb.data._registry import REGISTRY, RemoteFile
from ssenb.data.obelix import parse_cif, parse_conductivity, read_cif_archive
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
    frame = load_obelix("train")
    bad = frame[frame["id"] == "jqc"].iloc[0]
    assert bad["structure"] is None
    assert "CIF" in bad["structure_error"]
    assert int(frame["structure"].notna().sum()) == 253


def _write_split(folder, rows, cifs, monkeypatch, split="test"):
    """Write an OBELiX-like split (CSV + CIF tarball) to folder/obelix and register it."""
    import hashlib

    (folder / "obelix").mkdir(exist_ok=True)
    csv_path = folder / "obelix" / f"{split}.csv"
    with open(csv_path, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    tar_path = folder / "obelix" / f"{split}_cifs.tar.gz"
    with tarfile.open(tar_path, "w:gz") as out:
        for key, text in cifs.items():
            data = text.encode()
            info = tarfile.TarInfo(f"{split}_cifs/{key}.cif")
            info.size = len(data)
            out.addfile(info, io.BytesIO(data))
    for path in (csv_path, tar_path):
        name = f"obelix/{path.name}"
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        monkeypatch.setitem(REGISTRY, name, RemoteFile(REGISTRY[name].url, digest, "obelix"))
    monkeypatch.setenv("SSENB_DATA_DIR", str(folder))


def test_every_row_of_a_split_loads_and_bad_formulas_keep_a_reason(tmp_path, monkeypatch, mirror):
    """A test-split-like file with the upstream hydrate row and unparseable formulas loads."""
    first = _raw_rows(mirror)[0]  # jqc, Li7BiO6
    rows = [first]
    for i, formula in enumerate(
        ["Li3(Mo8S8O8(OH)8(HWO5(H2O)))*(H2O)18", "Li3Xq", "Li0PS4", "Li1e400S", "li3ps4"]
    ):
        rows.append({**first, "ID": f"x{i}", "Reduced Composition": formula})
    cifs = read_cif_archive(mirror / "obelix" / "train_cifs.tar.gz")
    _write_split(tmp_path, rows, {"jqc": cifs["jqc"]}, monkeypatch)
    frame = load_obelix("test")
    assert frame["id"].tolist() == ["jqc", "x0", "x1", "x2", "x3", "x4"]
    hydrate = frame.iloc[1]
    assert hydrate["reduced_composition"] == Composition(
        {"Li": 3, "Mo": 8, "S": 8, "O": 40, "H": 47, "W": 1}
    )
    assert hydrate["composition_error"] is None
    assert frame.iloc[0]["composition_error"] is None
    reasons = frame["composition_error"].tolist()[2:]
    assert frame["reduced_composition"].iloc[2:].isna().all()
    assert "'Xq' is not an element symbol" in reasons[0]
    assert "zero" in reasons[1]
    assert "not a finite number" in reasons[2]
    assert "capital letter" in reasons[3]
    assert all(r.startswith("Reduced Composition=") for r in reasons)
    # their true compositions (valid upstream) are kept
    assert (frame["true_composition"] == Composition(first["True Composition"])).all()


def test_hostile_cifs_in_an_archive_keep_the_load_going(tmp_path, monkeypatch, mirror):
    first = _raw_rows(mirror)[0]
    rows = [{**first, "ID": key} for key in ("big", "ops", "huge_cell")]
    ops = "loop_\n_symmetry_equiv_pos_as_xyz\n" + "'x, y, z'\n" * 20_000
    cifs = {
        "big": "data_big\n" + "#" * (3_000_000) + "\n",
        "ops": "data_ops\n_cell_length_a 5\n" + ops,
        "huge_cell": "data_h\n_cell_length_a 1e9\n",
    }
    _write_split(tmp_path, rows, cifs, monkeypatch)
    frame = load_obelix("test").set_index("id")
    assert frame["structure"].isna().all()
    assert "bytes" in frame.loc["big", "structure_error"]
    assert "20,000 symmetry operations" in frame.loc["ops", "structure_error"]
    assert "1e+09 Å" in frame.loc["huge_cell", "structure_error"]
