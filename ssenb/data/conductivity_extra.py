"""Two open literature tables of measured Li-ion conductivities, beside OBELiX.

- The Liverpool Ionics dataset: Hargreaves et al., "A database of experimentally measured
  lithium solid electrolyte conductivities evaluated with machine learning", npj Comput.
  Mater. 9, 9 (2023), doi:10.1038/s41524-022-00951-z. 820 rows, one temperature each
  (5-873 °C).
- Laskowski et al., "Identification of potential solid-state Li-ion conductors with
  semi-supervised learning", Energy Environ. Sci. 16, 1264 (2023),
  doi:10.1039/D2EE03499A: room-temperature conductivities from the paper's PDF
  supplementary table, as extracted by the OBELiX authors (about a third of the lines are
  imperfectly rendered), with its reference-number -> DOI table.

Both are copies kept in the OBELiX repository (NRC-Mila/OBELiX 4eaac88, ``data/misc``);
no licence is stated for either, so ssenb never vendors them: they are registered by URL
and sha256 and fetched on first use. Cite both papers wherever the data are used.

Every line of a file becomes one row: a line that cannot be read without guessing keeps
its text and the reason in ``parse_error`` (and NaN values); nothing is repaired by
guesswork. Only rendering artefacts that change no value are removed: combining marks
(a PDF overline, U+0305) and the Unicode minus sign.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
import re
import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING

import pandas as pd

from .. import keys as K
from ..errors import InvalidInputError
from ._cache import data_dir, fetch
from .materials import to_composition

if TYPE_CHECKING:
    from pymatgen.core import Composition

#: Measurement temperatures (°C) counted as room temperature, both ends included.
#: Why 15-35 °C: for an activation energy up to 0.5 eV (most solid electrolytes), 10 K
#: away from 25 °C moves log10 σ by at most about 0.25 (Arrhenius), half the scatter of
#: repeated OBELiX measurements of one composition (median 0.46 log10 units), while a
#: 50 °C row would move it by about 1.0. Liverpool rows at 22-30 °C (the bulk) and
#: 15-35 °C edge cases stay; 37 °C and above do not.
ROOM_TEMPERATURE_C = (15.0, 35.0)
LIVERPOOL = "liverpool"
LASKOWSKI = "laskowski"
CITATIONS = {
    LIVERPOOL: "Hargreaves et al., npj Comput. Mater. 9, 9 (2023), doi:10.1038/s41524-022-00951-z "
    "(the Liverpool Ionics dataset)",
    LASKOWSKI: "Laskowski et al., Energy Environ. Sci. 16, 1264 (2023), doi:10.1039/D2EE03499A",
}
DATA_VERSION = "OBELiX repository data/misc (NRC-Mila/OBELiX 4eaac88)"

#: The columns every conductivity source table has, in this order.
COLUMNS = (
    K.SOURCE,
    K.SOURCE_ID,
    K.FORMULA,
    K.REDUCED_COMPOSITION,
    K.SIGMA,
    K.LOG10_SIGMA,
    K.CENSORED,
    K.TEMPERATURE_C,
    K.ROOM_TEMPERATURE,
    K.DOI,
    K.FAMILY,
    K.PARSE_ERROR,
)

_SPACED_NUMBER = re.compile(r"^\d*\.?\d+$")
_MIXTURE_PART = re.compile(r"^(\d*\.?\d+)\s*([A-Z(][^-]*)$")


def in_room_temperature_window(temperature_c: float) -> bool:
    """Whether a measurement at ``temperature_c`` (°C) counts as room temperature.

    Examples
    --------
    >>> in_room_temperature_window(25.0), in_room_temperature_window(50.0)
    (True, False)
    """
    lo, hi = ROOM_TEMPERATURE_C
    return bool(lo <= temperature_c <= hi)


def clean_text(text: str) -> str:
    """``text`` without rendering artefacts that change no value: combining marks, U+2212.

    Examples
    --------
    >>> clean_text("1.30E-10\u0305"), clean_text("1.2E\u22124")
    ('1.30E-10', '1.2E-4')
    """
    kept = "".join(c for c in str(text) if unicodedata.category(c) != "Mn")
    return kept.replace("\u2212", "-").strip()


def read_formula(text: str) -> Composition:
    """A formula from a table cell, refusing text whose subscripts were rendered apart.

    PDF extraction moves subscripts away from their symbols ("Li PS Br 6 5" for
    Li6PS5Br). Spaces are accepted only where they cannot change the reading: every
    bare number follows a token that ends in a letter or ")" (it is that token's
    subscript), and no token ending in a letter is followed by one starting with a
    letter (a symbol whose subscript went elsewhere). A leading polymorph label
    ("β-", "γ-") is dropped, and so are csv quotes written into the cell. Glass notation
    ``"0.7Li2S-0.3P2S5"`` (amounts in moles of each compound) is read as
    ``(Li2S)0.7(P2S5)0.3``.

    Raises
    ------
    InvalidInputError
        Empty, displaced subscripts, or not a formula (:func:`ssenb.data.to_composition`).

    Examples
    --------
    >>> read_formula("Li 7.22 Si 1.5 P 0.5 O8").reduced_formula
    'Li7.22Si1.5P0.5O8'
    >>> read_formula("0.75Li2S-0.25P2S5").formula  # 0.75 mol Li2S + 0.25 mol P2S5
    'Li1.5 P0.5 S2'
    >>> read_formula("Li PS Br 6 5")
    Traceback (most recent call last):
    ...
    ssenb.errors.InvalidInputError: formula 'Li PS Br 6 5': subscripts rendered apart from their symbols (PDF extraction); not guessed
    """
    raw = clean_text(text)
    if len(raw) >= 2 and raw[0] == raw[-1] == '"':  # csv quoting written into the cell
        raw = raw[1:-1].strip()
    body = re.sub(r"^[\u03b1-\u03c9][\u2019'\u2032]?-", "", raw)  # "β-Li3PS4" -> "Li3PS4"
    if not body:
        raise InvalidInputError("no formula on this line (a wrapped PDF row continues here)")
    parts = body.split("-")
    if len(parts) > 1 and all(_MIXTURE_PART.match(p.strip()) for p in parts):
        # glass notation "0.7Li2S-0.3P2S5": x mol of one compound with y mol of another
        body = "".join(f"({m[2]}){m[1]}" for p in parts if (m := _MIXTURE_PART.match(p.strip())))
    tokens = body.split()
    for prev, tok in itertools.pairwise(tokens):
        if (_SPACED_NUMBER.match(tok) and not re.search(r"[A-Za-z)]$", prev)) or (
            re.search(r"[A-Za-z]$", prev) and re.match(r"[A-Za-z]", tok)
        ):
            raise InvalidInputError(
                f"formula {raw!r}: subscripts rendered apart from their symbols (PDF "
                "extraction); not guessed"
            )
    return to_composition("".join(tokens), argname="formula")


def read_sigma(text: str) -> tuple[float, bool]:
    """(σ in S/cm, is an upper bound) from a cell such as ``"1.2E-4"`` or ``"<1E-10"``."""
    from .obelix import parse_conductivity

    return parse_conductivity(clean_text(text))


def _row(source: str, source_id: str, formula: str, **values: object) -> dict[str, object]:
    out: dict[str, object] = dict.fromkeys(COLUMNS)
    out.update({K.SOURCE: source, K.SOURCE_ID: source_id, K.FORMULA: formula, **values})
    return out


def _measured(formula: str, sigma_text: str) -> dict[str, object]:
    """Composition and σ of one line, or the reason they cannot be read."""
    try:
        comp = read_formula(formula)
        sigma, censored = read_sigma(sigma_text)
    except InvalidInputError as err:
        return {K.PARSE_ERROR: str(err)}
    return {
        K.REDUCED_COMPOSITION: comp.reduced_composition,
        K.SIGMA: sigma,
        K.LOG10_SIGMA: math.log10(sigma),
        K.CENSORED: censored,
    }


def load_liverpool_ionics() -> pd.DataFrame:
    """The Liverpool Ionics dataset, one row per line, with units, temperature and DOI.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS` plus ``chemical_family``: source ("liverpool"),
        source_id (the table's ID), formula (as written), reduced_composition, sigma_S_cm
        (S/cm), log10_sigma, censored (False: the table has no bounds), temperature_C
        (°C, as measured), room_temperature (within :data:`ROOM_TEMPERATURE_C`), doi,
        family, parse_error (None, or why the line was not read). A fresh copy.

    Notes
    -----
    Hargreaves et al., npj Comput. Mater. 9, 9 (2023). Fetched from the OBELiX
    repository by URL + sha256 (``conductivity-extra/LiIonDatabase.csv``).

    Examples
    --------
    >>> df = load_liverpool_ionics()
    >>> len(df), int(df["room_temperature"].sum())
    (820, 465)
    """
    return _load(LIVERPOOL, str(data_dir())).copy()


def load_laskowski() -> pd.DataFrame:
    """Laskowski et al. (2023) room-temperature conductivities, one row per extracted line.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS` plus activation_energy_eV, space_group, icsd_id and
        reference (the paper's SI reference number, mapped to ``doi`` through its
        lookup table). source_id is ``"line <n>"`` (1-based line of the file);
        temperature_C is NaN (the table reports room temperature, not a number) and
        room_temperature True. Lines the PDF extraction broke (wrapped rows, displaced
        subscripts, a value without a formula) keep ``parse_error``. A fresh copy.

    Notes
    -----
    Laskowski et al., Energy Environ. Sci. 16, 1264 (2023), extracted by the OBELiX
    authors; fetched by URL + sha256 (``conductivity-extra/laskowski_semi-fromatted.csv``
    and ``conductivity-extra/doi_lookup_table.csv``).

    Examples
    --------
    >>> df = load_laskowski()
    >>> len(df), int(df["parse_error"].isna().sum())
    (1928, 903)
    """
    return _load(LASKOWSKI, str(data_dir())).copy()


@lru_cache(maxsize=4)
def _load(source: str, _cache_dir: str) -> pd.DataFrame:
    """Parse one source once per session and data folder (callers copy it)."""
    if source == LIVERPOOL:
        return parse_liverpool(fetch("conductivity-extra/LiIonDatabase.csv").read_bytes())
    table = fetch("conductivity-extra/laskowski_semi-fromatted.csv").read_bytes()
    lookup = fetch("conductivity-extra/doi_lookup_table.csv").read_bytes()
    return parse_laskowski(table, lookup)


def _decode(raw: bytes, name: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InvalidInputError(f"{name} is not UTF-8 text: {err}") from err


def parse_liverpool(raw: bytes) -> pd.DataFrame:
    """Rows of :func:`load_liverpool_ionics` from the csv's bytes (see there)."""
    reader = csv.DictReader(io.StringIO(_decode(raw, "LiIonDatabase.csv")))
    needed = {"ID", "composition", "source", "temperature", "target", "family"}
    if not needed <= set(reader.fieldnames or []):
        raise InvalidInputError(
            f"the Liverpool table lacks columns {sorted(needed - set(reader.fieldnames or []))}"
        )
    rows = []
    for line in reader:
        values = _measured(line["composition"], line["target"])
        try:
            t = float(clean_text(line["temperature"]))
            if not math.isfinite(t):
                raise ValueError(line["temperature"])
        except ValueError:
            values = {K.PARSE_ERROR: f"temperature {line['temperature']!r} is not a number (°C)"}
            t = math.nan
        rows.append(
            _row(
                LIVERPOOL,
                str(line["ID"]).strip(),
                line["composition"],
                **{
                    K.TEMPERATURE_C: t,
                    K.ROOM_TEMPERATURE: math.isfinite(t) and in_room_temperature_window(t),
                    K.DOI: _doi(line["source"]),
                    K.FAMILY: line["family"].strip() or "unassigned",
                    "chemical_family": _text(line.get("ChemicalFamily")),
                    **values,
                },
            )
        )
    return _typed(pd.DataFrame(rows))


