"""Reading polymer repeat units and Li salts from SMILES (RDKit), with reasons when refused.

A repeat unit carries two chain-end markers: ``*`` / ``[*]`` (the usual polymer-SMILES
convention) or, as in Bradford et al. (ACS Cent. Sci. 2023), ``[Cu]`` and ``[Au]``. Both
are read into RDKit dummy atoms, so one canonical SMILES (with ``*`` ends) names a
polymer whichever way it was written. A salt is a Li⁺ salt: its anion is named from a
small table of known anions (LiTFSI, LiClO4 ...), else by its canonical SMILES.

RDKit is imported inside the functions, so ``import ssenb.data`` stays light.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ..errors import InvalidInputError

if TYPE_CHECKING:
    from rdkit import Chem

#: Bradford et al. mark the two chain ends with these atoms.
BRADFORD_END_MARKERS = ("Cu", "Au")


def looks_like_polymer(text: str) -> bool:
    """True for a repeat-unit SMILES (chain ends ``*`` or ``[Cu]``/``[Au]``), never a formula.

    Why: ``ssenb report`` takes a formula, a CIF path, an OBELiX id or a polymer; a
    chemical formula holds neither ``*`` nor brackets, so the test cannot misread one.

    Examples
    --------
    >>> looks_like_polymer("*CCO*"), looks_like_polymer("[Cu]CCO[Au]"), looks_like_polymer("Li3PS4")
    (True, True, False)
    """
    return "*" in text or any(f"[{m}]" in text for m in BRADFORD_END_MARKERS)


#: Known anions: name -> one SMILES (the name of the Li salt is "Li" + the anion name).
#: Two SMILES of the same ion (perchlorate written with [Cl+3] and charge-separated
#: oxygens, or with Cl=O bonds) both get the name; features use the first form.
KNOWN_ANIONS: dict[str, tuple[str, ...]] = {
    "TFSI": ("O=S(=O)([N-]S(=O)(=O)C(F)(F)F)C(F)(F)F",),
    "FSI": ("O=S(=O)(F)[N-]S(=O)(=O)F",),
    "FTFSI": ("O=S(=O)(F)[N-]S(=O)(=O)C(F)(F)F",),
    "BETI": ("O=S(=O)([N-]S(=O)(=O)C(F)(F)C(F)(F)F)C(F)(F)C(F)(F)F",),
    "OTf": ("O=S(=O)([O-])C(F)(F)F",),
    "ClO4": ("O=Cl(=O)(=O)[O-]", "[O-][Cl+3]([O-])([O-])[O-]"),
    "BF4": ("F[B-](F)(F)F",),
    "PF6": ("F[P-](F)(F)(F)(F)F",),
    "AsF6": ("F[As-](F)(F)(F)(F)F",),
    "SbF6": ("F[Sb-](F)(F)(F)(F)F",),
    "BOB": ("O=C1O[B-]2(OC1=O)OC(=O)C(=O)O2",),
    "DFOB": ("O=C1O[B-](F)(F)OC1=O",),
    "TDI": ("N#Cc1nc(C(F)(F)F)[n-]c1C#N",),
    "TCM": ("N#C[C-](C#N)C#N",),
    "DCA": ("N#C[N-]C#N",),
    "AlCl4": ("Cl[Al-](Cl)(Cl)Cl",),
    "TFA": ("O=C([O-])C(F)(F)F",),
    "NO3": ("O=[N+]([O-])[O-]",),
    "F": ("[F-]",),
    "Cl": ("[Cl-]",),
    "Br": ("[Br-]",),
    "I": ("[I-]",),
    "SCN": ("N#C[S-]",),
}


def _chem() -> Any:
    """The ``rdkit.Chem`` module, with RDKit's own parse-error logging off."""
    from rdkit import Chem, RDLogger

    RDLogger.DisableLog("rdApp.*")  # type: ignore[attr-defined]  # parse failures become ssenb's own errors, not stderr noise
    return Chem


def _mol(smiles: object, what: str) -> Chem.Mol:
    """A sanitized RDKit molecule, or ssenb's error naming the SMILES."""
    if not isinstance(smiles, str) or not smiles.strip():
        raise InvalidInputError(f"{what} SMILES must be a non-empty string, got {smiles!r}")
    Chem = _chem()
    mol = Chem.MolFromSmiles(smiles.strip())
    if mol is None:
        raise InvalidInputError(
            f"{what} SMILES {smiles!r} is not valid SMILES (RDKit cannot parse or sanitize it): "
            "check brackets, ring closures and valences"
        )
    return mol


