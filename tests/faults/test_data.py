"""Fault battery, data layer: bad rows, hostile CIFs, corrupted cache files."""

import csv
import hashlib
import io
import tarfile

import pytest
from pymatgen.core import Composition

from ssenb.cli import main
from ssenb.data import cif as C
from ssenb.data import file_status, load_obelix, parse_cif, read_cif
from ssenb.data._registry import REGISTRY, RemoteFile
from ssenb.data.obelix import read_cif_archive
from ssenb.errors import InvalidInputError

HEADER = """data_x
_cell_length_a {a}
_cell_length_b 5
_cell_length_c 5
_cell_angle_alpha 90
_cell_angle_beta 90
_cell_angle_gamma 90
"""


def _cif(*, a=5.0, ops=("x, y, z",), rows=1, tail=""):
    text = HEADER.format(a=a) + "loop_\n_symmetry_equiv_pos_as_xyz\n"
    text += "".join(f"'{op}'\n" for op in ops)
    text += "loop_\n_atom_site_label\n_atom_site_type_symbol\n"
    text += "_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n"
    text += "".join(f"Li{i} Li {i / (rows + 1):.6f} 0.1 0.2\n" for i in range(rows))
    return text + tail


def _raw_rows(mirror):
    with open(mirror / "obelix" / "train.csv", newline="") as fh:
        return list(csv.DictReader(fh))


# --- hostile CIFs: refused before pymatgen's expensive work ------------------------------


@pytest.mark.parametrize(
    ("text", "match"),
    [
        (_cif(tail="#" * 50_000_000 + "\n"), r"50,000,\d+ bytes"),  # the 50 MB CIF
        (_cif(ops=["x, y, z"] * 20_000), "20,000 symmetry operations"),
        (_cif(a=1e9), r"cell length a = 1e\+09 Å"),
        (_cif(a=0.01), "cell length a = 0.01 Å"),
        (_cif(rows=C.MAX_SITES + 1), f"{C.MAX_SITES + 1:,} atom sites"),
        (_cif(ops=["x, y, z", "-x, -y, -z"] * 96, rows=20), "3,840 site images"),
        ("".join(f"data_b{i}\n" for i in range(C.MAX_DATA_BLOCKS + 1)), "data blocks"),
        (_cif(tail="loop_\n_refln_index_h\n_refln_F\n" + "1 2\n" * 60_000), r"120,\d{3} values"),
        ("data_x\nnot a cif at all\n", "CIF"),
    ],
    ids=[
        "50MB",
        "20000-ops",
        "a=1e9",
        "a=0.01",
        "too-many-rows",
        "expansion",
        "blocks",
        "hkl",
        "junk",
    ],
)
def test_hostile_cif_is_refused_with_its_bound(text, match):
    structure, reason = parse_cif(text)
    assert structure is None
    assert reason is not None
    with pytest.raises(InvalidInputError, match=match):
        read_cif(text)


def test_hostile_cifs_never_reach_pymatgen(monkeypatch):
    """The text checks refuse them before pymatgen's parser (which ran for minutes on them)."""
    import pymatgen.io.cif

    def forbidden(*args, **kwargs):
        raise AssertionError("pymatgen's CifParser was called")

    monkeypatch.setattr(pymatgen.io.cif, "CifParser", forbidden)
    for text in (
        _cif(tail="#" * 50_000_000 + "\n"),
        _cif(ops=["x, y, z"] * 20_000),
        _cif(a=1e9),
        _cif(ops=["x, y, z", "-x, -y, -z"] * 96, rows=520),
    ):
        structure, reason = parse_cif(text)
        assert structure is None and "ssenb.data.cif" in reason


def test_expanded_structure_bounds_are_checked_after_parsing(monkeypatch):
    """The pre-check cannot know merged sites; the parsed structure is checked too."""
    monkeypatch.setattr(C, "MAX_SITES", 3)
    monkeypatch.setattr(C, "MAX_EXPANSION_WORK", 100)
    text = _cif(ops=["x, y, z", "-x, -y, -z"], rows=2)  # 2 rows -> 4 sites
    with pytest.raises(InvalidInputError, match="expands to 4 sites"):
        read_cif(text)


