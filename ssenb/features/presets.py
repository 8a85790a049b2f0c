"""The one home of descriptor families: named presets of featurizers, each with a family.

Adding a descriptor family is one new module (a featurizer with matminer's contract and a
declared ``family``) plus one line in :data:`PRESETS`. Families are declared, never
guessed from label text, so grouped explanations say what each feature measures.
Nothing here imports matminer until a preset's featurizers are built.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal, Protocol, TypeVar

from ..errors import UnknownNameError

# the family names live in a leaf module the featurizer modules import (no import circle)
from .families import (
    CELL,
    FAMILIES,
    IONICITY,
    OTHER,
    SIZE,
    STOICHIOMETRY,
    VALENCE,
)

#: What a preset's featurizers take: a Composition, a Structure, or a cell record
#: (lattice constants and space group, from a frame's columns or a Structure).
Kind = Literal["composition", "structure", "cell"]


class Featurizer(Protocol):
    """matminer's featurizer contract, as ssenb uses it (matminer classes satisfy it)."""

    def featurize(self, x: Any, /) -> list: ...

    def feature_labels(self) -> list[str]: ...

    def citations(self) -> list[str]: ...

    def implementors(self) -> list[str]: ...


_F = TypeVar("_F")

_MAGPIE_FAMILIES = {
    IONICITY: ("Electronegativity",),
    VALENCE: (
        "NsValence",
        "NpValence",
        "NdValence",
        "NfValence",
        "NValence",
        "NsUnfilled",
        "NpUnfilled",
        "NdUnfilled",
        "NfUnfilled",
        "NUnfilled",
        "GSbandgap",
        "GSmagmom",
    ),
}


@dataclass(frozen=True)
class Preset:
    """A named list of featurizers applied to compositions, structures or cell records."""

    name: str
    kind: Kind
    description: str
    build: Callable[[], list]

    def featurizers(self) -> list:
        """Fresh featurizer objects (matminer's ``BaseFeaturizer`` contract), each with a family.

        Deep copies of one set built per process, sharing only matminer's element tables
        (read-only data sources): change a copy's attributes or lists freely, the preset
        and every other copy keep theirs.
        """
        return [_fresh(f) for f in self._described]

    @functools.cached_property
    def _described(self) -> list:
        """The preset's featurizers, built once: they describe it and are copied to run.

        Why: building them loads matminer's element tables (tenths of a second), and a
        prediction asked for labels, families and featurizers several times.
        """
        return self.build()

    def feature_labels(self) -> list[str]:
        """Column names of this preset's features, in order."""
        return [label for f in self._described for label in f.feature_labels()]

    def families(self) -> dict[str, str]:
        """Feature label -> declared family."""
        return {label: fam for f in self._described for label, fam in families_of(f).items()}

    def not_applicable(self) -> list[str]:
        """Labels whose NaN means "does not apply to this material", not "unknown".

        A featurizer declares them in a ``not_applicable`` attribute (e.g. Li per anion of
        an anion-free hydride); a model may answer for such a row even if no training row
        had that NaN, while a NaN anywhere else means a missing input.
        """
        return [
            label
            for f in self._described
            for label in f.feature_labels()
            if label in getattr(f, "not_applicable", ())
        ]

    def citations(self) -> list[str]:
        """BibTeX of the methods behind the features."""
        return sorted({c for f in self._described for c in f.citations()})


def _fresh(featurizer: Any) -> Any:
    """A deep copy of ``featurizer`` that shares its matminer data tables (slow to build)."""
    from matminer.utils.data import AbstractData

    tables = {id(v): v for v in vars(featurizer).values() if isinstance(v, AbstractData)}
    return copy.deepcopy(featurizer, memo=tables)


def families_of(featurizer: Featurizer) -> dict[str, str]:
    """Label -> family of one featurizer: its ``families`` mapping or its single ``family``."""
    per_label = getattr(featurizer, "families", None)
    if isinstance(per_label, dict):
        return {label: per_label[label] for label in featurizer.feature_labels()}
    family = getattr(featurizer, "family", OTHER)
    return dict.fromkeys(featurizer.feature_labels(), family)