def repeat_unit(smiles: str) -> Chem.Mol:
    """The repeat unit as an RDKit molecule whose two chain ends are dummy atoms (``*``).

    Why: one reading of the two chain-end conventions, so descriptors, drawings and
    grouping see the same molecule however the repeat unit was written.

    Parameters
    ----------
    smiles : str
        Repeat-unit SMILES with exactly two chain-end markers: ``*`` (or ``[*]``) twice,
        or one ``[Cu]`` and one ``[Au]`` (Bradford et al.'s convention).

    Raises
    ------
    InvalidInputError
        Not valid SMILES, or not exactly two chain-end markers.

    Examples
    --------
    >>> from rdkit import Chem
    >>> Chem.MolToSmiles(repeat_unit("[Cu]CCO[Au]")) == Chem.MolToSmiles(repeat_unit("*OCC*"))
    True
    """
    Chem = _chem()
    mol = Chem.RWMol(_mol(smiles, "polymer"))
    dummies = [a.GetIdx() for a in mol.GetAtoms() if a.GetAtomicNum() == 0]
    if not dummies:
        marks = [a for a in mol.GetAtoms() if a.GetSymbol() in BRADFORD_END_MARKERS]
        symbols = sorted(a.GetSymbol() for a in marks)
        if symbols == sorted(BRADFORD_END_MARKERS) and all(a.GetDegree() == 1 for a in marks):
            for a in marks:
                a.SetAtomicNum(0)
                a.SetFormalCharge(0)
                a.SetNoImplicit(True)
            dummies = [a.GetIdx() for a in marks]
    if len(dummies) != 2:
        raise InvalidInputError(
            f"polymer SMILES {smiles!r} has {len(dummies)} chain-end markers; a repeat unit "
            "needs exactly two: write them as * (e.g. '*CCO*' for PEO) or as [Cu] and [Au] "
            "(Bradford et al.'s convention, e.g. '[Cu]CCO[Au]')"
        )
    for i in dummies:
        mol.GetAtomWithIdx(i).SetIsotope(0)
        mol.GetAtomWithIdx(i).SetAtomMapNum(0)
    out = mol.GetMol()
    Chem.SanitizeMol(out)
    return out


def canonical_polymer(smiles: str) -> str:
    """Canonical repeat-unit SMILES with ``*`` chain ends (raises as :func:`repeat_unit`).

    Examples
    --------
    >>> canonical_polymer("[Cu]CCO[Au]")
    '*CCO*'
    """
    return _chem().MolToSmiles(repeat_unit(smiles))


@lru_cache(maxsize=1)
def _anion_names() -> dict[str, str]:
    """Canonical anion SMILES -> name, for every form in :data:`KNOWN_ANIONS`."""
    Chem = _chem()
    out = {}
    for name, forms in KNOWN_ANIONS.items():
        for form in forms:
            mol = Chem.MolFromSmiles(form)
            out[Chem.MolToSmiles(mol)] = name
    return out


def salt_anions(smiles: str) -> tuple[str, str, int]:
    """(canonical salt SMILES, canonical anion SMILES, Li⁺ per formula unit) of a Li salt.

    Raises
    ------
    InvalidInputError
        Not valid SMILES, no Li⁺, or no anion beside Li⁺.
    """
    Chem = _chem()
    mol = _mol(smiles, "salt")
    parts = Chem.GetMolFrags(mol, asMols=True)
    li = [p for p in parts if p.GetNumAtoms() == 1 and p.GetAtomWithIdx(0).GetSymbol() == "Li"]
    rest = [p for p in parts if p not in li]
    if not li:
        raise InvalidInputError(
            f"salt SMILES {smiles!r} has no Li+: ssenb's polymer-electrolyte data and model "
            "cover Li salts only (write the salt with its cation, e.g. "
            "'[Li+].O=S(=O)([N-]S(=O)(=O)C(F)(F)F)C(F)(F)F' for LiTFSI)"
        )
    if not rest:
        raise InvalidInputError(f"salt SMILES {smiles!r} has Li+ but no anion")
    anion = ".".join(sorted({Chem.MolToSmiles(p) for p in rest}))
    return Chem.MolToSmiles(mol), anion, len(li)


def anion_form(name_or_smiles: str) -> str:
    """The SMILES features use for an anion: the table's first form for a known name."""
    forms = KNOWN_ANIONS.get(name_or_smiles)
    return forms[0] if forms else name_or_smiles


def anion_name(anion_smiles: str) -> str:
    """Name of a canonical anion SMILES from :data:`KNOWN_ANIONS`, else the SMILES itself."""
    return _anion_names().get(anion_smiles, anion_smiles)


def salt_name(smiles: str) -> str:
    """``LiTFSI``, ``LiClO4``, ``Li2X``: the salt's name, else its canonical SMILES.

    Examples
    --------
    >>> salt_name("O=S(=O)([N-]S(=O)(=O)C(F)(F)F)C(F)(F)F.[Li+]")
    'LiTFSI'
    >>> salt_name("[Li+].[O-][Cl+3]([O-])([O-])[O-]")
    'LiClO4'
    """
    canonical, anion, n_li = salt_anions(smiles)
    name = anion_name(anion)
    if name == anion:
        return canonical
    return ("Li" if n_li == 1 else f"Li{n_li}") + name
