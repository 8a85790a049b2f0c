"""The structure view draws what a crystallographer draws; bad or huge cells fail fast.

Expected numbers come from crystallography, not from the code: rock-salt geometry (27 atoms,
54 Li-F bonds of a/2 in the conventional cell), published bond lengths (Zr-O 2.10 Å in
LLZO, Awaka et al., J. Solid State Chem. 182, 2046 (2009); P-S ~2.05 Å in thiophosphates),
and a CIELAB conversion written out here from the sRGB and CIE 1976 definitions.
"""

import itertools
import math
import sys

import numpy as np
import pytest
from pymatgen.core import Composition, Lattice, Structure

from ssenb.errors import InvalidInputError, SsenbWarning
from ssenb.viz import element_color, structure_3d
from ssenb.viz import structure as structure_module
from ssenb.viz._structure_scene import _charge_balance_roles, element_roles

A_LIF = 4.027  # Å, LiF lattice parameter


def lif() -> Structure:
    return Structure.from_spacegroup(
        "Fm-3m", Lattice.cubic(A_LIF), ["Li", "F"], [[0, 0, 0], [0.5, 0.5, 0.5]]
    )


def atoms_by_element(fig) -> dict[str, np.ndarray]:
    """Drawn atom positions (Å) per element, from the atom traces (meta has 'occupancy')."""
    out: dict[str, list] = {}
    for t in fig.data:
        if t.type == "scatter3d" and t.meta and "occupancy" in t.meta:
            out.setdefault(t.meta["element"], []).extend(zip(t.x, t.y, t.z))
    return {el: np.array(v, float) for el, v in out.items()}


def bonds_by_pair(fig) -> dict[tuple[str, str], list[float]]:
    """Bond lengths (Å) per element pair, by matching segment ends to drawn atoms.

    A mixed site (e.g. Ge/P) counts for each of its elements.
    """
    atoms = atoms_by_element(fig)
    traces = [t for t in fig.data if t.name in ("bonds", "bonds to partly occupied sites")]
    x, y, z = (
        np.array([v for t in traces for v in getattr(t, axis) if v is not None], float)
        for axis in "xyz"
    )
    out: dict[tuple[str, str], list[float]] = {}
    for a, b in np.column_stack([x, y, z]).reshape(-1, 2, 3):
        at_a = [el for el, xyz in atoms.items() if np.isclose(xyz, a).all(axis=1).any()]
        at_b = [el for el, xyz in atoms.items() if np.isclose(xyz, b).all(axis=1).any()]
        assert at_a and at_b, "a bond end is not on a drawn atom"
        for ea, eb in itertools.product(at_a, at_b):
            out.setdefault(tuple(sorted((ea, eb))), []).append(float(np.linalg.norm(a - b)))
    return out


@pytest.fixture(scope="module")
def by_formula(obelix) -> dict[str, Structure]:
    out: dict[str, Structure] = {}
    for s in obelix["structure"]:
        if s is not None:
            out.setdefault(s.composition.reduced_formula, s)
    return out


# --- boundary images and whole bonds --------------------------------------------------


def test_rock_salt_shows_the_full_conventional_cell_with_whole_bonds():
    fig = structure_3d(lif())
    atoms = atoms_by_element(fig)
    # Li at the 8 corners + 6 face centres, F at the 12 edge centres + body centre
    assert (len(atoms["Li"]), len(atoms["F"])) == (14, 13)
    bonds = bonds_by_pair(fig)
    assert set(bonds) == {("F", "Li")}
    # the 3x3x3 grid of half-cell points has 3 x 9 x 2 = 54 nearest-neighbour segments
    assert len(bonds[("F", "Li")]) == 54
    assert np.allclose(bonds[("F", "Li")], A_LIF / 2)  # whole bonds, no half-bond stubs
    lo, hi = np.vstack(list(atoms.values())).min(0), np.vstack(list(atoms.values())).max(0)
    assert np.allclose(lo, 0) and np.allclose(hi, A_LIF)  # nothing outside the cell
    assert fig.layout.scene.aspectmode == "data"


def test_highlight_colours_and_legend():
    fig = structure_3d(lif())
    li = next(t for t in fig.data if t.name == "Li")
    f = next(t for t in fig.data if t.name == "F")
    assert li.marker.line.color == "black" and f.marker.line.color != "black"
    assert li.marker.color == element_color("Li") != element_color("F")
    # ionic sizes: F- (1.19 Å) larger than Li+ (0.90 Å) before Li is enlarged as highlight
    plain = structure_3d(lif(), highlight=None)
    size = {t.name: np.max(t.marker.size) for t in plain.data if t.meta and "occupancy" in t.meta}
    assert size["F"] > size["Li"]
    cell = next(t for t in fig.data if t.name == "unit cell")
    assert sum(v is None for v in cell.x) == 12  # 12 edges


