"""Element colours for the structure view: VESTA's scheme, with clashes among SE elements fixed.

VESTA's colours (shipped by pymatgen in ``pymatgen/vis/ElementColorSchemes.yaml``) are what
most solid-electrolyte papers show, but several elements that occur together in SEs share a
colour there (La, Zr, Li and Cl are all green; N and F, Na and S, Ga and Li are near twins),
and Jmol's scheme draws La and Zr in almost the same pale blue. The overrides below keep
VESTA's iconic colours (Li green, O red, S yellow, F lilac) and move the others until every
pair within a family that occurs together (garnets, argyrodites, LGPS, NASICONs, halides,
LiPON) is at least 18 apart in CIE76 colour difference (ΔE*ab; ~2 is just noticeable). The
tests check this with their own CIELAB conversion.
"""

from __future__ import annotations

from functools import lru_cache

# Changes to VESTA, each with the reason (VESTA's value in brackets).
OVERRIDES: dict[str, tuple[int, int, int]] = {
    "La": (70, 110, 235),  # blue (VESTA green, as Li/Zr/Cl; Jmol pale blue, as Zr)
    "Zr": (0, 130, 100),  # dark teal (VESTA pure green)
    "Ge": (102, 143, 143),  # slate, Jmol's (VESTA purple, close to P)
    "P": (192, 120, 200),  # orchid, VESTA's a little stronger (apart from F and Sn)
    "Cl": (31, 240, 31),  # saturated green, Jmol's (VESTA 49,252,2 too close to Sr)
    "N": (48, 80, 248),  # blue, Jmol's (VESTA: same colour as F)
    "Na": (171, 92, 242),  # violet, Jmol's (VESTA yellow, as S)
    "Si": (240, 200, 160),  # beige, Jmol's (VESTA blue, as N)
    "Sn": (70, 70, 110),  # dark slate (VESTA lilac, as P)
    "Ti": (191, 194, 199),  # grey, Jmol's (VESTA sky blue, as Hf)
    "Ga": (200, 140, 140),  # dusty pink (VESTA light green, as Li)
    "Se": (255, 161, 0),  # orange, Jmol's (VESTA yellow-green, near Li and S)
    "B": (31, 162, 15),  # VESTA's green, kept; listed so the family tests cover it
}
UNKNOWN_COLOR = (160, 160, 160)  # grey for a symbol in neither scheme (e.g. a dummy species)


@lru_cache(maxsize=1)
def _palette() -> dict[str, tuple[int, int, int]]:
    from pathlib import Path

    import pymatgen.vis
    from monty.serialization import loadfn

    schemes = loadfn(str(Path(pymatgen.vis.__file__).parent / "ElementColorSchemes.yaml"))
    palette: dict[str, tuple[int, int, int]] = {}
    for scheme in ("Jmol", "VESTA"):  # VESTA's colours win where both have one
        for el, rgb in schemes[scheme].items():
            r, g, b = (int(v) for v in rgb)
            palette[str(el)] = (r, g, b)
    palette.update(OVERRIDES)
    return palette


def element_rgb(symbol: str) -> tuple[int, int, int]:
    """(r, g, b) in 0–255 of an element in ssenb's scheme (grey if unknown).

    Parameters
    ----------
    symbol : str
        Element symbol, e.g. "Zr".

    Returns
    -------
    tuple of int
        Red, green, blue, each 0–255.
    """
    return _palette().get(symbol, UNKNOWN_COLOR)


def element_color(symbol: str) -> str:
    """Colour of an element in the structure view, as a plotly ``rgb(r,g,b)`` string.

    VESTA's scheme with clashes among solid-electrolyte elements fixed (La, Zr, Li and Cl
    are all green in VESTA; see ``OVERRIDES``). Unknown symbols are grey.

    Parameters
    ----------
    symbol : str
        Element symbol, e.g. "Zr".

    Returns
    -------
    str
        ``"rgb(r,g,b)"`` with integer channels 0–255.

    Examples
    --------
    >>> from ssenb.viz import element_color
    >>> element_color("O")
    'rgb(254,3,0)'
    """
    return "rgb({},{},{})".format(*element_rgb(symbol))
