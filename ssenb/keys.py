"""Column names and axis titles, each with its unit, from one place.

Every DataFrame column and figure axis in ssenb takes its name from here so that the
units are always stated the same way. :data:`COLUMNS` maps a column name to its
description and unit; :func:`label` composes the axis title.
"""

from __future__ import annotations

# --- experimental conductivity (OBELiX) ---------------------------------------------
ID = "id"
REDUCED_COMPOSITION = "reduced_composition"
TRUE_COMPOSITION = "true_composition"
COMPOSITION_ERROR = "composition_error"  # why a row's formula could not be parsed
SIGMA = "sigma_S_cm"  # room-temperature ionic conductivity, S/cm (a bound if censored)
LOG10_SIGMA = "log10_sigma"  # log10 of sigma in S/cm
CENSORED = "censored"  # True: the measured value is an upper bound ("<1E-10")
FAMILY = "family"
SPACE_GROUP = "space_group"
SPACE_GROUP_NUMBER = "space_group_number"
STRUCTURE = "structure"
STRUCTURE_ERROR = "structure_error"
DOI = "doi"
# --- conductivity sources merged with OBELiX (ssenb.data.conductivity_extra) ---------
SOURCE = "source"  # which table a row comes from (obelix, liverpool, laskowski)
SOURCE_ID = "source_id"  # the row's id in that table
TEMPERATURE_C = "temperature_C"  # measurement temperature, °C (NaN: "room temperature")
ROOM_TEMPERATURE = "room_temperature"  # measured within the declared room-temperature window
PARSE_ERROR = "parse_error"  # why a source line could not be read (None when it was)
LIVERPOOL_ID = "liverpool_id"  # OBELiX's "Liion ID": the Liverpool Ionics row it came from
LASKOWSKI_REF = "laskowski_ref"  # OBELiX's "Laskowski ID": the Laskowski et al. reference number
ERROR = "error"  # per-row failure reason in batch results

# --- thermodynamics ------------------------------------------------------------------
INPUT = "input"
FORMULA = "formula"
REDUCED_FORMULA = "reduced_formula"
CHEMSYS = "chemsys"
IN_DATA = "in_data"
E_FORM = "formation_energy_eV_atom"
E_DECOMP = "decomposition_energy_eV_atom"
E_HULL = "e_above_hull_eV_atom"
DECOMPOSITION = "decomposition"
PHASE = "phase"
ATOMIC_FRACTION = "atomic_fraction"
REDUCTION_V = "reduction_V"
OXIDATION_V = "oxidation_V"
WINDOW_WIDTH_V = "window_width_V"
VOLTAGE = "voltage_V"
VOLTAGE_UPPER = "voltage_upper_V"
ION_PER_FU = "ion_per_formula_unit"  # >0: taken up (reduction), <0: released (oxidation)
PRODUCTS = "products"
REACTION = "reaction"
MIXING_RATIO = "mixing_ratio"
REACTION_ENERGY = "reaction_energy_eV_atom"
ANODE_REACTION_ENERGY = "anode_reaction_energy_eV_atom"  # most negative, vs the ion metal
CATHODE_REACTION_ENERGY = "cathode_reaction_energy_eV_atom"  # most negative, vs a cathode
PARETO_RANK = "pareto_rank"  # 1 = on the Pareto front

# --- model outputs -------------------------------------------------------------------
PREDICTION = "log10_sigma_pred"
PREDICTION_STD = "log10_sigma_std"
SHAP_VALUE = "shap_log10_sigma"
FOLD = "fold"
MAE = "mae_log10_sigma"
BASELINE_MAE = "baseline_mae_log10_sigma"

