"""Where hull energies come from: one small interface over several sources.

A hull is always built from one source, so energies with different correction schemes
(legacy MP, MP2020, a user's own DFT or MLIP) are never mixed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from itertools import combinations
from typing import Any

import numpy as np

from ..data.materials import display_formula
from ..errors import (
    IncompatibleSourcesError,
    InvalidInputError,
    UnknownNameError,
    UnsupportedMaterialError,
)


class EntrySource:
    """Base class: a named set of pymatgen entries with one correction scheme.

    Subclasses implement :meth:`_entries_within` (entries whose elements are a subset of
    ``elements``, including elemental references) and :meth:`elements`.
    """

    name: str = "entries"
    correction_scheme: str = "unspecified"

    def __init__(self) -> None:
        self._pd_cache: dict[Any, Any] = {}

    def elements(self) -> frozenset[str]:
        raise NotImplementedError

    def _entries_within(self, elements: frozenset[str]) -> list:
        raise NotImplementedError

    def entries(self, elements: Iterable[str]) -> list:
        """All entries of the chemical system spanned by ``elements`` (symbols)."""
        els = frozenset(str(e) for e in elements)
        self._check_covered(els)
        return self._entries_within(els)

    def _check_covered(self, elements) -> None:
        missing = set(elements) - self.elements()
        if missing:
            raise UnsupportedMaterialError(
                f"element(s) {', '.join(sorted(missing))} are not covered by the {self.name} data; "
                "use a source that has them (e.g. your own entries via source=[...] or the live "
                "Materials Project via source='mp')"
            )

    def hull_arrays(self, elements: Iterable[str]):
        """(elements, atomic fractions (m, n), energies eV/atom (m,), names) for a fast hull."""
        els = sorted(str(e) for e in elements)
        entries = self.entries(els)
        fractions = [[e.composition.get_atomic_fraction(el) for el in els] for e in entries]
        return (
            els,
            fractions,
            [e.energy_per_atom for e in entries],
            [display_formula(e.composition) for e in entries],
        )

    def fast_hull(self, elements: Iterable[str]):
        """A (cached) :class:`~ssenb.thermo._fasthull.FastHull` of the system (for screening)."""
        from ._fasthull import FastHull

        els = frozenset(str(e) for e in elements)

        def build():
            names_els, fractions, energies, names = self.hull_arrays(els)
            has_compound = any(np.count_nonzero(f) > 1 for f in fractions)
            return has_compound, lambda: FastHull(names_els, fractions, energies, names)

        return self._cached_hull(("fast", els), els, build)

    def phase_diagram(self, elements: Iterable[str]):
        """A (cached) pymatgen ``PhaseDiagram`` of the chemical system of ``elements``."""
        from pymatgen.analysis.phase_diagram import PhaseDiagram

        els = frozenset(str(e) for e in elements)

        def build():
            entries = self.entries(els)
            has_compound = any(len(e.composition.elements) > 1 for e in entries)
            return has_compound, lambda: PhaseDiagram(entries)

        return self._cached_hull(els, els, build)

    def _cached_hull(self, key, els: frozenset[str], build):
        """Build (once) a hull of ``els``; ``build()`` -> (has a compound?, constructor)."""
        if key not in self._pd_cache:
            has_compound, construct = build()
            system = "-".join(sorted(els))
            if len(els) > 1 and not has_compound:
                raise UnsupportedMaterialError(
                    f"the {self.name} data has no compound in the {system} system, "
                    "so its hull is only the elements; supply entries for it with source=[...]"
                )
            try:
                self._pd_cache[key] = construct()
            except ValueError as err:  # e.g. missing terminal entries
                raise UnsupportedMaterialError(
                    f"cannot build a {system} hull from the {self.name} data: {err}"
                ) from err
        return self._pd_cache[key]

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, corrections={self.correction_scheme!r})"


class MPSnapshot(EntrySource):
    """The offline Materials Project ~2019 snapshot (:func:`ssenb.data.load_mp_snapshot`).

    Entries are ``PDEntry(composition, formation_energy * n_atoms)`` with elements at
    0 eV/atom; legacy MP corrections (pre-MP2020).
    """

    def __init__(self) -> None:
        super().__init__()
        from ..data.mp_snapshot import CORRECTION_SCHEME, SNAPSHOT_NAME

        self.name = SNAPSHOT_NAME
        self.correction_scheme = CORRECTION_SCHEME
        self._by_system: dict[frozenset[str], list[tuple[str, float]]] | None = None
        self._parsed: dict[str, dict[str, float]] = {}
        self._names: dict[str, str] = {}
        self._elements: frozenset[str] | None = None

    def _index(self) -> dict[frozenset[str], list[tuple[str, float]]]:
        if self._by_system is None:
            from .. import keys as K
            from ..data import load_mp_snapshot

            mp = load_mp_snapshot()
            index: dict[frozenset[str], list[tuple[str, float]]] = {}
            for formula, chemsys, ef in zip(mp[K.FORMULA], mp[K.CHEMSYS], mp[K.E_FORM]):
                index.setdefault(frozenset(chemsys.split("-")), []).append((formula, float(ef)))
            self._by_system = index
            self._parsed = {f: _parse_simple_formula(f) for f in mp[K.FORMULA]}
            self._names = dict(zip(mp[K.FORMULA], mp[K.REDUCED_FORMULA]))
        return self._by_system

    def hull_arrays(self, elements: Iterable[str]):
        """Arrays for :class:`~ssenb.thermo._fasthull.FastHull` straight from the table."""
        from pymatgen.core import Composition

        els = sorted(str(e) for e in elements)
        self._check_covered(els)
        col = {el: i for i, el in enumerate(els)}
        rows = list(np.eye(len(els)))
        energies = [0.0] * len(els)
        names = [Composition(el).reduced_formula for el in els]  # "O2", as pymatgen names it
        for formula, ef in self._rows_within(els):
            vec = np.zeros(len(els))
            for el, amt in self._parsed[formula].items():
                vec[col[el]] = amt
            rows.append(vec / vec.sum())
            energies.append(ef)
            names.append(self._names[formula])
        return els, np.array(rows), np.array(energies), names

    def _rows_within(self, elements):
        """(formula, eV/atom) of every compound whose elements are a subset of ``elements``."""
        index = self._index()
        symbols = sorted(elements)
        for size in range(2, len(symbols) + 1):
            for system in combinations(symbols, size):
                yield from index.get(frozenset(system), ())

    def elements(self) -> frozenset[str]:
        if self._elements is None:
            self._elements = frozenset().union(*self._index())
        return self._elements

    def _entries_within(self, elements: frozenset[str]) -> list:
        from pymatgen.analysis.phase_diagram import PDEntry
        from pymatgen.core import Composition

        out = [PDEntry(Composition(el), 0.0, name=el) for el in sorted(elements)]
        for formula, ef in self._rows_within(elements):
            comp = Composition(formula)
            out.append(PDEntry(comp, ef * comp.num_atoms, name=display_formula(comp)))
        return out


class UserEntries(EntrySource):
    """The user's own entries (DFT, MLIP...): pymatgen ``PDEntry``/``ComputedEntry`` objects.

    Every element of a system needs an elemental entry on the same energy scale.
    Entries whose energy adjustments come from different correction schemes are refused.
    """

    def __init__(
        self, entries: Sequence, *, name: str = "user entries", correction_scheme: str | None = None
    ) -> None:
        super().__init__()
        from pymatgen.analysis.phase_diagram import PDEntry

        entries = list(entries)
        if not entries:
            raise InvalidInputError(
                "source=[] holds no entries; pass pymatgen PDEntry/ComputedEntry objects"
            )
        bad = [
            e
            for e in entries
            if not isinstance(e, PDEntry) and not hasattr(e, "energy_adjustments")
        ]
        if bad:
            raise InvalidInputError(
                f"source list holds {type(bad[0]).__name__} objects; it needs pymatgen PDEntry or "
                "ComputedEntry objects (to mix ssenb sources, you cannot: pick one source per hull)"
            )
        schemes = {s for s in (_scheme_of(e) for e in entries) if s}
        if len(schemes) > 1:
            raise IncompatibleSourcesError(
                f"entries carry energy adjustments of different correction schemes {sorted(schemes)}; "
                "re-correct them all with one pymatgen Compatibility class before building a hull"
            )
        self._entries = entries
        self.name = name
        self.correction_scheme = correction_scheme or (
            schemes.pop() if schemes else "as given (no corrections found)"
        )

    def elements(self) -> frozenset[str]:
        return frozenset(str(el) for e in self._entries for el in e.composition.elements)

    def _entries_within(self, elements: frozenset[str]) -> list:
        out = [e for e in self._entries if {str(el) for el in e.composition.elements} <= elements]
        have = {str(e.composition.elements[0]) for e in out if e.composition.is_element}
        if not elements <= have:
            raise UnsupportedMaterialError(
                f"{self.name} lack elemental reference entries for {', '.join(sorted(elements - have))}; "
                "add one entry per element on the same energy scale"
            )
        return out


def _scheme_of(entry) -> str | None:
    """A short name of the correction scheme behind an entry's energy adjustments."""
    adjustments = getattr(entry, "energy_adjustments", None) or []
    names = " ".join(getattr(a, "name", "") for a in adjustments)
    if not names.strip():
        return None
    return "MP2020" if "MP2020" in names else "legacy MP or other"


