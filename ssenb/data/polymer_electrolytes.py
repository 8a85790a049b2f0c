"""Polymer electrolytes: measured Li-ion conductivities of polymer/Li-salt mixtures vs temperature."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import pandas as pd

from .. import keys as K
from ..errors import InvalidInputError
from ._cache import data_dir, fetch
from .polymer_smiles import canonical_polymer, salt_name

#: Registered file (see ``_registry.py``).
POLYMER_FILE = "polymer-electrolytes/clean_train_data.csv"
ZERO_CELSIUS_K = 273.15
#: Name of the salt column for a polymer measured without added salt (single-ion polymers,
#: whose Li⁺ counter-ion the upstream SMILES leaves out).
NO_SALT = "none (single-ion polymer)"

_UPSTREAM = {
    "smiles": K.POLYMER_SMILES,
    "conductivity": K.LOG10_SIGMA,
    "mw": K.MW,
    "salt smiles": K.SALT_SMILES,
    "molality": K.MOLALITY,
    "temperature": K.TEMPERATURE_C,
}


def load_polymer_electrolytes() -> pd.DataFrame:
    """Measured ionic conductivities of Li-salt/polymer electrolytes between -30 °C and 190 °C.

    One row per measurement (10,114 rows; 229 repeat-unit SMILES upstream, 227 distinct
    polymers once canonicalised): a polymer repeat unit, a Li
    salt and its molality, the temperature, and log10 σ. A polymer appears at many
    temperatures, salts and concentrations, so validate by holding out whole polymers
    (group by the ``polymer`` column).

    Returns
    -------
    pandas.DataFrame
        Columns:

        - ``polymer_smiles``: the repeat unit as given upstream (``[Cu]``/``[Au]`` ends);
        - ``polymer``: its canonical SMILES with ``*`` ends ("" when refused);
        - ``salt_smiles``: canonical salt SMILES ("" when none was added);
        - ``salt``: the salt's name (``LiTFSI``, ``LiClO4`` ... from a table of known
          anions, else its canonical SMILES; ``"none (single-ion polymer)"`` when none);
        - ``smiles_error``: why RDKit or ssenb refused the row's polymer or salt SMILES
          ("" for a usable row); a refused row is kept, never dropped silently;
        - ``molality_mol_kg`` (mol salt per kg polymer) and ``mw_g_mol`` (polymer molecular
          weight, g/mol): NaN where upstream gives none (missing, not zero);
        - ``temperature_C``, ``temperature_K``;
        - ``log10_sigma``: log10 of the ionic conductivity in S/cm.

        A fresh copy each call.

    Notes
    -----
    Data: Bradford, Lopez, Ruza, Stolberg, Osterude, Johnson, Gomez-Bombarelli and
    Shao-Horn, "Chemistry-Informed Machine Learning for Polymer Electrolyte Discovery",
    ACS Cent. Sci. 9, 206 (2023); file ``data/clean_train_data.csv`` of GitHub
    learningmatter-mit/Chem-prop-pred at commit 39b0c16. License MIT.

    Examples
    --------
    >>> df = load_polymer_electrolytes()
    >>> len(df), df["polymer"].nunique(), int((df["smiles_error"] != "").sum())
    (10114, 227, 0)
    >>> df.loc[df["polymer"] == "*CCO*", "salt"].value_counts().head(2).to_dict()  # PEO
    {'LiOTf': 763, 'LiTFSI': 635}
    """
    return _load_cached(str(data_dir())).copy()


@lru_cache(maxsize=2)
def _load_cached(_cache_dir: str) -> pd.DataFrame:
    raw = pd.read_csv(fetch(POLYMER_FILE), keep_default_na=True)
    return parse_polymer_table(raw)


def parse_polymer_table(raw: pd.DataFrame) -> pd.DataFrame:
    """Turn a table in Bradford et al.'s layout into ssenb's columns (see the loader).

    Why: one reading of the upstream columns for the shipped file and for a user's own
    table in the same layout. Each distinct SMILES is parsed once.

    Raises
    ------
    InvalidInputError
        A column of the upstream layout is missing, or a number column holds text.
    """
    missing = sorted(set(_UPSTREAM) - set(raw.columns))
    if missing:
        raise InvalidInputError(
            f"polymer table lacks column(s) {missing}; expected Bradford et al.'s columns "
            f"{sorted(_UPSTREAM)}"
        )
    out = raw[list(_UPSTREAM)].rename(columns=_UPSTREAM)
    for col in (K.LOG10_SIGMA, K.MW, K.MOLALITY, K.TEMPERATURE_C):
        try:
            out[col] = pd.to_numeric(out[col], errors="raise").astype(float)
        except (TypeError, ValueError) as err:
            raise InvalidInputError(
                f"polymer table column {col!r} holds non-numbers: {err}"
            ) from err
    polymers = {s: _try(canonical_polymer, s) for s in out[K.POLYMER_SMILES].unique()}
    salts_in = out[K.SALT_SMILES].fillna("").astype(str).str.strip()
    salts = {s: _salt(s) for s in salts_in.unique()}
    out[K.POLYMER] = [polymers[s][0] for s in out[K.POLYMER_SMILES]]
    out[K.SALT_SMILES] = [salts[s][0] for s in salts_in]
    out[K.SALT] = [salts[s][1] for s in salts_in]
    out[K.SMILES_ERROR] = [
        "; ".join(e for e in (polymers[p][1], salts[s][2]) if e)
        for p, s in zip(out[K.POLYMER_SMILES], salts_in, strict=True)
    ]
    out[K.TEMPERATURE_K] = out[K.TEMPERATURE_C] + ZERO_CELSIUS_K
    order = [K.POLYMER_SMILES, K.POLYMER, K.SALT_SMILES, K.SALT, K.SMILES_ERROR, K.MOLALITY,
             K.MW, K.TEMPERATURE_C, K.TEMPERATURE_K, K.LOG10_SIGMA]  # fmt: skip
    return out[order].reset_index(drop=True)


def _try(parse: Callable[[str], str], smiles: str) -> tuple[str, str]:
    try:
        return parse(smiles), ""
    except InvalidInputError as err:
        return "", str(err)


def _salt(smiles: str) -> tuple[str, str, str]:
    """(canonical SMILES, name, error) of one salt cell; "" means no salt was added."""
    if not smiles:
        return "", NO_SALT, ""
    from .polymer_smiles import salt_anions

    try:
        canonical = salt_anions(smiles)[0]
        return canonical, salt_name(smiles), ""
    except InvalidInputError as err:
        return "", "", str(err)
