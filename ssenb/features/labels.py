"""Readable names and families of features, for figures and grouped explanations."""

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

FAMILIES = (
    "Li content",
    "anion chemistry",
    "electronegativity & ionicity",
    "valence electrons",
    "atomic size & mass",
    "stoichiometry",
    "lattice & symmetry",
    "Li sites & framework",
)

_MAGPIE = re.compile(r"^MagpieData (\w+) (\w+)$")


def readable_label(label: str) -> str:
    """``"MagpieData mean Electronegativity"`` -> ``"mean electronegativity (Pauling)"``."""
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
    if re.fullmatch(r"\d+-norm", label):
        return f"stoichiometry {label}"
    return label


def feature_family(label: str) -> str:
    """The mechanism family a feature belongs to (one of :data:`FAMILIES`)."""
    low = label.lower()
    m = _MAGPIE.match(label)
    if m:
        prop = m.group(2)
        if prop == "Electronegativity":
            return "electronegativity & ionicity"
        if "Valence" in prop or "Unfilled" in prop or prop in ("GSbandgap", "GSmagmom"):
            return "valence electrons"
        return "atomic size & mass"
    if low.startswith("li ") and "per volume" not in low and "distance" not in low:
        return "Li content"
    if "anion" in low and (
        "share" in low or "fraction" in low or "number of" in low or "per anion" in low
    ):
        return "anion chemistry" if "li per" not in low else "Li content"
    if "ionic char" in low or "compound possible" in low:
        return "electronegativity & ionicity"
    if "valence electrons" in low:
        return "valence electrons"
    if low.endswith("-norm"):
        return "stoichiometry"
    if "li-" in low or "li sites" in low or "li per volume" in low or "anion" in low:
        return "Li sites & framework"
    return "lattice & symmetry"
