"""Thermodynamics: hull distance, stability windows, interface reactions, screening.

All functions take ``source=`` (default: the offline MP ~2019 snapshot with legacy
corrections) and never mix sources in one hull.
"""

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
from .window import StabilityWindow, ion_profile, stability_window

__all__ = [
    "CONVENTION",
    "ELECTRODES",
    "MAX_HULL_ELEMENTS",
    "CoatingScreen",
    "Decomposition",
    "EntrySource",
    "InterfaceReactions",
    "Interphase",
    "MPLive",
    "MPSnapshot",
    "PhaseStability",
    "StabilityWindow",
    "UserEntries",
    "check_elements",
    "coating_screen",
    "get_source",
    "interface_reactions",
    "interphase",
    "ion_profile",
    "phase_stability",
    "screen",
    "stability_window",
]
