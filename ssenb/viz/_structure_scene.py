"""What the structure view draws: size guards, cation/anion roles, bonds, images, polyhedra.

Plotly-free, so it can be tested on numbers alone. Coordinates are cartesian (Å) in the
structure's own lattice frame, origin at the cell corner.

Bond rule
    A bond joins a cation and an anion closer than ``BOND_TOLERANCE`` x the sum of their
    Shannon crystal radii (pymatgen's ``Element.ionic_radii``, six-fold coordination) -- the
    idea behind bond-valence bond finding (Brown, *The Chemical Bond in Inorganic Chemistry*,
    2002) and the default bond tables of VESTA. Cation-cation and anion-anion contacts are
    never bonds, so Li-Li, La-Zr or Li-P are not drawn.
Roles
    From the oxidation states stored in the structure when it carries them; otherwise from
    electronegativity and charge balance: every element that has both negative and
    positive common oxidation states (N, P, S, Cl, H, Si, Ge ...) is tried as anion and as
    cation; the assignment with the fewest anions less electronegative (Pauling) than a
    cation wins, then the one whose cation and anion charge ranges meet for the average
    composition (fractional occupancies included), then the one with most anions. So S is
    an anion in Li3PS4 and Li3PO3S but a cation in Li2SO4, Cl and S are anions in Li6PS5Cl,
    H is an anion in LiBH4; a metal or alloy has no anions and no bonds.
Boundary images
    Atoms within ``BOUNDARY_TOL`` (fractional) of a cell face are repeated on the opposite
    face, as VESTA, Crystal Toolkit and pymatviz draw them (rock-salt LiF: 14 + 13 atoms).
Polyhedra
    The convex hull of the anion neighbours of each framework cation with ``POLYHEDRON_CN``
    anion neighbours; anions outside the cell that complete a polyhedron are drawn too.
"""

from __future__ import annotations

import itertools
import math
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeAlias

import numpy as np

from ..errors import InvalidInputError

if TYPE_CHECKING:
    from pymatgen.core import Composition, Element, Structure

#: A lattice translation (na, nb, nc) of a drawn atom's site.
Image: TypeAlias = tuple[int, ...]
#: Per site: its bonded neighbours of the other role, as (site j, image, distance in Å).
Neighbours: TypeAlias = list[list[tuple[int, Image, float]]]

# Work bounds (checked before any neighbour search; ssenb.viz.structure re-exports them).
MAX_SITES = 2_000  # sites in the given cell
MAX_DRAWN_ATOMS = 20_000  # atoms drawn after boundary images and completed polyhedra
MAX_LATTICE_LENGTH_A = 200.0  # Å, longest cell edge (a CIF typo like a = 1e9 Å stops here)
MAX_NEIGHBOR_PAIRS = 200_000  # cation-anion search pairs, estimated from the site density

BOND_TOLERANCE = 1.25  # bonded if d <= 1.25 x (r_cation + r_anion), Shannon crystal radii
MIN_BOND_A = 0.5  # Å; closer pairs are split or overlapping sites, not bonds
BOUNDARY_TOL = 1e-3  # fractional distance from a face within which an atom is repeated
POLYHEDRON_CN = (4, 8)  # anion neighbours of a cation drawn as a polyhedron (inclusive)
CHARGE_SLACK = 0.1  # relative charge imbalance still counted as balanced (see roles)
_TYPICAL_CUTOFF_A = 4.5  # Å, ~ the longest cutoff (La-Br) for the size check before roles
_FALLBACK_RADIUS_A = 1.0  # Å, for an element with neither ionic nor atomic radius


@dataclass
class Scene:
    """Everything the view draws, in cartesian Å."""

    roles: dict[str, int]  # element -> +1 cation, -1 anion
    role_source: str
    site_role: np.ndarray  # per site: +1 cation, -1 anion, 0 no role (e.g. metal)
    site_radius: np.ndarray  # per site bonding radius (Å)
    cn: np.ndarray  # per site number of bonded neighbours of the other role
    atoms: list[tuple[int, Image]]  # (site, lattice image) per drawn atom
    xyz: np.ndarray  # (n_atoms, 3) cartesian Å
    frac: np.ndarray  # (n_atoms, 3) fractional coordinates of the same atoms
    bonds: list[tuple[int, int, float]] = field(default_factory=list)  # atom a, atom b, d (Å)
    polyhedra: list[tuple[int, np.ndarray]] = field(default_factory=list)  # centre site, verts


