"""The migration network: BVSE basins (sites), the saddles between them, and the pathway.

Every grid voxel belongs to the basin of the local minimum that steepest descent on the
periodic 26-connected grid leads it to (ties broken by a strict total order: energy, then
voxel index, so a flat plateau has one minimum). The saddle between two neighbouring
basins, for one lattice translation between them, is the lowest "higher voxel" over all
adjacent voxel pairs that straddle their boundary: ``min over pairs of max(E_u, E_v)``.

This graph is exact with respect to the voxel percolation of :mod:`._kernels`: the
sublevel set ``E <= t`` is connected (with the same winding vectors) exactly when the
basins are joined by edges whose saddle is ``<= t``, so the graph percolates in 1, 2, 3
directions at the landscape's ``barrier_1d/2d/3d``. Everything here is numpy on the whole
grid (about 40 passes), no compiled code.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

#: the 26 neighbour offsets; FORWARD holds one of each +/- pair (13), for edges
OFFSETS = np.array([d for d in itertools.product((-1, 0, 1), repeat=3) if any(d)], dtype=np.int64)
FORWARD = OFFSETS[[tuple(d) > (0, 0, 0) for d in OFFSETS.tolist()]]


def _rolled(array: np.ndarray, d: np.ndarray) -> np.ndarray:
    """``out[i, j, k] = array[i + d0, j + d1, k + d2]`` on the periodic grid."""
    return np.roll(array, shift=(-int(d[0]), -int(d[1]), -int(d[2])), axis=(0, 1, 2))


def _wrap_shift(shape: tuple[int, ...], d: np.ndarray) -> np.ndarray:
    """(n1, n2, n3, 3) int: the lattice translation crossed going from (i, j, k) to + d."""
    out = np.zeros((*shape, 3), dtype=np.int64)
    for ax in range(3):
        idx = np.arange(shape[ax]) + int(d[ax])
        s = (idx >= shape[ax]).astype(np.int64) - (idx < 0).astype(np.int64)
        view = [1, 1, 1]
        view[ax] = shape[ax]
        out[..., ax] = s.reshape(view)
    return out


def basins(energy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Basin root (flat voxel index of its minimum) and the cell shift to reach it.

    Returns ``(root, shift)`` with shapes ``(n,)`` and ``(n, 3)``: steepest descent from
    voxel v in cell 0 ends at minimum ``root[v]`` in the cell translated by ``shift[v]``.
    """
    shape = energy.shape
    n = energy.size
    rank = np.empty(n, dtype=np.int64)
    rank[np.argsort(energy, axis=None, kind="stable")] = np.arange(n)
    rank3 = rank.reshape(shape)
    flat = np.arange(n, dtype=np.int64).reshape(shape)
    best = rank3.copy()
    target = flat.copy()
    shift = np.zeros((*shape, 3), dtype=np.int64)
    for d in OFFSETS:
        r = _rolled(rank3, d)
        lower = r < best
        if lower.any():
            best = np.where(lower, r, best)
            target = np.where(lower, _rolled(flat, d), target)
            shift = np.where(lower[..., None], _wrap_shift(shape, d), shift)
    pointer: np.ndarray = target.ravel()
    offset: np.ndarray = shift.reshape(n, 3)
    while True:  # pointer jumping: log2(longest descent) passes
        nxt = pointer[pointer]
        if np.array_equal(nxt, pointer):
            return pointer, offset
        offset = offset + offset[pointer]
        pointer = nxt