# --- transport (BVSE migration landscapes) -------------------------------------------
BARRIER_1D = "barrier_1d_eV"  # BVSE percolation barrier, 1D path, eV (inf: none)
BARRIER_2D = "barrier_2d_eV"
BARRIER_3D = "barrier_3d_eV"
PATHWAY_DIMENSION = "pathway_dimension"  # 0-3: dimension of the lowest-barrier network
ION_SITE_CONNECTIVITY = "ion_site_connectivity"  # fraction of mobile-ion sites on the path
PATHWAY_VOLUME_FRACTION = "pathway_volume_fraction"  # cell volume fraction of the path
BVSE_ENERGY = "bvse_energy_eV"  # site energy above the landscape minimum, eV
PATH_DISTANCE = "path_distance_A"  # distance along a migration path, Å
OCCUPANCY = "occupancy"
IN_PATHWAY = "in_pathway"
NODE = "node"  # a site of the migration network: one BVSE basin (local minimum)
NODE_KIND = "node_kind"  # "Li site" (a mobile-ion site lies in the basin) or "interstitial"
ION_SITES = "ion_sites"  # structure indices of the mobile-ion sites in a node's basin
FROM_NODE = "from_node"
TO_NODE = "to_node"
SADDLE_ENERGY = "saddle_energy_eV"  # lowest crossing between two basins, eV above the minimum
HOP_BARRIER = "hop_barrier_eV"  # saddle minus the deeper end's energy, eV
HOP_LENGTH = "hop_length_A"  # node -> saddle -> node distance, Å
RUN_TIME = "time_s"  # wall time, s

#: column -> (description, unit); unit "" for dimensionless or text columns.
COLUMNS: dict[str, tuple[str, str]] = {
    SIGMA: ("σ", "S/cm"),
    LOG10_SIGMA: ("log₁₀ σ", "S/cm"),
    TEMPERATURE_C: ("measurement temperature", "°C"),
    PREDICTION: ("predicted log₁₀ σ", "S/cm"),
    PREDICTION_STD: ("calibrated 1σ of log₁₀ σ (68 % interval half-width)", "S/cm"),
    E_FORM: ("formation energy", "eV/atom"),
    E_DECOMP: ("decomposition energy", "eV/atom"),
    E_HULL: ("energy above hull", "eV/atom"),
    REDUCTION_V: ("reduction limit", "V vs Li/Li⁺"),
    OXIDATION_V: ("oxidation limit", "V vs Li/Li⁺"),
    WINDOW_WIDTH_V: ("window width", "V"),
    VOLTAGE: ("voltage", "V vs Li/Li⁺"),
    VOLTAGE_UPPER: ("upper end of the voltage interval", "V vs Li/Li⁺"),
    ION_PER_FU: ("Li taken up per formula unit", ""),
    MIXING_RATIO: ("x, atomic fraction of electrolyte", ""),
    REACTION_ENERGY: ("reaction energy", "eV/atom"),
    ANODE_REACTION_ENERGY: ("most negative reaction energy with the ion metal", "eV/atom"),
    CATHODE_REACTION_ENERGY: ("most negative reaction energy with the cathode", "eV/atom"),
    PARETO_RANK: ("Pareto rank (1 = not dominated)", ""),
    ATOMIC_FRACTION: ("atomic fraction", ""),
    SHAP_VALUE: ("SHAP value", "log10 S/cm"),
    MAE: ("MAE of log₁₀ σ", "log10 S/cm"),
    BASELINE_MAE: ("median-predictor MAE of log₁₀ σ", "log10 S/cm"),
    INPUT: ("input", ""),
    FORMULA: ("formula", ""),
    REDUCED_FORMULA: ("reduced formula", ""),
    CHEMSYS: ("chemical system", ""),
    IN_DATA: ("composition has an entry in the data", ""),
    DECOMPOSITION: ("decomposition products (atomic fractions)", ""),
    PHASE: ("phase", ""),
    PRODUCTS: ("products", ""),
    REACTION: ("reaction", ""),
    ERROR: ("why this row failed", ""),
    BARRIER_1D: ("1D BVSE migration barrier", "eV"),
    BARRIER_2D: ("2D BVSE migration barrier", "eV"),
    BARRIER_3D: ("3D BVSE migration barrier", "eV"),
    PATHWAY_DIMENSION: ("dimension of the percolating pathway", ""),
    ION_SITE_CONNECTIVITY: ("fraction of mobile-ion sites on the pathway", ""),
    PATHWAY_VOLUME_FRACTION: ("cell volume fraction of the pathway", ""),
    BVSE_ENERGY: ("BVSE energy above the minimum", "eV"),
    PATH_DISTANCE: ("distance along the path", "Å"),
    OCCUPANCY: ("site occupancy", ""),
    IN_PATHWAY: ("on the percolating pathway", ""),
    NODE: ("network node", ""),
    NODE_KIND: ("kind of node", ""),
    ION_SITES: ("mobile-ion sites in the node's basin", ""),
    FROM_NODE: ("from node", ""),
    TO_NODE: ("to node", ""),
    SADDLE_ENERGY: ("BVSE saddle energy above the minimum", "eV"),
    HOP_BARRIER: ("BVSE hop barrier", "eV"),
    HOP_LENGTH: ("hop length via the saddle", "Å"),
    RUN_TIME: ("wall time", "s"),
}

