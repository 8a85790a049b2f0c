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
