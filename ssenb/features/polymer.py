"""Descriptors of polymer electrolytes: the repeat unit, the Li salt, and its concentration.

Grouped by the mechanism each one speaks for, so SHAP can be summed per family:

- Li coordination: densities of the Lewis-basic groups that solvate Li⁺ (ether O,
  carbonyl, carbonate, ester, nitrile, sulfonyl, amide) and fixed anionic sites;
- segmental mobility: chain flexibility (rotatable bonds, sp³ carbon, rings, aromatic
  atoms, backbone vs side-chain share of the repeat unit) and molecular weight;
- salt dissociation: the polymer's polarity (TPSA, Crippen logP, fluorine) and the
  anion's size and charge delocalisation (molar mass, sulfonyl and perfluoroalkyl groups);
- salt concentration: molality and Li⁺ per coordinating site.

Temperature is not a feature here: the model carries it in its VTF law
(:mod:`ssenb.models.polymer`). Featurizers keep matminer's contract (``featurize``,
``feature_labels``, ``citations``, ``implementors``) with a ``families`` mapping.
RDKit is imported inside the functions.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .. import keys as K
from ..errors import InvalidInputError, UnknownNameError

if TYPE_CHECKING:
    from ..batch import ErrorMode

COORDINATION = "Li coordination"
SEGMENTAL = "segmental mobility"
DISSOCIATION = "salt dissociation"
CONCENTRATION = "salt concentration"
TEMPERATURE = "temperature (VTF term)"
POLYMER_FAMILIES = (COORDINATION, SEGMENTAL, DISSOCIATION, CONCENTRATION, TEMPERATURE)

#: Coordinating groups: label -> SMARTS (counted as non-overlapping matches).
COORDINATING_GROUPS = {
    "ether O": "[OX2;!$(O[#6,#16,#15]=O)]([#6])[#6]",
    "carbonyl": "[CX3]=[OX1]",
    "carbonate": "[OX2][CX3](=[OX1])[OX2]",
    "ester": "[#6][CX3](=[OX1])[OX2][#6]",
    "nitrile": "[CX2]#[NX1]",
    "sulfonyl": "[SX4](=[OX1])(=[OX1])",
    "amide": "[NX3][CX3]=[OX1]",
}
#: Groups whose O/N atoms count as Li⁺ coordinating sites (carbonate/ester/amide are
#: counted through their carbonyl, so no site is counted twice).
_SITE_GROUPS = ("ether O", "carbonyl", "nitrile", "sulfonyl")
_PERFLUORO_C = "[CX4;$(C(F)F)]"  # one match per carbon bearing >= 2 F

CITATIONS = [
    "@article{bradford2023, author={Bradford, Gabriel and Lopez, Jeffrey and Ruza, Jurgis and "
    "Stolberg, Michael A. and Osterude, Richard and Johnson, Jeremiah A. and Gomez-Bombarelli, "
    "Rafael and Shao-Horn, Yang}, title={Chemistry-Informed Machine Learning for Polymer "
    "Electrolyte Discovery}, journal={ACS Central Science}, volume={9}, pages={206--216}, year={2023}}",
    "@misc{rdkit, author={{RDKit contributors}}, title={RDKit: Open-source cheminformatics}, "
    "url={https://www.rdkit.org}}",
]


def _rdkit() -> tuple[Any, Any, Any]:
    from rdkit import Chem
    from rdkit.Chem import Crippen, Descriptors

    return Chem, Crippen, Descriptors


@lru_cache(maxsize=32)
def _pattern(smarts: str) -> Any:
    return _rdkit()[0].MolFromSmarts(smarts)


def _count(mol: Any, smarts: str) -> int:
    return len(mol.GetSubstructMatches(_pattern(smarts)))


class RepeatUnitFeatures:
    """Coordination, flexibility and polarity descriptors of a polymer repeat unit.

    Densities are per heavy atom of the repeat unit (chain ends excluded), so a repeat
    unit written twice over gets the same values. Groups are counted as if the chain
    went on past each end (an O bonded to a chain end is an ether O); rotatable bonds,
    sp³ fraction, TPSA and logP are computed on the unit capped by methyl groups; the
    backbone is the shortest path between the two ends; the molar mass is the unit's own.

    Examples
    --------
    >>> f = RepeatUnitFeatures()
    >>> peo = dict(zip(f.feature_labels(), f.featurize("*CCO*")))
    >>> peo["ether O per heavy atom"], peo["backbone fraction"]
    (0.3333333333333333, 1.0)
    """

    def featurize(self, smiles: str) -> list[float]:
        """Numbers in the order of :meth:`feature_labels` (raises on a refused SMILES)."""
        return list(_repeat_unit_row(smiles))

    def feature_labels(self) -> list[str]:
        """Readable names with units."""
        return list(self.families)

    @property
    def families(self) -> dict[str, str]:
        """Label -> descriptor family."""
        groups = {f"{g} per heavy atom": COORDINATION for g in COORDINATING_GROUPS}
        return {
            **groups,
            "coordinating sites per repeat unit": COORDINATION,
            "O + N per heavy atom": COORDINATION,
            "fixed anionic sites per heavy atom": COORDINATION,
            "heavy atoms per repeat unit": SEGMENTAL,
            "repeat-unit molar mass (g/mol)": SEGMENTAL,
            "rotatable-bond fraction": SEGMENTAL,
            "sp3 carbon fraction": SEGMENTAL,
            "aromatic atom fraction": SEGMENTAL,
            "ring atom fraction": SEGMENTAL,
            "backbone fraction": SEGMENTAL,
            "TPSA per heavy atom (Å²)": DISSOCIATION,
            "Crippen logP per heavy atom": DISSOCIATION,
            "F per heavy atom": DISSOCIATION,
        }

    def citations(self) -> list[str]:
        """Data and toolkit (BibTeX)."""
        return list(CITATIONS)

    def implementors(self) -> list[str]:
        """Who wrote this featurizer."""
        return ["ssenb developers"]


@lru_cache(maxsize=4096)
def _repeat_unit_row(smiles: str) -> tuple[float, ...]:
    from ..data.polymer_smiles import repeat_unit

    Chem, Crippen, Descriptors = _rdkit()
    mol = repeat_unit(smiles)  # chain ends are dummy atoms (mass 0, no H)
    ends = [a.GetIdx() for a in mol.GetAtoms() if a.GetAtomicNum() == 0]
    path = Chem.GetShortestPath(mol, ends[0], ends[1])
    atoms = [a for a in mol.GetAtoms() if a.GetAtomicNum() > 0]
    heavy = sum(a.GetAtomicNum() > 1 for a in atoms)
    if heavy == 0:
        raise InvalidInputError(f"polymer SMILES {smiles!r} has no atoms between its chain ends")
    # the chain continues past each end: counted as carbon (an ether O at the end of the
    # unit stays an ether), and capped by methyl for the whole-molecule descriptors
    counts = {g: _count(mol, s.replace("[#6]", "[#6,#0]")) for g, s in COORDINATING_GROUPS.items()}
    sites = counts["ether O"] + counts["carbonyl"] + counts["nitrile"] + 2 * counts["sulfonyl"]
    capped = Chem.RWMol(mol)
    for i in ends:
        capped.GetAtomWithIdx(i).SetAtomicNum(6)
        capped.GetAtomWithIdx(i).SetNoImplicit(False)
    capped = capped.GetMol()
    Chem.SanitizeMol(capped)
    symbols = [a.GetSymbol() for a in atoms]
    n_bonds = max(capped.GetNumBonds(), 1)
    return (
        *(counts[g] / heavy for g in COORDINATING_GROUPS),
        float(sites),
        sum(s in ("O", "N") for s in symbols) / heavy,
        sum(a.GetFormalCharge() < 0 for a in atoms) / heavy,
        float(heavy),
        float(Descriptors.MolWt(mol)),
        Descriptors.NumRotatableBonds(capped) / n_bonds,
        float(Descriptors.FractionCSP3(capped)),
        sum(a.GetIsAromatic() for a in atoms) / heavy,
        sum(a.IsInRing() for a in atoms) / heavy,
        (len(path) - 2) / heavy,
        float(Descriptors.TPSA(capped)) / heavy,
        float(Crippen.MolLogP(capped)) / heavy,
        symbols.count("F") / heavy,
    )


class SaltFeatures:
    """Size and charge delocalisation of the Li salt's anion.

    ``""`` (no added salt: a single-ion polymer whose Li⁺ counter-ion the data leave out)
    gives 1 for "no added salt" and NaN ("not applicable") for the anion descriptors.

    Examples
    --------
    >>> f = SaltFeatures()
    >>> tfsi = dict(zip(f.feature_labels(), f.featurize("[Li+].O=S(=O)([N-]S(=O)(=O)C(F)(F)F)C(F)(F)F")))
    >>> tfsi["anion sulfonyl groups"], tfsi["anion perfluorinated C"]
    (2.0, 2.0)
    """

    def featurize(self, salt_smiles: str) -> list[float]:
        """Numbers in the order of :meth:`feature_labels` (raises on a refused salt)."""
        return list(_salt_row(salt_smiles or ""))

    def feature_labels(self) -> list[str]:
        """Readable names with units."""
        return list(self.families)

    @property
    def families(self) -> dict[str, str]:
        """Label -> descriptor family (all: salt dissociation)."""
        return dict.fromkeys(
            [
                "no added salt (single-ion polymer)",
                "anion heavy atoms",
                "anion molar mass (g/mol)",
                "anion charge",
                "anion F fraction",
                "anion sulfonyl groups",
                "anion perfluorinated C",
                "anion TPSA (Å²)",
            ],
            DISSOCIATION,
        )

    def not_applicable(self) -> list[str]:
        """Labels that are NaN by design for a single-ion polymer."""
        return self.feature_labels()[1:]

    def citations(self) -> list[str]:
        """Data and toolkit (BibTeX)."""
        return list(CITATIONS)

    def implementors(self) -> list[str]:
        """Who wrote this featurizer."""
        return ["ssenb developers"]


@lru_cache(maxsize=1024)
def _salt_row(salt_smiles: str) -> tuple[float, ...]:
    from ..data.polymer_smiles import anion_form, anion_name, salt_anions

    if not salt_smiles:
        return (1.0, *[math.nan] * 7)
    Chem, _, Descriptors = _rdkit()
    _, anion, _ = salt_anions(salt_smiles)
    mol = Chem.MolFromSmiles(anion_form(anion_name(anion)))
    heavy = mol.GetNumHeavyAtoms()
    symbols = [a.GetSymbol() for a in mol.GetAtoms()]
    return (
        0.0,
        float(heavy),
        float(Descriptors.MolWt(mol)),
        float(-sum(a.GetFormalCharge() for a in mol.GetAtoms())),
        symbols.count("F") / heavy,
        float(_count(mol, COORDINATING_GROUPS["sulfonyl"])),
        float(_count(mol, _PERFLUORO_C)),
        float(Descriptors.TPSA(mol)),
    )


#: Labels of the concentration and chain-length columns :func:`polymer_features` adds.
MOLALITY_LABEL = "salt molality (mol/kg)"
LI_PER_SITE_LABEL = "Li per coordinating site"
LOG_MW_LABEL = "log10 molecular weight (g/mol)"
_CONDITION_FAMILIES = {MOLALITY_LABEL: CONCENTRATION, LI_PER_SITE_LABEL: CONCENTRATION,
                       LOG_MW_LABEL: SEGMENTAL}  # fmt: skip

#: Featurizers by preset name (an unknown name lists these).
POLYMER_PRESETS: dict[str, type[RepeatUnitFeatures] | type[SaltFeatures]] = {
    "repeat_unit": RepeatUnitFeatures,
    "salt": SaltFeatures,
}


def polymer_featurizer(name: str) -> RepeatUnitFeatures | SaltFeatures:
    """A polymer featurizer by preset name.

    Examples
    --------
    >>> type(polymer_featurizer("salt")).__name__
    'SaltFeatures'
    """
    if name not in POLYMER_PRESETS:
        raise UnknownNameError(
            f"polymer preset {name!r} is unknown; use one of {', '.join(POLYMER_PRESETS)}"
        )
    return POLYMER_PRESETS[name]()


def polymer_feature_families() -> dict[str, str]:
    """Label -> family of every column :func:`polymer_features` returns."""
    return {**RepeatUnitFeatures().families, **SaltFeatures().families, **_CONDITION_FAMILIES}


def polymer_features(frame: pd.DataFrame, *, errors: ErrorMode = "raise") -> pd.DataFrame:
    """Descriptor table of polymer electrolytes (one row per input row, same index).

    Parameters
    ----------
    frame : DataFrame
        Columns ``polymer`` (or ``polymer_smiles``), ``salt_smiles`` ("" or NaN: no added
        salt), ``molality_mol_kg`` and ``mw_g_mol`` (NaN: unknown, kept missing), as
        :func:`ssenb.data.load_polymer_electrolytes` returns.
    errors : {"raise", "record"}
        "record": a row whose SMILES is refused gets NaN features and its reason in an
        ``error`` column instead of stopping the batch.

    Raises
    ------
    InvalidInputError
        A column is missing, a SMILES is refused (``errors="raise"``), or a molality is
        negative.

    Examples
    --------
    >>> row = pd.DataFrame({"polymer": ["*CCO*"], "salt_smiles": ["[Li+].[I-]"],
    ...                     "molality_mol_kg": [1.0], "mw_g_mol": [1e5]})
    >>> round(float(polymer_features(row)["Li per coordinating site"].iloc[0]), 4)
    0.0441
    """
    from ..batch import check_errors, failure_reason

    errors = check_errors(errors)
    poly_col = K.POLYMER if K.POLYMER in frame else K.POLYMER_SMILES
    missing = [c for c in (poly_col, K.SALT_SMILES, K.MOLALITY, K.MW) if c not in frame]
    if missing:
        raise InvalidInputError(
            f"polymer_features needs columns {missing}: give the frame "
            "ssenb.data.load_polymer_electrolytes() returns, or one with the same columns"
        )
    molality = pd.to_numeric(frame[K.MOLALITY], errors="coerce").to_numpy(float)
    if (molality < 0).any():
        raise InvalidInputError(
            f"molality_mol_kg has negative values (e.g. {molality[molality < 0][0]}); "
            "salt molality is mol salt per kg polymer, >= 0 (NaN when unknown)"
        )
    mw = pd.to_numeric(frame[K.MW], errors="coerce").to_numpy(float)
    if (mw <= 0).any():
        raise InvalidInputError("mw_g_mol must be positive (g/mol) or NaN when unknown")
    unit, salt = RepeatUnitFeatures(), SaltFeatures()
    n_unit, n_salt = len(unit.feature_labels()), len(salt.feature_labels())
    rows, reasons = [], []
    salts = frame[K.SALT_SMILES].fillna("").astype(str)
    for p, s in zip(frame[poly_col].astype(str), salts, strict=True):
        try:
            rows.append((*_repeat_unit_row(p), *_salt_row(s)))
            reasons.append("")
        except InvalidInputError as err:
            if errors == "raise":
                raise
            rows.append((math.nan,) * (n_unit + n_salt))
            reasons.append(failure_reason(err))
    table = pd.DataFrame(
        np.asarray(rows, float).reshape(len(rows), n_unit + n_salt),
        columns=unit.feature_labels() + salt.feature_labels(),
        index=frame.index,
    )
    mass_kg = table["repeat-unit molar mass (g/mol)"].to_numpy() / 1000.0
    sites = table["coordinating sites per repeat unit"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        per_site = np.where(sites > 0, molality * mass_kg / sites, np.nan)
    table[MOLALITY_LABEL] = molality
    table[LI_PER_SITE_LABEL] = per_site
    table[LOG_MW_LABEL] = np.log10(mw)
    if errors == "record":
        table[K.ERROR] = reasons
    return table


def nearest_polymers(smiles: str, candidates: list[str], *, k: int = 3) -> pd.DataFrame:
    """The ``k`` candidate repeat units closest to ``smiles`` in repeat-unit descriptor space.

    Distances are Euclidean over the :class:`RepeatUnitFeatures` standardised across the
    candidates (so each descriptor weighs the same); the query itself, when among the
    candidates, comes first at distance 0.

    Examples
    --------
    >>> nearest_polymers("*CCO*", ["*CCCO*", "*CC(c1ccccc1)*", "*CCO*"], k=2)["polymer"].tolist()
    ['*CCO*', '*CCCO*']
    """
    from ..data.polymer_smiles import canonical_polymer

    if not candidates:
        raise InvalidInputError("nearest_polymers needs at least one candidate repeat unit")
    query = canonical_polymer(smiles)
    pool = list(dict.fromkeys(candidates))
    x = np.asarray([_repeat_unit_row(p) for p in pool], float)
    q = np.asarray(_repeat_unit_row(query), float)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    d = np.linalg.norm((x - mean) / scale - (q - mean) / scale, axis=1)
    order = np.argsort(d, kind="stable")[: max(int(k), 1)]
    return pd.DataFrame({K.POLYMER: [pool[i] for i in order], "distance": d[order]})
