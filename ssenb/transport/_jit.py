"""numba kernels (imported only when a landscape is computed; see ``_kernels``).

Module-level ``njit(cache=True)`` functions, so the machine code is cached next to this
file after the first compilation (~10-20 s) and later processes load it in well under 1 s.
"""

from __future__ import annotations

import math

import numba
import numpy as np

KIND_MORSE = 0
KIND_COULOMB = 1


@numba.njit(cache=True, nogil=True)
def energy_grid(
    shape: np.ndarray,
    lattice: np.ndarray,
    inv_lattice: np.ndarray,
    positions: np.ndarray,
    types: np.ndarray,
    weights: np.ndarray,
    tables: np.ndarray,
    inv_step: np.ndarray,
    cutoffs: np.ndarray,
) -> np.ndarray:
    """Sum over atoms of their tabulated pair term, linear in r^2, on the periodic grid.

    ``shape`` (3,) grid points; ``lattice`` rows are the cell vectors (Å) and
    ``inv_lattice`` its inverse; ``positions`` (m, 3) Cartesian Å; ``types`` picks each
    atom's row of ``tables`` (eV on a uniform r^2 grid, ``inv_step`` 1/Å^2 per point,
    ``cutoffs`` Å); ``weights`` are site occupancies. Returns eV on the grid.
    """
    n1, n2, n3 = shape[0], shape[1], shape[2]
    grid = np.zeros((n1, n2, n3))
    ca = lattice[0] / n1
    cb = lattice[1] / n2
    cc = lattice[2] / n3
    cc2 = cc[0] * cc[0] + cc[1] * cc[1] + cc[2] * cc[2]
    h = np.empty(3)
    for ax in range(3):  # fractional half-extent of a sphere of radius 1 along each axis
        h[ax] = math.sqrt(
            inv_lattice[0, ax] ** 2 + inv_lattice[1, ax] ** 2 + inv_lattice[2, ax] ** 2
        )
    last = tables.shape[1] - 2
    for t in range(positions.shape[0]):
        x = positions[t]
        typ = types[t]
        rc = cutoffs[typ]
        table = tables[typ]
        inv = inv_step[typ]
        w = weights[t]
        f = x[0] * inv_lattice[0] + x[1] * inv_lattice[1] + x[2] * inv_lattice[2]
        i0 = math.floor((f[0] - rc * h[0]) * n1)
        i1 = math.ceil((f[0] + rc * h[0]) * n1)
        j0 = math.floor((f[1] - rc * h[1]) * n2)
        j1 = math.ceil((f[1] + rc * h[1]) * n2)
        rc2 = rc * rc
        for i in range(i0, i1 + 1):
            ii = i % n1
            for j in range(j0, j1 + 1):
                jj = j % n2
                p0 = i * ca + j * cb - x
                # k range where |p0 + k cc| <= rc (a quadratic in k)
                bq = p0[0] * cc[0] + p0[1] * cc[1] + p0[2] * cc[2]
                cq = p0[0] * p0[0] + p0[1] * p0[1] + p0[2] * p0[2] - rc2
                disc = bq * bq - cc2 * cq
                if disc < 0.0:
                    continue
                sq = math.sqrt(disc)
                k0 = math.ceil((-bq - sq) / cc2)
                k1 = math.floor((-bq + sq) / cc2)
                row = grid[ii, jj]
                for k in range(k0, k1 + 1):
                    dx = p0[0] + k * cc[0]
                    dy = p0[1] + k * cc[1]
                    dz = p0[2] + k * cc[2]
                    u = (dx * dx + dy * dy + dz * dz) * inv
                    m = int(u)
                    if m > last:
                        m = last
                    frac = u - m
                    row[k % n3] += w * (table[m] + frac * (table[m + 1] - table[m]))
    return grid


@numba.njit(cache=True, nogil=True)
def _find(parent: np.ndarray, off: np.ndarray, v: int, out: np.ndarray) -> int:
    """Root of voxel ``v`` (union-find with path compression); its cell offset -> ``out``."""
    r = v
    t0 = 0
    t1 = 0
    t2 = 0
    while parent[r] != r:
        t0 += off[r, 0]
        t1 += off[r, 1]
        t2 += off[r, 2]
        r = parent[r]
    # path compression, keeping offsets relative to the new parent (the root)
    x = v
    r0, r1, r2 = t0, t1, t2
    while parent[x] != r and parent[x] != x:
        nxt = parent[x]
        o0, o1, o2 = off[x, 0], off[x, 1], off[x, 2]
        parent[x] = r
        off[x, 0], off[x, 1], off[x, 2] = r0, r1, r2
        r0 -= o0
        r1 -= o1
        r2 -= o2
        x = nxt
    out[0], out[1], out[2] = t0, t1, t2
    return r


