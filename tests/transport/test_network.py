"""The migration network: hand-checkable lattices, exact percolation, OBELiX rows."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from pymatgen.core import Lattice, Structure

from ssenb import keys as K
from ssenb.errors import InvalidInputError
from ssenb.transport import PathwayGraph, migration_landscape, pathway_graph


def _cscl_lif(a: float, c: float) -> Structure:
    """F- on the corners of a (tetragonal) cell, Li+ at the body centre."""
    return Structure(Lattice.tetragonal(a, c), ["F", "Li"], [[0, 0, 0], [0.5, 0.5, 0.5]])


def _images(edges) -> set[tuple[int, int, int]]:
    return {tuple(int(v) for v in row) for row in edges[["image_a", "image_b", "image_c"]].values}


def graph_thresholds(graph: PathwayGraph) -> list[float]:
    """1D/2D/3D percolation energies of the periodic graph, computed independently.

    Union-find over nodes with lattice offsets; edges switched on by increasing saddle
    energy; a cycle with a new, linearly independent lattice translation raises the
    dimension of its cluster (the rank of its winding vectors).
    """
    n = len(graph.nodes)
    parent = list(range(n))
    offset = [np.zeros(3, dtype=int) for _ in range(n)]  # node = parent + offset
    basis: dict[int, list[np.ndarray]] = {i: [] for i in range(n)}

    def find(x: int) -> tuple[int, np.ndarray]:
        d = np.zeros(3, dtype=int)
        while parent[x] != x:
            d = d + offset[x]
            x = parent[x]
        return x, d

    def add(root: int, w: np.ndarray) -> None:
        vectors = basis[root]
        if (
            w.any()
            and len(vectors) < 3
            and np.linalg.matrix_rank(np.array([*vectors, w])) > len(vectors)
        ):
            vectors.append(w)

    out: list[float] = []
    edges = graph.edges.sort_values(K.SADDLE_ENERGY, kind="stable")
    for row in edges.itertuples(index=False):
        a, b = int(getattr(row, K.FROM_NODE)), int(getattr(row, K.TO_NODE))
        image = np.array([row.image_a, row.image_b, row.image_c], dtype=int)
        ra, da = find(a)
        rb, db = find(b)
        w = image - db + da  # where rb sits, seen from ra
        if ra == rb:
            add(ra, w)
        else:
            parent[rb], offset[rb] = ra, w
            for v in basis[rb]:
                add(ra, v)
        root, _ = find(a)
        while len(out) < len(basis[root]):
            out.append(float(getattr(row, K.SADDLE_ENERGY)))
        if len(out) == 3:
            break
    return out + [math.inf] * (3 - len(out))


# --- simple cubic Li lattice: every nearest-neighbour hop is the same ------------------
def test_simple_cubic_hops_all_cross_the_face_at_the_barrier(hand_bvse):
    a = 2.4
    s = _cscl_lif(a, a)
    lat = s.lattice
    # Li at the cube centre, saddle at the face centre (4 F at 1.70 Å): by hand
    e_body = hand_bvse(np.array([0.5, 0.5, 0.5]) @ lat.matrix, lat, [[0, 0, 0]])
    e_face = hand_bvse(np.array([0.5, 0.5, 0.0]) @ lat.matrix, lat, [[0, 0, 0]])
    land = migration_landscape(s, resolution=0.096)  # 24 points per axis: both on the grid
    graph = land.pathway_graph()
    (node,) = graph.nodes.itertuples(index=False)  # one Li site, one basin
    assert getattr(node, K.NODE_KIND) == "Li site" and getattr(node, K.ION_SITES) == "1"
    assert (node.a_frac, node.b_frac, node.c_frac) == (0.5, 0.5, 0.5)
    hops = graph.pathway_edges
    assert _images(hops) == {(1, 0, 0), (0, 1, 0), (0, 0, 1)}  # the 6 neighbours, +/- pairs
    saddles = hops[K.SADDLE_ENERGY].to_numpy()
    assert saddles == pytest.approx(e_face - e_body, abs=0.005)
    assert np.ptp(saddles) < 1e-9  # the same energy for every nearest-neighbour hop
    assert saddles == pytest.approx(land.barrier_1d, abs=1e-12)
    assert saddles == pytest.approx(land.barrier_3d, abs=1e-12)
    assert hops[K.HOP_LENGTH].to_numpy() == pytest.approx(a)  # centre -> face -> centre
    faces = hops[["saddle_x_A", "saddle_y_A", "saddle_z_A"]].to_numpy()
    for face, image in zip(faces, hops[["image_a", "image_b", "image_c"]].to_numpy()):
        assert face == pytest.approx(a * (0.5 + 0.5 * image))  # the shared face's centre
    others = graph.edges[~graph.edges[K.IN_PATHWAY]]
    assert (others[K.SADDLE_ENERGY] > land.barrier_3d + 0.5).all()  # edge/corner crossings


def test_tetragonal_cell_hops_differ_by_direction(hand_bvse):
    # a = b = 2.5 Å, c = 2.3 Å: the hop along c crosses the wide 2.5 x 2.5 window
    s = _cscl_lif(2.5, 2.3)
    lat = s.lattice
    e_body = hand_bvse(np.array([0.5, 0.5, 0.5]) @ lat.matrix, lat, [[0, 0, 0]])
    e_cface = hand_bvse(np.array([0.5, 0.5, 0.0]) @ lat.matrix, lat, [[0, 0, 0]])
    e_aface = hand_bvse(np.array([0.0, 0.5, 0.5]) @ lat.matrix, lat, [[0, 0, 0]])
    land = migration_landscape(s, resolution=0.1)
    hops = land.pathway_graph().pathway_edges.set_index(["image_a", "image_b", "image_c"])
    assert hops.loc[(0, 0, 1), K.SADDLE_ENERGY] == pytest.approx(e_cface - e_body, abs=0.005)
    for image in [(1, 0, 0), (0, 1, 0)]:
        assert hops.loc[image, K.SADDLE_ENERGY] == pytest.approx(e_aface - e_body, abs=0.005)
    assert hops.loc[(0, 0, 1), K.SADDLE_ENERGY] == pytest.approx(land.barrier_1d, abs=1e-12)
    assert hops[K.SADDLE_ENERGY].max() == pytest.approx(land.barrier_3d, abs=1e-12)


def test_a_hand_made_landscape_gives_its_saddles_exactly():
    """E = (1 - cos 2πi/8) + 5 (1 - cos 2πj/4) + 5 (1 - cos 2πk/4) eV on an 8 x 4 x 4 grid.

    One minimum at the origin; along a the lowest crossing is i = 4 (E = 2 eV), along b
    and c it is j = 2 or k = 2 (E = 10 eV). With no pathway, no edge is on it.
    """
    from ssenb.transport import _graph

    i, j, k = np.meshgrid(np.arange(8), np.arange(4), np.arange(4), indexing="ij")
    energy = (
        (1 - np.cos(2 * np.pi * i / 8))
        + 5 * (1 - np.cos(2 * np.pi * j / 4))
        + 5 * (1 - np.cos(2 * np.pi * k / 4))
    )
    none = np.zeros(energy.shape, dtype=bool)
    nodes, edges, voxel_node, _ = _graph.network(energy, np.diag([8.0, 4.0, 4.0]), none, -np.inf)
    assert nodes["energy"].tolist() == [0.0] and (voxel_node == 0).all()
    by_image = {tuple(im): e for im, e in zip(edges["image"].tolist(), edges["saddle"])}
    assert by_image[(1, 0, 0)] == pytest.approx(2.0, abs=1e-12)
    assert by_image[(0, 1, 0)] == pytest.approx(10.0, abs=1e-12)
    assert by_image[(0, 0, 1)] == pytest.approx(10.0, abs=1e-12)
    assert min(by_image.values()) == pytest.approx(2.0)
    assert not edges["in_pathway"].any()
    # the hop along a: origin -> (4, 0, 0) -> next cell's origin, 8 Å
    ka = edges["image"].tolist().index([1, 0, 0])
    assert edges["saddle_frac"][ka] == pytest.approx([0.5, 0, 0])
    assert edges["length"][ka] == pytest.approx(8.0)


# --- the graph percolates exactly where the grid does --------------------------------
@pytest.mark.parametrize("row_id", ["wyu", "nhq", "122", "9lo", "fwz"])
def test_graph_percolates_at_the_landscape_barriers(obelix_by_id, row_id):
    land = migration_landscape(obelix_by_id[row_id], resolution=0.2)
    want = [land.barrier_1d, land.barrier_2d, land.barrier_3d]
    exact = land.pathway_graph(min_depth=0.0)
    assert graph_thresholds(exact) == pytest.approx(want, abs=1e-12)
    merged = land.pathway_graph()
    assert len(merged.nodes) <= len(exact.nodes)
    assert graph_thresholds(merged) == pytest.approx(want, abs=merged.min_depth_eV)
    path = merged.pathway_edges
    assert path[K.SADDLE_ENERGY].max() == pytest.approx(merged.level_eV, abs=1e-12)
    on = merged.nodes[K.IN_PATHWAY]
    assert set(path[K.FROM_NODE]) | set(path[K.TO_NODE]) <= set(merged.nodes.index[on])


@pytest.mark.parametrize("row_id", ["wyu", "nhq"])
def test_every_li_site_lies_in_exactly_one_node(obelix_by_id, row_id):
    # LLZO (tetragonal garnet, 56 Li sites) and beta-Li3PS4 (partially occupied Li sites)
    land = migration_landscape(obelix_by_id[row_id], resolution=0.2)
    nodes = land.pathway_graph().nodes
    listed = [int(i) for text in nodes[K.ION_SITES] if text for i in text.split(",")]
    assert sorted(listed) == sorted(land.sites["site"].tolist())
    holding = nodes[nodes[K.ION_SITES] != ""]
    assert (holding[K.NODE_KIND] == "Li site").all()
    assert (nodes.loc[nodes[K.ION_SITES] == "", K.NODE_KIND] == "interstitial").all()
    assert nodes[K.BVSE_ENERGY].iloc[0] == pytest.approx(0.0)  # node 0: the global minimum
    assert nodes[K.BVSE_ENERGY].is_monotonic_increasing


def test_llzo_hops_match_its_barriers(obelix_by_id):
    # tetragonal LLZO at 0.2 Å: 1D 0.43, 3D 0.53 eV (issue 11: bvlain 0.44 / 0.54)
    graph = migration_landscape(obelix_by_id["wyu"], resolution=0.2).pathway_graph()
    path = graph.pathway_edges
    assert graph.dimension == 3 and graph.level_eV == pytest.approx(0.53, abs=0.02)
    assert path[K.SADDLE_ENERGY].max() == pytest.approx(0.53, abs=0.02)
    assert (path[K.HOP_BARRIER] <= path[K.SADDLE_ENERGY] + 1e-12).all()
    assert (path[K.HOP_LENGTH] > 0.5).all() and (path[K.HOP_LENGTH] < 6).all()  # Å


# --- result convention and bad input ---------------------------------------------------
def test_result_frame_html_and_round_trip():
    graph = migration_landscape(_cscl_lif(2.4, 2.4), resolution=0.2).pathway_graph()
    frame = graph.to_frame()
    assert {K.FROM_NODE, K.TO_NODE, K.SADDLE_ENERGY, K.HOP_BARRIER, K.IN_PATHWAY} <= set(frame)
    html = graph._repr_html_()
    assert "migration network of LiF" in html and "eV" in html and "3 of" in html
    back = PathwayGraph.from_dict(json.loads(json.dumps(graph.as_dict())))
    assert back.edges.equals(graph.edges) and back.nodes.equals(graph.nodes)
    assert back.level_eV == graph.level_eV and back.dimension == 3


def test_bad_input_names_the_argument():
    land = migration_landscape(_cscl_lif(2.4, 2.4), resolution=0.2)
    with pytest.raises(InvalidInputError, match="needs a MigrationLandscape"):
        pathway_graph(land.structure)
    with pytest.raises(InvalidInputError, match=r"min_depth=-1 must be a number >= 0 \(eV\)"):
        land.pathway_graph(min_depth=-1)
    with pytest.raises(InvalidInputError, match="max_saddle='high'"):
        land.pathway_graph(max_saddle="high")
    capped = land.pathway_graph(max_saddle=1.0)
    assert (capped.edges[K.SADDLE_ENERGY] <= 1.0).all() and len(capped.pathway_edges) == 3
