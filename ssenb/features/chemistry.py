"""Composition descriptors of the Li and anion chemistry that matminer does not provide."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from matminer.featurizers.base import BaseFeaturizer

from .presets import ANION_CHEMISTRY, LI_CONTENT

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

    def featurize(self, comp):
        amounts = {el.symbol: float(a) for el, a in comp.element_composition.items()}
        return self.featurize_amounts(amounts)

    @staticmethod
    def featurize_amounts(amounts: dict[str, float]) -> list[float]:
        total = sum(amounts.values())
        anion_amt = sum(amounts.get(a, 0.0) for a in ANIONS)
        li = amounts.get("Li", 0.0)

        def share(elements):
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

    def feature_labels(self):
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

    def citations(self):
        return [
            "@article{bachman2016, title={Inorganic Solid-State Electrolytes for Lithium Batteries: "
            "Mechanisms and Properties Governing Ion Conduction}, author={Bachman, John Christopher and "
            "others}, journal={Chem. Rev.}, volume={116}, pages={140--162}, year={2016}, doi={10.1021/acs.chemrev.5b00563}}"
        ]

    def implementors(self):
        return ["ssenb developers"]
