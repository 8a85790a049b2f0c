"""Where hull energies come from: one small interface over several sources.

A hull is always built from one source, so energies with different correction schemes
(legacy MP, MP2020, a user's own DFT or MLIP) or of different kinds (formation energies
vs total energies) are never mixed. Every entry point (phase stability, windows,
interface reactions, screening) goes through :meth:`EntrySource.entries`,
:meth:`EntrySource.phase_diagram` or :meth:`EntrySource.fast_hull`, so element symbols
and the hull size are checked here, once, before any hull is built.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import numpy as np

from ..data.materials import display_formula
from ..errors import (
    IncompatibleSourcesError,
    InvalidInputError,
    MissingExtraError,
    UnknownNameError,
    UnsupportedMaterialError,
)

EnergyKind = Literal["formation", "total"]
_Hull = TypeVar("_Hull")
#: Atomic fractions (m entries, n elements) and energies (eV/atom, m) of a fast hull.
HullFractions = np.ndarray | list[list[float]]
HullEnergies = np.ndarray | list[float]

if TYPE_CHECKING:
    from pymatgen.analysis.phase_diagram import PhaseDiagram
    from pymatgen.entries import Entry

    from ..data.mp_snapshot import SnapshotIndex
    from ._fasthull import FastHull

#: Largest chemical system (number of elements) of one convex hull. qhull's cost grows
#: steeply with dimension: on the MP snapshot (Li-O-P-S-Co-Ge-Cl-La-Zr..., a 2-core
#: machine under load) one hull took 0.04 s at 6 elements, 0.2-0.35 s at 7, 2-2.3 s at 8
#: and 17-48 s at 9 (FastHull-pymatgen; ``benchmarks/bench_screening.py --dims``); 15
#: elements would run for many minutes. A material with more elements is refused before
#: any hull is built; an electrolyte-electrode pair counts its joint system.
MAX_HULL_ELEMENTS = 8

#: An elemental entry within this of 0 eV/atom marks formation-energy data (elements at
#: 0 by definition); DFT total energies of elements are eV/atom below 0.
_ZERO_REF = 1e-6
_SYMBOL = re.compile(r"[A-Z][a-z]{0,2}")


def check_elements(elements: Any) -> frozenset[str]:
    """Element symbols of a hull, from a chemsys string (``"Li-P-S"``) or an iterable.

    Raises
    ------
    InvalidInputError
        A malformed chemical system or element symbol (``"li-p-s"``, ``"Li--S"``), or more
        than :data:`MAX_HULL_ELEMENTS` elements.
    """
    from pymatgen.core.periodic_table import Element

    if isinstance(elements, str):
        text = elements
        parts = elements.split("-")
    else:
        parts = [str(getattr(e, "symbol", e)) for e in elements]
        text = "-".join(parts)
    bad = [p for p in parts if not (_SYMBOL.fullmatch(p) and Element.is_valid_symbol(p))]
    if bad or not parts:
        what = "an empty symbol" if "" in bad else f"{bad[0]!r} is not an element symbol"
        raise InvalidInputError(
            f"chemical system {text!r} is malformed: {what}. Write element symbols with a "
            "capital first letter joined by '-', e.g. 'Li-P-S', or pass a list ['Li', 'P', 'S']"
        )
    els = frozenset(parts)
    if len(els) > MAX_HULL_ELEMENTS:
        raise InvalidInputError(
            f"the {'-'.join(sorted(els))} system has {len(els)} elements; hulls are limited to "
            f"MAX_HULL_ELEMENTS = {MAX_HULL_ELEMENTS} elements (a convex hull's cost grows "
            "steeply with dimension: minutes for 15 elements). Screen a simplified composition "
            "(e.g. drop dopants below a few %) or split the question into subsystems"
        )
    return els


class EntrySource:
    """Base class: a named set of pymatgen entries with one correction scheme.

    Subclasses implement :meth:`_entries_within` (entries whose elements are a subset of
    ``elements``, including elemental references) and :meth:`elements`, and say what
    their energies are: ``energy_kind`` is ``"formation"`` (elements at 0 eV/atom) or
    ``"total"`` (DFT total energies), ``correction_scheme`` names the corrections.
    """

    name: str = "entries"
    correction_scheme: str = "unspecified"
    energy_kind: EnergyKind = "total"
    #: True where one material's phase stability and window come from
    #: :meth:`fast_hull` (arrays, no pymatgen analysis import: the snapshot); False where
    #: they come from pymatgen's ``PhaseDiagram`` (your entries, live MP), the reference.
    fast_hull_answers: bool = False

    def __init__(self) -> None:
        self._pd_cache: dict[Any, Any] = {}

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_pd_cache"] = {}  # hulls are rebuilt where they are needed
        return state

    def elements(self) -> frozenset[str]:
        """Element symbols the source has entries for (what it can build hulls of)."""
        raise NotImplementedError

    def _entries_within(self, elements: frozenset[str]) -> list:
        raise NotImplementedError

    @staticmethod
    def _checked(elements: Any) -> frozenset[str]:
        return check_elements(elements)

    def entries(self, elements: Iterable[str]) -> list:
        """All entries of the chemical system spanned by ``elements`` (symbols or "Li-P-S")."""
        els = self._checked(elements)
        self._check_covered(els)
        return self._entries_within(els)

    def _check_covered(self, elements: Iterable[str]) -> None:
        missing = set(elements) - self.elements()
        if missing:
            raise UnsupportedMaterialError(
                f"element(s) {', '.join(sorted(missing))} are not covered by the {self.name} data; "
                "use a source that has them (e.g. your own entries via source=[...] or the live "
                "Materials Project via source='mp')"
            )

    def hull_arrays(
        self, elements: Iterable[str]
    ) -> tuple[list[str], HullFractions, HullEnergies, list[str]]:
        """(elements, atomic fractions (m, n), energies eV/atom (m,), names) for a fast hull."""
        els = sorted(self._checked(elements))
        entries = self.entries(els)
        fractions = [[e.composition.get_atomic_fraction(el) for el in els] for e in entries]
        return (
            els,
            fractions,
            [e.energy_per_atom for e in entries],
            [display_formula(e.composition) for e in entries],
        )

    def fast_hull(self, elements: Iterable[str], *, cache: bool = True) -> FastHull:
        """A :class:`~ssenb.thermo._fasthull.FastHull` of the system (for screening).

        ``cache=False`` builds it without keeping it (a batch over thousands of systems).
        """
        from ._fasthull import FastHull

        els = self._checked(elements)

        def build() -> tuple[bool, Callable[[], FastHull]]:
            names_els, fractions, energies, names = self.hull_arrays(els)
            has_compound = any(np.count_nonzero(f) > 1 for f in fractions)
            return has_compound, lambda: FastHull(names_els, fractions, energies, names)

        return self._cached_hull(("fast", els), els, build, keep=cache)

    def phase_diagram(self, elements: Iterable[str]) -> PhaseDiagram:
        """A (cached) pymatgen ``PhaseDiagram`` of the chemical system of ``elements``."""
        from pymatgen.analysis.phase_diagram import PhaseDiagram

        els = self._checked(elements)

        def build() -> tuple[bool, Callable[[], PhaseDiagram]]:
            entries = self.entries(els)
            has_compound = any(len(e.composition.elements) > 1 for e in entries)
            return has_compound, lambda: PhaseDiagram(entries)

        return self._cached_hull(els, els, build)

    def _cached_hull(
        self,
        key: Hashable,
        els: frozenset[str],
        build: Callable[[], tuple[bool, Callable[[], _Hull]]],
        *,
        keep: bool = True,
    ) -> _Hull:
        """Build (once) a hull of ``els``; ``build()`` -> (has a compound?, constructor)."""
        if key in self._pd_cache:
            cached: _Hull = self._pd_cache[key]
            return cached
        has_compound, construct = build()
        system = "-".join(sorted(els))
        if len(els) > 1 and not has_compound:
            raise UnsupportedMaterialError(
                f"the {self.name} data has no compound in the {system} system, "
                "so its hull is only the elements; supply entries for it with source=[...]"
            )
        try:
            hull = construct()
        except ValueError as err:  # e.g. missing terminal entries
            raise UnsupportedMaterialError(
                f"cannot build a {system} hull from the {self.name} data: {err}"
            ) from err
        if keep:
            self._pd_cache[key] = hull
        return hull

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, corrections={self.correction_scheme!r})"


class MPSnapshot(EntrySource):
    """The offline Materials Project ~2019 snapshot (:func:`ssenb.data.load_mp_snapshot`).

    Entries are ``PDEntry(composition, formation_energy * n_atoms)`` with elements at
    0 eV/atom (``energy_kind = "formation"``); legacy MP corrections (pre-MP2020). They
    are made from the snapshot's parsed element-amount matrix
    (:func:`ssenb.data.mp_snapshot.snapshot_index`, cached on disk), never by re-parsing
    formulas. A pickled MPSnapshot (sent to a worker process) is rebuilt there as the
    worker's own module-level snapshot, so each worker loads the data once.
    """

    energy_kind = "formation"
    fast_hull_answers = True

    def __init__(self) -> None:
        super().__init__()
        from ..data.mp_snapshot import CORRECTION_SCHEME, SNAPSHOT_NAME

        self.name = SNAPSHOT_NAME
        self.correction_scheme = CORRECTION_SCHEME

    def __reduce__(self) -> tuple[Callable[[], EntrySource], tuple[()]]:
        return (get_source, ())

    @staticmethod
    def _idx() -> SnapshotIndex:
        from ..data.mp_snapshot import snapshot_index

        return snapshot_index()

    def elements(self) -> frozenset[str]:
        """Element symbols of the snapshot (every element with an MP entry)."""
        return frozenset(self._idx().elements)

    def _compound_rows(self, els: list[str]) -> tuple[SnapshotIndex, np.ndarray, np.ndarray]:
        """(rows, element amounts (m, n) in ``els`` order) of compounds within ``els``."""
        idx = self._idx()
        rows = idx.rows_within(els)
        return idx, rows, idx.amounts(rows, els)

    def hull_arrays(
        self, elements: Iterable[str]
    ) -> tuple[list[str], HullFractions, HullEnergies, list[str]]:
        """Arrays for :class:`~ssenb.thermo._fasthull.FastHull` straight from the matrix."""
        from ..data.mp_snapshot import element_formula

        els = sorted(self._checked(elements))
        self._check_covered(els)
        idx, rows, amounts = self._compound_rows(els)
        fractions = np.vstack([np.eye(len(els)), amounts / amounts.sum(axis=1, keepdims=True)])
        energies = np.concatenate([np.zeros(len(els)), idx.formation_energy[rows]])
        names = [element_formula(el) for el in els] + idx.reduced_formula[rows].tolist()
        return els, fractions, energies, names

    def _entries_within(self, elements: frozenset[str]) -> list:
        from pymatgen.analysis.phase_diagram import PDEntry
        from pymatgen.core import Composition, Element

        els = sorted(elements)
        species = [Element(el) for el in els]
        out = [PDEntry(Composition({sp: 1}), 0.0, name=str(sp)) for sp in species]
        idx, rows, amounts = self._compound_rows(els)
        names = idx.reduced_formula[rows].tolist()
        for vec, ef, name in zip(amounts, idx.formation_energy[rows].tolist(), names):
            comp = Composition({sp: a for sp, a in zip(species, vec.tolist()) if a})
            out.append(PDEntry(comp, ef * float(vec.sum()), name=name))
        return out


class UserEntries(EntrySource):
    """The user's own entries (DFT, MLIP...): pymatgen ``PDEntry``/``ComputedEntry`` objects.

    Every element of a system needs an elemental entry on the same energy scale.
    Entries whose energy adjustments come from different correction schemes, or that mix
    formation energies (elements at 0 eV/atom) with total energies, are refused with
    :class:`~ssenb.errors.IncompatibleSourcesError`.

    Parameters
    ----------
    entries : sequence of PDEntry or ComputedEntry
    name : str
        Shown in results as the data's name.
    correction_scheme : str, optional
        Name of the corrections; by default read from the entries' energy adjustments.
    energy_kind : {"formation", "total"}, optional
        What the energies are; by default inferred from the elemental entries (all at
        0 eV/atom: formation energies; all below: total energies).
    """

    def __init__(
        self,
        entries: Sequence,
        *,
        name: str = "user entries",
        correction_scheme: str | None = None,
        energy_kind: EnergyKind | None = None,
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
        if energy_kind not in (None, "formation", "total"):
            raise InvalidInputError(
                f"energy_kind={energy_kind!r}; use 'formation' (elements at 0 eV/atom) or 'total'"
            )
        broken = next((e for e in entries if not math.isfinite(e.energy)), None)
        if broken is not None:  # qhull would fail deep inside, or a hull would be nonsense
            raise InvalidInputError(
                f"entry {broken.composition.reduced_formula} has energy {broken.energy} eV; "
                "every entry needs a finite energy: remove it or fix it"
            )
        schemes = {s for s in (_scheme_of(e) for e in entries) if s}
        if len(schemes) > 1:
            raise IncompatibleSourcesError(
                f"entries carry energy adjustments of different correction schemes {sorted(schemes)}; "
                "re-correct them all with one pymatgen Compatibility class before building a hull"
            )
        self._entries = entries
        self.energy_kind = _energy_kind_of(entries, energy_kind)
        alexandria = _is_alexandria(entries)
        self.name = (
            "Alexandria PBE (matterviz demo)" if alexandria and name == "user entries" else name
        )
        if correction_scheme is None and alexandria:
            from ..data.hull_demos import ALEXANDRIA_CORRECTIONS

            correction_scheme = ALEXANDRIA_CORRECTIONS
        self.correction_scheme = correction_scheme or (
            schemes.pop() if schemes else "as given (no corrections found)"
        )

    def elements(self) -> frozenset[str]:
        """Element symbols that occur in the user's entries."""
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


