"""The parsed-CIF cache: what it gives back equals a fresh parse, and a bad file is parsed over."""

import json

import pytest
from pymatgen.core import Lattice, Structure

from ssenb.data import _structure_cache as sc
from ssenb.data import cif, fetch
from ssenb.data.obelix import read_cif_archive

LIF = """data_LiF
_symmetry_space_group_name_H-M 'P 1'
_cell_length_a 4.03
_cell_length_b 4.03
_cell_length_c 4.03
_cell_angle_alpha 90
_cell_angle_beta 90
_cell_angle_gamma 90
loop_
_atom_site_label
_atom_site_type_symbol
_atom_site_fract_x
_atom_site_fract_y
_atom_site_fract_z
_atom_site_occupancy
Li1 Li 0 0 0 0.75
F1 F 0.5 0.5 0.5 1
"""


@pytest.fixture
def derived(monkeypatch, tmp_path):
    folder = tmp_path / "derived"
    monkeypatch.setenv("SSENB_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def no_parsing(monkeypatch):
    """Any CIF parse fails the test: the answer must come from the cache."""

    def refuse(_text):
        raise AssertionError("a CIF was parsed although the cache holds it")

    monkeypatch.setattr(cif, "parse_cif", refuse)


def test_obelix_cells_read_back_equal_a_fresh_parse(derived, monkeypatch):
    """20 OBELiX train CIFs (partial occupancies, many symmetry operations) and 2 ids
    without a CIF: the second call reads the cache, site for site equal to pymatgen's parse."""
    archive = fetch("obelix/train_cifs.tar.gz")
    cifs = read_cif_archive(archive)
    ids = [*sorted(cifs)[::12][:20], "no-such-id", "neither"]
    first = sc.parsed_archive(archive, ids, read=read_cif_archive)
    assert [p.name for p in derived.iterdir()] == [
        sc.cache_path(derived, sc.cache_key(archive)).name
    ]

    def refuse(_text):
        raise AssertionError("parsed although cached")

    monkeypatch.setattr(cif, "parse_cif", refuse)
    again = sc.parsed_archive(archive, ids, read=read_cif_archive)
    assert list(again) == ids
    for i in ids[:20]:
        reference = cif.read_cif(cifs[i])  # pymatgen's parse, not the cache's
        assert again[i][1] is None and again[i][0].as_dict() == reference.as_dict(), i
        assert again[i][0] is not first[i][0]  # a fresh object, not shared
    assert again["no-such-id"] == (None, "no CIF in the dataset")


def test_small_cif_round_trip_by_hand(derived, tmp_path, no_parsing, monkeypatch):
    structure = cif.read_cif(LIF)
    key = "0" * 64
    sc.write_cache(derived, key, {"lif": (structure, None), "bad": (None, "CIF is empty")})
    text = sc.cache_path(derived, key).read_text()
    row = json.loads(text)["rows"]["lif"]
    assert row["sites"][0] == [[["Li", 0.75]], [0.0, 0.0, 0.0], "Li1"]
    assert row["lattice"][0] == pytest.approx([4.03, 0.0, 0.0])
    back = sc.read_cache(derived, key)
    assert back["bad"] == (None, "CIF is empty")
    cell = back["lif"][0]
    assert cell.composition.as_dict() == {"Li": 0.75, "F": 1.0}
    assert cell.lattice.abc == pytest.approx((4.03, 4.03, 4.03)) and cell[0].label == "Li1"


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.update(format=99),  # another layout
        lambda d: d.update(key="1" * 64),  # another archive's cache under this name
        lambda d: d.update(extra=1),
        lambda d: d["rows"]["lif"]["sites"][0][0][0].__setitem__(0, "Xx"),  # not an element
        lambda d: d["rows"]["lif"]["sites"][0][0][0].__setitem__(1, -1.0),  # negative occupancy
        lambda d: d["rows"]["lif"]["sites"][0].__setitem__(1, [0, 0, "0"]),  # a text coordinate
        lambda d: d["rows"]["lif"]["lattice"].__setitem__(0, [1e9, 0, 0]),  # beyond the cif bounds
        lambda d: d["rows"]["lif"].update({"@module": "os"}),  # a decoder hint: refused
        lambda d: d["rows"].update(lif=[1, 2]),
    ],
)
def test_a_damaged_or_foreign_cache_reads_as_none(derived, change):
    key = "0" * 64
    sc.write_cache(derived, key, {"lif": (cif.read_cif(LIF), None)})
    path = sc.cache_path(derived, key)
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))
    assert sc.read_cache(derived, key) is None


def test_damaged_cache_is_parsed_again_and_replaced(derived, tmp_path):
    import tarfile

    archive = tmp_path / "cifs.tar.gz"
    member = tmp_path / "lif.cif"
    member.write_text(LIF)
    with tarfile.open(archive, "w:gz") as tf:
        tf.add(member, arcname="cifs/lif.cif")
    path = sc.cache_path(derived, sc.cache_key(archive))
    derived.mkdir()
    path.write_text("{not json")
    got = sc.parsed_archive(archive, ["lif"], read=read_cif_archive)
    assert got["lif"][0].composition.as_dict() == {"Li": 0.75, "F": 1.0}
    assert sc.read_cache(derived, sc.cache_key(archive))["lif"][0] == got["lif"][0]


def test_a_cell_the_layout_cannot_hold_is_not_cached(derived):
    """Oxidation states or site properties would be lost: nothing is written."""
    ionic = Structure(Lattice.cubic(4.03), ["Li+", "F-"], [[0, 0, 0], [0.5, 0.5, 0.5]])
    spins = Structure(
        Lattice.cubic(4.03), ["Li", "F"], [[0, 0, 0], [0.5, 0.5, 0.5]],
        site_properties={"magmom": [0, 0]},
    )  # fmt: skip
    for cell in (ionic, spins):
        sc.write_cache(derived, "2" * 64, {"x": (cell, None)})
        assert not sc.cache_path(derived, "2" * 64).exists()