# --- machine-learned interatomic potentials (ssenb.mlip) -----------------------------
ENTRY_ID = "entry_id"
N_ATOMS = "n_atoms"
E_DFT = "energy_dft_eV_atom"  # total energy per atom, corrected as the DFT entries are
E_MLIP = "energy_mlip_eV_atom"  # same, from the potential, on the same correction scale
E_FORM_DFT = "formation_energy_dft_eV_atom"
E_FORM_MLIP = "formation_energy_mlip_eV_atom"
E_HULL_DFT = "e_above_hull_dft_eV_atom"
E_HULL_MLIP = "e_above_hull_mlip_eV_atom"
E_HULL_ERR = "e_above_hull_uncertainty_eV_atom"  # from the potential's benchmark
CONVERGED = "converged"
N_STEPS = "n_steps"
MAX_FORCE = "max_force_eV_A"
E_POTENTIAL = "energy_potential_eV_atom"  # as the potential predicts it: no corrections added
POTENTIAL = "potential"  # which potential (name, version, convention) made a row
COLUMNS.update(
    {
        E_DFT: ("DFT energy", "eV/atom"),
        E_MLIP: ("MLIP energy", "eV/atom"),
        E_FORM_DFT: ("DFT formation energy", "eV/atom"),
        E_FORM_MLIP: ("MLIP formation energy", "eV/atom"),
        E_HULL_DFT: ("DFT energy above hull", "eV/atom"),
        E_HULL_MLIP: ("MLIP energy above hull", "eV/atom"),
        E_HULL_ERR: ("uncertainty of the energy above hull (benchmark MAE)", "eV/atom"),
        MAX_FORCE: ("largest remaining force", "eV/Å"),
        N_ATOMS: ("atoms in the cell", ""),
        N_STEPS: ("optimizer steps", ""),
        CONVERGED: ("relaxation converged", ""),
        E_POTENTIAL: ("energy from the potential (its own convention)", "eV/atom"),
        POTENTIAL: ("interatomic potential", ""),
        ENTRY_ID: ("entry id", ""),
    }
)

