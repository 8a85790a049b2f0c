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
from typing import TYPE_CHECKING, Any, ClassVar, Self

from monty.json import MSONable

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Result", "fmt_number", "html_table"]

_FRAME = "@frame"


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


def html_table(rows: list[tuple[str, Any]], *, caption: str = "", note: str = "") -> str:
    """An escaped two-column HTML table; every string is escaped here, once."""
    body = "".join(
        f"<tr><th style='text-align:left;padding-right:1em'>{html.escape(str(k))}</th>"
        f"<td style='text-align:left'>{html.escape(str(v))}</td></tr>"
        for k, v in rows
    )
    cap = (
        f"<caption style='text-align:left'><b>{html.escape(caption)}</b></caption>"
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
        import pandas as pd

        if self._table is None:
            return pd.DataFrame(
                {
                    "quantity": [k for k, _ in self.summary()],
                    "value": [v for _, v in self.summary()],
                }
            )
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