def check_size(structure: Structure) -> None:
    """Refuse cells whose drawing would take runaway time or memory, before any work.

    Parameters
    ----------
    structure : pymatgen.core.Structure
        The cell to draw.

    Returns
    -------
    None
        The cell is small enough to draw.

    Raises
    ------
    InvalidInputError
        A degenerate cell, an edge above ``MAX_LATTICE_LENGTH_A`` (Å), more than
        ``MAX_SITES`` sites, or an estimated neighbour count above ``MAX_NEIGHBOR_PAIRS``;
        the message names the limit and how to draw a smaller cell.
    """
    lattice = structure.lattice
    abc = np.asarray(lattice.abc, float)
    volume = float(lattice.volume)
    fix = (
        "draw a smaller cell (e.g. structure.get_primitive_structure(), or a 1x1x1 cell "
        "instead of a supercell) or check the CIF's cell parameters"
    )
    if not (np.isfinite(abc).all() and np.isfinite(volume) and volume > 1e-6):
        raise InvalidInputError(
            f"structure_3d: the cell is degenerate (a, b, c = {abc.tolist()} Å, volume "
            f"{volume:.3g} Å^3); {fix}"
        )
    if abc.max() > MAX_LATTICE_LENGTH_A:
        raise InvalidInputError(
            f"structure_3d: a cell edge of {abc.max():.4g} Å exceeds MAX_LATTICE_LENGTH_A = "
            f"{MAX_LATTICE_LENGTH_A:g} Å (ssenb.viz.structure.MAX_LATTICE_LENGTH_A); {fix}"
        )
    if len(structure) > MAX_SITES:
        raise InvalidInputError(
            f"structure_3d: {len(structure)} sites exceed MAX_SITES = {MAX_SITES} "
            f"(ssenb.viz.structure.MAX_SITES); {fix}"
        )
    _check_pairs(len(structure), volume, _TYPICAL_CUTOFF_A)


def _check_pairs(n_sites: int, volume: float, cutoff: float) -> None:
    """Refuse a neighbour search whose expected pair count (from the density) is too large."""
    est = n_sites**2 / volume * 4 / 3 * math.pi * cutoff**3
    fix = "draw a smaller cell or check the CIF's cell parameters and coordinates"
    if est > MAX_NEIGHBOR_PAIRS:
        raise InvalidInputError(
            f"structure_3d: {n_sites} sites in {volume:.4g} Å^3 give about {est:.3g} "
            f"neighbour pairs within {cutoff:.2f} Å, more than MAX_NEIGHBOR_PAIRS = {MAX_NEIGHBOR_PAIRS} "
            f"(ssenb.viz.structure.MAX_NEIGHBOR_PAIRS): the sites overlap or the cell is too "
            f"small for its content; {fix}"
        )


def element_roles(structure: Structure) -> tuple[dict[str, int], str]:
    """Cation (+1) or anion (-1) per element symbol, and how the roles were decided.

    Parameters
    ----------
    structure : pymatgen.core.Structure
        Ordered or disordered; its stored oxidation states are used when every species
        has one.

    Returns
    -------
    roles : dict of str to int
        +1 (cation) or -1 (anion) per element symbol.
    source : str
        How the roles were decided (stored oxidation states, or charge balance).
    """
    stored: dict[str, float] = {}
    for site in structure:
        for sp, occ in site.species.items():
            oxi = getattr(sp, "oxi_state", None)
            stored[sp.symbol] = stored.get(sp.symbol, 0.0) + (oxi or np.nan) * occ
    signs = {el: int(np.sign(v)) for el, v in stored.items() if np.isfinite(v)}
    if len(signs) == len(stored) and -1 in signs.values() and 1 in signs.values():
        return {el: s or 1 for el, s in signs.items()}, "oxidation states stored in the structure"
    return _charge_balance_roles(structure.composition.element_composition), (
        "charge balance of common oxidation states, then electronegativity"
    )