class MPLive(EntrySource):
    """Live Materials Project entries through ``mp-api`` (needs ``MP_API_KEY``).

    Uses today's database with its MP2020 corrections (GGA/GGA+U/r2SCAN mixing as mp-api
    applies them). ``client`` takes an already created ``MPRester``-like object (tests use a
    fake one); without it one is created on first use, which contacts the server.
    """

    def __init__(self, api_key: str | None = None, *, client: Any = None) -> None:
        super().__init__()
        self.name = "Materials Project (live, mp-api)"
        self.correction_scheme = "MP2020 (as served by mp-api)"
        self._api_key = api_key
        self._client = client
        self._cache: dict[frozenset[str], list] = {}

    def _rester(self):
        if self._client is None:
            key = self._api_key or os.environ.get("MP_API_KEY")
            if not key:
                raise InvalidInputError(
                    "source='mp' needs a Materials Project API key: set MP_API_KEY or pass "
                    "MPLive(api_key=...); without one, use the offline snapshot (source=None)"
                )
            try:
                from mp_api.client import MPRester
            except ImportError as err:
                raise InvalidInputError(
                    "source='mp' needs mp-api: pip install 'ssenb[mp]'"
                ) from err
            self._client = MPRester(key)
        return self._client

    def elements(self) -> frozenset[str]:
        from pymatgen.core.periodic_table import Element

        return frozenset(e.symbol for e in Element)

    def _entries_within(self, elements: frozenset[str]) -> list:
        if elements not in self._cache:
            self._cache[elements] = list(self._rester().get_entries_in_chemsys(sorted(elements)))
        return self._cache[elements]


