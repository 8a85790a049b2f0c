"""Named featurizer presets (matminer featurizers plus ssenb's Li-specific ones)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..errors import UnknownNameError

Kind = Literal["composition", "structure"]


@dataclass(frozen=True)
class Preset:
    """A named list of featurizers applied to compositions or structures."""

    name: str
    kind: Kind
    description: str

    def featurizers(self) -> list:
        """Fresh matminer featurizer objects (matminer's ``BaseFeaturizer`` contract)."""
        return _BUILDERS[self.name]()

    def feature_labels(self) -> list[str]:
        return [label for f in self.featurizers() for label in f.feature_labels()]

    def citations(self) -> list[str]:
        return sorted({c for f in self.featurizers() for c in f.citations()})


def _magpie():
    from matminer.featurizers.composition import ElementProperty

    return [ElementProperty.from_preset("magpie")]


def _composition():
    from matminer.featurizers.composition import IonProperty, Stoichiometry, ValenceOrbital

    from .chemistry import LiAnionChemistry

    # IonProperty(fast=True): single-oxidation-state charge balance, ~100x faster than the default
    return [
        *_magpie(),
        Stoichiometry(),
        ValenceOrbital(),
        IonProperty(fast=True),
        LiAnionChemistry(),
    ]


def _li_sites():
    from .structure import LiSiteFeatures

    return [LiSiteFeatures()]


def _structure():
    from matminer.featurizers.structure import DensityFeatures, GlobalSymmetryFeatures

    return [
        # vpa and packing fraction reject disordered structures (most SE CIFs); LiSiteFeatures
        # gives the occupancy-weighted volume per atom instead
        DensityFeatures(desired_features=["density"]),
        GlobalSymmetryFeatures(
            desired_features=[
                "spacegroup_num",
                "crystal_system_int",
                "is_centrosymmetric",
                "n_symmetry_ops",
            ]
        ),
        *_li_sites(),
    ]


_BUILDERS = {
    "magpie": _magpie,
    "composition": _composition,
    "li_sites": _li_sites,
    "structure": _structure,
}

PRESETS: dict[str, Preset] = {
    "magpie": Preset(
        "magpie",
        "composition",
        "Magpie elemental-property statistics (Ward et al. 2016), 132 features",
    ),
    "composition": Preset(
        "composition",
        "composition",
        "Magpie + stoichiometry + valence orbitals + ionic character + Li/anion chemistry",
    ),
    "li_sites": Preset(
        "li_sites", "structure", "Li sublattice and anion-framework geometry (ssenb)"
    ),
    "structure": Preset("structure", "structure", "density, symmetry, and Li-site descriptors"),
}


def get_preset(name: str | Preset) -> Preset:
    """The preset called ``name``; an unknown name lists the valid ones."""
    if isinstance(name, Preset):
        return name
    try:
        return PRESETS[name]
    except (KeyError, TypeError):
        raise UnknownNameError(
            f"preset={name!r} is unknown; use one of {', '.join(PRESETS)}"
        ) from None