@numba.njit(cache=True, nogil=True)
def _add_winding(basis: np.ndarray, rank: np.ndarray, root: int, w0: int, w1: int, w2: int) -> None:
    """Add the winding vector (w0, w1, w2) to ``root``'s basis if it raises the rank."""
    k = rank[root]
    if (w0 == 0 and w1 == 0 and w2 == 0) or k >= 3:
        return
    if k == 0:
        pass
    elif k == 1:
        b = basis[root, 0]
        c0 = b[1] * w2 - b[2] * w1
        c1 = b[2] * w0 - b[0] * w2
        c2 = b[0] * w1 - b[1] * w0
        if c0 == 0 and c1 == 0 and c2 == 0:
            return
    else:
        b = basis[root, 0]
        d = basis[root, 1]
        c0 = b[1] * d[2] - b[2] * d[1]
        c1 = b[2] * d[0] - b[0] * d[2]
        c2 = b[0] * d[1] - b[1] * d[0]
        if c0 * w0 + c1 * w1 + c2 * w2 == 0:
            return
    basis[root, k, 0] = w0
    basis[root, k, 1] = w1
    basis[root, k, 2] = w2
    rank[root] = k + 1


@numba.njit(cache=True, nogil=True)
def percolate(
    energy: np.ndarray, order: np.ndarray, emax: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Scan voxels by energy up to ``emax`` (eV); thresholds (3,), roots, ranks, shifts."""
    n1, n2, n3 = energy.shape
    nvox = n1 * n2 * n3
    flat = energy.ravel()
    parent = -np.ones(nvox, dtype=np.int64)  # -1: not yet switched on
    off = np.zeros((nvox, 3), dtype=np.int32)
    size = np.zeros(nvox, dtype=np.int32)
    rank = np.zeros(nvox, dtype=np.int8)
    basis = np.zeros((nvox, 3, 3), dtype=np.int32)
    thresholds = np.full(3, np.inf)
    ta = np.zeros(3, dtype=np.int64)
    tb = np.zeros(3, dtype=np.int64)
    found = 0
    for idx in range(order.shape[0]):
        v = order[idx]
        ev = flat[v]
        if ev > emax:
            break
        parent[v] = v
        size[v] = 1
        i = v // (n2 * n3)
        j = (v // n3) % n2
        k = v % n3
        for di in range(-1, 2):
            for dj in range(-1, 2):
                for dk in range(-1, 2):
                    if di == 0 and dj == 0 and dk == 0:
                        continue
                    ni = i + di
                    nj = j + dj
                    nk = k + dk
                    s0 = 0
                    s1 = 0
                    s2 = 0
                    if ni < 0:
                        ni += n1
                        s0 = -1
                    elif ni >= n1:
                        ni -= n1
                        s0 = 1
                    if nj < 0:
                        nj += n2
                        s1 = -1
                    elif nj >= n2:
                        nj -= n2
                        s1 = 1
                    if nk < 0:
                        nk += n3
                        s2 = -1
                    elif nk >= n3:
                        nk -= n3
                        s2 = 1
                    u = (ni * n2 + nj) * n3 + nk
                    if parent[u] < 0:
                        continue
                    # edge: v@0 ~ u@s
                    ra = _find(parent, off, v, ta)
                    rb = _find(parent, off, u, tb)
                    w0 = s0 + tb[0] - ta[0]
                    w1 = s1 + tb[1] - ta[1]
                    w2 = s2 + tb[2] - ta[2]
                    if ra == rb:
                        _add_winding(basis, rank, ra, w0, w1, w2)
                    else:
                        # ra@0 ~ rb@w; attach the smaller cluster under the larger
                        if size[ra] < size[rb]:
                            ra, rb = rb, ra
                            w0, w1, w2 = -w0, -w1, -w2
                        parent[rb] = ra
                        off[rb, 0], off[rb, 1], off[rb, 2] = -w0, -w1, -w2
                        size[ra] += size[rb]
                        for m in range(rank[rb]):
                            _add_winding(
                                basis,
                                rank,
                                ra,
                                basis[rb, m, 0],
                                basis[rb, m, 1],
                                basis[rb, m, 2],
                            )
                    rr = _find(parent, off, v, ta)
                    while found < rank[rr]:
                        thresholds[found] = ev
                        found += 1
        if found >= 3:
            break
    roots = -np.ones(nvox, dtype=np.int64)
    shifts = np.zeros((nvox, 3), dtype=np.int32)
    for v in range(nvox):
        if parent[v] >= 0:
            roots[v] = _find(parent, off, v, ta)
            shifts[v, 0], shifts[v, 1], shifts[v, 2] = ta[0], ta[1], ta[2]
    return thresholds, roots, rank, shifts


@numba.njit(cache=True, nogil=True)
def winding_loop(
    member: np.ndarray, shape: np.ndarray, source: int
) -> tuple[np.ndarray, np.ndarray]:
    """Shortest (in steps) closed loop from ``source`` that winds around the cell.

    BFS inside ``member`` (a boolean voxel mask); returns the voxel sequence and the
    cell shift of each voxel along the unwrapped loop, or empty arrays.
    """
    n1, n2, n3 = shape[0], shape[1], shape[2]
    nvox = n1 * n2 * n3
    seen = np.zeros(nvox, dtype=np.bool_)
    pred = -np.ones(nvox, dtype=np.int64)
    acc = np.zeros((nvox, 3), dtype=np.int64)
    queue = np.empty(nvox, dtype=np.int64)
    head = 0
    tail = 0
    queue[tail] = source
    tail += 1
    seen[source] = True
    hit_u = -1
    hit_x = -1
    while head < tail and hit_u < 0:
        v = queue[head]
        head += 1
        i = v // (n2 * n3)
        j = (v // n3) % n2
        k = v % n3
        for di in range(-1, 2):
            for dj in range(-1, 2):
                for dk in range(-1, 2):
                    if di == 0 and dj == 0 and dk == 0:
                        continue
                    ni, nj, nk = i + di, j + dj, k + dk
                    s0 = int(ni >= n1) - int(ni < 0)
                    s1 = int(nj >= n2) - int(nj < 0)
                    s2 = int(nk >= n3) - int(nk < 0)
                    u = ((ni % n1) * n2 + nj % n2) * n3 + nk % n3
                    if not member[u]:
                        continue
                    a0, a1, a2 = acc[v, 0] + s0, acc[v, 1] + s1, acc[v, 2] + s2
                    if not seen[u]:
                        seen[u] = True
                        pred[u] = v
                        acc[u, 0], acc[u, 1], acc[u, 2] = a0, a1, a2
                        queue[tail] = u
                        tail += 1
                    elif a0 != acc[u, 0] or a1 != acc[u, 1] or a2 != acc[u, 2]:
                        hit_u = v
                        hit_x = u
                        break
                if hit_u >= 0:
                    break
            if hit_u >= 0:
                break
    if hit_u < 0:
        return np.empty(0, dtype=np.int64), np.empty((0, 3), dtype=np.int64)
    # source -> ... -> hit_u -> hit_x(image) -> ... back to source(image)
    first = []
    x = hit_u
    while x >= 0:
        first.append(x)
        x = pred[x]
    second = []
    x = hit_x
    while x >= 0:
        second.append(x)
        x = pred[x]
    n_first = len(first)
    n_second = len(second)
    path = np.empty(n_first + n_second, dtype=np.int64)
    shift = np.zeros((n_first + n_second, 3), dtype=np.int64)
    for m in range(n_first):
        path[m] = first[n_first - 1 - m]
        shift[m] = acc[path[m]]
    # the image of hit_x reached from hit_u sits at acc[hit_u] + s; walk back to source
    v = hit_u
    i = v // (n2 * n3)
    j = (v // n3) % n2
    k = v % n3
    # recover the step shift from hit_u to hit_x
    best0, best1, best2 = 0, 0, 0
    for di in range(-1, 2):
        for dj in range(-1, 2):
            for dk in range(-1, 2):
                ni, nj, nk = i + di, j + dj, k + dk
                u = ((ni % n1) * n2 + nj % n2) * n3 + nk % n3
                if u == hit_x:
                    s0 = int(ni >= n1) - int(ni < 0)
                    s1 = int(nj >= n2) - int(nj < 0)
                    s2 = int(nk >= n3) - int(nk < 0)
                    if (
                        acc[v, 0] + s0 != acc[u, 0]
                        or acc[v, 1] + s1 != acc[u, 1]
                        or acc[v, 2] + s2 != acc[u, 2]
                    ):
                        best0, best1, best2 = s0, s1, s2
    d0 = acc[hit_u, 0] + best0 - acc[hit_x, 0]
    d1 = acc[hit_u, 1] + best1 - acc[hit_x, 1]
    d2 = acc[hit_u, 2] + best2 - acc[hit_x, 2]
    for m in range(n_second):
        path[n_first + m] = second[m]
        shift[n_first + m, 0] = acc[second[m], 0] + d0
        shift[n_first + m, 1] = acc[second[m], 1] + d1
        shift[n_first + m, 2] = acc[second[m], 2] + d2
    return path, shift
