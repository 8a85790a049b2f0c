"""The one type for a phase assemblage: phase name -> atomic fraction."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from monty.json import MSONable

from ..results import fmt_number

if TYPE_CHECKING:
    from pymatgen.entries import Entry


#: Atomic fractions below this are round-off of the hull solver, not phases: left out of the
#: text (pymatgen keeps amounts above ``PhaseDiagram.numerical_tol`` = 1e-8). The mapping
#: itself keeps every phase.
NEGLIGIBLE_FRACTION = 1e-6


def fraction_text(fraction: float) -> str:
    """An atomic fraction with 3 decimals, or 2 significant digits when it is smaller.

    A phase at 5.6e-5 of the atoms (O2 from a non-neutral CIF composition) reads
    ``0.000056``, never ``0.000``.

    Parameters
    ----------
    fraction : float
        Atomic fraction of a phase (0 to 1).

    Returns
    -------
    str
        ``"0.600"``, ``"0.012"``, ``"0.00012"``.

    Examples
    --------
    >>> fraction_text(0.6), fraction_text(1.247e-4)
    ('0.600', '0.00012')
    """
    text = fmt_number(fraction, digits=3)
    if fraction == 0 or not math.isfinite(fraction) or float(text) != 0.0:
        return text
    digits = 1 - math.floor(math.log10(abs(fraction)))  # 2 significant digits
    return fmt_number(fraction, digits=digits)


class Decomposition(Mapping[str, float], MSONable):
    """Phases a composition decomposes into, as atomic fractions summing to 1.

    A read-only mapping ``{"Li2S": 0.6, "P": 0.4}``, largest fraction first, with phase
    names written by :func:`ssenb.data.display_formula`. It prints as
    ``0.600 Li2S + 0.400 P``, the same in a result, a screening table, a CSV, a widget
    and the report; a minor phase keeps two significant digits (``0.00012 ZrAl2``, see
    :func:`fraction_text`), and fractions under ``NEGLIGIBLE_FRACTION`` (hull round-off)
    are left out of the text.

    Examples
    --------
    >>> d = Decomposition({"P": 0.4, "Li2S": 0.6})
    >>> str(d)
    '0.600 Li2S + 0.400 P'
    >>> list(d)
    ['Li2S', 'P']
    """

    def __init__(self, fractions: Mapping[str, float] | None = None) -> None:
        merged: dict[str, float] = {}
        for name, frac in (fractions or {}).items():
            merged[str(name)] = merged.get(str(name), 0.0) + float(frac)
        self._fractions = dict(sorted(merged.items(), key=lambda kv: (-kv[1], kv[0])))

    @classmethod
    def from_pymatgen(cls, decomp: Mapping[Entry, float]) -> Decomposition:
        """From pymatgen's ``{entry: amount}`` (``PhaseDiagram.get_decomposition``)."""
        from ..data.materials import display_formula

        return cls({display_formula(e.composition): float(a) for e, a in decomp.items()})

    def __getitem__(self, name: str) -> float:
        return self._fractions[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._fractions)

    def __len__(self) -> int:
        return len(self._fractions)

    def __str__(self) -> str:
        return " + ".join(
            f"{fraction_text(v)} {k}"
            for k, v in self._fractions.items()
            if abs(v) >= NEGLIGIBLE_FRACTION
        )

    def __repr__(self) -> str:
        return f"Decomposition({self._fractions!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Mapping) and dict(self.items()) == dict(other.items())

    def __hash__(self) -> int:
        return hash(tuple(self._fractions.items()))

    @property
    def phases(self) -> list[str]:
        """Phase names, largest fraction first."""
        return list(self._fractions)

    def as_dict(self) -> dict:
        """MSONable form: ``{"fractions": {phase: atomic fraction}}`` plus class tags."""
        return {
            "@module": type(self).__module__,
            "@class": type(self).__name__,
            "fractions": dict(self._fractions),
        }

    @classmethod
    def from_dict(cls, d: dict) -> Decomposition:
        """Rebuild from :meth:`as_dict` output."""
        return cls(d.get("fractions", {}))


__all__ = ["NEGLIGIBLE_FRACTION", "Decomposition", "fraction_text"]
