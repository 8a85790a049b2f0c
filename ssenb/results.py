"""One convention for every result object ssenb returns.

A result is a frozen dataclass that subclasses :class:`Result`. It then has, with no
code of its own beyond :meth:`Result.summary`:

- ``to_frame()``: its main table (the field named by ``_table``) with columns from
  :mod:`ssenb.keys`, so every column has one name and one unit across the package;
- ``_repr_html_()``: a small, escaped summary table that notebooks, widgets and the
  HTML report all reuse (one renderer, not three);
- ``as_dict()`` / ``from_dict()``: MSONable, so results travel through JSON, monty's
  ``jsanitize(strict=True)`` and workflow managers (jobflow, atomate2); ``from_dict``
  decodes through one closed allow-list (:mod:`ssenb._decode`), so a file from someone
  else cannot name code to run.

Subclasses declare ``@dataclass(frozen=True, eq=False)`` (frames do not compare with
``==``) and override :meth:`Result.summary` to list what a reader needs first.
"""

from __future__ import annotations

import dataclasses
import html
import math
import re
from typing import TYPE_CHECKING, Any, ClassVar, Self

from monty.json import MSONable

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "DIGITS_BY_UNIT",
    "Result",
    "fmt_number",
    "for_people",
    "formula_html",
    "html_table",
    "styled",
]

_FRAME = "@frame"
_TOKEN = re.compile(r"[A-Za-z0-9().\[\]]+")
_PART = re.compile(r"([A-Z][a-z]?|\(|\)|\[|\])(\d+(?:\.\d+)?)?")
_NUMBER = re.compile(r"(?<=[A-Za-z)\]])(\d+(?:\.\d+)?)")
#: one element (after an optional bracket) and its charge's digit, if any, before a + or -
_ION = re.compile(r"(\(?)([A-Z][a-z]?)(\d?)")


def fmt_number(value: Any, unit: str = "", *, digits: int = 2, spread: Any = None) -> str:
    """A number for people: ``-0.000`` and ``-2.4e-15`` read as 0, ``inf`` as ∞, NaN as n/a.

    With ``spread`` (e.g. an ensemble's standard deviation, same unit) the text reads
    ``"-3.21 ± 0.45 S/cm"``; a spread that is None, NaN or rounds to 0 at ``digits`` is
    left out rather than written as "± 0.00" (a spread of one model is no uncertainty).

    Examples
    --------
    >>> fmt_number(-3.2149, "S/cm", spread=0.451)
    '-3.21 ± 0.45 S/cm'
    >>> fmt_number(-3.2149, "S/cm", spread=0.0)
    '-3.21 S/cm'
    """
    try:
        x = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(x):
        return "n/a"
    if math.isinf(x):
        text = "∞" if x > 0 else "−∞"
    else:
        text = f"{x:.{digits}f}"
        if float(text) == 0.0:  # "-0.00" and round-off noise
            text = f"{0.0:.{digits}f}"
    try:
        err = abs(float(spread)) if spread is not None else math.nan
    except (TypeError, ValueError):
        err = math.nan
    if math.isfinite(err) and float(f"{err:.{digits}f}") > 0:
        text += f" ± {err:.{digits}f}"
    return f"{text} {unit}".strip()


#: Decimals a number is shown with, by the unit of its column (:data:`ssenb.keys.COLUMNS`):
#: 1 meV/atom for energies per atom (below DFT's accuracy, above its round-off), 1 mV for
#: voltages, 0.01 for log10 σ, 0.001 for fractions and per-formula-unit amounts, 0.01 Å,
#: 0.001 eV for barriers. A unit not listed keeps 4 significant digits; σ in S/cm keeps 3
#: (it spans ten decades, so decimals would erase the small ones).
DIGITS_BY_UNIT: dict[str, int] = {
    "eV/atom": 3,
    "eV": 3,
    "V": 3,
    "V vs Li/Li⁺": 3,
    "log10 S/cm": 2,
    "Å": 2,
    "eV/Å": 3,
    "s": 1,
    "": 3,
}
#: Significant digits of a column whose unit has no fixed decimals (σ in S/cm, unknown).
SIGNIFICANT_DIGITS = 3


