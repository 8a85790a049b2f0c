"""Reading CIFs within documented bounds (the OBELiX CIFs all pass)."""

import pytest
from pymatgen.core import Composition

from ssenb.data import cif as C
from ssenb.data import parse_cif, read_cif
from ssenb.data.obelix import read_cif_archive
from ssenb.errors import InvalidInputError

ROCKSALT = """data_LiF
_symmetry_space_group_name_H-M 'F m -3 m'
_cell_length_a 4.03(1)
_cell_length_b 4.03(1)
_cell_length_c 4.03(1)
_cell_angle_alpha 90
_cell_angle_beta 90
_cell_angle_gamma 90
loop_
_symmetry_equiv_pos_as_xyz
{ops}
loop_
_atom_site_label
_atom_site_type_symbol
_atom_site_fract_x
_atom_site_fract_y
_atom_site_fract_z
Li1 Li 0 0 0
F1 F 0.5 0.5 0.5
"""


def _fm3m_ops():
    from pymatgen.symmetry.groups import SpaceGroup

    return "\n".join(f"'{op.as_xyz_str()}'" for op in SpaceGroup("Fm-3m").symmetry_ops)


def test_rocksalt_expands_to_the_conventional_cell():
    """Fm-3m has 192 operations; Li at 4a and F at 4b give 4 + 4 atoms in a 4.03 Å cube."""
    s = read_cif(ROCKSALT.format(ops=_fm3m_ops()))
    assert len(s) == 8
    assert s.composition == Composition("Li4F4")
    assert s.lattice.abc == pytest.approx((4.03, 4.03, 4.03))
    assert s.volume == pytest.approx(4.03**3)


def test_bytes_are_read_like_text():
    text = ROCKSALT.format(ops="'x, y, z'")
    assert read_cif(text.encode()).composition == Composition("LiF")


def test_every_obelix_train_cif_is_inside_the_bounds(mirror):
    cifs = read_cif_archive(mirror / "obelix" / "train_cifs.tar.gz")
    assert len(cifs) == 254
    for key, text in cifs.items():
        structure, reason = parse_cif(text)
        assert reason is None, (key, reason)
        assert len(structure) <= C.MAX_SITES


def test_loop_counter_counts_rows_not_tokens():
    """Two tags, three rows; a quoted value with spaces is one token."""
    text = "loop_\n_a\n_b\n1 'x, y, z'\n2 'p q'\n3 r\n_next 1\n"
    assert list(C._loops(text)) == [(["_a", "_b"], ["1", "'x, y, z'", "2", "'p q'", "3", "r"])]


LIF_P1 = ROCKSALT.format(ops="'x, y, z'")  # one LiF unit, the operations written out


@pytest.mark.parametrize(
    ("content", "match"),
    [
        ("", "the CIF is empty"),
        ("   \n\t", "the CIF is empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(200), "not a text file"),
        ("Li 0 0 0\nF 0.5 0.5 0.5\n", "no data_ block"),
        (LIF_P1.replace("F1 F", "Xx1 Xx"), "Xx0\\+ are not elements"),
    ],
)
def test_what_is_wrong_with_a_cif_is_said_in_ssenbs_words(content, match):
    assert read_cif(LIF_P1).composition.reduced_formula == "LiF"  # the premise
    with pytest.raises(InvalidInputError, match=match):
        read_cif(content)