# --- interface cells and work of adhesion (ssenb.mlip.interface) ---------------------
FILM_MILLER = "film_miller"  # Miller index of the film's plane, "(h, k, l)"
SUBSTRATE_MILLER = "substrate_miller"
FILM_TERMINATION = "film_termination"  # pymatgen's termination label
SUBSTRATE_TERMINATION = "substrate_termination"
LATTICE_MATCH = "match"  # which ZSL match of the termination pair (0 = smallest area)
STRAIN_PCT = "strain_pct"  # largest in-plane principal Green-Lagrange strain of the film, %
VON_MISES_STRAIN_PCT = "von_mises_strain_pct"  # von Mises strain of the film, %
INTERFACE_AREA = "area_A2"  # in-plane area of the interface cell, Å²
INTERFACE_STATUS = "status"  # "ok" or "skipped: <reason>"
INTERFACE_CELL = "cell"  # index into InterfaceCandidates.cells (-1: skipped)
E_INTERFACE = "E_interface_eV"  # total energy of the interface superlattice, eV
E_FILM_SLAB = "E_film_slab_eV"  # total energy of the film cut out of it, eV
E_SUBSTRATE_SLAB = "E_substrate_slab_eV"
W_AD_EV_A2 = "W_ad_eV_A2"  # work of adhesion (E_film + E_substrate - E_interface) / 2A
W_AD_J_M2 = "W_ad_J_m2"  # the same in J/m²
RELAXED = "relaxed"  # positions relaxed with the potential (else a single point)
NORMAL_BARRIER = "bvse_normal_barrier_eV"  # lowest BVSE level crossing the interface normal
INTERFACE_BARRIER_3D = "bvse_barrier_3d_eV"  # BVSE 3D percolation barrier of the cell
COLUMNS.update(
    {
        FILM_MILLER: ("Miller index of the film plane", ""),
        SUBSTRATE_MILLER: ("Miller index of the substrate plane", ""),
        FILM_TERMINATION: ("film termination", ""),
        SUBSTRATE_TERMINATION: ("substrate termination", ""),
        LATTICE_MATCH: ("lattice match of the termination pair", ""),
        STRAIN_PCT: ("largest in-plane strain of the film", "%"),
        VON_MISES_STRAIN_PCT: ("von Mises strain of the film", "%"),
        INTERFACE_AREA: ("interface area", "Å²"),
        INTERFACE_STATUS: ("built, or why skipped", ""),
        INTERFACE_CELL: ("interface cell (index, -1: skipped)", ""),
        E_INTERFACE: ("energy of the interface cell", "eV"),
        E_FILM_SLAB: ("energy of the film slab", "eV"),
        E_SUBSTRATE_SLAB: ("energy of the substrate slab", "eV"),
        W_AD_EV_A2: ("work of adhesion", "eV/Å²"),
        W_AD_J_M2: ("work of adhesion", "J/m²"),
        RELAXED: ("positions relaxed", ""),
        NORMAL_BARRIER: ("BVSE barrier across the interface", "eV"),
        INTERFACE_BARRIER_3D: ("BVSE 3D barrier of the interface cell", "eV"),
    }
)

# --- electronic and mechanical properties (band gap, elastic moduli) -------------------
BAND_GAP_PBE = "band_gap_pbe_eV"  # DFT (PBE/GGA+U) band gap, eV (Materials Project)
BAND_GAP_EXPT = "band_gap_expt_eV"  # measured band gap, eV
LOG10_G = "log10_G_VRH_GPa"  # log10 of the Voigt-Reuss-Hill shear modulus in GPa
LOG10_K = "log10_K_VRH_GPa"  # log10 of the Voigt-Reuss-Hill bulk modulus in GPa
G_VRH = "G_VRH_GPa"  # Voigt-Reuss-Hill shear modulus, GPa
K_VRH = "K_VRH_GPa"  # Voigt-Reuss-Hill bulk modulus, GPa
BAND_GAP = "band_gap_eV"  # band gap from the best source at hand (see BAND_GAP_SOURCE)
BAND_GAP_STD = "band_gap_std_eV"  # its uncertainty (model: 1 std; data: 0 or polymorph spread)
BAND_GAP_SOURCE = "band_gap_source"  # "MP (PBE) data", "experiment", "model", ...
LOG10_G_STD = "log10_G_VRH_std"  # uncertainty of log10 G (1 std, log10 GPa)
LOG10_K_STD = "log10_K_VRH_std"
MODULI_SOURCE = "moduli_source"  # where G and K came from
G_OVER_G_LI = "G_over_G_Li"  # Monroe-Newman ratio, shear modulus over Li metal's
MONROE_NEWMAN = "monroe_newman_verdict"  # plain-language verdict on dendrite suppression
N_ENTRIES = "n_entries"  # rows of the data that share the composition (polymorphs)
HULL_SOURCE = "hull_source"  # which hull data gave the hull distance and window
SIGMA_SOURCE = "sigma_source"  # where the log10 sigma came from
LOG10_SIGMA_LOW = "log10_sigma_low"  # low end of the calibrated 2σ interval (log10 S/cm)
LOG10_SIGMA_HIGH = "log10_sigma_high"  # high end of the calibrated 2σ interval (log10 S/cm)
COLUMNS.update(
    {
        BAND_GAP_PBE: ("band gap, DFT (PBE)", "eV"),
        BAND_GAP_EXPT: ("band gap, experiment", "eV"),
        LOG10_G: ("log10 shear modulus G_VRH", "log10 GPa"),
        LOG10_K: ("log10 bulk modulus K_VRH", "log10 GPa"),
        G_VRH: ("shear modulus G_VRH", "GPa"),
        K_VRH: ("bulk modulus K_VRH", "GPa"),
        BAND_GAP: ("band gap", "eV"),
        BAND_GAP_STD: ("uncertainty of the band gap", "eV"),
        BAND_GAP_SOURCE: ("source of the band gap", ""),
        LOG10_G_STD: ("uncertainty of log10 G, 1 std", "log10 GPa"),
        LOG10_K_STD: ("uncertainty of log10 K, 1 std", "log10 GPa"),
        MODULI_SOURCE: ("source of G and K", ""),
        G_OVER_G_LI: ("G / G_Li (Monroe–Newman ratio)", ""),
        MONROE_NEWMAN: ("Monroe–Newman verdict", ""),
        N_ENTRIES: ("entries sharing the composition", ""),
        HULL_SOURCE: ("source of the hull distance and window", ""),
        SIGMA_SOURCE: ("source of log₁₀ σ", ""),
        LOG10_SIGMA_LOW: ("predicted log₁₀ σ, 2σ interval low", "S/cm"),
        LOG10_SIGMA_HIGH: ("predicted log₁₀ σ, 2σ interval high", "S/cm"),
    }
)
for _col in (BAND_GAP_PBE, BAND_GAP_EXPT, LOG10_G, LOG10_K):
    _desc, _unit = COLUMNS[_col]
    COLUMNS[f"{_col}_min"] = (f"{_desc}, lowest entry", _unit)
    COLUMNS[f"{_col}_max"] = (f"{_desc}, highest entry", _unit)