def test_cif_of_wrong_type_is_refused():
    with pytest.raises(InvalidInputError, match="text or bytes"):
        read_cif(12)
    assert parse_cif(None) == (None, "no CIF in the dataset")


# --- loaders: one row never fails a load --------------------------------------------------


def _write_split(folder, rows, cifs, monkeypatch, split="test"):
    """Write an OBELiX-like split (CSV + CIF tarball) to folder/obelix and register it."""
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
    monkeypatch.setenv("SSENB_CACHE_DIR", str(folder / "derived"))  # its CIFs parsed here


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
    hydrate = frame.iloc[1]  # O 8+8+5+1+18 = 40, H 8+1+2+36 = 47 (hand count)
    assert hydrate["reduced_composition"] == Composition(
        {"Li": 3, "Mo": 8, "S": 8, "O": 40, "H": 47, "W": 1}
    )
    assert hydrate["composition_error"] is None
    assert frame.iloc[0]["composition_error"] is None
    assert frame.iloc[0]["structure"] is not None
    reasons = frame["composition_error"].tolist()[2:]
    assert frame["reduced_composition"].iloc[2:].isna().all()
    assert "Xq is not an element symbol" in reasons[0]
    assert "zero" in reasons[1]
    assert "not a finite number" in reasons[2]
    assert "capital letter" in reasons[3]
    assert all(r.startswith("Reduced Composition=") for r in reasons)
    # their true compositions (valid upstream) are kept
    assert (frame["true_composition"] == Composition(first["True Composition"])).all()


def test_hostile_cifs_in_an_archive_keep_the_load_going(tmp_path, monkeypatch, mirror):
    first = _raw_rows(mirror)[0]
    rows = [{**first, "ID": key} for key in ("big", "ops", "huge_cell")]
    cifs = {
        "big": "data_big\n" + "#" * (C.MAX_CIF_BYTES + 1) + "\n",
        "ops": _cif(ops=["x, y, z"] * 20_000),
        "huge_cell": _cif(a=1e9),
    }
    _write_split(tmp_path, rows, cifs, monkeypatch)
    frame = load_obelix("test").set_index("id")
    assert frame["structure"].isna().all()
    assert "bytes" in frame.loc["big", "structure_error"]
    assert "20,000 symmetry operations" in frame.loc["ops", "structure_error"]
    assert "1e+09 Å" in frame.loc["huge_cell", "structure_error"]


# --- the cache: a corrupted copy is named as such -----------------------------------------


def test_info_reports_a_corrupted_file_and_the_fix(tmp_path, monkeypatch, mirror, capsys):
    name = "obelix/train.csv"
    (tmp_path / "obelix").mkdir()
    data = bytearray((mirror / name).read_bytes())
    data[100] ^= 0x01  # one flipped bit
    (tmp_path / name).write_bytes(bytes(data))
    monkeypatch.setenv("SSENB_DATA_DIR", str(tmp_path))
    assert file_status(name) == "corrupted"
    assert file_status("obelix/train_cifs.tar.gz") == "absent"
    assert main(["info"]) == 0
    out = capsys.readouterr().out
    assert "obelix-train    0/2 files present and verified; 1 present but corrupted" in out
    assert "1 absent" in out
    assert f"{tmp_path / name} is present but corrupted (sha256 mismatch)" in out
    assert "move it away" in out and "ssenb fetch" in out


def test_a_table_without_the_obelix_columns_is_named(tmp_path):
    import pandas as pd

    from ssenb.data.obelix import parse_obelix_table

    raw = pd.DataFrame({"ID": ["a"], "Reduced Composition": ["LiF"]})
    with pytest.raises(InvalidInputError, match=r"lacks columns \[.*'True Composition'.*'Z'"):
        parse_obelix_table(raw)