def _charge_balance_roles(comp: Composition) -> dict[str, int]:
    """Cation (+1) / anion (-1) per element of ``comp`` (amounts may be fractional).

    Elements with both negative and positive common oxidation states are tried both ways.
    An assignment's cation charge can range over each cation's positive oxidation states
    (all known ones: experimental compositions such as Li7BiO6 need Bi5+), its anion charge
    over each anion's common negative states. Assignments whose ranges meet within
    ``CHARGE_SLACK`` of the total charge (CIF occupancies are rarely exactly neutral) count
    as balanced. The winner has the fewest electronegativity inversions (a cation more
    electronegative than an anion), then is balanced, then has the smallest imbalance,
    then the most anions (S in Li6PS5Cl and in Li3PO3S, not only Cl or O).
    """
    from pymatgen.core import Element

    elements = [Element(el.symbol) for el in comp if Element.is_valid_symbol(el.symbol)]
    amounts = {el.symbol: float(comp[el.symbol]) for el in elements}

    def common(el: Element) -> tuple[int, ...]:
        return tuple(el.common_oxidation_states or el.oxidation_states or (1,))

    def charges(el: Element, role: int) -> list[int]:
        if role > 0:
            pos = [s for s in (el.oxidation_states or ()) + common(el) if s > 0]
            return pos or [1]
        neg = [-s for s in common(el) if s < 0] or [-s for s in el.oxidation_states if s < 0]
        return neg or [1]

    fixed = {el.symbol: (-1 if max(common(el)) < 0 else 1) for el in elements}
    ambiguous = [
        el for el in elements if min(common(el)) < 0 < max(common(el)) and len(elements) > 1
    ]
    ambiguous = sorted(ambiguous, key=lambda el: -_x(el))[:8]  # 2^8 assignments at most
    best, best_key = None, None
    for signs in itertools.product((-1, 1), repeat=len(ambiguous)):
        roles = dict(fixed) | {el.symbol: s for el, s in zip(ambiguous, signs)}
        if -1 not in roles.values() or 1 not in roles.values():
            continue
        lo = {1: 0.0, -1: 0.0}
        hi = {1: 0.0, -1: 0.0}
        for el in elements:
            role, q = roles[el.symbol], charges(el, roles[el.symbol])
            lo[role] += amounts[el.symbol] * min(q)
            hi[role] += amounts[el.symbol] * max(q)
        gap = max(0.0, lo[1] - hi[-1], lo[-1] - hi[1]) / max(hi[1], hi[-1])
        inversions = sum(
            _x(Element(c)) > _x(Element(a))
            for c, rc in roles.items()
            for a, ra in roles.items()
            if rc > 0 > ra
        )
        key = (inversions, gap > CHARGE_SLACK, gap, -sum(r < 0 for r in roles.values()))
        if best_key is None or key < best_key:
            best, best_key = roles, key
    if best is None:  # a metal or alloy: no anions, so no bonds
        return {el.symbol: 1 for el in elements}
    return best


def _x(el: Element) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pymatgen warns for noble gases without X
        x = el.X
    return float(x) if x and np.isfinite(x) else 0.0


def bonding_radius(symbol: str, role: int) -> float:
    """Shannon crystal radius (Å, six-fold) of ``symbol`` in its usual state for ``role``.

    Parameters
    ----------
    symbol : str
        Element symbol.
    role : int
        +1 cation, -1 anion.

    Returns
    -------
    float
        Radius in Å: the radius of the most highly charged common oxidation state of that
        sign, else the element's average ionic or atomic radius, else 1 Å.
    """
    from pymatgen.core import Element

    if not Element.is_valid_symbol(symbol):
        return _FALLBACK_RADIUS_A
    el = Element(symbol)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        radii = {int(k): float(v) for k, v in (el.ionic_radii or {}).items()}
        states = [s for s in (el.common_oxidation_states or ()) if np.sign(s) == role]
        for oxi in sorted(states, key=lambda s: -abs(s)) + sorted(
            (k for k in radii if np.sign(k) == role), key=lambda s: -abs(s)
        ):
            if oxi in radii:
                return radii[oxi]
        avg = el.average_anionic_radius if role < 0 else el.average_cationic_radius
        if avg:
            return float(avg)
        return float(el.atomic_radius or _FALLBACK_RADIUS_A)


