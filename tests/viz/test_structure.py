import numpy as np
import pytest
from pymatgen.core import Lattice, Structure

from ssenb.errors import InvalidInputError
from ssenb.viz import element_color, structure_3d


def test_rock_salt_view():
    s = Structure.from_spacegroup(
        "Fm-3m", Lattice.cubic(4.0), ["Li", "F"], [[0, 0, 0], [0.5, 0.5, 0.5]]
    )
    fig = structure_3d(s)
    names = [t.name for t in fig.data]
    assert names == ["bonds", "unit cell", "Li", "F"]
    li = fig.data[2]
    assert len(li.x) == 4 and li.marker.line.color == "black"  # highlighted
    assert li.marker.color == element_color("Li") != element_color("F")
    cell = fig.data[1]
    assert sum(v is None for v in cell.x) == 12  # 12 edges
    bonds = fig.data[0]
    assert len([v for v in bonds.x if v is not None]) > 0  # Li-F at 2 Å are bonded


def test_disordered_obelix_structure(obelix):
    s = next(x for x in obelix["structure"] if x is not None and not x.is_ordered)
    fig = structure_3d(s)
    assert "disordered" in fig.layout.title.text
    n_atoms = sum(len(t.x) for t in fig.data if t.name not in ("bonds", "unit cell"))
    assert n_atoms == len(s)
    assert any(":" in text for t in fig.data[2:] for text in t.text)  # occupancies in hover
    assert np.isfinite([v for v in fig.data[1].x if v is not None]).all()


def test_crystal_toolkit_scene_as_plotly():
    """Crystal Toolkit draws rock-salt LiF with its periodic images: 14 F and 13 Li in a 4 Å cube."""
    s = Structure.from_spacegroup(
        "Fm-3m", Lattice.cubic(4.0), ["Li", "F"], [[0, 0, 0], [0.5, 0.5, 0.5]]
    )
    fig = structure_3d(s, backend="crystal_toolkit")
    atoms = {t.name: len(t.x) for t in fig.data if t.mode == "markers"}
    assert atoms == {"Li": 14, "F": 13} or atoms == {"Li": 13, "F": 14}
    assert "Crystal Toolkit" in fig.layout.title.text
    edges = next(t for t in fig.data if t.mode == "lines")
    assert sum(v is None for v in edges.x) >= 12  # the cell's edges


def test_bad_input():
    with pytest.raises(InvalidInputError, match="Structure"):
        structure_3d("Li3PS4")
    s = Structure(Lattice.cubic(3.0), ["Li"], [[0, 0, 0]])
    with pytest.raises(InvalidInputError, match="backend="):
        structure_3d(s, backend="vesta")
