"""The proposer's measurable goal: dopants of a data set found again from their parent.

OBELiX (and any table of compositions) holds doped variants of parents that are
themselves in it: Li6.4La3Zr1.4Ta0.6O12 next to Li7La3Zr2O12. :func:`mine_dopant_pairs`
finds such (parent, variant, dopant on site) triples by one documented rule;
:func:`dopant_ranks` asks :func:`~ssenb.design.propose_substitutions` for the parent's
ranking; :func:`recall_at_k` is the share of triples whose (site, dopant) the proposer
ranks in its top k.

Mining rule (amounts per formula unit, Li left out because it moves to compensate):

1. The variant has exactly the parent's elements plus one new element D (not Li).
2. For each candidate site S (each parent element, Li last), the variant is scaled so that
   the elements other than Li, D and S sum to the parent's; every one of them must then
   be within ``tolerance`` (10 %) of its parent amount, D at most ``max_share`` (50 %) of
   S's parent amount, and S must have lost at least half of D's amount (for S = Li: Li
   must have fallen).
3. Among the sites (and parents) passing 2, the closest is kept: the L1 distance of the
   other elements plus, for a non-Li site, how far S's loss is from D's amount.

The rule reads compositions only: it also pairs structurally different phases of close
composition (e.g. spinel Li4Ti5O12 with perovskite Li0.5La0.5TiO3), which the recall counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .. import keys as K
from ..errors import InvalidInputError, SsenbError
from ._host import MOBILE
from .propose import RankBy

if TYPE_CHECKING:
    import pandas as pd

PARENT = "parent"
VARIANT = "variant"
DOPANT_AMOUNT = "dopant_per_formula_unit"
N_CHOICES = "n_choices"  # distinct charge-balanced (site, dopant) choices for the parent
SITE_RANK = "rank_site_and_dopant"
DOPANT_RANK = "rank_dopant_any_site"
KS = (5, 10, 20)


def mine_dopant_pairs(
    frame: pd.DataFrame,
    *,
    column: str = K.REDUCED_COMPOSITION,
    tolerance: float = 0.1,
    max_share: float = 0.5,
) -> pd.DataFrame:
    """(parent, variant, dopant, site) rows mined from a table's compositions (module rule).

    Parameters
    ----------
    frame : DataFrame
        A column of compositions (pymatgen Composition or formula text); rows whose
        composition cannot be read are skipped.
    column : str
        That column.
    tolerance, max_share : float
        Rule 4 of the module docstring.

    Returns
    -------
    DataFrame
        parent, variant (reduced formulas), dopant, site, dopant per parent formula unit;
        one row per distinct variant and dopant.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"reduced_composition": ["Li7La3Zr2O12", "Li6.5La3Zr1.5Ta0.5O12"]})
    >>> mine_dopant_pairs(f)[["parent", "dopant", "site"]].values.tolist()
    [['Li7La3Zr2O12', 'Ta', 'Zr']]
    """
    import pandas as pd

    from ..data import to_composition

    if column not in getattr(frame, "columns", ()):
        raise InvalidInputError(
            f"column={column!r} is not in the frame; give the composition column"
        )
    comps: dict[str, dict[str, float]] = {}
    for value in frame[column]:
        try:
            c = to_composition(value, argname=column)
        except SsenbError:
            continue
        comps.setdefault(c.reduced_formula, {el.symbol: float(a) for el, a in c.items()})
    by_set: dict[frozenset[str], list[str]] = {}
    for name, amounts in comps.items():
        by_set.setdefault(frozenset(amounts), []).append(name)
    rows = []
    for name, v in comps.items():
        for dopant in sorted(set(v) - {MOBILE}):
            best = None
            for parent in by_set.get(frozenset(v) - {dopant}, []):
                match = _match(comps[parent], v, dopant, tolerance, max_share)
                if match and (best is None or match[2] < best[2]):
                    best = (parent, *match)
            if best:
                parent, site, x, _ = best
                rows.append(
                    {
                        PARENT: parent,
                        VARIANT: name,
                        K.DOPANT: dopant,
                        K.SITE: site,
                        DOPANT_AMOUNT: x,
                    }
                )
    return pd.DataFrame(rows, columns=[PARENT, VARIANT, K.DOPANT, K.SITE, DOPANT_AMOUNT])


def _match(
    p: dict[str, float], v: dict[str, float], dopant: str, tolerance: float, max_share: float
) -> tuple[str, float, float] | None:
    """(site, dopant amount, distance) when ``v`` is ``p`` with ``dopant`` on one site."""
    if MOBILE not in p:
        return None
    best = None
    for site in [*(e for e in p if e != MOBILE), MOBILE]:
        rest = [e for e in p if e not in (MOBILE, site)]
        if not rest:
            continue
        scale = sum(p[e] for e in rest) / sum(v[e] for e in rest)
        x = v[dopant] * scale
        delta = {e: v[e] * scale - p[e] for e in p}
        if x > max_share * p[site] or any(abs(delta[e]) > tolerance * p[e] for e in rest):
            continue
        if site != MOBILE and -delta[site] < 0.5 * x:  # the site must make room for D
            continue
        if site == MOBILE and delta[MOBILE] >= 0:
            continue
        distance = sum(abs(delta[e]) for e in rest)
        distance += abs(delta[site] + x) if site != MOBILE else 0.0
        if best is None or distance < best[2]:
            best = (site, x, distance)
    return best


def dopant_ranks(
    pairs: pd.DataFrame, *, rank_by: RankBy = "probability_then_radius"
) -> pd.DataFrame:
    """Where the proposer ranks each mined (site, dopant) from its parent.

    Ranks count distinct (site, dopant element) choices in the proposer's order (a
    dopant's several oxidation states take one place, at the best). A parent the proposer
    refuses leaves its pairs unranked, with the reason in ``error``.

    Returns
    -------
    DataFrame
        ``pairs`` plus rank_site_and_dopant, rank_dopant_any_site (1 = first; NaN when
        not proposed), n_choices (distinct charge-balanced (site, dopant) choices of the
        parent) and error.
    """
    import math

    from .propose import propose_substitutions

    out = pairs.copy()
    site_rank, any_rank, errors, n_choices = [], [], [], []
    cache: dict[str, Any] = {}
    for parent, dopant, site in zip(pairs[PARENT], pairs[K.DOPANT], pairs[K.SITE]):
        if parent not in cache:
            try:
                t = propose_substitutions(parent, top=None, rank_by=rank_by).table
                t = t[t[K.CHARGE_BALANCED]]
                choices = list(dict.fromkeys(zip(t[K.SITE], t[K.DOPANT])))
                cache[parent] = (choices, list(dict.fromkeys(t[K.DOPANT])), "")
            except SsenbError as err:
                cache[parent] = ([], [], f"{type(err).__name__}: {err}")
        choices, elements, error = cache[parent]
        site_rank.append(
            choices.index((site, dopant)) + 1 if (site, dopant) in choices else math.nan
        )
        any_rank.append(elements.index(dopant) + 1 if dopant in elements else math.nan)
        errors.append(error)
        n_choices.append(len(choices))
    return out.assign(
        **{SITE_RANK: site_rank, DOPANT_RANK: any_rank, N_CHOICES: n_choices, K.ERROR: errors}
    )


def recall_at_k(ranks: pd.DataFrame, ks: Sequence[int] = KS) -> pd.DataFrame:
    """Share of mined dopant choices ranked in the top k, for each k.

    Parameters
    ----------
    ranks : DataFrame
        From :func:`dopant_ranks`; distinct (parent, dopant, site) triples are counted
        once.
    ks : sequence of int

    Returns
    -------
    DataFrame
        k, n (triples), recall on (site, dopant), recall on the dopant at any site, and
        the recall of a random ranking of the same choices, mean(min(k / n_choices, 1))
        (when ``ranks`` has n_choices; 0 for a parent with none).

    Examples
    --------
    >>> import pandas as pd
    >>> r = pd.DataFrame({"parent": ["A", "A", "B"], "dopant": ["X", "X", "Y"],
    ...                   "site": ["Zr", "Zr", "P"], "rank_site_and_dopant": [3, 3, 12],
    ...                   "rank_dopant_any_site": [2, 2, 12]})
    >>> recall_at_k(r, ks=[5])["recall_site_and_dopant"].tolist()
    [0.5]
    """
    import pandas as pd

    if any(not isinstance(k, int) or k < 1 for k in ks):
        raise InvalidInputError(f"ks={ks!r}; give positive whole numbers")
    unique = ranks.drop_duplicates([PARENT, K.DOPANT, K.SITE])
    n = len(unique)

    def share(column: str, k: int) -> float:
        return float((unique[column] <= k).sum() / n) if n else float("nan")

    rows = [
        {
            "k": k,
            "n_pairs": n,
            "recall_site_and_dopant": share(SITE_RANK, k),
            "recall_dopant_any_site": share(DOPANT_RANK, k),
            "random_site_and_dopant": _random(unique, k),
        }
        for k in ks
    ]
    return pd.DataFrame(rows)


def _random(unique: pd.DataFrame, k: int) -> float:
    if N_CHOICES not in unique or not len(unique):
        return float("nan")
    n = unique[N_CHOICES].astype(float)
    return float((k / n.where(n > 0)).clip(upper=1).fillna(0).mean())
