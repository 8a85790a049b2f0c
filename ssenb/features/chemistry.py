"""Composition descriptors of the Li and anion chemistry that matminer does not provide."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np
from matminer.featurizers.base import BaseFeaturizer

from .families import ANION_CHEMISTRY, LI_CONTENT

if TYPE_CHECKING:
    from collections.abc import Sequence

    from pymatgen.core import Composition

#: Elements counted as anions (ssenb's convention for SE chemistry): chalcogens, pnictogen
#: N, halogens. Hydrogen (hydrides, BH4-) is left out: its sign depends on the compound.
ANIONS = ("N", "O", "S", "Se", "Te", "F", "Cl", "Br", "I")
HALOGENS = ("F", "Cl", "Br", "I")
CHALCOGENS_HEAVY = ("S", "Se", "Te")


class LiAnionChemistry(BaseFeaturizer):
    """Li content and anion chemistry of a composition (atomic fractions, dimensionless).

    Features: Li fraction, anion fraction, Li per anion, O / heavy-chalcogen (S, Se, Te) /
    halogen / N share of the anions, number of distinct anion elements. Sulfides and
    halides are known to be softer, more polarisable frameworks than oxides (e.g. Bachman
    et al., Chem. Rev. 116, 140 (2016)), which these features let a model see directly.
    """

    #: declared family of each feature
    families: ClassVar[dict[str, str]] = {
        "Li fraction": LI_CONTENT,
        "anion fraction": ANION_CHEMISTRY,
        "Li per anion": LI_CONTENT,
        "O share of anions": ANION_CHEMISTRY,
        "S/Se/Te share of anions": ANION_CHEMISTRY,
        "halogen share of anions": ANION_CHEMISTRY,
        "N share of anions": ANION_CHEMISTRY,
        "number of anion elements": ANION_CHEMISTRY,
    }
    #: NaN here means "no anion to count" (hydrides, phosphides), a value a model may meet
    not_applicable: ClassVar[frozenset[str]] = frozenset({"Li per anion"})

    def featurize(self, comp: Composition) -> list[float]:
        """The eight features of ``comp`` (atomic fractions; Li per anion NaN without anions)."""
        amounts = {el.symbol: float(a) for el, a in comp.element_composition.items()}
        return self.featurize_amounts(amounts)

    @staticmethod
    def featurize_amounts(amounts: dict[str, float]) -> list[float]:
        """The features from ``{element: amount}`` (amounts in atoms per formula unit)."""
        total = sum(amounts.values())
        anion_amt = sum(amounts.get(a, 0.0) for a in ANIONS)
        li = amounts.get("Li", 0.0)

        def share(elements: Sequence[str]) -> float:
            return sum(amounts.get(a, 0.0) for a in elements) / anion_amt if anion_amt else 0.0

        return [
            li / total,
            anion_amt / total,
            li / anion_amt if anion_amt else np.nan,
            share(("O",)),
            share(CHALCOGENS_HEAVY),
            share(HALOGENS),
            share(("N",)),
            float(sum(1 for a in ANIONS if amounts.get(a, 0.0) > 0)),
        ]

    def feature_labels(self) -> list[str]:
        """Column names, in the order of :meth:`featurize`."""
        return [
            "Li fraction",
            "anion fraction",
            "Li per anion",
            "O share of anions",
            "S/Se/Te share of anions",
            "halogen share of anions",
            "N share of anions",
            "number of anion elements",
        ]

    def citations(self) -> list[str]:
        """BibTeX of the review that motivates these features."""
        return [
            "@article{bachman2016, title={Inorganic Solid-State Electrolytes for Lithium Batteries: "
            "Mechanisms and Properties Governing Ion Conduction}, author={Bachman, John Christopher and "
            "others}, journal={Chem. Rev.}, volume={116}, pages={140--162}, year={2016}, doi={10.1021/acs.chemrev.5b00563}}"
        ]

    def implementors(self) -> list[str]:
        """Who wrote this featurizer."""
        return ["ssenb developers"]
