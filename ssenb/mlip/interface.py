"""Interface structures, the atomistic step: lattice-matched cells, work of adhesion, Li paths.

Three steps, each bounded for a laptop CPU:

1. :func:`interface_cells` builds coherent interface cells of two structures with pymatgen's
   ``CoherentInterfaceBuilder`` (Zur–McGill lattice matching, "ZSL"), for every pair of
   terminations, with the strain (%) and the cell size (atoms, area Å²) of each match.
   The builder has open bugs; each is guarded, and what was skipped is said per row:

   - pymatgen #3854 / #4572: terminations with the same symmetry label are merged, which
     silently drops inequivalent terminations. Guard: ``label_index=True`` and
     ``filter_out_sym_slabs=False`` (every shift keeps its own label).
   - pymatgen #4651: ``get_interfaces`` builds supercells against the shift-0 slab and can
     meet a singular supercell matrix (a ``ValueError``, or a collapsed cell). Guard: each
     match is built on its own (one failure does not end the termination's generator), a
     raised error becomes "skipped: ..." and a built cell is checked (finite, non-zero
     volume, no overlapping atoms, the film and substrate both present).

2. :func:`interface_energy` gives the best few cells (fewest atoms, then lowest strain) a
   single point, or a positions-only relaxation, with a potential, and the work of adhesion

       W_ad = (E_film_slab + E_substrate_slab - E_interface) / (2 A)

   in J/m² and eV/Å². One convention throughout: the interface cell is a periodic
   superlattice (film on substrate, ``gap_A`` on both sides, so it holds two
   film/substrate contacts, hence 2 A), and each slab is cut out of that same strained
   cell (same in-plane lattice, same atoms) and given ``vacuum_A`` of vacuum.
3. :func:`interface_li_paths` (also run by :func:`interface_energy` with ``bvse=True``)
   computes the BVSE landscape of the (relaxed) superlattice with
   :func:`ssenb.transport.migration_landscape` and the lowest energy at which a connected
   region of that landscape crosses the cell along the interface normal: if that barrier is
   finite, Li paths cross both interfaces of the cell.

Not validated here: MLIP surface and interface energies have not been compared with DFT in
ssenb (the potentials are benchmarked on bulk formation energies only), so W_ad is a
screening number; its stated spread (over terminations and matches, and single point vs
relaxed where both exist) is a lower bound on its uncertainty.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import keys as K
from ..errors import InvalidInputError, SsenbError
from ..results import Result, fmt_number

if TYPE_CHECKING:
    import pandas as pd
    from pymatgen.core import Structure

    from .potential import Potential

__all__ = [
    "EV_A2_TO_J_M2",
    "MAX_INTERFACE_ATOMS",
    "InterfaceCandidates",
    "InterfaceResult",
    "interface_cells",
    "interface_energy",
    "interface_li_paths",
    "normal_barrier",
]

#: 1 eV/Å² in J/m² (1.602176634e-19 J / 1e-20 m²)
EV_A2_TO_J_M2 = 16.02176634
#: largest interface cell (atoms) :func:`interface_cells` keeps by default: a CHGNet single
#: point of 150 atoms takes ~1 s and a 100-step relaxation ~2 min on one CPU core; the hard
#: limit of every ssenb.mlip call is 200 sites (:data:`ssenb.mlip.potential.MAX_ATOMS`)
MAX_INTERFACE_ATOMS = 150
#: at most this many lattice matches per termination pair are built (smallest area first)
MAX_MATCHES = 4
#: at most this many Miller pairs are tried when none is given
MAX_MILLER_PAIRS = 3
#: largest ``max_area_A2`` (Å²): the ZSL search time grows steeply with the area (Li on LiF
#: (001): ~1 s at 300 Å², ~28 s at 1000 Å², no end at 1e9), and a cell within
#: :data:`MAX_INTERFACE_ATOMS` atoms is far smaller
MAX_AREA_A2 = 500.0
#: largest Miller index (absolute value) of a facet: (9, 8, 7) takes ~2 s, (97, 89, 83) never
#: ends in pymatgen's slab search; higher-index facets have cells larger than any kept here
MAX_MILLER_INDEX = 10


@dataclass(frozen=True, eq=False)
class InterfaceCandidates(Result):
    """Lattice-matched interface cells of a film on a substrate, one row per match × termination.

    Attributes
    ----------
    film_formula, substrate_formula : str
    table : DataFrame
        Miller indices, termination labels, strain (%), area (Å²), atoms and ``status``
        ("ok" or "skipped: <reason>"); ``cell`` indexes :attr:`cells` (-1 when skipped).
    cells : list of pymatgen Structure
        The periodic interface superlattices that were built and passed the checks.
    film_slabs, substrate_slabs : list of pymatgen Structure
        Each cell's film and substrate cut out of it, with ``vacuum_A`` of vacuum.
    bounds : dict
        The bounds of the search (strain, area, atoms, gap, vacuum, layers).
    notes : list of str
    """

    film_formula: str
    substrate_formula: str
    table: Any
    cells: list = field(default_factory=list)
    film_slabs: list = field(default_factory=list)
    substrate_slabs: list = field(default_factory=list)
    bounds: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)

    _table = "table"

    def best(self, n: int = 3) -> pd.DataFrame:
        """The ``n`` built cells with the fewest atoms, then the lowest strain."""
        ok = self.table[self.table[K.INTERFACE_CELL] >= 0]
        return ok.sort_values([K.N_ATOMS, K.STRAIN_PCT, K.INTERFACE_AREA], kind="stable").head(n)

    def title(self) -> str:
        """``Interfaces Li3N | Li``."""
        return f"Interfaces {self.film_formula} (film) | {self.substrate_formula} (substrate)"

    def summary(self) -> list[tuple[str, str]]:
        """How many cells were built and skipped, and the best one."""
        n_ok = int((self.table[K.INTERFACE_CELL] >= 0).sum()) if len(self.table) else 0
        rows = [
            ("cells built", str(n_ok)),
            ("skipped", str(len(self.table) - n_ok)),
            ("bounds", ", ".join(f"{k}={v}" for k, v in self.bounds.items())),
        ]
        if n_ok:
            b = self.best(1).iloc[0]
            rows.append(
                (
                    "smallest cell",
                    f"{b[K.N_ATOMS]} atoms, {b[K.INTERFACE_AREA]:.1f} Å², strain {b[K.STRAIN_PCT]:.2f} %",
                )
            )
        return rows

    def provenance(self) -> str:
        """The builder, its guards and notes."""
        return "; ".join(
            [
                "pymatgen CoherentInterfaceBuilder (ZSL lattice match), label_index=True, "
                "filter_out_sym_slabs=False (pymatgen #3854, #4572), each match built alone "
                "and checked (pymatgen #4651)",
                *self.notes,
            ]
        )


@dataclass(frozen=True, eq=False)
class InterfaceResult(Result):
    """Work of adhesion (and Li paths) of the best interface cells with one potential.

    Attributes
    ----------
    table : DataFrame
        Per cell: terminations, strain (%), atoms, area (Å²), energies (eV), ``W_ad_J_m2``
        and ``W_ad_eV_A2``, whether relaxed, the BVSE barriers (eV) and an ``error``.
    w_ad_J_m2 : float
        Mean work of adhesion over the cells with an energy (J/m²).
    spread_J_m2 : float
        Max − min of W_ad over those cells (J/m²; 0 with one cell): a lower bound on the
        uncertainty, which also has the MLIP's untested surface energies in it.
    potential : str
    structures : list of pymatgen Structure
        The cells as evaluated (relaxed where ``relaxed``).
    landscapes : list
        :class:`~ssenb.transport.MigrationLandscape` per cell (None where not computed).
    notes : list of str
    """

    table: Any
    w_ad_J_m2: float
    spread_J_m2: float
    potential: str
    structures: list = field(default_factory=list)
    landscapes: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    _table = "table"

    def title(self) -> str:
        """``Work of adhesion``."""
        return "Interface work of adhesion"

    def summary(self) -> list[tuple[str, str]]:
        """W_ad with its spread, the cells and the potential."""
        n = (
            int(np.isfinite(self.table[K.W_AD_J_M2].to_numpy(float)).sum())
            if len(self.table)
            else 0
        )
        rows = [
            (
                "W_ad (mean ± half the range over cells)",
                fmt_number(self.w_ad_J_m2, "J/m²", spread=self.spread_J_m2 / 2),
            ),
            ("cells with an energy", f"{n} of {len(self.table)}"),
            ("potential", self.potential),
        ]
        if K.NORMAL_BARRIER in self.table and len(self.table):
            b = self.table[K.NORMAL_BARRIER].to_numpy(float)
            if np.isfinite(b).any():
                rows.append(("BVSE barrier across the interface", fmt_number(np.nanmin(b), "eV")))
        return rows

    def provenance(self) -> str:
        """Convention and caveats."""
        return "; ".join(
            [
                "W_ad = (E_film_slab + E_substrate_slab - E_interface) / (2 A): periodic "
                "superlattice with two contacts, slabs cut from the same strained cell",
                "MLIP surface/interface energies are not validated against DFT in ssenb: "
                "a screening number, spread = max - min over cells",
                *self.notes,
            ]
        )


# ----------------------------------------------------------------------------------- inputs


def _check_input(structure: object, name: str) -> Structure:
    from .potential import ordered_structure

    return ordered_structure(
        structure,
        name,
        needs="an interface cell needs an ordered structure",
        how="e.g. pymatgen's OrderDisorderedStructureTransformation or ssenb.mlip.substitute",
    )


def _check_miller(miller: object, name: str) -> tuple[int, int, int] | None:
    if miller is None:
        return None
    try:
        out = tuple(int(i) for i in miller)  # type: ignore[attr-defined]
    except (TypeError, ValueError):
        out = ()
    if len(out) != 3 or out == (0, 0, 0) or list(out) != list(miller):  # type: ignore[call-overload]
        raise InvalidInputError(
            f"{name}={miller!r} must be three integers, not all 0, e.g. (0, 0, 1)"
        )
    if max(abs(i) for i in out) > MAX_MILLER_INDEX:
        raise InvalidInputError(
            f"{name}={miller!r}: indices above {MAX_MILLER_INDEX} make a facet cell larger than "
            "any interface cell kept here (and pymatgen's slab search may not end); use a "
            "low-index facet such as (0, 0, 1) or (1, 1, 0)"
        )
    return out


def _positive(value: object, name: str, hint: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise InvalidInputError(f"{name}={value!r} must be a positive number ({hint})")
    return float(value)


# ------------------------------------------------------------------------------ cell search


def interface_cells(
    film: Structure,
    substrate: Structure,
    *,
    film_miller: tuple[int, int, int] | None = None,
    substrate_miller: tuple[int, int, int] | None = None,
    max_area_A2: float = 100.0,
    max_strain: float = 0.05,
    max_atoms: int = MAX_INTERFACE_ATOMS,
    gap_A: float = 2.0,
    vacuum_A: float = 12.0,
    film_layers: int = 2,
    substrate_layers: int = 2,
) -> InterfaceCandidates:
    """Find lattice-matched interface cells of a film on a substrate, bounded for a CPU.

    pymatgen's ``CoherentInterfaceBuilder`` (Zur & McGill, J. Appl. Phys. 55, 378 (1984)
    lattice matching as in ``ZSLGenerator``) for every termination pair; each match built on
    its own, checked, and kept only within the bounds. Bugs of the builder (pymatgen #3854,
    #4572, #4651) are guarded as the module docstring says; every skip is a row with
    ``status = "skipped: <reason>"``.

    Parameters
    ----------
    film, substrate : pymatgen Structure
        Ordered bulk structures (e.g. a coating or electrolyte on an electrode).
    film_miller, substrate_miller : tuple of 3 int, optional
        Facets. Default (either None): pymatgen's ``SubstrateAnalyzer`` over Miller indices
        up to 1, the :data:`MAX_MILLER_PAIRS` pairs with the smallest matched area.
    max_area_A2 : float
        Largest matched interface area (Å²); bounds the ZSL search and so its time.
    max_strain : float
        Largest relative length (and 0.01 rad angle) mismatch the ZSL search accepts
        (fraction: 0.05 = 5 %).
    max_atoms : int
        Largest cell kept (atoms, default 150, at most 200: see :data:`MAX_INTERFACE_ATOMS`).
    gap_A : float
        Distance between film and substrate (Å), on both sides of the periodic cell.
    vacuum_A : float
        Vacuum above each reference slab (Å), more than the potential's cutoff (6 Å).
    film_layers, substrate_layers : int
        Thickness of each slab in unit planes.

    Returns
    -------
    InterfaceCandidates

    Raises
    ------
    InvalidInputError
        Not a Structure, a bad bound, or no match built within the bounds.
    UnsupportedMaterialError
        A disordered structure.

    Examples
    --------
    >>> from pymatgen.core import Lattice, Structure
    >>> li = Structure(Lattice.cubic(3.44), ["Li", "Li"], [[0, 0, 0], [0.5, 0.5, 0.5]])
    >>> cands = interface_cells(li, li, film_miller=(0, 0, 1), substrate_miller=(0, 0, 1))  # doctest: +SKIP
    >>> cands.best(1)[["n_atoms", "strain_pct"]]  # doctest: +SKIP
    """
    import pandas as pd

    film = _check_input(film, "film")
    substrate = _check_input(substrate, "substrate")
    fm = _check_miller(film_miller, "film_miller")
    sm = _check_miller(substrate_miller, "substrate_miller")
    max_area = _positive(max_area_A2, "max_area_A2", "Å², e.g. 100")
    if max_area > MAX_AREA_A2:  # inf included: the ZSL search would not end
        raise InvalidInputError(
            f"max_area_A2={max_area_A2!r} is above {MAX_AREA_A2:g} Å²: the lattice-match "
            f"search grows steeply with the area and no cell within {MAX_INTERFACE_ATOMS} atoms "
            "is that large; use e.g. 100 (the default) to 400"
        )
    strain = _positive(max_strain, "max_strain", "a fraction, e.g. 0.05 for 5 %")
    if strain >= 0.5:
        raise InvalidInputError(f"max_strain={max_strain!r} is a fraction (0.05 = 5 %), below 0.5")
    from .potential import MAX_ATOMS

    if (
        isinstance(max_atoms, bool)
        or not isinstance(max_atoms, int)
        or not 0 < max_atoms <= MAX_ATOMS
    ):
        raise InvalidInputError(
            f"max_atoms={max_atoms!r} must be an integer in 1..{MAX_ATOMS} (the CPU bound of "
            "ssenb.mlip; a larger cell needs a GPU and the potential called directly)"
        )
    gap = _positive(gap_A, "gap_A", "Å, e.g. 2.0")
    vacuum = _positive(vacuum_A, "vacuum_A", "Å, more than the potential's 6 Å cutoff")
    for n, name in ((film_layers, "film_layers"), (substrate_layers, "substrate_layers")):
        if isinstance(n, bool) or not isinstance(n, int) or not 0 < n <= 10:
            raise InvalidInputError(f"{name}={n!r} must be an integer in 1..10 (unit planes)")
    bounds = {
        "max_strain": strain,
        "max_area_A2": max_area,
        "max_atoms": max_atoms,
        "gap_A": gap,
        "vacuum_A": vacuum,
        "film_layers": film_layers,
        "substrate_layers": substrate_layers,
    }
    from pymatgen.analysis.interfaces.zsl import ZSLGenerator

    def zsl() -> Any:
        return ZSLGenerator(
            max_area=max_area, max_length_tol=strain, max_angle_tol=0.01, bidirectional=True
        )

    notes: list[str] = []
    if fm is None or sm is None:
        pairs = _miller_pairs(film, substrate, max_area, strain, fm, sm)
        notes.append(f"Miller pairs from SubstrateAnalyzer (indices ≤ 1): {pairs}")
    else:
        pairs = [(fm, sm)]
    rows: list[dict[str, Any]] = []
    cells: list[Structure] = []
    film_slabs: list[Structure] = []
    sub_slabs: list[Structure] = []
    for fmi, smi in pairs:
        _build_pair(film, substrate, fmi, smi, zsl(), bounds, rows, cells, film_slabs, sub_slabs)
    table = pd.DataFrame(
        rows,
        columns=[
            K.FILM_MILLER,
            K.SUBSTRATE_MILLER,
            K.FILM_TERMINATION,
            K.SUBSTRATE_TERMINATION,
            K.LATTICE_MATCH,
            K.STRAIN_PCT,
            K.VON_MISES_STRAIN_PCT,
            K.INTERFACE_AREA,
            K.N_ATOMS,
            K.INTERFACE_CELL,
            K.INTERFACE_STATUS,
        ],
    )
    if not cells:
        why = (
            "; ".join(sorted(set(table[K.INTERFACE_STATUS])))
            if len(table)
            else "no ZSL match at all"
        )
        raise InvalidInputError(
            f"no interface cell of {film.composition.reduced_formula} on "
            f"{substrate.composition.reduced_formula} within max_strain={strain:g}, "
            f"max_area_A2={max_area:g}, max_atoms={max_atoms} ({why[:400]}). Fix: widen "
            "max_strain or max_area_A2 (or max_atoms), or try other Miller indices"
        )
    return InterfaceCandidates(
        film_formula=film.composition.reduced_formula,
        substrate_formula=substrate.composition.reduced_formula,
        table=table,
        cells=cells,
        film_slabs=film_slabs,
        substrate_slabs=sub_slabs,
        bounds=bounds,
        notes=notes,
    )


def _miller_pairs(
    film: Structure,
    substrate: Structure,
    max_area: float,
    strain: float,
    fm: tuple[int, int, int] | None,
    sm: tuple[int, int, int] | None,
) -> list[tuple[tuple[int, int, int], tuple[int, int, int]]]:
    """The Miller pairs with the smallest matched areas (SubstrateAnalyzer, indices ≤ 1)."""
    from pymatgen.analysis.interfaces import SubstrateAnalyzer

    analyzer = SubstrateAnalyzer(
        film_max_miller=1,
        substrate_max_miller=1,
        max_area=max_area,
        max_length_tol=strain,
        max_angle_tol=0.01,
        bidirectional=True,
    )
    kwargs: dict[str, Any] = {"lowest": True}
    if fm is not None:
        kwargs["film_millers"] = [fm]
    if sm is not None:
        kwargs["substrate_millers"] = [sm]
    try:
        matches = sorted(analyzer.calculate(film=film, substrate=substrate, **kwargs),
                         key=lambda m: m.match_area)  # fmt: skip
    except (ValueError, IndexError, np.linalg.LinAlgError) as err:
        raise InvalidInputError(
            f"pymatgen's SubstrateAnalyzer failed ({err}); give film_miller and substrate_miller"
        ) from err
    pairs: list[tuple[tuple[int, int, int], tuple[int, int, int]]] = []
    for m in matches:
        pair = (tuple(m.film_miller), tuple(m.substrate_miller))
        if pair not in pairs:
            pairs.append(pair)
    return pairs[:MAX_MILLER_PAIRS]


def _build_pair(
    film: Structure,
    substrate: Structure,
    fm: tuple[int, int, int],
    sm: tuple[int, int, int],
    zslgen: Any,
    bounds: dict[str, Any],
    rows: list[dict[str, Any]],
    cells: list[Structure],
    film_slabs: list[Structure],
    sub_slabs: list[Structure],
) -> None:
    """Every termination × match of one Miller pair, each guarded (rows appended)."""
    from pymatgen.analysis.interfaces import CoherentInterfaceBuilder

    base = {K.FILM_MILLER: str(fm), K.SUBSTRATE_MILLER: str(sm)}
    try:
        builder = CoherentInterfaceBuilder(
            substrate_structure=substrate,
            film_structure=film,
            film_miller=fm,
            substrate_miller=sm,
            zslgen=zslgen,
            label_index=True,  # pymatgen #3854, #4572: keep every termination
            filter_out_sym_slabs=False,
        )
    except (ValueError, IndexError, KeyError, np.linalg.LinAlgError) as err:
        rows.append(
            {**base, K.INTERFACE_CELL: -1, K.INTERFACE_STATUS: f"skipped: builder failed: {err}"}
        )
        return
    matches = sorted(builder.zsl_matches, key=lambda m: m.match_area)
    if not matches:
        rows.append(
            {
                **base,
                K.INTERFACE_CELL: -1,
                K.INTERFACE_STATUS: "skipped: no ZSL match within the strain/area bound",
            }
        )
        return
    for film_term, sub_term in builder.terminations:
        seen: dict[tuple[float, float, int], int] = {}
        for k, match in enumerate(matches[:MAX_MATCHES]):
            row = {
                **base,
                K.FILM_TERMINATION: film_term,
                K.SUBSTRATE_TERMINATION: sub_term,
                K.LATTICE_MATCH: k,
                K.INTERFACE_AREA: float(match.match_area),
                K.INTERFACE_CELL: -1,
            }
            rows.append(row)
            builder.zsl_matches = [match]  # pymatgen #4651: one match per generator
            try:
                iface = next(
                    builder.get_interfaces(
                        (film_term, sub_term),
                        gap=bounds["gap_A"],
                        vacuum_over_film=bounds["gap_A"],
                        film_thickness=bounds["film_layers"],
                        substrate_thickness=bounds["substrate_layers"],
                    )
                )
            except (ValueError, IndexError, KeyError, StopIteration, np.linalg.LinAlgError) as err:
                row[K.INTERFACE_STATUS] = (
                    f"skipped: pymatgen get_interfaces failed (cf. #4651): {err}"
                )
                continue
            finally:
                builder.zsl_matches = matches
            gl = np.asarray(iface.interface_properties["strain"], dtype=float)
            strain_pct = 100 * float(np.abs(np.linalg.eigvalsh(gl)).max())
            row[K.STRAIN_PCT] = strain_pct
            row[K.VON_MISES_STRAIN_PCT] = 100 * float(
                iface.interface_properties["von_mises_strain"]
            )
            row[K.N_ATOMS] = len(iface)
            key = (round(float(match.match_area), 2), round(strain_pct, 3), len(iface))
            if key in seen:
                row[K.INTERFACE_STATUS] = (
                    f"skipped: same area, strain and atoms as match {seen[key]}"
                )
                continue
            seen[key] = k
            if len(iface) > bounds["max_atoms"]:
                row[K.INTERFACE_STATUS] = (
                    f"skipped: {len(iface)} atoms > max_atoms={bounds['max_atoms']}"
                )
                continue
            why = _collapsed(iface)
            if why:
                row[K.INTERFACE_STATUS] = f"skipped: {why} (pymatgen #4651)"
                continue
            row[K.INTERFACE_CELL] = len(cells)
            row[K.INTERFACE_STATUS] = "ok"
            cell = _plain(iface)
            cells.append(cell)
            film_slabs.append(_slab(iface, iface.film_indices, bounds["vacuum_A"]))
            sub_slabs.append(_slab(iface, iface.substrate_indices, bounds["vacuum_A"]))


def _plain(structure: Any) -> Structure:
    """A plain Structure (no Interface/Slab subclass, no site properties)."""
    from pymatgen.core import Structure

    return Structure(structure.lattice, structure.species, structure.frac_coords)


def _collapsed(iface: Any) -> str:
    """Why a built cell is unusable (singular, overlapping, one side missing), else ""."""
    from .potential import MIN_DISTANCE_A

    m = iface.lattice.matrix
    if not np.isfinite(m).all() or abs(iface.lattice.volume) < 1.0:
        return "collapsed supercell (zero volume)"
    if not len(iface.film_indices) or not len(iface.substrate_indices):
        return "film or substrate has no atoms in the cell"
    d = iface.distance_matrix
    np.fill_diagonal(d, np.inf)
    if d.min() < MIN_DISTANCE_A:
        return f"atoms {d.min():.2f} Å apart (overlap)"
    return ""


def _slab(iface: Any, indices: list[int], vacuum: float) -> Structure:
    """The sites ``indices`` of the interface in the same in-plane cell, with ``vacuum`` above."""
    from pymatgen.core import Lattice, Structure

    cart = iface.cart_coords[indices]
    m = iface.lattice.matrix.copy()
    normal = np.cross(m[0], m[1])
    normal /= np.linalg.norm(normal)
    heights = cart @ normal
    thickness = float(heights.max() - heights.min())
    cart = cart - normal * heights.min()
    m[2] = normal * (thickness + vacuum)
    species = [iface[i].specie for i in indices]
    return Structure(Lattice(m), species, cart, coords_are_cartesian=True, to_unit_cell=True)


def _area(structure: Structure) -> float:
    m = structure.lattice.matrix
    return float(np.linalg.norm(np.cross(m[0], m[1])))


# ---------------------------------------------------------------------------- energies


def interface_energy(
    candidates: InterfaceCandidates,
    potential: Potential | str | None = None,
    *,
    n_best: int = 3,
    relax_steps: int = 0,
    fmax: float = 0.1,
    bvse: bool = False,
    resolution: float = 0.25,
) -> InterfaceResult:
    """Work of adhesion of the best interface cells with a potential (J/m², eV/Å²).

    ``W_ad = (E_film_slab + E_substrate_slab - E_interface) / (2 A)``: the cell is a periodic
    superlattice with two film/substrate contacts of area A each; both slabs are cut from
    that same strained cell and given vacuum (:func:`interface_cells`). Positive W_ad: the
    two sides bind. Each cell's failure is recorded in its row (``error``), never raised.

    Parameters
    ----------
    candidates : InterfaceCandidates
        From :func:`interface_cells`.
    potential : Potential, str or None
        A :class:`~ssenb.mlip.Potential`, a shipped name ("chgnet", "7net-0") or None for
        CHGNet 0.3.0.
    n_best : int
        How many cells (fewest atoms, then lowest strain: :meth:`InterfaceCandidates.best`).
    relax_steps : int
        0: single points. Otherwise a positions-only FIRE relaxation (fixed strained cell)
        of the interface and of both slabs, at most this many steps each; an unconverged
        relaxation withholds its W_ad (NaN, reason in ``error``).
    fmax : float
        Force criterion of the relaxations (eV/Å).
    bvse : bool
        Also compute the Li BVSE landscape of each (relaxed) cell and its barrier across the
        interface (:func:`interface_li_paths`).
    resolution : float
        BVSE grid spacing (Å).

    Returns
    -------
    InterfaceResult

    Examples
    --------
    Li3N (OBELiX ``gvd``) (001) on bcc Li (111), CHGNet 0.3.0 single points (~30 s on a CPU):

    >>> from pymatgen.core import Lattice, Structure
    >>> from ssenb.data import load_obelix
    >>> li3n = load_obelix("train").set_index("id").loc["gvd", "structure"]  # doctest: +SKIP
    >>> li = Structure(Lattice.cubic(3.44), ["Li", "Li"], [[0, 0, 0], [0.5, 0.5, 0.5]])
    >>> cands = interface_cells(li3n, li, film_miller=(0, 0, 1), substrate_miller=(1, 1, 1))  # doctest: +SKIP
    >>> res = interface_energy(cands, "chgnet", n_best=4)  # doctest: +SKIP
    >>> round(res.w_ad_J_m2, 2)  # doctest: +SKIP
    0.59
    """
    import pandas as pd

    from .relaxation import check_relax_settings, not_converged_reason, relax
    from .sevennet import load_potential

    if not isinstance(candidates, InterfaceCandidates):
        raise InvalidInputError(
            f"candidates must be the InterfaceCandidates of interface_cells(), got "
            f"{type(candidates).__name__}"
        )
    if isinstance(n_best, bool) or not isinstance(n_best, int) or n_best < 1:
        raise InvalidInputError(f"n_best={n_best!r} must be a positive integer")
    if isinstance(relax_steps, bool) or not isinstance(relax_steps, int) or relax_steps < 0:
        raise InvalidInputError(f"relax_steps={relax_steps!r} must be 0 (single points) or more")
    if relax_steps:
        check_relax_settings(fmax, relax_steps)
    pot = load_potential(potential)
    from .potential import _finite, check_structure, cutoff_of, label

    rows = []
    structures: list[Any] = []
    landscapes: list[Any] = []
    for _, cand in candidates.best(n_best).iterrows():
        i = int(cand[K.INTERFACE_CELL])
        cell = candidates.cells[i]
        parts = [cell, candidates.film_slabs[i], candidates.substrate_slabs[i]]
        row: dict[str, Any] = {
            k: cand[k]
            for k in (
                K.FILM_MILLER,
                K.SUBSTRATE_MILLER,
                K.FILM_TERMINATION,
                K.SUBSTRATE_TERMINATION,
                K.STRAIN_PCT,
                K.N_ATOMS,
                K.INTERFACE_AREA,
            )
        }
        row.update({K.RELAXED: bool(relax_steps), K.ERROR: ""})
        final = cell
        try:
            for s in parts:
                check_structure(s, cutoff_A=cutoff_of(pot))
            if relax_steps:
                relaxations = [relax(s, pot, fmax=fmax, steps=relax_steps, relax_cell=False)
                               for s in parts]  # fmt: skip
                energies = [r.energy_eV for r in relaxations]
                final = relaxations[0].structure
                row[K.ERROR] = "; ".join(filter(None, map(not_converged_reason, relaxations)))
            else:
                energies = [_finite(float(pot.calculate(s).energy_eV), s) for s in parts]
        except (SsenbError, ValueError, RuntimeError) as err:
            energies = [math.nan] * 3
            row[K.ERROR] = str(err)[:300]
        area = _area(cell)
        w = (energies[1] + energies[2] - energies[0]) / (2 * area)
        row.update(
            {
                K.E_INTERFACE: energies[0],
                K.E_FILM_SLAB: energies[1],
                K.E_SUBSTRATE_SLAB: energies[2],
                K.W_AD_EV_A2: w,
                K.W_AD_J_M2: w * EV_A2_TO_J_M2,
            }
        )
        land = None
        if bvse:
            try:
                land, normal = interface_li_paths(
                    _decorated(final, candidates), resolution=resolution
                )
                row[K.NORMAL_BARRIER] = normal
                row[K.INTERFACE_BARRIER_3D] = land.barrier_3d
                metal = [p.composition.reduced_formula for p in parts[1:] if _is_metal(p)]
                if metal:
                    row[K.ERROR] = "; ".join(
                        filter(None, [row[K.ERROR], _METAL_NOTE.format(metal[0])])
                    )
            except SsenbError as err:
                row[K.NORMAL_BARRIER] = row[K.INTERFACE_BARRIER_3D] = math.nan
                row[K.ERROR] = "; ".join(filter(None, [row[K.ERROR], f"BVSE: {err}"[:300]]))
        structures.append(final)
        landscapes.append(land)
        rows.append(row)
    table = pd.DataFrame(rows)
    w_all = table[K.W_AD_J_M2].to_numpy(float)
    ok = w_all[np.isfinite(w_all)]
    return InterfaceResult(
        table=table,
        w_ad_J_m2=float(ok.mean()) if len(ok) else math.nan,
        spread_J_m2=float(ok.max() - ok.min()) if len(ok) else math.nan,
        potential=label(pot),
        structures=structures,
        landscapes=landscapes,
        notes=[f"positions relaxed, ≤ {relax_steps} steps" if relax_steps else "single points"],
    )


# ------------------------------------------------------------------------------- Li paths


_METAL_NOTE = (
    "BVSE caveat: {} is an element (a metal); BVSE has no anion bonds there, so the "
    "barrier across it is an artefact of the method, not a Li barrier"
)


def _bulk_oxidation_states(formulas: list[str], ion: str = "Li") -> dict[str, float] | None:
    """One oxidation state per element from the bulk formulas (pymatgen's first guess each).

    Why: the interface cell's own formula is off-stoichiometric (terminations), so a charge
    balance of it can give wrong states (Co2+ for a LiCoO2 side). An elemental side of the
    mobile ion (a Li anode) takes the ion's state; None when a side has no guess, another
    element is alone on its side, or two sides disagree on an element.
    """
    from pymatgen.core import Composition

    from ..keys import ION_CHARGES

    states: dict[str, float] = {}
    for formula in formulas:
        comp = Composition(formula)
        if len(comp.elements) == 1:
            if comp.elements[0].symbol != ion:
                return None
            guess = {ion: float(ION_CHARGES.get(ion, 1))}
        else:
            guesses = comp.oxi_state_guesses(max_sites=-50)
            if not guesses:
                return None
            guess = {k: float(v) for k, v in guesses[0].items()}
        for el, q in guess.items():
            if states.setdefault(el, q) != q:
                return None
    return states


def _decorated(cell: Structure, candidates: InterfaceCandidates) -> Structure:
    """The cell with the bulk oxidation states of its two sides, where they are unambiguous."""
    states = _bulk_oxidation_states([candidates.film_formula, candidates.substrate_formula])
    if states is None:
        return cell
    out = cell.copy()
    out.add_oxidation_state_by_element(states)
    return out


def _is_metal(slab: Structure) -> bool:
    """An elemental metal side (Li, Na, In...): BVSE describes ionic frameworks only."""
    comp = slab.composition
    return len(comp.elements) == 1 and bool(comp.elements[0].is_metal)


def interface_li_paths(
    cell: Structure, *, ion: str = "Li", resolution: float = 0.25
) -> tuple[Any, float]:
    """The BVSE landscape of an interface superlattice and its barrier across the interface.

    Parameters
    ----------
    cell : pymatgen Structure
        A periodic interface cell whose third lattice vector is the interface normal (as
        :func:`interface_cells` builds them).
    ion : str
        The mobile ion.
    resolution : float
        Grid spacing (Å).

    Returns
    -------
    (MigrationLandscape, float)
        The landscape (:func:`ssenb.transport.migration_landscape`; method in its
        ``provenance()``) and the lowest energy (eV above the landscape's minimum) at which
        a connected region winds along the normal, i.e. crosses both interfaces of the cell
        (``inf``: none below the landscape's highest point).
    """
    from ..transport import migration_landscape

    land = migration_landscape(cell, ion, resolution=resolution)
    return land, normal_barrier(land.energy, axis=2)


def normal_barrier(energy: np.ndarray, axis: int = 2) -> float:
    """Lowest level at which a 26-connected region of a periodic grid winds along ``axis``.

    The grid is periodic along all three axes; a region "winds" along ``axis`` when it
    connects a voxel to its own periodic image one cell further along that axis. Found by
    bisection over the sorted energies, each level labelled with scipy and its periodic
    faces joined by a union-find that tracks the offset along ``axis``.

    Parameters
    ----------
    energy : ndarray, shape (n1, n2, n3)
        Energies (eV) on the grid.
    axis : int
        0, 1 or 2.

    Returns
    -------
    float
        The level (eV, same zero as ``energy``), ``inf`` if even the full grid does not wind.

    Examples
    --------
    >>> e = np.full((4, 4, 6), 5.0)
    >>> e[1, 1, :] = [0, 1, 0.5, 2, 0.5, 0]  # a channel along axis 2, highest point 2 eV
    >>> float(normal_barrier(e, axis=2))
    2.0
    >>> float(normal_barrier(e, axis=0))
    5.0
    """
    energy = np.asarray(energy, dtype=float)
    if energy.ndim != 3 or axis not in (0, 1, 2):
        raise InvalidInputError("energy must be a 3D grid and axis 0, 1 or 2")
    levels = np.unique(energy[np.isfinite(energy)])
    if not len(levels) or not _winds(np.isfinite(energy), axis):
        return math.inf
    lo, hi = 0, len(levels) - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if _winds(energy <= levels[mid], axis):
            hi = mid
        else:
            lo = mid + 1
    return float(levels[lo])


def _winds(mask: np.ndarray, axis: int) -> bool:
    """Whether a connected region of the periodic boolean grid winds along ``axis``."""
    from scipy import ndimage

    labels, n = ndimage.label(mask, structure=np.ones((3, 3, 3), dtype=int))
    if n == 0:
        return False
    shape = mask.shape
    pairs = set()
    idx = np.indices(shape)
    for d in ((1, -1, -1), (1, -1, 0), (1, -1, 1), (1, 0, -1), (1, 0, 0), (1, 0, 1), (1, 1, -1),
              (1, 1, 0), (1, 1, 1), (0, 1, -1), (0, 1, 0), (0, 1, 1), (0, 0, 1)):  # fmt: skip
        # neighbour of voxel x is x + d (mod shape); wrapped along any axis: a boundary edge
        wrapped = np.zeros(shape, dtype=bool)
        shift = np.zeros(shape, dtype=np.int64)
        nb = []
        for a in range(3):
            t = idx[a] + d[a]
            w = (t < 0) | (t >= shape[a])
            wrapped |= w
            if a == axis:
                shift = np.where(t >= shape[a], 1, np.where(t < 0, -1, 0))
            nb.append(t % shape[a])
        sel = wrapped & mask & mask[nb[0], nb[1], nb[2]]
        if not sel.any():
            continue
        la = labels[sel]
        lb = labels[nb[0][sel], nb[1][sel], nb[2][sel]]
        for p in set(zip(la.tolist(), lb.tolist(), shift[sel].tolist())):
            pairs.add(p)
    parent = list(range(n + 1))
    off = [0] * (n + 1)

    def find(v: int) -> tuple[int, int]:
        o = 0
        while parent[v] != v:
            o += off[v]
            v = parent[v]
        return v, o

    for a, b, s in pairs:  # label a at 0 ~ label b at offset s
        ra, oa = find(a)
        rb, ob = find(b)
        if ra == rb:
            if ob - oa != s:
                return True
        else:
            parent[rb] = ra
            off[rb] = oa + s - ob
    return False