_SNAPSHOT: MPSnapshot | None = None


def get_source(source: Any = None) -> EntrySource:
    """Resolve ``source``: None/"mp2019" (offline snapshot), "mp" (live), an entry list, or a source."""
    global _SNAPSHOT
    if isinstance(source, EntrySource):
        return source
    if source is None or source == "mp2019":
        if _SNAPSHOT is None:
            _SNAPSHOT = MPSnapshot()
        return _SNAPSHOT
    if source == "mp":
        return MPLive()
    if isinstance(source, str):
        raise UnknownNameError(
            f"source={source!r} is unknown; use None or 'mp2019' (offline snapshot), 'mp' (live, "
            "needs MP_API_KEY), a list of pymatgen entries, or an EntrySource"
        )
    if isinstance(source, Iterable):
        items = list(source)
        if any(isinstance(s, EntrySource | str) for s in items):
            raise IncompatibleSourcesError(
                "source lists mix ssenb sources; one hull takes one source (different correction "
                "schemes must not be mixed). Pass one source, or a list of entries of one scheme"
            )
        return UserEntries(items)
    raise InvalidInputError(f"source={source!r} is not a source; see ssenb.thermo.get_source")


_TOKEN = re.compile(r"([A-Z][a-z]?)(\d*\.?\d*)")


def _parse_simple_formula(formula: str) -> dict[str, float]:
    """``"Li3P1S4"`` -> {"Li": 3, "P": 1, "S": 4}: the snapshot's flat formulas only."""
    out: dict[str, float] = {}
    for el, amt in _TOKEN.findall(formula):
        out[el] = out.get(el, 0.0) + (float(amt) if amt else 1.0)
    return out