def for_people(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose numbers read as people write them, for every table view.

    Why: a CSV or a printed table with ``2.775558e-17`` or ``1.7207352900714306`` states a
    precision the data do not have. Every float column is rounded to the decimals of its
    unit (:data:`DIGITS_BY_UNIT`, looked up in :data:`ssenb.keys.COLUMNS`; a voltage column
    named ``*_V`` is in volts), which also turns hull-solver round-off (|x| below half the
    last decimal) into exactly 0 and ``-0.0`` into ``0.0``; ``inf`` and NaN stay as they are.
    Columns of σ in S/cm and columns ssenb does not know keep 3 significant digits. Text,
    integer and boolean columns are untouched. The CLI (``screen``, ``window``,
    ``interface``, ``predict``), the widgets' tables and the report all call this one helper.

    Parameters
    ----------
    frame : pandas.DataFrame
        A table with ssenb's column names (others are allowed).

    Returns
    -------
    pandas.DataFrame
        A new frame; the input is not modified.

    Examples
    --------
    >>> import pandas as pd
    >>> t = for_people(pd.DataFrame({"e_above_hull_eV_atom": [2.775558e-17, -1e-16, 0.0045294],
    ...                              "reduction_V": [1.7207352900714306, 0.0, float("inf")]}))
    >>> t["e_above_hull_eV_atom"].tolist(), t["reduction_V"].tolist()
    ([0.0, 0.0, 0.005], [1.721, 0.0, inf])
    """
    import numpy as np

    out = frame.copy()
    for name in out.columns:
        column = out[name]
        if not _is_float(column.dtype):  # Int64, text, bool: untouched
            continue
        digits = column_digits(str(name))
        values = column.to_numpy(dtype=float)
        if digits is None:
            out[name] = [_significant(v, SIGNIFICANT_DIGITS) for v in values]
        else:
            out[name] = np.round(values, digits) + 0.0  # + 0.0: no -0.0
    return out


def styled(frame: pd.DataFrame) -> Any:
    """:func:`for_people` for a notebook: a pandas Styler that writes each number as rounded.

    pandas prints a column of σ values as ``1.580000e-06``, six digits the data do not have;
    the Styler writes ``1.58e-06`` (3 significant digits) and each other float column with
    the decimals of its unit (:data:`DIGITS_BY_UNIT`).

    Examples
    --------
    >>> import pandas as pd
    >>> html = styled(pd.DataFrame({"sigma_S_cm": [1.58e-06], "log10_sigma": [-5.800001]})).to_html()
    >>> "1.58e-06" in html and "-5.80" in html and "-5.800001" not in html
    True
    """
    formats = {}
    for name in frame.columns:
        if _is_float(frame[name].dtype):
            digits = column_digits(str(name))
            formats[name] = f"{{:.{SIGNIFICANT_DIGITS}g}}" if digits is None else f"{{:.{digits}f}}"
    return for_people(frame).style.format(formats, na_rep="")


def _is_float(dtype: Any) -> bool:
    """A numpy float column (pandas' nullable Int64 is no numpy dtype: not float)."""
    import numpy as np

    return isinstance(dtype, np.dtype) and np.issubdtype(dtype, np.floating)


def column_digits(name: str) -> int | None:
    """Decimals a column is shown with (:data:`DIGITS_BY_UNIT`), None for significant digits."""
    from .keys import COLUMNS

    if name.startswith("log10") or (name in COLUMNS and "log₁₀" in COLUMNS[name][0]):
        return DIGITS_BY_UNIT["log10 S/cm"]  # keys gives log10 σ the unit of σ, S/cm
    if name in COLUMNS:
        return DIGITS_BY_UNIT.get(COLUMNS[name][1])
    if name.endswith("_V"):
        return DIGITS_BY_UNIT["V"]
    if name.endswith("_eV_atom"):
        return DIGITS_BY_UNIT["eV/atom"]
    if name.endswith("_eV"):
        return DIGITS_BY_UNIT["eV"]
    return None


def _significant(value: float, digits: int) -> float:
    if not math.isfinite(value) or value == 0:
        return value + 0.0
    return float(f"{value:.{digits}g}") + 0.0


def formula_html(text: str) -> str:
    """Chemical formulas with subscripts, for plotly labels: ``Li7P3S11`` -> ``Li<sub>7</sub>P<sub>3</sub>S<sub>11</sub>``.

    Only words that are made entirely of element symbols, brackets and numbers are
    changed (``NMC111`` and ``LNMO`` stay as written, since M and L are not elements), and
    not a word just before ``/`` or ``_`` (space groups such as ``P63/mmc``, ``P4_2/nmc``);
    everything else is HTML-escaped, so the result is safe inside a plotly label or an
    HTML page. The one helper for subscripts: figures, result tables
    (:func:`html_table`), the report and the widgets all call it.

    Parameters
    ----------
    text : str
        A formula, or text with formulas in it (``"Li3PS4 + Li4GeS4"``).

    Returns
    -------
    str
        Plotly-compatible HTML.

    Examples
    --------
    >>> formula_html("Li7P3S11")
    'Li<sub>7</sub>P<sub>3</sub>S<sub>11</sub>'
    >>> formula_html("LiTi2(PO4)3 | NMC111")
    'LiTi<sub>2</sub>(PO<sub>4</sub>)<sub>3</sub> | NMC111'

    An element with a charge is an ion (superscript), never a formula, whether the charge
    has a digit or is single (``Br-``, ``Li+``); a sign followed by a letter, a digit or a
    bracket is a bond, a range or an alloy, not a charge (``Li6+xPS5``, ``Li-In``, ``S-S``):

    >>> formula_html("Si4+ on P5+, O2- in Li2S-P2S5")
    'Si<sup>4+</sup> on P<sup>5+</sup>, O<sup>2-</sup> in Li<sub>2</sub>S-P<sub>2</sub>S<sub>5</sub>'
    >>> formula_html("Br- on S (H-), V vs Li/Li+")
    'Br<sup>-</sup> on S (H<sup>-</sup>), V vs Li/Li<sup>+</sup>'

    SMILES are left as written (``[Li+]``: a bracket atom, not text). An elided list such
    as "Se-, Br- and Ge-doped" reads as ions: write "Se-doped, Br-doped".
    """
    text = str(text)
    out, last = [], 0
    for m in _TOKEN.finditer(text):
        if m.start() < last:  # the sign of an ion, already written
            continue
        out.append(html.escape(text[last : m.start()]))
        word = m.group(0)
        after = text[m.end() : m.end() + 1]
        ion = _ION.fullmatch(word) if after in ("+", "-") and _ends_charge(text, m.end()) else None
        if ion and _is_element(ion.group(2)):  # a charge: Si4+ -> Si<sup>4+</sup>, Br- too
            bracket, element, digit = ion.groups()
            out.append(f"{bracket}{element}<sup>{digit}{after}</sup>")
            last = m.end() + 1
            continue
        formula = _is_formula(word) and after not in ("/", "_")
        out.append(_NUMBER.sub(r"<sub>\1</sub>", word) if formula else html.escape(word))
        last = m.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def _ends_charge(text: str, sign: int) -> bool:
    """Whether the + or - at ``text[sign]`` ends a charge: nothing word-like follows it."""
    follows = text[sign + 1 : sign + 2]
    return not (follows.isalnum() or follows in ("(", "[", "_"))


def _is_element(symbol: str) -> bool:
    from pymatgen.core.periodic_table import Element

    return bool(Element.is_valid_symbol(symbol))


def _is_formula(word: str) -> bool:
    from pymatgen.core.periodic_table import Element

    if not word[:1].isupper() and not word.startswith("("):
        return False
    pos, symbols = 0, []
    for m in _PART.finditer(word):
        if m.start() != pos:
            return False
        pos = m.end()
        if m.group(1) not in "()[]":
            symbols.append(m.group(1))
    return (
        pos == len(word)
        and bool(symbols)
        and all(Element.is_valid_symbol(s) for s in symbols)
        and any(c.isdigit() for c in word)
    )


def html_table(rows: list[tuple[str, Any]], *, caption: str = "", note: str = "") -> str:
    """An escaped two-column HTML table; every string is escaped here, once.

    Formulas in the caption and cells are subscripted (:func:`formula_html`, which
    escapes everything else), the note is only escaped.
    """
    body = "".join(
        f"<tr><th style='text-align:left;padding-right:1em'>{formula_html(str(k))}</th>"
        f"<td style='text-align:left'>{formula_html(str(v))}</td></tr>"
        for k, v in rows
    )
    cap = (
        f"<caption style='text-align:left'><b>{formula_html(caption)}</b></caption>"
        if caption
        else ""
    )
    foot = f"<br><small>{html.escape(note)}</small>" if note else ""
    return f"<table class='ssenb-result'>{cap}{body}</table>{foot}"


class Result(MSONable):
    """Base of ssenb's result dataclasses (see the module docstring)."""

    #: name of the field holding the main table (a DataFrame), or None
    _table: ClassVar[str | None] = None

    # --- what a reader sees -----------------------------------------------------------
    def summary(self) -> list[tuple[str, str]]:
        """(label, value text) pairs, most important first; values carry their units."""
        return []

    def summary_frame(self) -> pd.DataFrame:
        """:meth:`summary` as a two-column table (quantity, value), for print or display.

        Why: ``print(result.summary())`` shows a list of tuples; this reads as a table
        (``display(result)`` shows the same rows as HTML with the provenance).
        """
        import pandas as pd

        rows = self.summary()
        frame = pd.DataFrame({"quantity": [k for k, _ in rows], "value": [v for _, v in rows]})
        frame.attrs["title"] = self.title()
        return frame

    def provenance(self) -> str:
        """Which data, correction scheme or model produced the numbers."""
        parts = []
        for name in ("source", "correction_scheme", "model", "data_version"):
            value = getattr(self, name, None)
            if value:
                parts.append(str(value) if name != "correction_scheme" else f"corrections: {value}")
        return "; ".join(parts)

    def title(self) -> str:
        """A one-line heading for the summary table."""
        return type(self).__name__

    def to_frame(self) -> pd.DataFrame:
        """The main table as a new DataFrame (columns named in :mod:`ssenb.keys`)."""
        if self._table is None:
            return self.summary_frame()
        return getattr(self, self._table).copy()

    def _repr_html_(self) -> str:
        return html_table(self.summary(), caption=self.title(), note=self.provenance())

    # --- serialisation ----------------------------------------------------------------
    def as_dict(self) -> dict:
        """JSON-ready dict (MSONable): fields encoded, frames as split records."""
        from . import __version__

        out: dict[str, Any] = {
            "@module": type(self).__module__,
            "@class": type(self).__name__,
            "@version": __version__,
        }
        for f in dataclasses.fields(self):  # type: ignore[arg-type, unused-ignore]  # every subclass is a dataclass
            out[f.name] = _encode(getattr(self, f.name))
        return out

    @classmethod
    def from_dict(cls, d: dict) -> Self:
        """Rebuild a result from :meth:`as_dict` output, which may come from an untrusted file.

        The whole tree is checked (:mod:`ssenb._decode`): unknown or missing fields, wrong
        types and any object not on ssenb's closed allow-list are refused with an
        :class:`~ssenb.errors.InvalidInputError` naming where in the dict they are.
        """
        from ._decode import build_result

        return build_result(cls, d)


def json_default(value: object) -> Any:
    """``json.dumps(default=...)`` for numpy scalars and arrays (e.g. float32 from torch models).

    The one rule every ssenb JSON writer uses (results of potentials, design runs,
    checkpointed relaxations): a numpy number becomes a plain JSON number, an array a list.
    """
    import numpy as np

    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _encode(value: Any) -> Any:
    import numpy as np
    import pandas as pd

    if isinstance(value, pd.DataFrame):
        split = value.to_dict(orient="split")
        return {
            _FRAME: {
                "columns": [str(c) for c in split["columns"]],
                "index": [_encode(i) for i in split["index"]],
                "data": [[_encode(c) for c in row] for row in split["data"]],
            }
        }
    if isinstance(value, pd.Series):
        return {
            _FRAME: {
                "columns": [str(value.name)],
                "index": [_encode(i) for i in value.index],
                "data": [[_encode(v)] for v in value],
                "series": True,
            }
        }
    if isinstance(value, MSONable):
        return value.as_dict()
    if isinstance(value, np.ndarray):
        return [_encode(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dict):
        return {str(k): _encode(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted(_encode(v) for v in value)
    return value