# --- bonds: cation-anion only, at the right lengths -------------------------------------


def test_llzo_bonds_are_cation_anion_only(by_formula):
    llzo = by_formula["Li7La3Zr2O12"]
    bonds = bonds_by_pair(structure_3d(llzo, polyhedra=False))
    assert set(bonds) == {("Li", "O"), ("La", "O"), ("O", "Zr")}  # no Li-Li, La-Zr, O-O
    assert np.allclose(bonds[("O", "Zr")], 2.10, atol=0.05)  # ZrO6, Awaka 2009: 2.10 Å
    assert 2.4 < np.min(bonds[("La", "O")]) and np.max(bonds[("La", "O")]) < 2.7  # LaO8
    assert 1.8 < np.min(bonds[("Li", "O")]) and np.max(bonds[("Li", "O")]) < 2.6


def test_thiophosphate_bonds(by_formula):
    bonds = bonds_by_pair(structure_3d(by_formula["Li3PS4"], polyhedra=False))
    assert set(bonds) == {("Li", "S"), ("P", "S")}
    # PS4 bonds are ~2.05 Å; this CIF's own P-S distances run 1.91-2.25 Å, Li-S 2.4-2.7
    assert 1.85 < np.min(bonds[("P", "S")]) and np.max(bonds[("P", "S")]) < 2.3
    assert np.max(bonds[("Li", "S")]) < 3.3


def test_lgps_bond_lengths(by_formula):
    bonds = bonds_by_pair(structure_3d(by_formula["Li10Ge(PS6)2"], polyhedra=False))
    assert {("Ge", "S"), ("P", "S"), ("Li", "S")} <= set(bonds)
    assert not {pair for pair in bonds if "S" not in pair}  # no cation-cation pair
    # Kamaya et al., Nat. Mater. 10, 682 (2011): P(2b)-S ~2.05 Å, (Ge/P)(4d)-S ~2.15 Å
    assert abs(np.min(bonds[("P", "S")]) - 2.05) < 0.1
    assert abs(np.median(bonds[("Ge", "S")]) - 2.15) < 0.1


def test_roles_by_charge_balance():
    roles = {
        "Li3PS4": {"P": 1, "S": -1},
        "Li2SO4": {"S": 1, "O": -1},  # sulfate: S is the cation
        "Li3PO3S": {"P": 1, "O": -1, "S": -1},  # oxysulfide: S is an anion
        "Li6PS5Cl": {"P": 1, "S": -1, "Cl": -1},
        "LiBH4": {"B": 1, "H": -1},
        "LiNH2": {"N": -1, "H": 1},
        "Li3N": {"N": -1},
        "Li4GeS4": {"Ge": 1, "S": -1},
        "Li6.4La3Zr1.4Ta0.6O12": {"La": 1, "Zr": 1, "Ta": 1, "O": -1},  # fractional amounts
        "LiClO4": {"Cl": 1, "O": -1},
        "LiNO3": {"N": 1, "O": -1},
        "Li3OCl": {"O": -1, "Cl": -1},  # antiperovskite
        "Li7BiO6": {"Bi": 1, "O": -1},  # Bi5+, not among Bi's common states
        "Li15Si4": {"Si": -1},  # Zintl phase
        "Li5.22Hf12.192P18O72": {"Hf": 1, "P": 1, "O": -1},  # a CIF's non-neutral occupancies
    }
    for formula, expected in roles.items():
        got = _charge_balance_roles(Composition(formula))
        assert got["Li"] == 1, formula
        assert {el: got[el] for el in expected} == expected, formula
    assert set(_charge_balance_roles(Composition("LiAl")).values()) == {1}  # alloy: no anions


def test_stored_oxidation_states_decide_roles():
    s = lif()
    s.add_oxidation_state_by_element({"Li": 1, "F": -1})
    roles, source = element_roles(s)
    assert roles == {"Li": 1, "F": -1} and "stored" in source
    assert len(bonds_by_pair(structure_3d(s))[("F", "Li")]) == 54


def test_metal_has_no_bonds():
    li = Structure(Lattice.cubic(3.51), ["Li", "Li"], [[0, 0, 0], [0.5, 0.5, 0.5]])
    bonds = next(t for t in structure_3d(li).data if t.name == "bonds")
    assert len(bonds.x) == 0  # bcc Li: no cation-anion pairs, so no Li-Li bonds