def _energy_kind_of(entries: Sequence[Entry], declared: EnergyKind | None) -> EnergyKind:
    """Formation or total energies, from the elemental entries; a mix is refused.

    Formation-energy data put every element at 0 eV/atom; DFT total energies of elements
    lie eV/atom below 0. One element at both, or some elements at 0 and others not, means
    two kinds of data were concatenated (e.g. ``load_mp2020_entries()`` +
    ``load_alexandria_entries(...)``), whatever their energy adjustments say.
    """
    refs: dict[str, list[float]] = {}
    for e in entries:
        if e.composition.is_element:
            refs.setdefault(str(e.composition.elements[0]), []).append(float(e.energy_per_atom))
    at_zero = {el for el, es in refs.items() if any(abs(x) < _ZERO_REF for x in es)}
    below = {
        el for el, es in refs.items() if any(abs(x) >= _ZERO_REF for x in es) and el not in at_zero
    }
    both = sorted(el for el, es in refs.items() if el in at_zero and min(es) < -0.5)
    mixed = both or (at_zero and below and declared is None)
    if mixed:
        shown = both[0] if both else sorted(below)[0]
        raise IncompatibleSourcesError(
            "entries mix formation energies (elements at 0 eV/atom, e.g. Alexandria or the "
            f"snapshot) with DFT total energies (e.g. {shown} at "
            f"{min(refs[shown]):.3f} eV/atom, as in MP2020 entries); one hull takes one kind "
            "and one correction scheme. Use one source, or give elemental entries on one scale "
            "(and energy_kind= if you are sure)"
        )
    if declared is not None:
        return declared
    return "formation" if at_zero and not below else "total"


def _is_alexandria(entries: Sequence[Entry]) -> bool:
    ids = [str(getattr(e, "entry_id", "") or "") for e in entries if not e.composition.is_element]
    return bool(ids) and all(i.startswith("agm") for i in ids)


def _scheme_of(entry: Entry) -> str | None:
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

    def _rester(self) -> Any:  # mp_api.client.MPRester, an optional dependency
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
                raise MissingExtraError(
                    "source='mp' needs mp-api, which is not installed: pip install 'ssenb[mp]' "
                    "(or use the offline snapshot, source=None)"
                ) from err
            self._client = MPRester(key)
        return self._client

    def elements(self) -> frozenset[str]:
        """Every element (the live Materials Project covers the periodic table)."""
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
