"""A self-contained HTML page of a design run (``ssenb design``): the shortlist and its caveats.

The page shows the ranked candidates with their reasons, the structure and the BVSE Li
pathway of the first few, and what every number rests on (the potential, the hull method
and its benchmark error, the conductivity model, what was not modelled). plotly.js is
embedded once, so the page opens offline.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import os

    from .design import DesignResult

#: candidates drawn with their structure and pathway
N_DRAWN = 3
#: grid spacing (Å) of the drawn landscapes: that of the barriers in the table
BVSE_RESOLUTION = 0.2
#: columns of the shortlist table and their headers (units in brackets)
SHORTLIST_COLUMNS = {
    "pareto_rank": "Pareto rank",
    "candidate": "candidate",
    "formula": "formula",
    "n_atoms": "atoms",
    "e_above_hull_eV_atom": "E_hull (eV/atom)",
    "e_above_hull_uncertainty_eV_atom": "± (eV/atom)",
    "window_width_V": "window (V)",
    "anode_reaction_energy_eV_atom": "with Li (eV/atom)",
    "cathode_reaction_energy_eV_atom": "with cathode (eV/atom)",
    "barrier_3d_eV": "BVSE 3D (eV)",
    "log10_sigma_pred": "log10 σ (S/cm)",
    "log10_sigma_low": "2σ low",
    "log10_sigma_high": "2σ high",
    "band_gap_eV": "gap (eV)",
    "G_VRH_GPa": "G (GPa)",
}


def build_design_report(result: DesignResult, *, n_drawn: int = N_DRAWN) -> str:
    """HTML text of the design report of ``result``.

    Parameters
    ----------
    result : DesignResult
        From :func:`ssenb.design.design` (or :func:`ssenb.design.read_design`).
    n_drawn : int
        How many of the best candidates are drawn (structure and BVSE pathway, a few
        seconds each).

    Returns
    -------
    str
        A whole HTML page.
    """
    from . import __version__
    from .design import DesignResult
    from .errors import InvalidInputError
    from .report import _page_head
    from .results import formula_html

    if not isinstance(result, DesignResult):
        raise InvalidInputError(
            f"result={type(result).__name__}; pass a DesignResult (ssenb.design.design)"
        )
    parts = [
        _page_head(
            f"design {result.host}", f"Doped {formula_html(result.host)}: ranked candidates"
        ),
        result._repr_html_(),
        _caveats(result),
        "<h2>Shortlist</h2>",
        _shortlist_html(result),
    ]
    figures = _drawn(result, n_drawn)
    for i, (title, fig, text) in enumerate(figures):
        parts.append(
            f"<h2>{formula_html(title)}</h2>{text}"
            + fig.to_html(full_html=False, include_plotlyjs=(i == 0), default_height="460px")
        )
    parts.append(_all_rows(result))
    parts.append(
        f"<hr><small>ssenb {html.escape(__version__)}; energies from "
        f"{html.escape(result.potential)}; hull: {html.escape(result.hull_method or '—')}; "
        f"conductivity model: {html.escape(result.model_text())}.</small>"
    )
    return "\n".join(parts) + "\n</body></html>\n"


def write_design_report(
    result: DesignResult,
    path: str | os.PathLike[str],
    *,
    overwrite: bool = False,
    n_drawn: int = N_DRAWN,
) -> Path:
    """Write :func:`build_design_report` to an HTML file, never replacing a file by surprise.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    InvalidInputError
        The path exists (without ``overwrite``), is a folder or is in a missing folder.
    """
    from .batch import check_output_path, write_new_file

    check_output_path(path, overwrite=overwrite)
    text = build_design_report(result, n_drawn=n_drawn)
    return write_new_file(
        path, lambda tmp: tmp.write_text(text, encoding="utf-8"), overwrite=overwrite
    )


def _caveats(result: DesignResult) -> str:
    """What every number rests on, and what was not modelled."""
    from .design.run import NO_MODEL
    from .results import formula_html

    t = result.table
    err = t["e_above_hull_uncertainty_eV_atom"].dropna()
    mae = f"{1000 * err.iloc[0]:.0f} meV/atom" if len(err) else "not known"
    items = [
        f"<b>Energies</b>: {html.escape(result.potential)}, each structure relaxed "
        "(a relaxation that did not converge has no energy and is not ranked).",
        f"<b>Hull</b>: {html.escape(result.hull_method or '—')}; its error, carried on every "
        f"row as the E_hull uncertainty, is {mae} (leave-one-out benchmark against the "
        "snapshot). A candidate within its uncertainty of the hull is <i>possibly</i> "
        "stable, no more.",
        "<b>Window and interfaces</b>: each candidate on the snapshot's hull with only "
        "itself added (one energy scale: the snapshot's formation energies), grand-potential "
        "window (Zhu, He &amp; Mo 2015) and the most negative reaction with Li metal and "
        f"{formula_html(result.cathode)} (Richards et al. 2016).",
        "<b>Transport</b>: BVSE Li barrier of the relaxed cell (softBV parameters), a "
        "ranking aid, not an activation energy.",
        f"<b>Conductivity</b>: {html.escape(result.model)}; predicted from the formula only, "
        "so orderings of one formula share it; the 2σ interval is the calibrated one."
        if result.model != NO_MODEL
        else f"<b>Conductivity model</b>: {html.escape(result.model_text())}.",
        "<b>Li interstitials</b> (a dopant of lower charge than its site) sit at the "
        "host's lowest unoccupied BVSE minima, placed with the dopants by Ewald energy; "
        "the relaxation decides where they end.",
        "<b>Not modelled</b>: temperature, grain boundaries, kinetics of decomposition.",
    ]
    items += [html.escape(n) for n in result.notes]
    return (
        "<h2>What the numbers rest on</h2><ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"
    )


def _shortlist_html(result: DesignResult) -> str:
    from .results import formula_html

    t = result.table
    ranked = t[t["pareto_rank"].notna()]
    cols = [c for c in SHORTLIST_COLUMNS if c in ranked.columns and ranked[c].notna().any()]
    reasons = "".join(
        f"<li><b>{formula_html(str(r['candidate']))}</b>: {formula_html(str(r['reasons']))}</li>"
        for _, r in ranked.head(10).iterrows()
    )
    table = _table_html(ranked[cols].astype({"pareto_rank": int}), SHORTLIST_COLUMNS)
    return f"<div style='overflow-x:auto;font-size:90%'>{table}</div><h3>Why</h3><ul>{reasons}</ul>"


def _table_html(frame: Any, headers: dict[str, str] | None = None) -> str:
    """A table as people read it: numbers rounded, formulas subscripted, all else escaped.

    Numbers are rounded by their column's unit (:func:`ssenb.results.for_people`, so before
    the columns get their ``headers``); every text cell goes through
    :func:`ssenb.results.formula_html` (which escapes what is not a formula) and the headers
    through :func:`html.escape`, so pandas is told not to escape.
    """
    from .results import for_people, formula_html

    shown = for_people(frame)
    for c in shown.columns:
        if shown[c].dtype == object:
            shown[c] = [
                formula_html(v) if isinstance(v, str) else ("" if v is None else v)
                for v in shown[c]
            ]
    shown.columns = [html.escape((headers or {}).get(c, str(c))) for c in shown.columns]
    return str(shown.to_html(index=False, na_rep="", border=0, escape=False))


def _drawn(result: DesignResult, n: int) -> list[tuple[str, Any, str]]:
    """Structure and BVSE pathway of the ``n`` best candidates (and the host)."""
    from .errors import SsenbError
    from .transport import migration_landscape
    from .viz import landscape_pathway_3d, structure_3d

    t = result.table
    if n <= 0:
        return []
    picked = [i for i in t.index if t.loc[i, "candidate"] == "host"][:1]
    picked += [i for i in result.shortlist(n).index][:n]
    out = []
    for i in picked:
        s = result.structures[i]
        if s is None:
            continue
        name = str(t.loc[i, "candidate"])
        out.append((f"{name}: relaxed structure", structure_3d(s), ""))
        try:
            land = migration_landscape(s, "Li", resolution=BVSE_RESOLUTION)
        except SsenbError as err:
            out.append(
                (
                    f"{name}: Li pathway",
                    structure_3d(s),
                    f"<p class=err>{html.escape(str(err))}</p>",
                )
            )
            continue
        out.append((f"{name}: Li pathway (BVSE)", landscape_pathway_3d(land), land._repr_html_()))
    return out


def _all_rows(result: DesignResult) -> str:
    return (
        "<details><summary>Every row (with the ones that failed and why)</summary>"
        "<div style='overflow-x:auto;font-size:80%'>"
        + _table_html(result.table.drop(columns=["input_key"], errors="ignore"))
        + "</div></details>"
    )


__all__ = ["build_design_report", "write_design_report"]