# --- polyhedra --------------------------------------------------------------------------


def test_llzo_zro6_octahedra(by_formula):
    llzo = by_formula["Li7La3Zr2O12"]
    fig = structure_3d(llzo)
    meshes = {t.meta["species"]: t for t in fig.data if t.type == "mesh3d"}
    assert set(meshes) == {"La", "Zr"}  # LaO8 and ZrO6; never Li
    zr = meshes["Zr"]
    n = zr.meta["polyhedra"]
    n_zr = len(atoms_by_element(fig)["Zr"])
    assert n == n_zr >= 16  # one octahedron per drawn Zr (16 in the cell, plus face images)
    assert len(zr.x) == 6 * n and len(zr.i) == 8 * n  # 6 corners, 8 triangular faces each
    verts = np.column_stack([zr.x, zr.y, zr.z]).reshape(n, 6, 3)
    centres = verts.mean(axis=1)  # a regular-ish octahedron's centroid is its Zr
    assert np.allclose(np.linalg.norm(verts - centres[:, None], axis=2), 2.10, atol=0.1)


def test_thiophosphate_tetrahedra_and_the_switch(by_formula):
    s = by_formula["Li3PS4"]
    fig = structure_3d(s)
    (p,) = [t for t in fig.data if t.type == "mesh3d"]
    n = p.meta["polyhedra"]
    assert p.meta["species"] == "P" and n >= 4  # Z = 4 PS4 per cell
    assert len(p.x) == 4 * n and len(p.i) == 4 * n  # tetrahedra
    assert not [t for t in structure_3d(s, polyhedra=False).data if t.type == "mesh3d"]
    llzo = by_formula["Li7La3Zr2O12"]
    only_zr = [
        t.meta["species"] for t in structure_3d(llzo, polyhedra=["Zr"]).data if t.type == "mesh3d"
    ]
    assert only_zr == ["Zr"]
    with pytest.raises(InvalidInputError, match="not element symbols"):
        structure_3d(s, polyhedra=["PS4"])
    with pytest.raises(InvalidInputError, match="polyhedra=4; pass True, False or a list"):
        structure_3d(s, polyhedra=4)


# --- the picture fills the figure; the legend fits ---------------------------------------

#: plotly.js gl3d: perspective camera with a 45° vertical field of view; with aspectmode
#: "data" each axis is scaled to its range / the geometric mean of the three ranges and
#: centred on the middle of the data's bounds. Default eye: (1.25, 1.25, 1.25).
FOVY = math.pi / 4


def screen_extent(fig) -> tuple[float, float]:
    """Largest |vertical| and |horizontal| screen offset of any drawn point, as a fraction
    of the half field of view (1 = the edge of a square plot), by plotly.js's projection."""
    pts = np.array(
        [
            (x, y, z)
            for t in fig.data
            if t.type in ("scatter3d", "mesh3d")
            for x, y, z in zip(t.x, t.y, t.z)
            if x is not None
        ],
        float,
    )
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    p = (pts - (lo + hi) / 2) / np.exp(np.log(hi - lo).mean())
    e = fig.layout.scene.camera.eye
    eye = np.array([1.25, 1.25, 1.25] if e.x is None else [e.x, e.y, e.z])
    forward = -eye / np.linalg.norm(eye)
    right = np.cross(forward, [0.0, 0.0, 1.0])
    right /= np.linalg.norm(right)
    up = np.cross(right, forward)
    rel = p - eye
    depth = rel @ forward
    scale = math.tan(FOVY / 2) * depth
    return float(np.abs(rel @ up / scale).max()), float(np.abs(rel @ right / scale).max())


@pytest.mark.parametrize("formula", ["Li7La3Zr2O12", "Li26.4592Ge2.4584P1.5416S20I4", "Li3PS4"])
def test_structure_fills_the_plot(by_formula, formula):
    """The drawing reaches 85-95 % of the way to the edge of a square plot (plotly's
    default camera left LLZO at 78 %, and pushed Li3PS4's corners to 98 %)."""
    vertical, horizontal = screen_extent(structure_3d(by_formula[formula]))
    assert 0.85 <= max(vertical, horizontal) <= 0.95


def test_small_cell_fills_the_plot_too():
    vertical, horizontal = screen_extent(structure_3d(lif()))
    assert 0.85 <= max(vertical, horizontal) <= 0.95


