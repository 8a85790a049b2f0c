"""A self-contained HTML report of one electrolyte's thermodynamics (``ssenb report``).

The page embeds plotly.js once, so it opens offline from disk.
"""

from __future__ import annotations

import datetime as _dt
import html
import math
from pathlib import Path

from . import __version__
from .errors import SsenbError

REPORT_ELECTRODES = ("Li", "LiCoO2")


def build_report(material, *, ion: str = "Li", source=None) -> str:
    """HTML text of the report: hull distance, window and profile, interfaces, phase diagram.

    Parameters
    ----------
    material : str, Composition or Structure
    ion : str
        Mobile ion for the window (voltages vs its metal).
    source : None, "mp2019", "mp", list of entries, or EntrySource
        Hull data (default: offline MP ~2019 snapshot, legacy corrections).
    """
    from .data.materials import display_formula, to_composition
    from .thermo import get_source, interface_reactions, phase_stability, stability_window
    from .viz import hull_diagram, reaction_energy_curve, window_profile

    comp = to_composition(material)
    src = get_source(source)
    stab = phase_stability(comp, source=src)
    win = stability_window(comp, ion=ion, source=src)
    parts = [_head(display_formula(comp)), _summary(comp, stab, win, src)]
    figures = [("Ion profile and stability window", window_profile(win), _window_text(win))]
    for electrode in REPORT_ELECTRODES if ion == "Li" else (ion,):
        try:
            r = interface_reactions(comp, electrode, source=src)
            text = f"Most negative reaction: {r.min_energy:.3f} eV/atom at x = {r.min_ratio:.2f}: {html.escape(r.min_reaction)}"
            figures.append((f"Interface with {electrode}", reaction_energy_curve(r), text))
        except SsenbError as err:
            parts.append(
                f"<h2>Interface with {electrode}</h2><p class=err>Not computed: {html.escape(str(err))}</p>"
            )
    n_el = len(comp.elements)
    if 2 <= n_el <= 4:
        figures.append(
            ("Phase diagram", hull_diagram(sorted(str(e) for e in comp.elements), source=src), "")
        )
    else:
        parts.append(
            f"<h2>Phase diagram</h2><p>Not drawn: {n_el} elements (2 to 4 can be drawn).</p>"
        )
    for i, (title, fig, text) in enumerate(figures):
        fig_html = fig.to_html(full_html=False, include_plotlyjs=(i == 0), default_height="480px")
        parts.insert(2 + i, f"<h2>{html.escape(title)}</h2><p>{text}</p>{fig_html}")
    parts.append(_footer(src))
    return "\n".join(parts) + "\n</body></html>\n"


def write_report(material, path, *, overwrite: bool = False, **kwargs) -> Path:
    """Write :func:`build_report` to an HTML file, never replacing a file by surprise.

    Why: the report is the page a user shares; writing it must not clobber their files
    or leave a half-written page when the analysis fails.

    Parameters
    ----------
    material : str, Composition or Structure
        The electrolyte (see :func:`build_report`).
    path : str or path-like
        HTML file to create. Its folder must exist.
    overwrite : bool
        Replace an existing file (default: refuse).
    **kwargs
        Passed to :func:`build_report` (``ion``, ``source``).

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    InvalidInputError
        The path is a folder, in a missing folder, or an existing file without
        ``overwrite=True``; or the material is not valid. Nothing is written then.

    Examples
    --------
    >>> import tempfile
    >>> out = write_report("LiF", Path(tempfile.mkdtemp()) / "LiF.html")
    >>> out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    True
    """
    from .data._files import check_output_path, write_new_file

    check_output_path(path, overwrite=overwrite)  # fail before minutes of work
    text = build_report(material, **kwargs)
    return write_new_file(
        path, lambda tmp: tmp.write_text(text, encoding="utf-8"), overwrite=overwrite
    )


def _head(formula: str) -> str:
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>ssenb report: {html.escape(formula)}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:980px;margin:2em auto;color:#222}}
table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:4px 10px;text-align:left}}
.err{{color:#a00}} small{{color:#666}}</style></head><body>
<h1>{html.escape(formula)}: solid-electrolyte thermodynamics</h1>"""


def _fmt_v(v: float) -> str:
    return "∞ (no ion to release)" if math.isinf(v) else f"{v:.2f} V"


def _summary(comp, stab, win, src) -> str:
    ehull = (
        "not in the data"
        if math.isnan(stab.e_above_hull)
        else f"{stab.e_above_hull * 1000:.1f} meV/atom"
    )
    decomp = " + ".join(f"{v:.3f} {html.escape(k)}" for k, v in stab.decomposition.items())
    meta = (
        " (metastable: the window is that of its phase equilibrium, Zhu et al. 2015)"
        if win.metastable
        else ""
    )
    rows = [
        ("Composition", html.escape(comp.formula)),
        ("Chemical system", stab.chemsys),
        ("Energy above hull", ehull),
        ("Decomposition (atomic fractions)", decomp),
        (f"Reduction limit (V vs {win.ion}/{win.ion}⁺)", _fmt_v(win.reduction_v)),
        (f"Oxidation limit (V vs {win.ion}/{win.ion}⁺)", _fmt_v(win.oxidation_v) + meta),
        (
            "Reduced to",
            html.escape(" + ".join(win.reduction_products) or f"stable against {win.ion} metal"),
        ),
        ("Oxidized to", html.escape(" + ".join(win.oxidation_products) or "—")),
    ]
    body = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    return f"<table>{body}</table>"


def _window_text(win) -> str:
    return (
        f"Grand-potential method (Zhu, He &amp; Mo, ACS AMI 2015; Richards et al., Chem. Mater. 2016): "
        f"stable between {win.reduction_v:.2f} and {_fmt_v(win.oxidation_v)} vs {win.ion}/{win.ion}⁺ (shaded)."
    )


def _footer(src) -> str:
    stamp = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"<hr><small>ssenb {__version__}; data: {html.escape(src.name)}; energy corrections: "
        f"{html.escape(src.correction_scheme)}; generated {stamp}.</small>"
    )
