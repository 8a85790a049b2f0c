"""The Materials Project ~2019 ground-state formation-energy table (offline default)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from .. import keys as K
from ..errors import DataIntegrityError
from ._cache import data_dir, fetch
from .materials import display_formula

SNAPSHOT_NAME = "MP ~2019 (Bartel et al. 2020 allMP via CrabNet 457b4d4)"
CORRECTION_SCHEME = "legacy MaterialsProjectCompatibility (pre-MP2020), GGA/GGA+U"
_SPLITS = ("train", "val", "test")


def load_mp_snapshot() -> pd.DataFrame:
    """Composition-level DFT formation energies of ~85,000 Materials Project compounds.

    The default offline thermodynamic data of ssenb: one row per composition (the
    lowest-energy polymorph), enough to build convex hulls and grand-potential phase
    diagrams. It has **no structures and no MP ids**, and its energies carry the
    **legacy MP corrections (MaterialsProjectCompatibility, pre-MP2020)** of the ~2019
    database: never mix them with MP2020-corrected entries (today's MP, Alexandria) in one
    hull. Elements are not rows: their formation energy is 0 by definition.

    Returns
    -------
    pandas.DataFrame
        Columns: formula (as upstream, e.g. ``Li3P1S4``), reduced_formula, chemsys
        (``"Li-P-S"``, elements sorted), n_elements, formation_energy_eV_atom,
        decomposition_energy_eV_atom (signed distance to the hull of all *other* phases:
        <= 0 on the hull), e_above_hull_eV_atom (max(Ed, 0)). 85,014 rows, a fresh copy.

    Notes
    -----
    Chain of custody: Materials Project (Jain et al., APL Mater. 1, 011002 (2013), CC BY
    4.0) -> Bartel et al., npj Comput. Mater. 6, 97 (2020) (``Ef.json``/``Ed.json``, MIT)
    -> CrabNet (Wang et al., npj Comput. Mater. 7, 77 (2021), MIT) ``CritExam__Ef``/``Ed``
    train/val/test files, joined here on formula (CrabNet's split has no thermodynamic
    meaning; all three are used).

    Examples
    --------
    >>> mp = load_mp_snapshot()
    >>> len(mp)
    85014
    """
    return _load_cached(str(data_dir())).copy()


@lru_cache(maxsize=2)
def _load_cached(_cache_dir: str) -> pd.DataFrame:
    from pymatgen.core import Composition

    ef = pd.concat([pd.read_csv(fetch(f"mp2019-allmp/CritExam__Ef/{s}.csv")) for s in _SPLITS])
    ed = pd.concat([pd.read_csv(fetch(f"mp2019-allmp/CritExam__Ed/{s}.csv")) for s in _SPLITS])
    merged = ef.merge(ed, on="formula", how="inner", suffixes=("_ef", "_ed"), validate="1:1")
    if len(merged) != len(ef):
        raise DataIntegrityError(
            f"MP snapshot Ef and Ed files do not join 1:1 on formula ({len(ef)} vs {len(merged)} rows)"
        )
    comps = [Composition(f) for f in merged["formula"]]
    ed_values = merged["target_ed"].to_numpy(float)
    return pd.DataFrame(
        {
            K.FORMULA: merged["formula"].to_numpy(),
            K.REDUCED_FORMULA: [display_formula(c) for c in comps],
            K.CHEMSYS: [c.chemical_system for c in comps],
            "n_elements": [len(c) for c in comps],
            K.E_FORM: merged["target_ef"].to_numpy(float),
            K.E_DECOMP: ed_values,
            K.E_HULL: np.maximum(ed_values, 0.0),
        }
    )
