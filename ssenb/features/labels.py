"""Readable names of features, for figures and explanations (families live in presets)."""

from __future__ import annotations

import re

#: Magpie property -> (readable name, unit)
MAGPIE_NAMES = {
    "Number": ("atomic number", ""),
    "MendeleevNumber": ("Mendeleev number", ""),
    "AtomicWeight": ("atomic weight", "u"),
    "MeltingT": ("elemental melting point", "K"),
    "Column": ("group", ""),
    "Row": ("period", ""),
    "CovalentRadius": ("covalent radius", "pm"),
    "Electronegativity": ("electronegativity", "Pauling"),
    "NsValence": ("s valence electrons", ""),
    "NpValence": ("p valence electrons", ""),
    "NdValence": ("d valence electrons", ""),
    "NfValence": ("f valence electrons", ""),
    "NValence": ("valence electrons", ""),
    "NsUnfilled": ("unfilled s states", ""),
    "NpUnfilled": ("unfilled p states", ""),
    "NdUnfilled": ("unfilled d states", ""),
    "NfUnfilled": ("unfilled f states", ""),
    "NUnfilled": ("unfilled states", ""),
    "GSvolume_pa": ("elemental volume per atom", "Å³"),
    "GSbandgap": ("elemental band gap", "eV"),
    "GSmagmom": ("elemental magnetic moment", "μB"),
    "SpaceGroupNumber": ("elemental space group", ""),
}

_MAGPIE = re.compile(r"^MagpieData (\w+) (\w+)$")
#: matminer's other feature names -> names for a reader (figures, SHAP, tables).
MATMINER_NAMES = {
    "0-norm": "number of elements",
    "compound possible": "charge-balanced with common oxidation states",
    "max ionic char": "max ionic character of a bond",
    "avg ionic char": "mean ionic character",
    "density": "density (g/cm³)",
    "spacegroup_num": "space group number (from the CIF)",  # the cell preset has the table's
    "crystal_system_int": "crystal system (1 triclinic to 7 cubic)",
    "is_centrosymmetric": "centrosymmetric",
    "n_symmetry_ops": "symmetry operations",
}
_VALENCE = re.compile(r"^(avg|frac) ([spdf]) valence electrons$")


def readable_label(label: str) -> str:
    """``"MagpieData mean Electronegativity"`` -> ``"mean electronegativity (Pauling)"``.

    The one map from a featurizer's label to the name a figure or table shows: Magpie
    statistics, matminer's other names (:data:`MATMINER_NAMES`: ``"avg ionic char"`` ->
    ``"mean ionic character"``, ``"0-norm"`` -> ``"number of elements"``) and the valence
    orbital fractions; ssenb's own labels are already readable and pass through.
    """
    m = _MAGPIE.match(label)
    if m:
        stat, prop = m.groups()
        name, unit = MAGPIE_NAMES.get(prop, (prop, ""))
        stat = {
            "avg_dev": "mean abs. deviation of",
            "minimum": "min",
            "maximum": "max",
            "mode": "majority-element",
        }.get(stat, stat)
        return f"{stat} {name}" + (f" ({unit})" if unit else "")
    if label in MATMINER_NAMES:
        return MATMINER_NAMES[label]
    if re.fullmatch(r"\d+-norm", label):
        return f"stoichiometry {label}"
    m = _VALENCE.match(label)
    if m:
        kind, orbital = m.groups()
        if kind == "avg":
            return f"{orbital} valence electrons per atom"  # Magpie has "mean s valence electrons"
        return f"share of valence electrons in {orbital} orbitals"
    return label