def _edge_candidates(
    energy: np.ndarray, root: np.ndarray, shift: np.ndarray
) -> tuple[np.ndarray, ...]:
    """Every adjacent voxel pair across a basin boundary, as a candidate edge.

    Returns (basin a, basin b, translation of b, crossing energy, crossing position in
    fractional coordinates with a's minimum in the home cell), canonically oriented.
    """
    shape = energy.shape
    n = energy.size
    grid = np.asarray(shape)
    e = energy.ravel()
    flat = np.arange(n, dtype=np.int64)
    frac = np.stack(np.unravel_index(flat, shape), axis=1) / grid
    root3 = root.reshape(shape)
    shift3 = shift.reshape(*shape, 3)
    flat3 = flat.reshape(shape)
    parts: list[tuple[np.ndarray, ...]] = []
    for d in FORWARD:
        wrap = _wrap_shift(shape, d).reshape(n, 3)
        ru = _rolled(root3, d).ravel()
        image = wrap + _rolled(shift3, d).reshape(n, 3) - shift  # b seen from a at the origin
        boundary = (ru != root) | image.any(axis=1)
        if not boundary.any():
            continue
        u = _rolled(flat3, d).ravel()[boundary]
        v = flat[boundary]
        u_higher = e[u] > e[v]
        crossing = np.where(u_higher[:, None], frac[u] + wrap[boundary], frac[v])
        a, b, img, where = _canonical(
            root[boundary], ru[boundary], image[boundary], crossing - shift[boundary]
        )
        saddle = np.where(u_higher, e[u], e[v])
        keep = _lowest_per_edge(a, b, img, saddle)  # reduce per direction: bounded memory
        parts.append((a[keep], b[keep], img[keep], saddle[keep], where[keep]))
    if not parts:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, np.empty((0, 3), np.int64), np.empty(0), np.empty((0, 3))
    a, b, image, saddle, where = (np.concatenate(x) for x in zip(*parts))
    return a, b, image, saddle, where


def _canonical(
    a: np.ndarray, b: np.ndarray, image: np.ndarray, saddle_frac: np.ndarray
) -> tuple[np.ndarray, ...]:
    """Orient each edge a < b, or a == b with the first non-zero translation positive."""
    nz = np.take_along_axis(image, np.argmax(image != 0, axis=1)[:, None], axis=1)[:, 0]
    flip = (a > b) | ((a == b) & (nz < 0))
    return (
        np.where(flip, b, a),
        np.where(flip, a, b),
        np.where(flip[:, None], -image, image),
        np.where(flip[:, None], saddle_frac - image, saddle_frac),
    )


def _lowest_per_edge(
    a: np.ndarray, b: np.ndarray, image: np.ndarray, saddle: np.ndarray
) -> np.ndarray:
    """Indices of the lowest saddle for every distinct (a, b, translation)."""
    if len(a) == 0:
        return np.empty(0, dtype=np.int64)
    span = int(np.abs(image).max(initial=0)) + 1
    width = 2 * span + 1
    code = ((image[:, 0] + span) * width + image[:, 1] + span) * width + image[:, 2] + span
    key = (a * (int(max(a.max(), b.max())) + 1) + b) * width**3 + code
    order = np.lexsort((saddle, key))
    first = np.ones(len(order), dtype=bool)
    first[1:] = key[order][1:] != key[order][:-1]
    return order[first]