def build_scene(structure: Structure, *, polyhedra_elements: set[str] | None, bonds: bool) -> Scene:
    """Roles, bonds, boundary images and polyhedra of ``structure`` (call check_size first).

    Parameters
    ----------
    structure : pymatgen.core.Structure
        Ordered or disordered.
    polyhedra_elements : set of str or None
        Cation elements whose 4- to 8-coordinated sites get a polyhedron.
    bonds : bool
        Whether to list the cation-anion bonds.

    Returns
    -------
    Scene
        Every drawn atom, bond and polyhedron in cartesian Å.
    """
    roles, source = element_roles(structure)
    n = len(structure)
    site_role = np.zeros(n, int)
    site_radius = np.full(n, _FALLBACK_RADIUS_A)
    for i, site in enumerate(structure):
        weight = {1: 0.0, -1: 0.0}
        for sp, occ in site.species.items():
            weight[roles.get(sp.symbol, 1)] += occ
        role = -1 if weight[-1] > weight[1] else 1
        same = [
            (sp.symbol, occ) for sp, occ in site.species.items() if roles.get(sp.symbol, 1) == role
        ]
        total = sum(occ for _, occ in same)
        site_radius[i] = sum(bonding_radius(s, role) * occ for s, occ in same) / total
        site_role[i] = role if -1 in roles.values() else 0

    neighbours = _bonded_neighbours(structure, site_role, site_radius)
    cn = np.array([len(neighbours[i]) for i in range(n)])
    majority = [max(site.species.items(), key=lambda kv: kv[1])[0].symbol for site in structure]
    centres = {
        i
        for i in range(n)
        if polyhedra_elements
        and site_role[i] > 0
        and majority[i] in polyhedra_elements
        and POLYHEDRON_CN[0] <= cn[i] <= POLYHEDRON_CN[1]
    }

    atoms = _cell_atoms(structure)
    _check_drawn(len(atoms))
    index = {key: k for k, key in enumerate(atoms)}
    polys: list[tuple[int, list[int]]] = []
    for i, image in list(atoms):
        if i not in centres:
            continue
        verts = []
        for j, img, _ in neighbours[i]:
            key = (j, tuple(int(a + b) for a, b in zip(image, img)))
            if key not in index:
                index[key] = len(atoms)
                atoms.append(key)
            verts.append(index[key])
        polys.append((i, verts))
    _check_drawn(len(atoms))
    sites = np.array([i for i, _ in atoms])
    frac = structure.frac_coords[sites] + np.array([img for _, img in atoms], float)
    xyz = structure.lattice.get_cartesian_coords(frac)

    bond_list = []
    if bonds:
        for a, (i, image) in enumerate(atoms):
            if i in centres:
                continue  # the polyhedron shows these bonds (VESTA's polyhedral style)
            for j, img, d in neighbours[i]:
                b = index.get((j, tuple(int(x + y) for x, y in zip(image, img))))
                if b is not None and a < b and atoms[b][0] not in centres:
                    bond_list.append((a, b, d))
    return Scene(
        roles=roles,
        role_source=source,
        site_role=site_role,
        site_radius=site_radius,
        cn=cn,
        atoms=atoms,
        xyz=xyz,
        frac=frac,
        bonds=bond_list,
        polyhedra=[(i, xyz[v]) for i, v in polys],
    )


def _check_drawn(count: int) -> None:
    if count > MAX_DRAWN_ATOMS:
        raise InvalidInputError(
            f"structure_3d: {count} atoms to draw (with boundary images and polyhedra) "
            f"exceed MAX_DRAWN_ATOMS = {MAX_DRAWN_ATOMS} (ssenb.viz.structure.MAX_DRAWN_ATOMS); "
            "draw a smaller cell or pass polyhedra=False"
        )


def _bonded_neighbours(
    structure: Structure, site_role: np.ndarray, site_radius: np.ndarray
) -> Neighbours:
    """Per site, its bonded neighbours of the other role: [(site j, image, d in Å)]."""
    out: Neighbours = [[] for _ in structure]
    cations, anions = site_role > 0, site_role < 0
    if not cations.any() or not anions.any():
        return out
    r_max = BOND_TOLERANCE * (site_radius[cations].max() + site_radius[anions].max())
    _check_pairs(len(structure), structure.volume, r_max)
    centers, points, images, dists = structure.get_neighbor_list(r_max)
    if len(centers) > MAX_NEIGHBOR_PAIRS:  # the density estimate in check_size is a bound
        raise InvalidInputError(
            f"structure_3d: {len(centers)} neighbour pairs exceed MAX_NEIGHBOR_PAIRS = "
            f"{MAX_NEIGHBOR_PAIRS}; draw a smaller cell"
        )
    ok = (
        (site_role[centers] * site_role[points] < 0)
        & (dists >= MIN_BOND_A)
        & (dists <= BOND_TOLERANCE * (site_radius[centers] + site_radius[points]))
    )
    for i, j, img, d in zip(centers[ok], points[ok], images[ok], dists[ok]):
        out[int(i)].append((int(j), tuple(int(v) for v in img), float(d)))
    return out


def _cell_atoms(structure: Structure) -> list[tuple[int, Image]]:
    """Every site once inside [0, 1) plus its images on the faces, edges and corners."""
    frac = structure.frac_coords
    shift = -np.floor(frac + BOUNDARY_TOL).astype(int)  # wraps 0.9999 to -0.0001
    inside = frac + shift
    atoms = []
    for i in range(len(structure)):
        on_face = [ax for ax in range(3) if abs(inside[i, ax]) < BOUNDARY_TOL]
        for extra in itertools.product((0, 1), repeat=len(on_face)):
            image = shift[i].copy()
            for ax, e in zip(on_face, extra):
                image[ax] += e
            atoms.append((i, tuple(int(v) for v in image)))
    return atoms