def test_legend_has_one_entry_per_element_and_fits(by_formula):
    """LGPS-type Li-Ge-P-S-I CIF with occupancy bins 0.1-1: one legend entry per element
    (it had 11 atom entries and was cut off at 450 px)."""
    fig = structure_3d(by_formula["Li26.4592Ge2.4584P1.5416S20I4"])
    atoms = [t for t in fig.data if t.meta and "occupancy" in t.meta]
    shown = [t for t in atoms if t.showlegend is not False]
    assert sorted(t.meta["element"] for t in shown) == ["Ge", "I", "Li", "P", "S"]
    li = next(t for t in shown if t.meta["element"] == "Li")
    assert li.name == "Li (occ. 0.1–0.4)"  # the range of its bins, as drawn
    assert {t.legendgroup for t in atoms if t.meta["element"] == "Li"} == {"Li"}  # one toggle
    entries = [t for t in fig.data if t.showlegend is not False and (t.x is None or len(t.x) > 0)]
    # plotly needs about 20 px per 11 px legend line: 450 px high figure, 40 px title
    assert fig.layout.legend.font.size <= 11 and len(entries) * 20 <= 450 - 40
    assert fig.layout.legend.yanchor == "top" and fig.layout.legend.y == 1


# --- disorder ---------------------------------------------------------------------------


def test_partial_occupancy_is_translucent():
    s = Structure(
        Lattice.cubic(4.0),
        [{"Li": 0.5}, "F"],
        [[0, 0, 0], [0.5, 0.5, 0.5]],
    )
    fig = structure_3d(s)
    li = next(t for t in fig.data if t.meta and t.meta.get("element") == "Li")
    assert li.meta["occupancy"] == 0.5 and li.marker.opacity == 0.5
    assert "occ." in li.name
    assert "Li 0.5" in li.text[0] and "vacancy 0.5" in li.text[0]
    f = next(t for t in fig.data if t.name == "F")
    assert f.marker.opacity == 1.0


def test_lgps_mixed_site(by_formula):
    s = by_formula["Li10Ge(PS6)2"]
    fig = structure_3d(s)
    assert "disordered" in fig.layout.title.text
    # Li sites are all partly occupied: their bonds are drawn faint, P-S bonds in full
    faint = next(t for t in structure_3d(s, polyhedra=False).data if "partly" in t.name)
    full = next(t for t in structure_3d(s, polyhedra=False).data if t.name == "bonds")
    assert faint.line.color != full.line.color and len(faint.x) > 0 and len(full.x) > 0
    atom_traces = [t for t in fig.data if t.meta and "occupancy" in t.meta]
    assert all(t.marker.opacity == max(t.meta["occupancy"], 0.2) for t in atom_traces)
    assert any(t.meta["element"] == "Ge" and t.meta["occupancy"] == 0.5 for t in atom_traces)
    species = {t.meta["species"] for t in fig.data if t.type == "mesh3d"}
    assert "Ge/P" in species  # the 4d site shared by Ge and P (Kamaya 2011)
    # every species of every drawn site appears once
    n_drawn_li = sum(len(t.x) for t in atom_traces if t.meta["element"] == "Li")
    assert n_drawn_li >= sum(1 for site in s if "Li" in site.species.chemical_system)


# --- colours ----------------------------------------------------------------------------


def _lab(rgb) -> np.ndarray:
    """CIELAB (D65) of an sRGB colour, from the sRGB and CIE 1976 definitions."""
    c = np.array(rgb, float) / 255
    c = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    m = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    xyz = m @ c / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def _delta_e(a: str, b: str) -> float:
    def rgb(css):
        return [int(v) for v in css[4:-1].split(",")]

    return float(np.linalg.norm(_lab(rgb(a)) - _lab(rgb(b))))


def test_jmol_la_and_zr_are_too_close_for_the_threshold():
    """The threshold below catches the reported clash: Jmol's La and Zr pale blues."""
    assert _delta_e("rgb(112,212,255)", "rgb(148,224,224)") < 25


@pytest.mark.parametrize(
    ("family", "min_delta_e"),
    [
        ("La Zr Li O S P Ge Cl", 25),  # the elements named in the issue
        ("Li La Zr Ta O Al Ga", 18),  # doped garnets
        ("Li P S Cl Br I Se", 18),  # argyrodites
        ("Li Ge P S Si Sn Cl", 18),  # LGPS family
        ("Li Y In Sc Zr Cl Br I Hf", 18),  # halides
        ("Li P O N B H F", 18),  # LiPON, borohydrides
    ],
)
def test_elements_that_occur_together_have_distinct_colours(family, min_delta_e):
    for a, b in itertools.combinations(family.split(), 2):
        de = _delta_e(element_color(a), element_color(b))
        assert de >= min_delta_e, f"{a} {element_color(a)} vs {b} {element_color(b)}: ΔE {de:.1f}"