def _merge_shallow(
    node_e: np.ndarray, edges: dict[str, np.ndarray], min_depth: float
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Fold minima shallower than ``min_depth`` (eV) into the neighbour they drain to.

    A node whose lowest saddle towards a lower node lies less than ``min_depth`` above
    it is a grid ripple, not a site: it joins that neighbour (repeated until none is
    left). Returns (representative node, its translation, merged edges).
    """
    n = len(node_e)
    rep = np.arange(n)
    off = np.zeros((n, 3), dtype=np.int64)  # node i in cell 0 == rep[i] in cell off[i]
    a, b, img, sad, sfr = (edges[k] for k in ("from", "to", "image", "saddle", "saddle_frac"))
    while len(a):
        # the lowest "downhill" edge of every node (nodes are numbered by energy)
        down_a = b < a  # a drains to b
        src = np.concatenate([a[down_a], b[b > a]])
        dst = np.concatenate([b[down_a], a[b > a]])
        dimg = np.concatenate([img[down_a], -img[b > a]])
        depth = np.concatenate([sad[down_a], sad[b > a]]) - node_e[src]
        keep = depth < min_depth
        if not keep.any():
            break
        order = np.lexsort((depth[keep], src[keep]))
        src, dst, dimg = src[keep][order], dst[keep][order], dimg[keep][order]
        first = np.ones(len(src), dtype=bool)
        first[1:] = src[1:] != src[:-1]
        step_to = np.arange(n)
        step_img = np.zeros((n, 3), dtype=np.int64)
        step_to[src[first]] = dst[first]
        step_img[src[first]] = dimg[first]
        for i in range(n):  # follow chains downhill (targets are always lower: no cycles)
            j, d = i, np.zeros(3, dtype=np.int64)
            while step_to[j] != j:
                d = d + step_img[j]
                j = step_to[j]
            step_to[i], step_img[i] = j, d
        off = off + step_img[rep]
        rep = step_to[rep]
        # rewrite the edges onto representatives: i at the origin == rep at d_i
        da, db = step_img[a], step_img[b]
        sfr = sfr - da
        img = img + db - da
        a, b = step_to[a], step_to[b]
        internal = (a == b) & ~img.any(axis=1)
        a, b, img, sad, sfr = (
            a[~internal],
            b[~internal],
            img[~internal],
            sad[~internal],
            sfr[~internal],
        )
        a, b, img, sfr = _canonical(a, b, img, sfr)
        pick = _lowest_per_edge(a, b, img, sad)
        a, b, img, sad, sfr = a[pick], b[pick], img[pick], sad[pick], sfr[pick]
    return rep, off, {"from": a, "to": b, "image": img, "saddle": sad, "saddle_frac": sfr}


def network(
    energy: np.ndarray,
    lattice: np.ndarray,
    member: np.ndarray,
    level: float,
    *,
    min_depth: float = 0.0,
    max_saddle: float = np.inf,
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """Nodes and edges of the basin graph as column arrays, plus each voxel's node.

    ``member`` marks the percolating voxels and ``level`` (eV) their energy; a node is on
    the pathway when its minimum is, an edge when its node is and its saddle <= level.
    Minima shallower than ``min_depth`` (eV) are folded into their neighbours; edges
    whose saddle lies above ``max_saddle`` (eV) are left out.
    Returns (nodes, edges, node of each voxel, its translation to that node).
    """
    shape = np.asarray(energy.shape)
    root, shift = basins(energy)
    minima = np.unique(root)
    minima = minima[np.argsort(energy.ravel()[minima], kind="stable")]  # node 0: global min
    node_of = np.full(energy.size, -1, dtype=np.int64)
    node_of[minima] = np.arange(len(minima))
    node_frac = np.stack(np.unravel_index(minima, energy.shape), axis=1) / shape
    node_e = energy.ravel()[minima]
    a, b, image, saddle, where = _edge_candidates(energy, root, shift)
    a, b = node_of[a], node_of[b]
    a, b, image, where = _canonical(a, b, image, where)  # node order differs from voxel order
    pick = _lowest_per_edge(a, b, image, saddle)
    raw = {
        "from": a[pick],
        "to": b[pick],
        "image": image[pick],
        "saddle": saddle[pick],
        "saddle_frac": where[pick],
    }
    rep, off, edges = _merge_shallow(node_e, raw, min_depth)
    kept = np.unique(rep)  # representatives, still in energy order
    renumber = np.full(len(minima), -1, dtype=np.int64)
    renumber[kept] = np.arange(len(kept))
    voxel_node = renumber[rep[node_of[root]]]
    voxel_shift = shift + off[node_of[root]]
    member_flat = member.ravel()
    on_path = np.zeros(len(kept), dtype=bool)
    np.logical_or.at(on_path, renumber[rep], member_flat[minima])
    nodes = {"frac": node_frac[kept], "energy": node_e[kept], "member": on_path}
    keep = edges["saddle"] <= max_saddle
    fa, tb = renumber[edges["from"][keep]], renumber[edges["to"][keep]]
    img, sad, sfr = edges["image"][keep], edges["saddle"][keep], edges["saddle_frac"][keep]
    from_frac, to_frac = nodes["frac"][fa], nodes["frac"][tb] + img
    length = np.linalg.norm((sfr - from_frac) @ lattice, axis=1) + np.linalg.norm(
        (to_frac - sfr) @ lattice, axis=1
    )
    out = {
        "from": fa,
        "to": tb,
        "image": img,
        "saddle": sad,
        "hop_barrier": sad - np.minimum(nodes["energy"][fa], nodes["energy"][tb]),
        "saddle_frac": sfr,
        "length": length,
        "in_pathway": on_path[fa] & (sad <= level + 1e-12),
    }
    return nodes, out, voxel_node, voxel_shift


def frames(
    landscape: Any, *, min_depth: float, max_saddle: float
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(nodes, edges) DataFrames of a MigrationLandscape's migration network."""
    import pandas as pd

    from .. import keys as K

    lattice = landscape.structure.lattice.matrix
    shape = landscape.energy.shape
    member = np.zeros(shape, dtype=bool)
    if len(landscape.pathway):
        member[tuple(landscape.pathway.T)] = True
    finite = [
        b
        for b in (landscape.barrier_1d, landscape.barrier_2d, landscape.barrier_3d)
        if np.isfinite(b)
    ]
    level = max(finite) if finite else -np.inf
    nodes, edges, voxel_node, _ = network(
        landscape.energy, lattice, member, level, min_depth=min_depth, max_saddle=max_saddle
    )
    sites: list[list[int]] = [[] for _ in range(len(nodes["energy"]))]
    grid = np.asarray(shape)
    for idx in landscape.sites["site"]:
        frac = np.mod(landscape.structure[int(idx)].frac_coords, 1.0)
        vox = tuple(np.rint(frac * grid).astype(int) % grid)
        sites[int(voxel_node[np.ravel_multi_index(vox, shape)])].append(int(idx))
    cart = nodes["frac"] @ lattice
    node_frame = pd.DataFrame(
        {
            K.NODE: np.arange(len(sites)),
            K.NODE_KIND: [f"{landscape.ion} site" if s else "interstitial" for s in sites],
            K.ION_SITES: [",".join(map(str, s)) for s in sites],
            **{c: nodes["frac"][:, i].round(5) for i, c in enumerate(FRAC)},
            **{c: cart[:, i].round(4) for i, c in enumerate(CART)},
            K.BVSE_ENERGY: nodes["energy"],
            K.IN_PATHWAY: nodes["member"].astype(bool),
        }
    )
    scart = edges["saddle_frac"] @ lattice
    edge_frame = pd.DataFrame(
        {
            K.FROM_NODE: edges["from"],
            K.TO_NODE: edges["to"],
            **{c: edges["image"][:, i] for i, c in enumerate(IMAGE)},
            K.SADDLE_ENERGY: edges["saddle"],
            K.HOP_BARRIER: edges["hop_barrier"],
            K.HOP_LENGTH: edges["length"].round(4),
            **{f"saddle_{c}": scart[:, i].round(4) for i, c in enumerate(CART)},
            K.IN_PATHWAY: edges["in_pathway"].astype(bool),
        }
    )
    edge_frame = edge_frame.sort_values(
        [K.SADDLE_ENERGY, K.FROM_NODE, K.TO_NODE], kind="stable"
    ).reset_index(drop=True)
    return node_frame, edge_frame


CART = ("x_A", "y_A", "z_A")
FRAC = ("a_frac", "b_frac", "c_frac")
IMAGE = ("image_a", "image_b", "image_c")