# --- interphases and coatings (ssenb.thermo.interphases, ssenb.thermo.coating) ----------
ELECTRONIC_CHARACTER = "electronic_character"  # insulator / semiconductor / metal / unknown
ION_FRACTION = "ion_atomic_fraction"  # atomic fraction of the mobile ion in a phase
MOLE_FRACTION = "mole_fraction"  # formula units of a product / all product formula units
VERDICT = "verdict"
REASONS = "reasons"
COATING = "coating"
CATHODE_VOLTAGE = "cathode_voltage_V"  # the cathode's working potential, V vs Li/Li+
OXIDATION_MARGIN = "oxidation_margin_V"  # coating's oxidation limit minus the cathode potential
ELECTROLYTE_REACTION_ENERGY = "electrolyte_reaction_energy_eV_atom"  # most negative, vs electrolyte
PASSES = "passes"  # every hard criterion of the coating screen is met
FAILED_CRITERIA = "failed_criteria"
ION_CONDUCTOR = "ion_conductor"  # yes / no / uncertain / unknown, from the evidence at hand
ION_CONDUCTOR_EVIDENCE = "ion_conductor_evidence"  # which evidence: BVSE, model, Li content
COLUMNS.update(
    {
        ION_CONDUCTOR: ("ion conductor (from the evidence at hand)", ""),
        ION_CONDUCTOR_EVIDENCE: ("evidence for the ion-conductor verdict", ""),
        ELECTRONIC_CHARACTER: ("electronic character from the PBE gap", ""),
        ION_FRACTION: ("atomic fraction of the mobile ion", ""),
        MOLE_FRACTION: ("mole fraction among the products", ""),
        VERDICT: ("verdict", ""),
        REASONS: ("reasons", ""),
        COATING: ("coating candidate", ""),
        CATHODE_VOLTAGE: ("cathode working potential", "V vs Li/Li⁺"),
        OXIDATION_MARGIN: ("oxidation limit above the cathode potential", "V"),
        ELECTROLYTE_REACTION_ENERGY: (
            "most negative reaction energy with the electrolyte",
            "eV/atom",
        ),
        PASSES: ("meets every hard criterion", ""),
        FAILED_CRITERIA: ("criteria not met", ""),
    }
)

