"""Data layer: registered upstream files, a verified cache, and loaders.

Nothing here is vendored: each file is known by URL and sha256 and cached under
``$SSENB_DATA_DIR`` (default: ``../shared/data`` beside a source checkout when it exists,
else the OS cache folder; see :func:`data_dir`).
"""

from ._cache import data_dir, fetch, file_status, is_present, offline, sha256sum
from ._registry import DATASETS, REGISTRY
from .cif import parse_cif, read_cif
from .conductivity_extra import ROOM_TEMPERATURE_C, load_laskowski, load_liverpool_ionics
from .conductivity_table import (
    ConductivityDataCard,
    combine_repeats,
    conductivity_data_card,
    conductivity_measurements,
    load_conductivity_table,
    measurement_counts,
    repeat_scatter,
)
from .hull_demos import load_alexandria_entries, load_mp2020_entries
from .leaks import exclude_overlaps, overlap_reasons
from .materials import display_formula, to_composition, to_element
from .mp_properties import (
    PROPERTY_NAMES,
    load_mp_properties,
    lookup_properties,
    property_table,
)
from .mp_snapshot import CORRECTION_SCHEME, SNAPSHOT_NAME, load_mp_snapshot
from .obelix import load_obelix
from .polymer_electrolytes import load_polymer_electrolytes

__all__ = [
    "CORRECTION_SCHEME",
    "DATASETS",
    "PROPERTY_NAMES",
    "REGISTRY",
    "ROOM_TEMPERATURE_C",
    "SNAPSHOT_NAME",
    "ConductivityDataCard",
    "combine_repeats",
    "conductivity_data_card",
    "conductivity_measurements",
    "data_dir",
    "display_formula",
    "exclude_overlaps",
    "fetch",
    "file_status",
    "is_present",
    "load_alexandria_entries",
    "load_conductivity_table",
    "load_laskowski",
    "load_liverpool_ionics",
    "load_mp2020_entries",
    "load_mp_properties",
    "load_mp_snapshot",
    "load_obelix",
    "load_polymer_electrolytes",
    "lookup_properties",
    "measurement_counts",
    "offline",
    "overlap_reasons",
    "parse_cif",
    "property_table",
    "read_cif",
    "repeat_scatter",
    "sha256sum",
    "to_composition",
    "to_element",
]