def _with_family(featurizer: _F, family: str) -> _F:
    featurizer.family = family  # type: ignore[attr-defined]  # matminer objects take attributes
    return featurizer


@functools.cache
def _magpie_full() -> Any:
    """The Magpie ElementProperty of matminer, built once (its element table costs 0.2 s)."""
    from matminer.featurizers.composition import ElementProperty

    return ElementProperty.from_preset("magpie")


def _magpie() -> list:
    """Magpie statistics split by what the elemental property measures (same values)."""
    full = _magpie_full()
    groups = dict(_MAGPIE_FAMILIES)
    taken = {p for props in groups.values() for p in props}
    groups[SIZE] = tuple(p for p in full.features if p not in taken)
    out = []
    for family, props in groups.items():
        part = copy.copy(full)  # shares the element table (building one costs 0.2 s)
        part.features = [p for p in full.features if p in props]
        out.append(_with_family(part, family))
    return out


def _composition() -> list:
    from matminer.featurizers.composition import IonProperty, Stoichiometry, ValenceOrbital

    from .chemistry import LiAnionChemistry

    # IonProperty(fast=True): single-oxidation-state charge balance, ~100x faster than the default
    return [
        *_magpie(),
        _with_family(Stoichiometry(), STOICHIOMETRY),
        _with_family(ValenceOrbital(), VALENCE),
        _with_family(IonProperty(fast=True), IONICITY),
        LiAnionChemistry(),
    ]


def _cell() -> list:
    from .cell import CellFeatures

    return [CellFeatures()]


def _li_sites() -> list:
    from .structure import LiSiteFeatures

    return [LiSiteFeatures()]


def _structure() -> list:
    from matminer.featurizers.structure import DensityFeatures, GlobalSymmetryFeatures

    return [
        # vpa and packing fraction reject disordered structures (most SE CIFs); the cell
        # family (CellFeatures) gives the occupancy-weighted volume per atom instead
        _with_family(DensityFeatures(desired_features=["density"]), CELL),
        _with_family(
            GlobalSymmetryFeatures(
                desired_features=[
                    "spacegroup_num",
                    "crystal_system_int",
                    "is_centrosymmetric",
                    "n_symmetry_ops",
                ]
            ),
            CELL,
        ),
        *_li_sites(),
    ]


def _transport() -> list:
    from .transport import TransportFeatures

    return [TransportFeatures()]


#: The registry: one line per preset.
PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset("magpie", "composition", "Magpie elemental-property statistics (Ward et al. 2016), 132 features", _magpie),
        Preset("composition", "composition", "Magpie + stoichiometry + valence orbitals + ionic character + Li/anion chemistry", _composition),
        Preset("cell", "cell", "lattice constants (Å, °), space group and volume per atom (Å³), from a frame's columns or a Structure", _cell),
        Preset("li_sites", "structure", "Li sublattice and anion-framework geometry (ssenb)", _li_sites),
        Preset("structure", "structure", "density, symmetry, and Li-site descriptors", _structure),
        Preset("transport", "structure", "BVSE Li migration barriers (1D/2D/3D, eV) and pathway descriptors (ssenb.transport)", _transport),
    )
}  # fmt: skip


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


@lru_cache(maxsize=1)
def _all_families() -> dict[str, str]:
    out: dict[str, str] = {}
    for name, preset in PRESETS.items():
        try:
            out.update(preset.families())
        except ImportError:  # an optional featurizer's dependency is missing
            continue
        except Exception:  # pragma: no cover - a broken optional family must not hide others
            if name in ("magpie", "composition", "cell", "structure", "li_sites"):
                raise
    return out


def feature_family(label: str) -> str:
    """The declared family of a feature label from any registered preset (else "other")."""
    return _all_families().get(label, OTHER)


__all__ = ["FAMILIES", "PRESETS", "Kind", "Preset", "families_of", "feature_family", "get_preset"]