# --- polymer electrolytes (Bradford et al. 2023; ssenb.data.load_polymer_electrolytes) ---
POLYMER_SMILES = "polymer_smiles"  # repeat unit as given, with its two chain-end markers
POLYMER = "polymer"  # canonical repeat-unit SMILES with * chain ends (the grouping key)
SALT_SMILES = "salt_smiles"  # canonical salt SMILES ("" for a single-ion polymer)
SALT = "salt"  # salt name (LiTFSI ...), else the canonical SMILES
SMILES_ERROR = "smiles_error"  # why a row's polymer or salt SMILES was refused ("" if fine)
MOLALITY = "molality_mol_kg"  # mol salt per kg polymer
MW = "mw_g_mol"  # polymer molecular weight, g/mol
TEMPERATURE_C = "temperature_C"
TEMPERATURE_K = "temperature_K"
INVERSE_TEMPERATURE = "inverse_temperature_1000_per_K"  # 1000/T, 1/K
VTF_LOG10_A = "vtf_log10_A"  # VTF prefactor, log10 S/cm
VTF_B = "vtf_B_K"  # VTF pseudo-activation B, K: σ = A exp(-B/(T - T0)), B = E_a/k_B
VTF_T0 = "vtf_T0_K"  # VTF ideal glass temperature T0, K
COLUMNS.update(
    {
        POLYMER_SMILES: ("polymer repeat unit (SMILES)", ""),
        POLYMER: ("polymer repeat unit (canonical SMILES)", ""),
        SALT_SMILES: ("salt (SMILES)", ""),
        SALT: ("salt", ""),
        SMILES_ERROR: ("why the SMILES was refused", ""),
        MOLALITY: ("salt molality", "mol/kg"),
        MW: ("polymer molecular weight", "g/mol"),
        TEMPERATURE_C: ("temperature", "°C"),
        TEMPERATURE_K: ("temperature", "K"),
        INVERSE_TEMPERATURE: ("1000/T", "1/K"),
        VTF_LOG10_A: ("VTF prefactor log10 A", "log10 S/cm"),
        VTF_B: ("VTF pseudo-activation B", "K"),
        VTF_T0: ("VTF T0", "K"),
    }
)

# --- substitution candidates (ssenb.design) -----------------------------------------
SITE = "site"  # host element whose sites the dopant takes
SITE_OXIDATION_STATE = "site_oxidation_state"
DOPANT = "dopant"
DOPANT_OXIDATION_STATE = "dopant_oxidation_state"
SUBSTITUTION_PROBABILITY = "substitution_probability"  # P(dopant | site species), data-mined
COORDINATION = "coordination"  # of the site, where a structure gives it
SITE_RADIUS = "site_radius_A"  # Shannon ionic radius, Å
DOPANT_RADIUS = "dopant_radius_A"
RADIUS_MISMATCH = "radius_mismatch_pct"  # (dopant - site) / site radius, %
LI_PER_DOPANT = "li_per_dopant"  # change of Li per dopant: + interstitials, - vacancies/replaced
COMPENSATION = "compensation"
DOPED_FORMULA = "doped_formula"  # e.g. Li7-xLa3Zr2-xTaxO12, x dopants per formula unit
SITE_FRACTIONS = "site_fractions"  # grid fractions of the site a cell within the bound realises
MIN_CELL_ATOMS = "min_cell_atoms"  # atoms of the smallest such cell
CHARGE_BALANCED = "charge_balanced"
RANK = "rank"  # REASONS is shared with the coating screen (above)
COLUMNS.update(
    {
        SITE: ("substituted site (host element)", ""),
        SITE_OXIDATION_STATE: ("oxidation state of the site", "e"),
        DOPANT: ("dopant", ""),
        DOPANT_OXIDATION_STATE: ("oxidation state of the dopant", "e"),
        SUBSTITUTION_PROBABILITY: ("data-mined substitution probability P(dopant | site)", ""),
        COORDINATION: ("coordination number of the site", ""),
        SITE_RADIUS: ("Shannon ionic radius of the site", "Å"),
        DOPANT_RADIUS: ("Shannon ionic radius of the dopant", "Å"),
        RADIUS_MISMATCH: ("ionic radius mismatch, dopant vs site", "%"),
        LI_PER_DOPANT: ("Li gained per dopant, a replaced Li site included (- = fewer Li)", ""),
        COMPENSATION: ("charge compensation", ""),
        DOPED_FORMULA: ("doped formula (x dopants per formula unit)", ""),
        SITE_FRACTIONS: ("fractions of the site realised in a cell within the bound", ""),
        MIN_CELL_ATOMS: ("atoms in the smallest cell realising a fraction", ""),
        CHARGE_BALANCED: ("charge balanced", ""),
        RANK: ("rank (1 = most likely)", ""),
    }
)

