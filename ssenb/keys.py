"""Column names and axis titles, each with its unit, from one place.

Every DataFrame column and figure axis in ssenb takes its name from here so that the
units are always stated the same way.
"""

from __future__ import annotations

# --- experimental conductivity (OBELiX) ---------------------------------------------
ID = "id"
REDUCED_COMPOSITION = "reduced_composition"
TRUE_COMPOSITION = "true_composition"
SIGMA = "sigma_S_cm"  # room-temperature ionic conductivity, S/cm (a bound if censored)
LOG10_SIGMA = "log10_sigma"  # log10 of sigma in S/cm
CENSORED = "censored"  # True: the measured value is an upper bound ("<1E-10")
FAMILY = "family"
SPACE_GROUP = "space_group"
SPACE_GROUP_NUMBER = "space_group_number"
STRUCTURE = "structure"
STRUCTURE_ERROR = "structure_error"
DOI = "doi"
ERROR = "error"  # per-row failure reason in batch results

# --- thermodynamics ------------------------------------------------------------------
FORMULA = "formula"
REDUCED_FORMULA = "reduced_formula"
CHEMSYS = "chemsys"
E_FORM = "formation_energy_eV_atom"
E_DECOMP = "decomposition_energy_eV_atom"
E_HULL = "e_above_hull_eV_atom"
REDUCTION_V = "reduction_V"
OXIDATION_V = "oxidation_V"
VOLTAGE = "voltage_V"
MIXING_RATIO = "mixing_ratio"
REACTION_ENERGY = "reaction_energy_eV_atom"

# --- model outputs -------------------------------------------------------------------
PREDICTION = "log10_sigma_pred"
PREDICTION_STD = "log10_sigma_std"

#: Human-readable axis titles with units.
LABELS: dict[str, str] = {
    SIGMA: "σ (S/cm)",
    LOG10_SIGMA: "log10 σ (S/cm)",
    PREDICTION: "predicted log10 σ (S/cm)",
    PREDICTION_STD: "uncertainty of log10 σ (S/cm), 1 std",
    E_FORM: "formation energy (eV/atom)",
    E_DECOMP: "decomposition energy (eV/atom)",
    E_HULL: "energy above hull (eV/atom)",
    REDUCTION_V: "reduction limit (V vs Li/Li⁺)",
    OXIDATION_V: "oxidation limit (V vs Li/Li⁺)",
    VOLTAGE: "voltage (V vs Li/Li⁺)",
    MIXING_RATIO: "x, atomic fraction of electrolyte",
    REACTION_ENERGY: "reaction energy (eV/atom)",
}


def label(column: str, *, ion: str = "Li") -> str:
    """Axis title for ``column`` with its unit; voltages are referenced to ``ion`` metal."""
    text = LABELS.get(column, column.replace("_", " "))
    if ion != "Li":
        text = text.replace("Li/Li⁺", f"{ion}/{ion}⁺")
    return text
