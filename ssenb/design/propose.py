"""Ranked, charge-balanced substitution candidates for a Li host.

Every (site, dopant species) pair is scored by the data-mined substitution probability of
Hautier et al. (Inorg. Chem. 2011, 50, 656; doi:10.1021/ic102031h; pymatgen's
``SubstitutionProbability`` and its ``lambda.json``): P(dopant | site species), the
conditional probability that an ICSD structure with the site species has an analogue with
the dopant. Candidates whose Shannon ionic radius (pymatgen, same coordination as the
site where the host is a structure) differs from the site's by more than
:data:`RADIUS_TOLERANCE` (the 15 % of Goldschmidt's and Hume-Rothery's solid-solution
rules) rank after those within it. An aliovalent dopant is compensated by the mobile ion:
Ta⁵⁺ on Zr⁴⁺ in Li7La3Zr2O12 gives Li7−xLa3Zr2−xTaxO12, one Li vacancy per Ta; Ge⁴⁺ on P⁵⁺
in Li3PS4 one Li interstitial per Ge. Fractions of the site come from a grid and are
kept only where a cell within ``max_atoms`` realises them with Li left to remove. A dopant
state that breaks the host's electronegativity order (SMACT's Pauling test: Cl⁷⁺ in a
sulfide) or has the wrong sign for the site is not proposed.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .. import keys as K
from ..errors import InvalidInputError
from ..results import Result
from ._host import MOBILE, Host, charge_label, describe_host, max_cells

if TYPE_CHECKING:
    import pandas as pd

#: fractions of the substituted site tried: 1/16, 1/8, 1/4, 1/2
FRACTION_GRID = (0.0625, 0.125, 0.25, 0.5)
#: largest cell (atoms) a fraction may need (the bound of :func:`ssenb.mlip.substitute`)
MAX_CELL_ATOMS = 64
#: relative ionic-radius mismatch beyond which a dopant ranks after those within (15 %)
RADIUS_TOLERANCE = 0.15
RankBy = Literal["probability_then_radius", "probability"]
RANK_BY: tuple[str, ...] = ("probability_then_radius", "probability")
SOURCE = (
    "substitution probabilities: pymatgen lambda table (Hautier et al. 2011, "
    "doi:10.1021/ic102031h); ionic radii: Shannon 1976 (pymatgen)"
)
_ROMAN = {i: r for i, r in enumerate(
    "I II III IV V VI VII VIII IX X XI XII XIII XIV".split(), start=1)}  # fmt: skip


@dataclass(frozen=True, eq=False)
class SubstitutionCandidates(Result):
    """Dopants for a host, ranked by data-mined probability, with charge compensation.

    Attributes
    ----------
    table : DataFrame
        One row per (site, dopant species), best first: rank, site and its oxidation
        state (e), dopant and its oxidation state (e), substitution probability, site
        coordination, Shannon radii (Å) and their mismatch (%), Li added per dopant (−:
        Li vacancies, +: Li interstitials), compensation in words, the doped formula with
        x dopants per formula unit, the grid fractions of the site a cell within
        ``max_atoms`` realises, charge_balanced and the reasons.
    host : str
        Reduced formula of the host.
    oxidation_states : dict
        The host's formal oxidation state per element (e) and, in ``oxidation_method``,
        where they came from.
    fractions, max_atoms :
        The fraction grid and the cell bound (atoms).
    notes : list of str
        Sites that were not substituted, and why.
    """

    table: pd.DataFrame
    host: str
    oxidation_states: dict[str, float]
    oxidation_method: str
    fractions: list[float]
    max_atoms: int
    notes: list[str] = field(default_factory=list)
    source: str = SOURCE

    _table = "table"

    def title(self) -> str:
        """A one-line heading naming the host."""
        return f"Substitution candidates for {self.host}"

    def summary(self) -> list[tuple[str, str]]:
        """Host, its oxidation states, how many candidates balance, the best three."""
        t = self.table
        ok = t[t[K.CHARGE_BALANCED]] if len(t) else t
        best = ", ".join(
            f"{r[K.DOPANT]}{charge_label(r[K.DOPANT_OXIDATION_STATE])} on {r[K.SITE]} "
            f"(P = {r[K.SUBSTITUTION_PROBABILITY]:.3g}, {r[K.COMPENSATION]})"
            for _, r in ok.head(3).iterrows()
        )
        return [
            ("host", self.host),
            (
                "oxidation states",
                ", ".join(f"{e}{charge_label(q)}" for e, q in self.oxidation_states.items()),
            ),
            ("charge-balanced candidates", f"{len(ok)} of {len(t)}"),
            ("best", best or "none"),
            ("site fractions tried", ", ".join(f"{f:g}" for f in self.fractions)),
            ("cell bound", f"{self.max_atoms} atoms"),
        ]


def propose_substitutions(
    host: Any,
    *,
    dopants: Iterable[str] | None = None,
    sites: Iterable[str] | None = None,
    fractions: Sequence[float] | None = None,
    max_atoms: int = MAX_CELL_ATOMS,
    top: int | None = 20,
    min_probability: float = 0.0,
    rank_by: RankBy = "probability_then_radius",
) -> SubstitutionCandidates:
    """Propose dopants for a Li host: which element, on which site, compensated how.

    Parameters
    ----------
    host : Structure, str or path
        An ordered pymatgen Structure, a CIF path, or a formula (``"Li7La3Zr2O12"``; no
        coordination then, and fractions count formula units).
    dopants : iterable of str, optional
        Only these elements (default: every species of the probability table except the
        host's own elements, noble gases, H and radioactive elements).
    sites : iterable of str, optional
        Host elements to substitute (default: all, Li included).
    fractions : sequence of float, optional
        Fractions of a site to realise (default :data:`FRACTION_GRID`); a fraction that no
        cell within ``max_atoms`` realises on any site is refused.
    max_atoms : int
        Largest cell (atoms) a fraction may need.
    top : int or None
        Rows kept (None: all).
    min_probability : float
        Drop pairs below this substitution probability.
    rank_by : {"probability_then_radius", "probability"}
        Charge-balanced candidates first, then (default) those within
        :data:`RADIUS_TOLERANCE` of the site's radius, each by probability; or by
        probability alone.

    Returns
    -------
    SubstitutionCandidates

    Raises
    ------
    UnsupportedMaterialError
        A host without Li, a disordered structure, or one without oxidation states.
    InvalidInputError
        A bad argument, or a fraction no cell within the bound realises.

    Examples
    --------
    >>> c = propose_substitutions("Li7La3Zr2O12", dopants=["Ta"], sites=["Zr"])
    >>> row = c.table.iloc[0]
    >>> row["doped_formula"], row["compensation"]
    ('Li7-xLa3Zr2-xTaxO12', '1 Li vacancy per dopant')
    """
    import pandas as pd

    if rank_by not in RANK_BY:
        raise InvalidInputError(f"rank_by={rank_by!r}; choose one of {RANK_BY}")
    h = describe_host(host)
    grid = _check_fractions(fractions)
    if not isinstance(max_atoms, int) or isinstance(max_atoms, bool) or max_atoms < 1:
        raise InvalidInputError(f"max_atoms={max_atoms!r}; use a positive whole number of atoms")
    if top is not None and (not isinstance(top, int) or top < 1):
        raise InvalidInputError(f"top={top!r}; use a positive whole number or None")
    site_list = _check_sites(h, sites)
    wanted = _check_dopants(dopants)
    notes: list[str] = []
    rows: list[dict[str, Any]] = []
    for site in site_list:
        note = _site_note(h, site)
        if note:
            notes.append(note)
            continue
        rows += _site_rows(h, site, wanted, grid, max_atoms)
    if fractions is not None:
        _check_realised(h, site_list, grid, max_atoms)
    columns = [K.RANK, K.SITE, K.SITE_OXIDATION_STATE, K.DOPANT, K.DOPANT_OXIDATION_STATE,
               K.SUBSTITUTION_PROBABILITY, K.COORDINATION, K.SITE_RADIUS, K.DOPANT_RADIUS,
               K.RADIUS_MISMATCH, K.LI_PER_DOPANT, K.COMPENSATION, K.DOPED_FORMULA,
               K.SITE_FRACTIONS, K.MIN_CELL_ATOMS, K.CHARGE_BALANCED, K.REASONS]  # fmt: skip
    table = pd.DataFrame(rows, columns=columns[1:])
    table = table[table[K.SUBSTITUTION_PROBABILITY] >= min_probability]
    # a dopant state without a Shannon radius is not vouched for by the size rule: it ranks
    # with those outside the tolerance (its reasons say the radius is unknown)
    within = table[K.RADIUS_MISMATCH].abs() <= 100 * RADIUS_TOLERANCE
    if rank_by == "probability":
        within = within | True
    table = (
        table.assign(_ok=table[K.CHARGE_BALANCED], _within=within)
        .sort_values(
            ["_ok", "_within", K.SUBSTITUTION_PROBABILITY, K.DOPANT],
            ascending=[False, False, False, True],
            kind="stable",
        )
        .drop(columns=["_ok", "_within"])
        .reset_index(drop=True)
    )
    table.insert(0, K.RANK, range(1, len(table) + 1))
    if top is not None:
        table = table.head(top)
    return SubstitutionCandidates(
        table=table,
        host=h.formula,
        oxidation_states=dict(h.charges),
        oxidation_method=h.method,
        fractions=list(grid),
        max_atoms=max_atoms,
        notes=notes,
    )


def _check_fractions(fractions: Sequence[float] | None) -> tuple[float, ...]:
    if fractions is None:
        return FRACTION_GRID
    try:  # True is not a fraction (float(True) would pass as 1.0)
        grid = () if any(isinstance(f, bool) for f in fractions) else tuple(map(float, fractions))
    except (TypeError, ValueError):
        grid = ()
    if not grid or not all(0 < f <= 1 for f in grid):
        raise InvalidInputError(
            f"fractions={fractions!r}; give fractions of a site in (0, 1], e.g. {FRACTION_GRID}"
        )
    return tuple(sorted(set(grid)))


def _check_sites(h: Host, sites: Iterable[str] | None) -> list[str]:
    present = list(h.amounts)
    if sites is None:
        return present
    chosen = [sites] if isinstance(sites, str) else list(sites)
    bad = [s for s in chosen if s not in present]
    if bad or not chosen:
        raise InvalidInputError(
            f"sites={sites!r}: {bad or 'none'} not in host {h.formula}; choose from {present}"
        )
    return [str(s) for s in chosen]


def _check_dopants(dopants: Iterable[str] | None) -> set[str] | None:
    from pymatgen.core import Element

    if dopants is None:
        return None
    chosen = [dopants] if isinstance(dopants, str) else list(dopants)
    bad = [d for d in chosen if not (isinstance(d, str) and Element.is_valid_symbol(d))]
    if bad or not chosen:
        raise InvalidInputError(f"dopants={dopants!r}: {bad or 'none'} are not element symbols")
    return set(chosen)


def _site_note(h: Host, site: str) -> str:
    if site in h.mixed:
        return f"{site}: mixed valence in the host ({h.charges[site]:+.2f} on average); not substituted"
    if h.charges[site] == 0:
        return f"{site}: no formal charge in the host; not substituted"
    return ""


@functools.cache
def _lambda_table() -> tuple[dict[str, int], Any]:
    """Species index and conditional probabilities P(row | column) of pymatgen's lambda table.

    The same numbers as ``SubstitutionProbability().cond_prob`` (alpha = -5 for pairs never
    observed), computed once with numpy: pymatgen rebuilds its table on every call.
    """
    import inspect
    import json

    import numpy as np
    from pymatgen.analysis.structure_prediction.substitution_probability import (
        SubstitutionProbability,
    )
    from pymatgen.core import Species

    path = Path(inspect.getfile(SubstitutionProbability)).parent / "data" / "lambda.json"
    rows = [r for r in json.loads(path.read_text()) if "D1+" not in r]
    names = sorted({str(Species.from_str(r[i])) for r in rows for i in (0, 1)})
    index = {n: i for i, n in enumerate(names)}
    lam = np.full((len(names), len(names)), -5.0)
    for a, b, value in rows:
        i, j = index[str(Species.from_str(a))], index[str(Species.from_str(b))]
        lam[i, j] = lam[j, i] = float(value)
    weight = np.exp(lam)
    return index, weight / weight.sum(axis=0, keepdims=True)


def _table_species(wanted: set[str] | None, host: Host) -> list[Any]:
    from pymatgen.core import Species

    out = []
    for sp in map(Species.from_str, _lambda_table()[0]):
        el = sp.element
        if wanted is not None:
            keep = el.symbol in wanted
        else:
            keep = not (el.is_noble_gas or el.is_radioactive or el.symbol == "H")
            keep = keep and el.symbol not in host.amounts
        if keep and el.symbol != MOBILE:
            out.append(sp)
    return sorted(out, key=str)


def _site_rows(
    h: Host, site: str, wanted: set[str] | None, grid: tuple[float, ...], max_atoms: int
) -> list[dict[str, Any]]:
    from pymatgen.core import Species

    index, cond = _lambda_table()
    q_site = h.charges[site]
    site_sp = Species(site, round(q_site))
    known = str(site_sp) in index
    cn = h.coordination.get(site)
    rows = []
    candidates = _table_species(wanted, h)
    seen = {sp.symbol for sp in candidates}
    for missing in sorted((wanted or set()) - seen - {site}):
        rows.append(
            _refused(
                site, q_site, missing, "not in the substitution table with any oxidation state"
            )
        )
    for sp in candidates:
        q = float(sp.oxi_state)
        if sp.symbol == site:
            continue
        if (q > 0) != (q_site > 0):
            if wanted is not None:
                rows.append(
                    _refused(
                        site,
                        q_site,
                        sp.symbol,
                        f"{sp} cannot sit on a {site}{charge_label(q_site)} site (opposite charge)",
                        q,
                    )
                )
            continue
        clash = _pauling_clash(h, sp.symbol, q)
        if clash:
            if wanted is not None:
                rows.append(_refused(site, q_site, sp.symbol, clash, q))
            continue
        prob = float(cond[index[str(sp)], index[str(site_sp)]]) if known else math.nan
        li = 0.0 - (q if site == MOBILE else q - q_site)  # Li per dopant keeping the cell neutral
        balanced, fr, atoms, why = _realised(h, site, li, grid, max_atoms)
        r_site, r_dop, cn_used = _radius_pair(site_sp, sp, cn)
        mismatch = 100 * (r_dop - r_site) / r_site if r_site and r_dop else math.nan
        reasons = [
            f"P({sp} | {site_sp}) = {prob:.3g} (data-mined)"
            if known
            else f"{site_sp} is not in the table"
        ]
        if not math.isnan(mismatch):
            at = f" at CN {cn_used}" if cn_used else " (mean radii: no common coordination)"
            reasons.append(f"radius {r_dop:.2f} Å vs {r_site:.2f} Å{at} ({mismatch:+.0f} %)")
        else:
            reasons.append(
                f"no ionic radius for {sp} or {site_sp}: the size rule cannot vouch for it, "
                "ranked with dopants outside it"
            )
        reasons.append(_compensation(li, site))
        if why:
            reasons.append(why)
        rows.append({
            K.SITE: site, K.SITE_OXIDATION_STATE: q_site, K.DOPANT: sp.symbol,
            K.DOPANT_OXIDATION_STATE: q, K.SUBSTITUTION_PROBABILITY: prob,
            K.COORDINATION: float(cn) if cn else math.nan, K.SITE_RADIUS: r_site or math.nan,
            K.DOPANT_RADIUS: r_dop or math.nan, K.RADIUS_MISMATCH: mismatch,
            K.LI_PER_DOPANT: li, K.COMPENSATION: _compensation(li, site),
            K.DOPED_FORMULA: _formula(h, site, sp.symbol, li), K.SITE_FRACTIONS: fr,
            K.MIN_CELL_ATOMS: atoms, K.CHARGE_BALANCED: balanced, K.REASONS: "; ".join(reasons),
        })  # fmt: skip
    return rows


def _pauling_clash(h: Host, dopant: str, q: float) -> str:
    """Why a dopant state breaks the electronegativity order of the host, or "".

    SMACT's Pauling test (Davies et al., Chem 2016): a cation must be less
    electronegative than every anion, an anion more than every cation.
    """
    from pymatgen.core import Element

    chi = Element(dopant).X
    if not chi == chi:  # NaN: no Pauling electronegativity (noble gases)
        return f"{dopant} has no Pauling electronegativity"
    if q > 0:
        anions = {e: Element(e).X for e, c in h.charges.items() if c < 0}
        worse = [e for e, x in anions.items() if chi >= x]
        what = "as a cation it would be at least as electronegative as the anion"
    else:
        cations = {e: Element(e).X for e, c in h.charges.items() if c > 0}
        worse = [e for e, x in cations.items() if chi <= x]
        what = "as an anion it would be at most as electronegative as the cation"
    return (
        f"{dopant}{charge_label(q)}: {what} {', '.join(sorted(worse))} (Pauling test)"
        if worse
        else ""
    )


def _refused(
    site: str, q_site: float, dopant: str, why: str, q: float = math.nan
) -> dict[str, Any]:
    return {K.SITE: site, K.SITE_OXIDATION_STATE: q_site, K.DOPANT: dopant,
            K.DOPANT_OXIDATION_STATE: q, K.SUBSTITUTION_PROBABILITY: 0.0,
            K.LI_PER_DOPANT: math.nan, K.COMPENSATION: "none possible", K.DOPED_FORMULA: "",
            K.SITE_FRACTIONS: "", K.MIN_CELL_ATOMS: 0, K.CHARGE_BALANCED: False,
            K.REASONS: f"cannot be charge-balanced: {why}"}  # fmt: skip


def _radius_pair(
    site_sp: Any, dopant_sp: Any, cn: int | None
) -> tuple[float | None, float | None, int | None]:
    """Shannon radii (Å) of the site and the dopant species at one and the same coordination.

    The site's own coordination where both are tabulated there, else the nearest one
    tabulated for both (Sb⁵⁺ has only CN 6: Ge⁴⁺ on Sb⁵⁺ in a tetrahedral site is compared at
    CN 6), else both at pymatgen's mean radius (coordination ``None``). Radii at two
    different coordinations are never compared.
    """
    wanted = cn if cn in _ROMAN else 6
    for c in sorted(_ROMAN, key=lambda c: (abs(c - wanted), c)):
        r_site, r_dop = _shannon(site_sp, c), _shannon(dopant_sp, c)
        if r_site is not None and r_dop is not None:
            return r_site, r_dop, c
    return _radius(site_sp), _radius(dopant_sp), None


def _shannon(sp: Any, cn: int) -> float | None:
    """Shannon ionic radius (Å) of a species at a coordination number, None if untabulated."""
    import warnings

    for spin in ("", "High Spin"):
        try:
            with warnings.catch_warnings():  # "only one spin state tabulated": that one is meant
                warnings.simplefilter("ignore")
                return float(sp.get_shannon_radius(_ROMAN[cn], spin=spin))
        except (KeyError, ValueError, TypeError):
            continue
    return None


def _radius(sp: Any) -> float | None:
    """Mean ionic radius (Å) of a species from pymatgen, None where it has none."""
    import warnings

    try:
        with warnings.catch_warnings():  # pymatgen warns for each species it has no radius of
            warnings.simplefilter("ignore")
            r = sp.ionic_radius
    except (KeyError, ValueError, AttributeError):
        return None
    return float(r) if r is not None else None


def _compensation(li: float, site: str = "") -> str:
    """The compensation in words; ``li`` counts every Li gained (+) or lost (-) per dopant."""
    if site == MOBILE:  # the dopant takes one Li site itself
        extra = -li - 1
        more = f" and {extra:g} Li {'vacancy' if extra == 1 else 'vacancies'}" if extra else ""
        return f"replaces 1 Li{more} per dopant"
    if li == 0:
        return "isovalent: no compensation"
    n = abs(li)
    if li < 0:
        return f"{n:g} Li {'vacancy' if n == 1 else 'vacancies'} per dopant"
    return f"{n:g} Li interstitial{'' if n == 1 else 's'} per dopant"


def _formula(h: Host, site: str, dopant: str, li: float) -> str:
    """``Li7-xLa3Zr2-xTaxO12``: amounts per formula unit with x dopants."""
    parts = []
    for el, n in h.amounts.items():
        coef = (li if el == MOBILE else 0.0) - (1.0 if el == site else 0.0)
        if el == MOBILE and site == MOBILE:
            coef = li  # li already counts the Li the dopant replaces
        parts.append(el + _linear(n, coef))
    parts.insert(list(h.amounts).index(site) + 1, f"{dopant}x")
    return "".join(parts)


def _linear(n: float, coef: float) -> str:
    base = f"{n:g}" if (n != 1 or coef) else ""
    if coef == 0:
        return base
    c = abs(coef)
    return f"{base}{'+' if coef > 0 else '-'}{'' if c == 1 else f'{c:g}'}x"


def _realised(
    h: Host, site: str, li: float, grid: tuple[float, ...], max_atoms: int
) -> tuple[bool, str, int, str]:
    """Balanced at all; grid fractions a cell within ``max_atoms`` realises; smallest cell.

    A candidate is charge-balanced when the host has the Li its compensation removes at
    the smallest grid fraction (any cell size); a fraction is realised when, in addition,
    a cell of at most ``max_atoms`` holds a whole number of dopants.
    """
    n_cell = sum(h.cell_amounts.values())
    n_site, n_li = h.amounts[site], h.amounts.get(MOBILE, 0.0)
    ok, smallest, why = [], 0, []
    for f in grid:
        if n_li + li * f * n_site < -1e-9:
            why.append(f"{f:g} needs more Li than the host has")
            continue
        m = _multiplier(f * h.cell_amounts[site], max_cells(max_atoms, n_cell))
        if m is None:
            why.append(f"{f:g} needs a cell over {max_atoms} atoms")
        else:
            ok.append(f)
            smallest = smallest or m * n_cell
    balanced = n_li + li * min(grid) * n_site >= -1e-9
    text = f"site fractions not realised: {', '.join(why)}" if why else ""
    if not balanced:
        text = f"cannot be charge-balanced: {why[0]}"
    return balanced, ", ".join(f"{f:g}" for f in ok), smallest, text


def _multiplier(dopants_per_cell: float, most: int) -> int | None:
    for m in range(1, most + 1):
        if abs(dopants_per_cell * m - round(dopants_per_cell * m)) < 1e-6:
            return m
    return None


def _check_realised(h: Host, sites: list[str], grid: tuple[float, ...], max_atoms: int) -> None:
    n_cell = sum(h.cell_amounts.values())
    most = max_cells(max_atoms, n_cell)
    for f in grid:
        if all(_multiplier(f * h.cell_amounts[s], most) is None for s in sites):
            raise InvalidInputError(
                f"fraction {f:g} of a site is realised by no cell of {h.formula} within "
                f"max_atoms={max_atoms} (the cell has {n_cell} atoms, sites "
                f"{ {s: h.cell_amounts[s] for s in sites} }); raise max_atoms or choose a fraction "
                f"such as {1 / min(h.cell_amounts[s] for s in sites):g}"
            )