#: Human-readable axis titles with units (derived from :data:`COLUMNS`).
LABELS: dict[str, str] = {
    name: f"{desc} ({unit})" if unit else desc for name, (desc, unit) in COLUMNS.items()
}


#: Charge of the common mobile ions (the metal gives this many electrons per ion).
ION_CHARGES = {"Li": 1, "Na": 1, "K": 1, "Rb": 1, "Cs": 1, "Ag": 1, "Cu": 1, "Mg": 2, "Ca": 2,
               "Sr": 2, "Ba": 2, "Zn": 2, "Al": 3}  # fmt: skip
#: The mobile ions ssenb names, in the order a material's own ion is chosen by
#: :func:`ssenb.thermo.choose_ion`; the ion controls of the widgets offer these.
MOBILE_IONS: tuple[str, ...] = tuple(ION_CHARGES)


def ion_charge(ion: str) -> int:
    """Charge z of the mobile ion: the table above, else its lowest positive common state.

    Why: a voltage is per electron, V = -(mu - mu0) / (z e); Mg²⁺ moves two electrons, so
    its window in volts is half the chemical-potential span of Li's.
    """
    if ion in ION_CHARGES:
        return ION_CHARGES[ion]
    from pymatgen.core import Element

    positive = [s for s in Element(ion).common_oxidation_states if s > 0]
    return min(positive) if positive else 1


def ion_symbol(ion: str) -> str:
    """``Li⁺``, ``Mg²⁺``: the mobile ion with its charge."""
    z = ion_charge(ion)
    sup = "⁺" if z == 1 else str(z).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")) + "⁺"
    return f"{ion}{sup}"


def ion_label(ion: str) -> str:
    """``Li/Li⁺``, ``Mg/Mg²⁺``: the reference electrode of voltages vs the ion's metal."""
    return f"{ion}/{ion_symbol(ion)}"


def table_ion(data: object, default: str = "Li") -> str:
    """The mobile ion a result or table was computed for: its ``ion``, else ``attrs["ion"]``.

    Why: a figure labels its voltage axis from the data it draws (V vs Mg/Mg²⁺ for a Mg
    screen), never from a default. ``screen`` and ``screen_candidates`` put the ion in
    their table's ``attrs``.
    """
    ion = getattr(data, "ion", None)
    if not isinstance(ion, str):
        attrs = getattr(data, "attrs", None)
        ion = attrs.get("ion") if isinstance(attrs, dict) else None
    return ion if isinstance(ion, str) and ion else default


def unit(column: str, *, ion: str = "Li") -> str:
    """The unit of ``column`` ("" when dimensionless or unknown)."""
    text = COLUMNS.get(column, ("", ""))[1]
    return text.replace("Li/Li⁺", ion_label(ion)) if ion != "Li" else text


def label(column: str, *, ion: str = "Li") -> str:
    """Axis title for ``column`` with its unit; voltages are referenced to ``ion`` metal.

    The one label function of every figure: a voltage reads "V vs Mg/Mg²⁺" for Mg
    (:func:`ion_label`), never a copy of the reference electrode.

    Examples
    --------
    >>> label(VOLTAGE, ion="Mg")
    'voltage (V vs Mg/Mg²⁺)'
    """
    text = LABELS.get(column, column.replace("_", " "))
    if ion != "Li":
        text = text.replace("Li/Li⁺", ion_label(ion)).replace("Li taken", f"{ion} taken")
    return text
