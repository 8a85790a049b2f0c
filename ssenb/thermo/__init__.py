"""Thermodynamics: hull distance, stability windows, interface reactions, screening.

All functions take ``source=`` (default: the offline MP ~2019 snapshot with legacy
corrections) and never mix sources in one hull.
"""

from ._fasthull import FastHull  # public: the hull a figure draws (facets, tie lines)
from .coating import CoatingScreen, coating_screen
from .decomposition import Decomposition
from .interface import CONVENTION, ELECTRODES, InterfaceReactions, interface_reactions
from .interphases import Interphase, interphase
from .screening import screen
from .sources import (
    MAX_HULL_ELEMENTS,
    EntrySource,
    MPLive,
    MPSnapshot,
    UserEntries,
    check_elements,
    get_source,
)
from .stability import PhaseStability, phase_stability
from .window import MOBILE_IONS, StabilityWindow, choose_ion, ion_profile, stability_window

__all__ = [
    "CONVENTION",
    "ELECTRODES",
    "MAX_HULL_ELEMENTS",
    "MOBILE_IONS",
    "CoatingScreen",
    "Decomposition",
    "EntrySource",
    "FastHull",
    "InterfaceReactions",
    "Interphase",
    "MPLive",
    "MPSnapshot",
    "PhaseStability",
    "StabilityWindow",
    "UserEntries",
    "check_elements",
    "choose_ion",
    "coating_screen",
    "get_source",
    "interface_reactions",
    "interphase",
    "ion_profile",
    "phase_stability",
    "screen",
    "stability_window",
]