def parse_laskowski(raw: bytes, lookup: bytes) -> pd.DataFrame:
    """Rows of :func:`load_laskowski` from the table's and the DOI lookup's bytes."""
    dois = {}
    for line in csv.DictReader(io.StringIO(_decode(lookup, "doi_lookup_table.csv"))):
        ref, doi = (line.get("ref. number") or "").strip(), _doi(line.get("DOI") or "")
        if ref and doi:
            dois[ref] = doi
    rows = []
    for n, cells in enumerate(csv.reader(io.StringIO(_decode(raw, "laskowski csv"))), start=1):
        cells = [*cells, *[""] * (8 - len(cells))][:8]
        formula, sigma, ea, group, _number, _note, icsd, ref = (clean_text(c) for c in cells)
        if not formula and not sigma:
            values: dict[str, object] = {
                K.PARSE_ERROR: "no formula and no conductivity (a wrapped PDF row continues here)"
            }
        elif not sigma:
            values = {K.PARSE_ERROR: "no conductivity value on this line"}
        elif not formula:
            values = {K.PARSE_ERROR: "no formula on this line (its formula sits on another line)"}
        else:
            values = _measured(formula, sigma)
        try:
            energy = float(ea) if ea else math.nan
        except ValueError:
            energy = math.nan
        rows.append(
            _row(
                LASKOWSKI,
                f"line {n}",
                cells[0],
                **{
                    K.TEMPERATURE_C: math.nan,
                    K.ROOM_TEMPERATURE: True,
                    K.DOI: dois.get(ref),
                    K.FAMILY: "unassigned",
                    "activation_energy_eV": energy,
                    "space_group": group or None,
                    "icsd_id": icsd or None,
                    "reference": ref or None,
                    **values,
                },
            )
        )
    return _typed(pd.DataFrame(rows))


def _text(value: str | None) -> str | None:
    """A text cell, None when empty or a spreadsheet's "#N/A"."""
    text = clean_text(value or "")
    return None if text in ("", "#N/A", "N/A", "nan") else text


def _doi(text: str) -> str | None:
    """A DOI as OBELiX writes it (lower-case prefix stripped of resolver URLs), or None."""
    doi = clean_text(text)
    doi = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", doi, flags=re.IGNORECASE).strip()
    return doi or None


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    for col in (K.SIGMA, K.LOG10_SIGMA, K.TEMPERATURE_C):
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype(float)
    frame[K.CENSORED] = frame[K.CENSORED].eq(True)
    frame[K.ROOM_TEMPERATURE] = frame[K.ROOM_TEMPERATURE].astype(bool)
    frame[K.PARSE_ERROR] = frame[K.PARSE_ERROR].where(frame[K.PARSE_ERROR].notna(), None)
    return frame