# --- guards -----------------------------------------------------------------------------


@pytest.fixture
def no_neighbour_search(monkeypatch):
    """Fail the test if the view reaches pymatgen's neighbour search."""

    def refuse(*args, **kwargs):
        raise AssertionError("the neighbour search ran before the size guard")

    monkeypatch.setattr(Structure, "get_neighbor_list", refuse)


def test_huge_cell_edge_fails_fast(no_neighbour_search):
    s = Structure(Lattice.orthorhombic(1e9, 4, 4), ["Li", "F"], [[0, 0, 0], [0.5, 0.5, 0.5]])
    with pytest.raises(
        InvalidInputError, match=r"1e\+09 Å exceeds MAX_LATTICE_LENGTH_A = 200 Å.*smaller cell"
    ):
        structure_3d(s)
    with pytest.raises(InvalidInputError, match="MAX_LATTICE_LENGTH_A"):
        structure_3d(s, backend="crystal_toolkit")  # guarded before Crystal Toolkit too


def test_too_many_sites_fails_fast(no_neighbour_search):
    rng = np.random.default_rng(0)
    s = Structure(Lattice.cubic(190), ["Li"] * 50_000, rng.random((50_000, 3)))
    with pytest.raises(InvalidInputError, match=r"50000 sites exceed MAX_SITES = 2000"):
        structure_3d(s)


def test_overlapping_sites_fail_fast(no_neighbour_search):
    s = Structure(Lattice.cubic(3.0), ["Li", "F"] * 500, [[0.1, 0.1, 0.1]] * 1000)
    with pytest.raises(InvalidInputError, match="MAX_NEIGHBOR_PAIRS"):
        structure_3d(s)


def test_drawn_atom_limit(monkeypatch):
    from ssenb.viz import _structure_scene

    monkeypatch.setattr(_structure_scene, "MAX_DRAWN_ATOMS", 20)
    with pytest.raises(InvalidInputError, match=r"27 atoms to draw .* MAX_DRAWN_ATOMS = 20"):
        structure_3d(lif())  # 8 sites become 27 atoms with their boundary images


def test_limits_are_documented_constants():
    assert structure_module.MAX_SITES == 2_000
    assert structure_module.MAX_LATTICE_LENGTH_A == 200.0
    for name in ("MAX_SITES", "MAX_LATTICE_LENGTH_A", "MAX_NEIGHBOR_PAIRS", "MAX_DRAWN_ATOMS"):
        assert name in structure_module.__all__


def test_bad_input():
    with pytest.raises(InvalidInputError, match="needs a pymatgen Structure, not str"):
        structure_3d("Li3PS4")
    s = Structure(Lattice.cubic(3.0), ["Li"], [[0, 0, 0]])
    with pytest.raises(InvalidInputError, match="backend='vesta'"):
        structure_3d(s, backend="vesta")


# --- overlay and Crystal Toolkit --------------------------------------------------------


def test_overlay_keeps_existing_traces_and_true_proportions():
    import plotly.graph_objects as go

    base = go.Figure(go.Scatter3d(x=[0, 1], y=[0, 1], z=[0, 1], name="pathway"))
    fig = structure_3d(lif(), fig=base, bonds=False)
    assert fig is base and fig.data[0].name == "pathway"
    assert not [t for t in fig.data if t.name == "bonds"]
    assert fig.layout.scene.aspectmode == "data"


def test_missing_crystal_toolkit_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "crystal_toolkit", None)  # import now raises ImportError
    with pytest.warns(SsenbWarning, match=r"not installed.*pip install 'ssenb\[ct\]'"):
        fig = structure_3d(lif(), backend="crystal_toolkit")
    assert {"Li", "F", "unit cell"} <= {t.name for t in fig.data}  # ssenb's view instead


def test_crystal_toolkit_scene_as_plotly():
    pytest.importorskip("crystal_toolkit", reason="optional extra: pip install 'ssenb[ct]'")
    """Crystal Toolkit draws rock-salt LiF with its periodic images: 14 + 13 atoms."""
    pytest.importorskip("crystal_toolkit")
    fig = structure_3d(lif(), backend="crystal_toolkit")
    atoms = {t.name: len(t.x) for t in fig.data if t.mode == "markers"}
    assert sorted(atoms.values()) == [13, 14]
    assert "Crystal Toolkit" in fig.layout.title.text
