"""Structures with a DFT formation energy in the offline snapshot: the potential's yardstick.

The offline MP ~2019 snapshot (:func:`ssenb.data.load_mp_snapshot`) has formation energies
but no structures. To put a potential's energies on its scale (:mod:`ssenb.mlip.mapped_hull`)
ssenb needs structures whose composition the snapshot has. All of them are built offline:

1. **OBELiX** training-split CIFs (:func:`ssenb.data.load_obelix`) that are ordered and
   whose reduced formula is a snapshot row (Li4P2O7, Li2SnS3, Li3SbS4, Li2PS3, Li3N, ...);
2. **textbook prototypes** from the AFLOW library that ships in pymatgen
   (``pymatgen.analysis.prototypes``), with their species swapped (rocksalt LiF, antifluorite
   Li2S, CdI2-type TiS2, AlCl3-type YCl3, ...) and their volume guessed by pymatgen's
   ``DLSVolumePredictor``; the potential relaxes the cell afterwards. A prototype need not be
   the snapshot's ground-state polymorph: that error is *inside* the leave-one-out benchmark
   of :mod:`ssenb.mlip.mapped_hull`, not hidden from it;
3. the **Materials Project Li-Co-Ni-O** ground states with structures
   (:func:`ssenb.data.load_mp2020_entries`, lowest energy per composition, near the
   snapshot hull, small cells); their Co/Ni alloys are left out: in the snapshot Co and Ni
   are GGA+U in oxides and GGA in alloys, and one fitted μ per element cannot hold both;
4. **elemental solids** of elements that the legacy MP corrections never touch as a pure
   element (metals without a Hubbard U, Si, Ge, B, P): their formation energy is 0 by
   definition. Gaseous or anion elements (O, N, F, Cl, Br, I, S, Se, H) and the GGA+U metals
   (Co, Ni, ...) are left out: in compounds their energies carry fitted corrections, so the
   pure element sits on another scale.

One structure per composition (priority: MP > OBELiX > prototype); cells above ``max_atoms``
sites after reduction to the primitive cell are skipped and counted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from ..errors import InvalidInputError

if TYPE_CHECKING:
    from pymatgen.core import Structure
    from pymatgen.entries.computed_entries import ComputedStructureEntry

#: largest reference cell (sites) kept: bounds the CPU cost of relaxing the set
MAX_REFERENCE_ATOMS = 64

#: (target formula, AFLOW label, prototype's own reduced formula, species map)
PROTOTYPES: tuple[tuple[str, str, str, dict[str, str]], ...] = (
    # rocksalt (B1)
    *(
        (f"{a}{x}", "AB_cF8_225_a_b", "NaCl", {"Na": a, "Cl": x})
        for a, x in (
            ("Li", "F"),
            ("Li", "Cl"),
            ("Li", "Br"),
            ("Li", "I"),
            ("Na", "F"),
            ("Na", "Cl"),
            ("Na", "Br"),
            ("Na", "I"),
            ("Mg", "O"),
            ("Mg", "S"),
            ("Ca", "O"),
            ("Ca", "S"),
            ("Sc", "N"),
            ("Ti", "N"),
            ("Zr", "N"),
            ("Y", "N"),
            ("La", "N"),
            ("Nb", "N"),
            ("K", "Cl"),
            ("K", "F"),
        )
    ),
    # antifluorite (C1 with anion and cation swapped) and fluorite
    *(
        (f"{a}2{x}", "AB2_cF12_225_a_c", "CaF2", {"Ca": x, "F": a})
        for a, x in (("Li", "O"), ("Li", "S"), ("Li", "Se"), ("Na", "O"), ("Na", "S"), ("Na", "Se"))
    ),
    ("ZrO2", "AB2_cF12_225_a_c", "CaF2", {"Ca": "Zr", "F": "O"}),
    ("CaF2", "AB2_cF12_225_a_c", "CaF2", {}),
    ("SrF2", "AB2_cF12_225_a_c", "CaF2", {"Ca": "Sr"}),
    # zincblende and wurtzite
    *(
        (f"{a}{x}", "AB_cF8_216_c_a", "ZnS", {"Zn": a, "S": x})
        for a, x in (("B", "N"), ("B", "P"), ("Al", "P"), ("Ga", "P"), ("In", "P"), ("Zn", "S"))
    ),
    *(
        (f"{a}{x}", "AB_hP4_186_b_b", "ZnS", {"Zn": a, "S": x})
        for a, x in (("Al", "N"), ("Ga", "N"), ("In", "N"), ("Zn", "O"))
    ),
    # rutile, CdI2, corundum, quartz, SiS2, GeS2, GeS/SnS
    *(
        (f"{m}{x}2", "A2B_tP6_136_f_a", "TiO2", {"Ti": m, "O": x})
        for m, x in (("Ti", "O"), ("Ge", "O"), ("Sn", "O"), ("Mg", "F"))
    ),
    *(
        (f"{m}{x}2", "AB2_hP3_164_a_d", "CdI2", {"Cd": m, "I": x})
        for m, x in (("Ti", "S"), ("Zr", "S"), ("Sn", "S"), ("Ta", "S"), ("Mg", "Cl"), ("Mg", "Br"))
    ),
    *((f"{m}2O3", "A2B3_hR10_167_c_e", "Al2O3", {"Al": m}) for m in ("Al", "Ga", "Ti")),
    # bixbyite from the library's Mn3FeO6: In2O3 relaxes to within 5 % of its experimental
    # volume with CHGNet (SevenNet-0 leaves it +0.49 eV/atom off; kept and counted); Y2O3, Sc2O3 and La2O3 in it stopped at volumes 25 % too large with LOO errors
    # of +0.47..+0.54 eV/atom (CHGNet, fmax 0.1 eV/Å): broken cells, not potential errors,
    # so they are not in the set
    *((f"{m}2O3", "AB3C6_cI80_206_a_d_e", "Mn3FeO6", {"Mn": m, "Fe": m}) for m in ("In",)),
    ("SiO2", "A2B_hP9_152_c_a", "SiO2", {}),
    ("SiS2", "A2B_oI12_72_j_a", "SiS2", {}),
    # GeS2 in the SiS2 (edge-sharing chain) type, a known high-pressure GeS2 polymorph: the
    # library's own GeS2 prototype (AB2_oF72_43_ab_3b) has S-S pairs at 1.28 Å and relaxes
    # to an expanded, wrong structure
    ("GeS2", "A2B_oI12_72_j_a", "SiS2", {"Si": "Ge"}),
    ("GeS", "AB_oP8_62_c_c", "GeS", {}),
    ("SnS", "AB_oP8_62_c_c", "SnS", {}),
    ("Sb2S3", "A3B2_oP20_62_3c_2c", "Sb2S3", {}),
    ("Sb2O3", "A3B2_oP20_56_ce_e", "Sb2O3", {}),
    # trihalides, oxyhalides, antiperovskites, perovskites
    *(
        (f"{m}{x}3", "AB3_mC16_12_g_ij", "AlCl3", {"Al": m, "Cl": x})
        for m, x in (
            ("Al", "Cl"),
            ("In", "Cl"),
            ("Y", "Cl"),
            ("Sc", "Cl"),
            ("Y", "Br"),
            ("In", "Br"),
        )
    ),
    ("ScF3", "A3B_cP4_221_d_a", "ReO3", {"Re": "Sc", "O": "F"}),
    ("AlF3", "AB3_hR8_155_c_de", "AlF3", {}),
    ("LaCl3", "AB3_hR8_148_c_f", "BiI3", {"Bi": "La", "I": "Cl"}),
    *(
        (f"LaO{x}", "ABC_tP6_129_c_a_c", "PbClF", {"Pb": "La", "Cl": x, "F": "O"})
        for x in ("Cl", "Br", "I")
    ),
    *(
        (f"Li3O{x}", "AB3C_cP5_221_a_c_b", "CaTiO3", {"Ca": x, "Ti": "O", "O": "Li"})
        for x in ("Cl", "Br")
    ),
    *(
        (f"{a}{b}O3", "AB3C_cP5_221_a_c_b", "CaTiO3", {"Ca": a, "Ti": b})
        for a, b in (("La", "Al"), ("La", "Ga"), ("Na", "Ta"), ("Na", "Nb"), ("Sr", "Ti"))
    ),
    *((f"Li{m}O3", "ABC3_hR10_161_a_a_b", "LiNbO3", {"Nb": m}) for m in ("Nb", "Ta")),
    ("MgAl2O4", "A2BC4_cF56_227_d_a_e", "MgAl2O4", {}),
    ("ZnAl2O4", "A2BC4_cF56_227_d_a_e", "MgAl2O4", {"Mg": "Zn"}),
    ("ZrSiO4", "A4BC_tI24_141_h_b_a", "ZrSiO4", {}),
    ("BPO4", "AB4C_tI12_82_c_g_a", "BPO4", {}),
    ("AlPS4", "ABC4_oP12_16_ag_cd_2u", "AlPS4", {}),
    ("Na3P", "AB3_hP8_194_c_bf", "Na3As", {"As": "P"}),
    ("Li3Sb", "AB3_cF16_225_a_bc", "BiF3", {"Bi": "Sb", "F": "Li"}),
    ("NaScS2", "ABC2_hR4_166_a_b_c", "NaCrS2", {"Cr": "Sc"}),
)

#: elemental solids whose snapshot formation energy is 0 on the compounds' scale
#: (no legacy MP correction touches them as a pure element):
#: (element, AFLOW label, prototype's own formula)
ELEMENTS: tuple[tuple[str, str, str], ...] = (
    ("Li", "A_cI2_229_a", "W"),
    ("Na", "A_cI2_229_a", "W"),
    ("K", "A_cI2_229_a", "W"),
    ("Ta", "A_cI2_229_a", "W"),
    ("Nb", "A_cI2_229_a", "W"),
    ("Al", "A_cF4_225_a", "Cu"),
    ("Ca", "A_cF4_225_a", "Cu"),
    ("Sr", "A_cF4_225_a", "Cu"),
    ("Mg", "A_hP2_194_c", "Mg"),
    ("Ti", "A_hP2_194_c", "Mg"),
    ("Zr", "A_hP2_194_c", "Mg"),
    ("Sc", "A_hP2_194_c", "Mg"),
    ("Y", "A_hP2_194_c", "Mg"),
    ("Zn", "A_hP2_194_c", "Mg"),
    ("La", "A_hP4_194_ac", "La"),
    ("Si", "A_cF8_227_a", "C"),
    ("Ge", "A_cF8_227_a", "C"),
    ("Sn", "A_cF8_227_a", "C"),
    ("In", "A_tI2_139_a", "In"),
    ("Ga", "A_oC8_64_f", "Ga"),
    ("P", "A_oC8_64_f", "P"),
    ("B", "A_hR12_166_2h", "B"),
    ("Sb", "A_hR2_166_c", "As"),
)

#: the GGA+U metals of the Materials Project: their oxides/fluorides carry fitted
#: corrections in the snapshot, so the pure metal is not on the compounds' scale
U_METALS = frozenset({"Co", "Cr", "Fe", "Mn", "Mo", "Ni", "V", "W", "Cu"})


@dataclass(frozen=True)
class Reference:
    """One reference structure and its snapshot energies.

    Attributes
    ----------
    id : str
        ``"<source>:<name>"``, e.g. ``"obelix:47i"``, ``"prototype:LiF"``.
    source : {"obelix", "prototype", "mp", "element"}
    formula : str
        Reduced formula as :func:`ssenb.data.display_formula` writes it.
    structure : pymatgen Structure
        The unrelaxed starting cell (primitive where that is smaller).
    e_form_eV_atom : float
        Snapshot formation energy (eV/atom, legacy MP corrections); 0 for an element.
    e_decomp_eV_atom : float
        Snapshot decomposition energy Ed (eV/atom; signed distance to the hull of all *other*
        phases); NaN for an element.
    """

    id: str
    source: str
    formula: str
    structure: Structure
    e_form_eV_atom: float
    e_decomp_eV_atom: float


@lru_cache(maxsize=1)
def _snapshot_energies() -> dict[str, tuple[float, float]]:
    """{display formula: (Ef, Ed) in eV/atom} of the offline snapshot."""
    from .. import keys as K
    from ..data import load_mp_snapshot

    mp = load_mp_snapshot()
    return dict(zip(mp[K.REDUCED_FORMULA], zip(mp[K.E_FORM].tolist(), mp[K.E_DECOMP].tolist())))


def snapshot_row(formula: str) -> tuple[float, float] | None:
    """(formation energy, decomposition energy) in eV/atom of a composition, or None.

    Parameters
    ----------
    formula : str
        Any formula pymatgen parses; looked up by :func:`ssenb.data.display_formula`.

    Returns
    -------
    tuple of float or None
        None when the snapshot has no row of this composition (elements have none).

    Examples
    --------
    >>> round(snapshot_row("Li2O")[0], 3)
    -2.072
    """
    from pymatgen.core import Composition

    from ..data.materials import display_formula

    return _snapshot_energies().get(display_formula(Composition(formula)))


@lru_cache(maxsize=1)
def _prototype_library() -> dict[tuple[str, str], Structure]:
    from pymatgen.analysis.prototypes import AFLOW_PROTOTYPE_LIBRARY

    return {
        (p["tags"]["aflow"], p["snl"].structure.composition.reduced_formula): p["snl"].structure
        for p in AFLOW_PROTOTYPE_LIBRARY
    }


def prototype_structure(label: str, own_formula: str, species: dict[str, str]) -> Structure:
    """An AFLOW prototype with its species swapped and a data-mined volume guess.

    Parameters
    ----------
    label : str
        AFLOW prototype label (``"AB_cF8_225_a_b"``).
    own_formula : str
        The prototype's own reduced formula in pymatgen's library (``"NaCl"``): labels alone
        are ambiguous (``A_oC8_64_f`` is Ga, black P and I2).
    species : dict of str to str
        Element of the prototype -> element of the target.

    Returns
    -------
    pymatgen Structure
        Primitive cell, scaled so that each site's nearest neighbour sits at the sum of
        the two Shannon ionic radii (oxidation states guessed by pymatgen), or of the atomic
        radii for an element or where no guess exists; the median over sites sets the
        scale. A guess only: the potential relaxes the cell.

    Raises
    ------
    InvalidInputError
        No such prototype in pymatgen's library.
    """
    lib = _prototype_library()
    if (label, own_formula) not in lib:
        raise InvalidInputError(
            f"no AFLOW prototype {label} of {own_formula} in pymatgen's library; list them with "
            "pymatgen.analysis.prototypes.AFLOW_PROTOTYPE_LIBRARY"
        )
    s = lib[(label, own_formula)].copy()
    for prop in list(s.site_properties):
        s.remove_site_property(prop)
    if species:
        s.replace_species(dict(species))  # type: ignore[arg-type]  # str -> str is allowed
    factor = _bond_scale(s)
    if math.isfinite(factor) and factor > 0:
        s.scale_lattice(s.volume * factor**3)
    prim = s.get_primitive_structure()
    return prim if len(prim) < len(s) else s


def reference_set(
    *, max_atoms: int = MAX_REFERENCE_ATOMS, mp: bool = True
) -> tuple[list[Reference], dict[str, str]]:
    """Every reference structure of the offline snapshot, one per composition.

    Parameters
    ----------
    max_atoms : int
        Largest primitive cell kept (sites).
    mp : bool
        Include the Materials Project Li-Co-Ni-O ground states.

    Returns
    -------
    references : list of Reference
        Sorted by number of sites, then id (the order relaxations run in).
    skipped : dict of str to str
        Candidate id -> why it was left out (too large, not in the snapshot, duplicate...).
    """
    from ..data.materials import display_formula

    if not (isinstance(max_atoms, int) and max_atoms > 0):
        raise InvalidInputError(f"max_atoms={max_atoms!r} must be a positive number of sites")
    candidates: list[tuple[str, str, Structure]] = []
    if mp:
        candidates += _mp_candidates()
    candidates += _obelix_candidates()
    for formula, label, own, species in PROTOTYPES:
        candidates.append(
            (f"prototype:{formula}", "prototype", prototype_structure(label, own, species))
        )
    for el, label, own in ELEMENTS:
        species = {} if own == el else {own: el}
        candidates.append((f"element:{el}", "element", prototype_structure(label, own, species)))

    refs: dict[str, Reference] = {}
    skipped: dict[str, str] = {}
    for rid, source, s in candidates:
        formula = display_formula(s.composition)
        if source == "element":
            row: tuple[float, float] | None = (0.0, math.nan)
        else:
            row = snapshot_row(formula)
        if row is None:
            skipped[rid] = f"{formula} has no row in the snapshot"
            continue
        if formula in refs:
            skipped[rid] = f"{formula} already taken from {refs[formula].id}"
            continue
        if len(s) > max_atoms:
            prim = s.get_primitive_structure()
            if len(prim) > max_atoms:
                skipped[rid] = f"{formula}: {len(prim)} sites > max_atoms={max_atoms}"
                continue
            s = prim
        refs[formula] = Reference(rid, source, formula, s, float(row[0]), float(row[1]))
    ordered = sorted(refs.values(), key=lambda r: (len(r.structure), r.id))
    return ordered, skipped


#: radii (Å) of anions Shannon's table lacks (Pauling's ionic radii)
_ANION_RADII = {"P": 2.12, "As": 2.22, "Sb": 2.45, "Bi": 2.5, "C": 2.6, "Si": 2.71, "Ge": 2.72}


def _radii(s: Structure) -> dict[str, float]:
    """Radius (Å) per element: Shannon ionic radius at the guessed oxidation state, else atomic."""
    from pymatgen.core import Species

    radii = {el.symbol: float(el.atomic_radius or 1.5) for el in s.composition.elements}
    if len(radii) < 2:
        return radii
    guesses = s.composition.oxi_state_guesses(max_sites=-50)
    if guesses:
        for el, oxi in guesses[0].items():
            try:
                r = Species(el, round(oxi)).ionic_radius if round(oxi) else None
            except (ValueError, KeyError):
                r = None
            if r:
                radii[el] = float(r)
            elif round(oxi) < 0 and el in _ANION_RADII:
                radii[el] = _ANION_RADII[el]
    return radii


def _bond_scale(s: Structure) -> float:
    """Length factor that puts nearest neighbours at the sum of their radii (median)."""
    import numpy as np

    radii = _radii(s)
    ratios = []
    for site, neighbours in zip(s, s.get_all_neighbors(8.0)):
        if not neighbours:
            continue
        nn = min(neighbours, key=lambda n: n.nn_distance)
        want = radii[site.specie.symbol] + radii[nn.specie.symbol]
        ratios.append(want / nn.nn_distance)
    if not ratios:
        return math.nan
    return float(np.median(ratios))


def _obelix_candidates() -> list[tuple[str, str, Structure]]:
    from .. import keys as K
    from ..data import load_obelix

    ob = load_obelix("train")
    out = []
    for rid, s in zip(ob["id"], ob[K.STRUCTURE]):
        if s is not None and s.is_ordered:
            out.append((f"obelix:{rid}", "obelix", s))
    return out


#: MP Li-Co-Ni-O compounds kept: near the snapshot's hull (Ed ≤ :data:`MP_NEAR_HULL`,
#: eV/atom) with at most :data:`MP_MAX_ATOMS` sites, or above it (Ed ≤
#: :data:`MP_MAX_E_DECOMP`) with at most :data:`MP_MAX_ATOMS_UNSTABLE` sites. The unstable
#: ones are there on purpose: OBELiX materials and the prototypes are nearly all on or near
#: the hull, and a stable/unstable benchmark needs both kinds. The demo file holds ~200
#: Li-Co-Ni-O compositions (5,000 sites); all of them would weigh the fit towards one
#: chemistry and cost CPU hours.
MP_NEAR_HULL = 0.03
MP_MAX_ATOMS = 32
MP_MAX_E_DECOMP = 0.5
MP_MAX_ATOMS_UNSTABLE = 16


def _mp_candidates() -> list[tuple[str, str, Structure]]:
    """MP Li-Co-Ni-O compounds (see :data:`MP_NEAR_HULL`), lowest MP2020 energy per composition."""
    from ..data import load_mp2020_entries
    from ..data.materials import display_formula

    best: dict[str, ComputedStructureEntry] = {}
    for e in load_mp2020_entries():
        if e.composition.is_element:
            continue
        symbols = {el.symbol for el in e.composition.elements}
        if symbols & U_METALS and not symbols & {"O", "F"}:
            continue  # a GGA alloy of a GGA+U metal: one μ per element cannot hold both
        f = display_formula(e.composition)
        row = snapshot_row(f)
        if row is None or row[1] > MP_MAX_E_DECOMP:
            continue
        if len(e.structure) > (MP_MAX_ATOMS if row[1] <= MP_NEAR_HULL else MP_MAX_ATOMS_UNSTABLE):
            continue
        if f not in best or e.energy_per_atom < best[f].energy_per_atom:
            best[f] = e
    return [(f"mp:{e.entry_id}", "mp", e.structure) for e in best.values()]


__all__ = [
    "ELEMENTS",
    "MAX_REFERENCE_ATOMS",
    "PROTOTYPES",
    "U_METALS",
    "Reference",
    "prototype_structure",
    "reference_set",
    "snapshot_row",
]
