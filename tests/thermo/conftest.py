"""Materials on which the fast (FastHull) paths are held to pymatgen's reference paths."""

import pytest

NAMED = [
    ("Li10GeP2S12", "Li"),  # LGPS, metastable
    ("Li7La3Zr2O12", "Li"),  # LLZO
    ("Li3PS4", "Li"),
    ("Li6PS5Cl", "Li"),  # argyrodite
    ("Li3YCl6", "Li"),  # not in the snapshot
    ("Li2PO2N", "Li"),  # LiPON model compound
    ("Li3PO4", "Li"),
    ("Li7P3S11", "Li"),
    ("Li3InCl6", "Li"),
    ("Li3OCl", "Li"),  # antiperovskite
    ("Li0.33La0.56TiO3", "Li"),  # LLTO, fractional amounts
    ("Li1.3Al0.3Ti1.7(PO4)3", "Li"),  # LATP, 5 elements, fractional
    ("Li20Ge2P4S24", "Li"),  # two formula units: coefficients per unit as written
    ("GeS2", "Li"),  # no Li: only uptake
    ("Li2O2", "Li"),  # peroxide (pymatgen's special formula)
    ("LiBH4", "Li"),
    ("Na3PS4", "Na"),
    ("MgS", "Mg"),
]


def snapshot_sample(mp_table):
    """Seeded Li compounds of the snapshot by chemistry (sulfides, oxides, halides,
    nitrides/others) and size (2 to 6 elements), 3 of each, plus 10 without Li."""
    els = mp_table["chemsys"].str.split("-")
    has = {
        el: els.map(lambda s, el=el: el in s) for el in ("Li", "S", "O", "N", "F", "Cl", "Br", "I")
    }
    halide = has["F"] | has["Cl"] | has["Br"] | has["I"]
    kinds = {
        "sulfide": has["S"] & ~has["O"] & ~halide,
        "oxide": has["O"] & ~halide,
        "halide": halide,
        "nitride or other": ~has["S"] & ~has["O"] & ~halide,
    }
    picks = []
    for k, mask in enumerate(kinds.values()):
        for n in range(2, 7):
            rows = mp_table[has["Li"] & mask & (mp_table["n_elements"] == n)]
            picks += rows.sample(min(3, len(rows)), random_state=10 * k + n)["formula"].tolist()
    no_li = mp_table[~has["Li"] & mp_table["n_elements"].between(2, 4)]
    return picks + no_li.sample(10, random_state=0)["formula"].tolist()


@pytest.fixture(scope="session")
def reference_cases(mp_table):
    """(formula, ion): the named electrolytes, then the seeded snapshot sample with Li."""
    return NAMED + [(f, "Li") for f in snapshot_sample(mp_table)]
